"""The public form's name and contact live in fields of their own (not in the description): the
data migration moves the header lines old cases carry into those fields, in either language."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cxm.voc.models import Case

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cxm.voc.migrations.0005_case_contact_name")


def old_case(world, number, description, *, channel=Case.Channel.WEB, contact=""):
    return Case.objects.create(number=number, kind=Case.Kind.COMPLAINT, channel=channel, org_unit=world.x,
                               subject="배송 지연", description=description, contact=contact,
                               opened_at=timezone.now())


def test_the_migration_moves_a_korean_header_into_the_contact_fields(org_world):
    case = old_case(org_world, "V1", "이름: 홍길동\n연락처: 010-9876-5432\n\n배송이 늦어요.\n둘째 줄")
    migration.move_header_into_fields(apps, None)
    case.refresh_from_db()
    assert (case.contact_name, case.contact) == ("홍길동", "010-9876-5432")
    assert case.description == "배송이 늦어요.\n둘째 줄"


def test_the_migration_reads_an_english_header_without_a_description(org_world):
    case = old_case(org_world, "V2", "Name: Kim\nContact: kim@example.com", contact="kim@example.com")
    migration.move_header_into_fields(apps, None)
    case.refresh_from_db()
    assert (case.contact_name, case.contact, case.description) == ("Kim", "kim@example.com", "")


def test_the_migration_leaves_other_descriptions_alone(org_world):
    agent_typed = old_case(org_world, "V3", "Name: on the receipt\n\nwrong", channel=Case.Channel.CALL_CENTRE)
    plain = old_case(org_world, "V4", "배송이 늦어요. Name: none")
    migration.move_header_into_fields(apps, None)
    for case, text in ((agent_typed, "Name: on the receipt\n\nwrong"), (plain, "배송이 늦어요. Name: none")):
        case.refresh_from_db()
        assert (case.contact_name, case.description) == ("", text)


def test_reversing_the_migration_puts_the_header_back(org_world):
    case = old_case(org_world, "V5", "Name: Kim\nContact: 010-1\n\nThe cart wheel fell off.")
    migration.move_header_into_fields(apps, None)
    migration.put_header_back(apps, None)
    case.refresh_from_db()
    assert case.description == "Name: Kim\nContact: 010-1\n\nThe cart wheel fell off."
