"""Assignment rules: the most specific matching rule assigns a new case (deepest category, then
deepest unit, then priority); an assignee who cannot see the unit is skipped; all on the timeline."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cxm.org.models import User
from cxm.voc.models import AssignmentRule, Case, CaseCategory, CaseEvent
from cxm.voc.services import case_create
from cxm.voc.services_public import case_create_public

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org_world):
    """Categories delivery -> delivery/late, and product; plus a second agent of branch X."""
    delivery = CaseCategory.objects.create(code="DLV", name_ko="배송", name_en="Delivery")
    late = CaseCategory.objects.create(code="DLV-LATE", name_ko="배송 지연", name_en="Late delivery", parent=delivery)
    product = CaseCategory.objects.create(code="PRD", name_ko="상품", name_en="Product")
    agent2 = User.objects.create_user(username="agent_x2", password=org_world.password, role=User.Role.AGENT)
    agent2.org_units.set([org_world.x])
    return type("Tree", (), {"delivery": delivery, "late": late, "product": product, "agent2": agent2,
                             "world": org_world})


def rule(name, *, assignee=None, queue=None, category=None, unit=None, priority=0, active=True):
    return AssignmentRule.objects.create(name=name, assignee=assignee, queue=queue, category=category,
                                         org_unit=unit, priority=priority, is_active=active)


def new_case(world, *, unit=None, category=None):
    return case_create(user=world.users.admin, kind=Case.Kind.COMPLAINT, channel=Case.Channel.CALL_CENTRE,
                       org_unit=unit or world.x, subject="늦은 배송", category=category)


def test_deepest_category_beats_a_deeper_unit(tree):
    w = tree.world
    rule("late anywhere", assignee=w.users.cs_manager, category=tree.late)
    rule("delivery at X", assignee=w.users.agent, category=tree.delivery, unit=w.x, priority=100)
    case = new_case(w, category=tree.late)
    assert case.owner == w.users.cs_manager and case.status == Case.Status.ASSIGNED


def test_with_equal_category_the_deepest_unit_wins(tree):
    w = tree.world
    rule("delivery in R1", assignee=w.users.cs_manager, category=tree.delivery, unit=w.r1, priority=100)
    rule("delivery at X", assignee=w.users.agent, category=tree.delivery, unit=w.x)
    assert new_case(w, category=tree.late).owner == w.users.agent  # "late" is under "delivery"


def test_with_equal_category_and_unit_the_higher_priority_wins(tree):
    w = tree.world
    rule("low", assignee=w.users.agent, category=tree.delivery, unit=w.x, priority=1)
    rule("high", assignee=tree.agent2, category=tree.delivery, unit=w.x, priority=5)
    assert new_case(w, category=tree.delivery).owner == tree.agent2


def test_a_rule_without_category_is_the_fallback(tree):
    w = tree.world
    rule("catch-all", assignee=w.users.cs_manager)
    rule("product at X", assignee=w.users.agent, category=tree.product, unit=w.x)
    assert new_case(w, category=tree.delivery).owner == w.users.cs_manager
    assert new_case(w, category=tree.product).owner == w.users.agent


def test_rules_of_another_subtree_or_inactive_rules_do_not_match(tree):
    w = tree.world
    rule("delivery at Y", assignee=w.users.admin, category=tree.delivery, unit=w.y)
    rule("product", assignee=w.users.admin, category=tree.product)
    rule("off", assignee=w.users.admin, active=False)
    case = new_case(w, category=tree.late)
    assert case.owner is None and case.status == Case.Status.NEW
    assert not case.events.filter(kind=CaseEvent.Kind.RULE).exists()


def test_an_assignee_who_cannot_see_the_unit_is_skipped_and_the_next_rule_applies(tree):
    w = tree.world
    outsider = User.objects.create_user(username="agent_y", password=w.password, role=User.Role.AGENT)
    outsider.org_units.set([w.y])
    rule("late to an outsider", assignee=outsider, category=tree.late)
    rule("delivery at X", assignee=w.users.agent, category=tree.delivery, unit=w.x)
    case = new_case(w, category=tree.late)
    assert case.owner == w.users.agent
    text = case.events.get(kind=CaseEvent.Kind.RULE).text
    assert "delivery at X" in text and "late to an outsider" in text and "agent_y" in text


def test_the_applied_rule_is_recorded_in_the_timeline(tree):
    w = tree.world
    rule("delivery desk", assignee=w.users.agent, category=tree.delivery)
    case = new_case(w, category=tree.delivery)
    event = case.events.get(kind=CaseEvent.Kind.RULE)
    assert "delivery desk" in event.text and "agent_x" in event.text
    assert (event.from_status, event.to_status) == (Case.Status.NEW, Case.Status.ASSIGNED)


def test_a_queue_rule_leaves_the_case_unowned_in_the_regions_queue(tree):
    w = tree.world
    rule("late to the region", queue=w.r1, category=tree.late)
    case = new_case(w, category=tree.late)
    assert case.owner is None and case.queue == w.r1 and case.status == Case.Status.NEW

    def queue(user):
        html = _client(user).get(reverse("voc:inbox"), {"view": "queue"}).content.decode()
        return re.findall(r'data-case="([^"]+)"', html)

    assert case.number in queue(w.users.cs_manager)  # assigned to R1
    assert case.number not in queue(w.users.agent)  # X's own queue no longer holds it


def test_a_queue_outside_the_cases_branch_line_is_skipped(tree):
    w = tree.world
    rule("to Y's queue", queue=w.y)
    case = new_case(w)
    assert case.queue is None
    assert "to Y's queue" in case.events.get(kind=CaseEvent.Kind.RULE).text


def test_rules_apply_to_cases_from_the_public_form(tree):
    w = tree.world
    rule("web desk", assignee=w.users.agent, unit=w.x)
    case = case_create_public(branch=w.x, kind=Case.Kind.COMPLAINT, subject="카트 고장")
    assert case.owner == w.users.agent


def test_rules_are_editable_in_the_admin(tree):
    admin = tree.world.users.admin
    admin.is_staff = admin.is_superuser = True  # model permissions come with superuser here
    admin.save()
    client = _client(admin)
    resp = client.post("/admin/voc/assignmentrule/add/", {
        "name": "from the admin", "category": tree.delivery.pk, "org_unit": tree.world.x.pk,
        "assignee": tree.world.users.agent.pk, "queue": "", "priority": "3", "is_active": "on"})
    assert resp.status_code == 302
    assert AssignmentRule.objects.get(name="from the admin").priority == 3


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
