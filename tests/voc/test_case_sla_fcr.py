"""SLA warnings and breaches on the inbox and the case page; first-contact resolution set by the
agent when resolving and on quick creation ("resolved during this contact")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cxm.voc import services
from cxm.voc.models import Case, CaseEvent
from cxm.voc.selectors import sla_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def open_case(world, *, due_in=None, owner=None):
    case = services.case_create(user=world.users.admin, kind=Case.Kind.INQUIRY, channel=Case.Channel.WEB,
                                org_unit=world.x, subject="문의")
    fields = {}
    if due_in is not None:
        fields["due_at"] = timezone.now() + due_in
    if owner is not None:
        fields.update(owner=owner, status=Case.Status.ASSIGNED)
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


# --- SLA -------------------------------------------------------------------------------------------


def test_the_case_page_shows_a_breach_and_a_warning(org_world):
    client = signed_in(org_world.users.agent)
    late = open_case(org_world, due_in=timedelta(hours=-1))
    soon = open_case(org_world, due_in=timedelta(minutes=20))
    html = client.get(reverse("voc:detail", args=[late.number])).content.decode()
    assert 'data-testid="case-due" data-sla="breach"' in html
    html = client.get(reverse("voc:detail", args=[soon.number])).content.decode()
    assert 'data-testid="case-due" data-sla="warning"' in html


def test_a_case_resolved_after_its_due_time_stays_a_breach(org_world):
    case = open_case(org_world, due_in=timedelta(hours=-5))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RESOLVED, resolved_at=timezone.now())
    case.refresh_from_db()
    calendar = services.business_calendar()
    assert sla_state(case, now=timezone.now(), calendar=calendar) == "breach"
    Case.objects.filter(pk=case.pk).update(resolved_at=case.due_at - timedelta(minutes=1))
    case.refresh_from_db()
    assert sla_state(case, now=timezone.now(), calendar=calendar) == ""


def test_the_inbox_counts_breaches_and_warnings(org_world):
    agent = org_world.users.agent
    open_case(org_world, due_in=timedelta(hours=-1), owner=agent)
    open_case(org_world, due_in=timedelta(hours=-2), owner=agent)
    open_case(org_world, due_in=timedelta(minutes=10), owner=agent)
    open_case(org_world, due_in=timedelta(days=20), owner=agent)
    html = signed_in(agent).get(reverse("voc:inbox")).content.decode()
    assert 'data-breaches="2" data-warnings="1"' in html
    assert "2 SLA breaches" in html and "1 due soon" in html


# --- first-contact resolution --------------------------------------------------------------------


def resolve_through_the_page(world, case, **extra):
    client = signed_in(world.users.agent)
    services.case_transition(user=world.users.admin, case_id=case.pk, version=case.version, to="in_progress")
    case.refresh_from_db()
    return client.post(reverse("voc:detail", args=[case.number]),
                       {"action": "transition", "version": case.version, "to": "resolved",
                        "resolution": "안내함", **extra})


def test_the_agent_marks_a_first_contact_resolution_when_resolving(org_world):
    case = open_case(org_world)
    assert resolve_through_the_page(org_world, case, first_contact_resolution="on").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.first_contact_resolution is True


def test_without_the_box_a_resolution_is_not_first_contact(org_world):
    case = open_case(org_world)
    assert resolve_through_the_page(org_world, case).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.first_contact_resolution is False


def test_quick_create_resolved_during_this_contact(org_world):
    client = signed_in(org_world.users.agent)
    resp = client.post(reverse("voc:create") + "?customer=C-X1", {
        "kind": "complaint", "channel": "call_centre", "severity": "low", "org_unit": org_world.x.pk,
        "subject": "포인트 누락", "resolved_now": "on", "resolution": "포인트 적립 처리", "root_cause": "procedure"})
    assert resp.status_code == 302
    case = Case.objects.get(subject="포인트 누락")
    assert (case.status, case.first_contact_resolution, case.owner) == ("resolved", True, org_world.users.agent)
    assert case.resolved_at is not None and case.root_cause == "procedure"
    assert list(case.events.values_list("kind", "to_status")) == [(CaseEvent.Kind.CREATED, "new"),
                                                                  (CaseEvent.Kind.TRANSITION, "resolved")]
    page = client.get(reverse("voc:detail", args=[case.number])).content.decode()
    assert '<dd data-testid="case-fcr">Yes</dd>' in page


def test_quick_create_resolved_without_a_resolution_is_refused_and_opens_nothing(org_world):
    client = signed_in(org_world.users.agent)
    resp = client.post(reverse("voc:create"), {
        "kind": "complaint", "channel": "call_centre", "severity": "low", "org_unit": org_world.x.pk,
        "subject": "빈 해결", "resolved_now": "on", "root_cause": "people"})
    assert resp.status_code == 400
    assert "Write the resolution" in resp.content.decode()
    assert not Case.objects.filter(subject="빈 해결").exists()


def test_quick_create_without_the_box_opens_an_ordinary_case(org_world):
    client = signed_in(org_world.users.agent)
    client.post(reverse("voc:create"), {"kind": "inquiry", "channel": "call_centre", "severity": "low",
                                        "org_unit": org_world.x.pk, "subject": "보통", "resolution": "ignored"})
    case = Case.objects.get(subject="보통")
    assert case.status == Case.Status.NEW and not case.first_contact_resolution and case.resolution == ""
