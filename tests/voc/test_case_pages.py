"""The case pages through Django's test client: inbox scope and order, the case page's forms,
CSRF, escaping, quick creation from a customer, and the public form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cxm.voc import services
from cxm.voc.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()
    yield
    cache.clear()


def open_case(world, unit, *, subject="Late delivery", owner=None, due_in=None, kind=Case.Kind.INQUIRY,
              description=""):
    case = services.case_create(user=world.users.admin, kind=kind, channel=Case.Channel.CALL_CENTRE,
                                org_unit=unit, subject=subject, description=description)
    fields = {}
    if due_in is not None:
        fields["due_at"] = timezone.now() + due_in
    if owner is not None:
        fields["owner"] = owner
        fields["status"] = Case.Status.ASSIGNED
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
    return case


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def case_numbers(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


# --- inbox -------------------------------------------------------------------------------------


def test_branch_manager_of_x_sees_only_x_cases_in_the_queue(org_world):
    mine = open_case(org_world, org_world.x, subject="X case")
    other = open_case(org_world, org_world.y, subject="Y case")
    html = signed_in(org_world.users.branch_manager).get(reverse("voc:inbox"), {"view": "queue"}).content.decode()
    assert mine.number in case_numbers(html)
    assert other.number not in case_numbers(html)


def test_my_cases_lists_only_the_cases_i_own(org_world):
    agent = org_world.users.agent
    owned = open_case(org_world, org_world.x, owner=agent)
    unowned = open_case(org_world, org_world.x)
    html = signed_in(agent).get(reverse("voc:inbox")).content.decode()
    assert case_numbers(html) == [owned.number]
    assert unowned.number not in html


def test_overdue_cases_come_first_with_breach_and_warning_marks(org_world):
    agent = org_world.users.agent
    later = open_case(org_world, org_world.x, owner=agent, due_in=timedelta(days=30))
    overdue = open_case(org_world, org_world.x, owner=agent, due_in=timedelta(hours=-2))
    soon = open_case(org_world, org_world.x, owner=agent, due_in=timedelta(minutes=30))
    resp = signed_in(agent).get(reverse("voc:inbox"))
    html = resp.content.decode()
    assert case_numbers(html) == [overdue.number, soon.number, later.number]
    assert f'data-case="{overdue.number}" data-sla="breach"' in html
    assert f'data-case="{soon.number}" data-sla="warning"' in html  # 30 minutes <= 4 business hours
    assert f'data-case="{later.number}" data-sla=""' in html
    assert 'data-testid="sla-breach"' in html


def test_status_filter_narrows_the_inbox(org_world):
    agent = org_world.users.agent
    assigned = open_case(org_world, org_world.x, owner=agent)
    progressing = open_case(org_world, org_world.x, owner=agent)
    Case.objects.filter(pk=progressing.pk).update(status=Case.Status.IN_PROGRESS)
    html = signed_in(agent).get(reverse("voc:inbox"), {"status": "in_progress"}).content.decode()
    assert case_numbers(html) == [progressing.number]
    assert assigned.number not in html


def test_a_long_queue_is_paged_and_its_counts_cover_every_page(org_world):
    overdue = [open_case(org_world, org_world.x, due_in=timedelta(hours=-2)) for _ in range(3)]
    for _ in range(54):
        open_case(org_world, org_world.x, due_in=timedelta(days=30))
    client = signed_in(org_world.users.branch_manager)
    first = client.get(reverse("voc:inbox"), {"view": "queue"}).content.decode()
    assert len(case_numbers(first)) == 50 and case_numbers(first)[:3] == [c.number for c in overdue]
    assert 'data-total="57" data-breaches="3"' in first and 'rel="next"' in first
    second = client.get(reverse("voc:inbox"), {"view": "queue", "page": "2"}).content.decode()
    assert len(case_numbers(second)) == 7 and not set(case_numbers(second)) & set(case_numbers(first))
    assert 'data-breaches="3"' in second  # the whole list's count, not the page's


# --- case page -----------------------------------------------------------------------------------


def test_case_outside_scope_is_404(org_world):
    other = open_case(org_world, org_world.y)
    client = signed_in(org_world.users.branch_manager)
    assert client.get(reverse("voc:detail", args=[other.number])).status_code == 404
    resp = client.post(reverse("voc:detail", args=[other.number]),
                       {"action": "note", "text": "peek"})
    assert resp.status_code == 404
    assert not other.events.filter(kind=CaseEvent.Kind.NOTE).exists()


def test_transition_through_the_page_moves_the_case_and_logs_it(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent)
    resp = client.post(reverse("voc:detail", args=[case.number]),
                       {"action": "transition", "version": case.version, "to": "in_progress"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_status="in_progress").exists()


def test_stale_version_is_refused_and_changes_nothing(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent)
    seen = case.version
    services.case_transition(user=org_world.users.admin, case_id=case.pk, version=seen, to="in_progress")
    resp = client.post(reverse("voc:detail", args=[case.number]),
                       {"action": "transition", "version": seen, "to": "assigned"}, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 409
    assert "changed by someone else" in resp.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.version == seen + 1


def test_closing_an_unresolved_case_is_refused(org_world):
    case = open_case(org_world, org_world.x)
    services.case_transition(user=org_world.users.admin, case_id=case.pk, version=case.version, to="in_progress")
    case.refresh_from_db()
    resp = signed_in(org_world.users.agent).post(reverse("voc:detail", args=[case.number]),
                                                 {"action": "transition", "version": case.version, "to": "closed"})
    assert resp.status_code == 400
    assert 'data-testid="case-error"' in resp.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.closed_at is None


def test_the_page_offers_only_the_allowed_transitions(org_world):
    case = open_case(org_world, org_world.x)
    html = signed_in(org_world.users.agent).get(reverse("voc:detail", args=[case.number])).content.decode()
    block = re.search(r'<select name="to".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', block) == ["assigned", "in_progress"]
    assert re.search(rf'name="version" value="{case.version}"', html)


def test_analyst_reads_a_case_without_work_forms(org_world):
    case = open_case(org_world, org_world.y)
    resp = signed_in(org_world.users.analyst).get(reverse("voc:detail", args=[case.number]))
    html = resp.content.decode()
    assert resp.status_code == 200 and case.number in html
    assert 'data-testid="transition-form"' not in html


def test_assign_to_a_user_who_sees_the_unit(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.branch_manager)
    html = client.get(reverse("voc:detail", args=[case.number])).content.decode()
    owners = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert "agent_x" in owners and "csm_r1" in owners
    assert "analyst" not in owners  # analysts read cases, they do not work them
    resp = client.post(reverse("voc:detail", args=[case.number]),
                       {"action": "assign", "version": case.version, "owner": org_world.users.agent.pk})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.owner == org_world.users.agent and case.status == Case.Status.ASSIGNED


def test_forms_without_csrf_token_are_rejected(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent, enforce_csrf_checks=True)
    url = reverse("voc:detail", args=[case.number])
    for data in ({"action": "note", "text": "hi"},
                 {"action": "transition", "version": case.version, "to": "in_progress"},
                 {"action": "assign", "version": case.version, "owner": org_world.users.agent.pk}):
        assert client.post(url, data).status_code == 403
    assert client.post(reverse("voc:create"), {"kind": "inquiry"}).status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.NEW and not case.events.filter(kind=CaseEvent.Kind.NOTE).exists()


def test_forms_with_csrf_token_are_accepted(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent, enforce_csrf_checks=True)
    url = reverse("voc:detail", args=[case.number])
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(url, {"action": "note", "text": "called back", "csrfmiddlewaretoken": token}).status_code == 302


def test_customer_text_is_escaped_in_subject_description_and_note(org_world):
    case = open_case(org_world, org_world.x, subject=PAYLOAD, description=PAYLOAD, owner=org_world.users.agent)
    services.case_note(user=org_world.users.agent, case_id=case.pk, text=PAYLOAD)
    client = signed_in(org_world.users.agent)
    for html in (client.get(reverse("voc:detail", args=[case.number])).content.decode(),
                 client.get(reverse("voc:inbox")).content.decode()):
        assert "<script>window.pwned" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    detail = client.get(reverse("voc:detail", args=[case.number])).content.decode()
    assert detail.count("&lt;script&gt;window.pwned=1&lt;/script&gt;") >= 3  # subject, description, note


# --- quick creation from the customer page -------------------------------------------------------


def test_customer_page_links_to_a_new_case_for_that_customer(org_world):
    client = signed_in(org_world.users.agent)
    html = client.get(reverse("web:customer_detail", args=["C-X1"])).content.decode()
    assert f'href="{reverse("voc:create")}?customer=C-X1"' in html


def test_create_form_defaults_to_the_customers_home_unit_and_opens_the_case(org_world):
    client = signed_in(org_world.users.agent)
    html = client.get(reverse("voc:create"), {"customer": "C-X1"}).content.decode()
    assert re.search(rf'<option value="{org_world.x.pk}" selected>', html)
    resp = client.post(reverse("voc:create") + "?customer=C-X1",
                       {"kind": "complaint", "channel": "store", "severity": "high", "org_unit": org_world.x.pk,
                        "subject": "Rude staff", "description": "At the till"})
    assert resp.status_code == 302
    case = Case.objects.get(subject="Rude staff")
    assert case.customer == org_world.customers["B01"] and case.org_unit == org_world.x
    assert resp["Location"] == reverse("voc:detail", args=[case.number])


def test_create_for_a_customer_outside_scope_is_404(org_world):
    client = signed_in(org_world.users.agent)
    assert client.get(reverse("voc:create"), {"customer": "C-Y1"}).status_code == 404


def test_create_in_a_unit_outside_scope_is_refused(org_world):
    client = signed_in(org_world.users.agent)
    resp = client.post(reverse("voc:create"), {"kind": "inquiry", "channel": "web", "severity": "low",
                                               "org_unit": org_world.y.pk, "subject": "sneaky"})
    assert resp.status_code == 400
    assert not Case.objects.filter(subject="sneaky").exists()


# --- public form ---------------------------------------------------------------------------------


def public_data(world, **overrides):
    data = {"name": "Hong", "contact": "010-0000-0000", "branch": world.y.pk, "kind": "complaint",
            "subject": "Broken cart", "description": "The cart wheel fell off."}
    data.update(overrides)
    return data


def test_public_form_needs_no_account_and_files_a_web_case(org_world):
    client = Client()
    assert client.get(reverse("voc_public:new")).status_code == 200
    resp = client.post(reverse("voc_public:new"), public_data(org_world))
    assert resp.status_code == 302
    case = Case.objects.get(subject="Broken cart")
    assert (case.channel, case.org_unit, case.customer, case.owner) == ("web", org_world.y, None, None)
    assert (case.contact_name, case.contact) == ("Hong", "010-0000-0000")
    assert case.description == "The cart wheel fell off."  # personal data in fields, not in the text
    assert case.events.filter(kind=CaseEvent.Kind.CREATED, actor=None).exists()
    thanks = client.get(resp["Location"]).content.decode()
    assert case.number in thanks


def test_public_form_offers_only_branches(org_world):
    html = Client().get(reverse("voc_public:new")).content.decode()
    block = re.search(r'<select name="branch".*?</select>', html, re.S).group(0)
    values = set(re.findall(r'<option value="(\d+)"', block))
    assert values == {str(org_world.x.pk), str(org_world.y.pk), str(org_world.z.pk)}


def test_public_thanks_without_a_filed_case_shows_no_number(org_world):
    resp = Client().get(reverse("voc_public:thanks"))
    assert resp.status_code == 302 and resp["Location"] == reverse("voc_public:new")


def test_public_form_is_rate_limited(org_world):
    from cxm.voc import views

    client = Client()
    for i in range(views.RATE_LIMIT):
        assert client.post(reverse("voc_public:new"), public_data(org_world, subject=f"s{i}")).status_code == 302
    resp = client.post(reverse("voc_public:new"), public_data(org_world, subject="one too many"))
    assert resp.status_code == 429
    assert not Case.objects.filter(subject="one too many").exists()


def test_public_form_enforces_csrf(org_world):
    resp = Client(enforce_csrf_checks=True).post(reverse("voc_public:new"), public_data(org_world))
    assert resp.status_code == 403
    assert not Case.objects.exists()
