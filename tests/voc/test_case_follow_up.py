"""The follow-up survey of a closed case: a personal link on a follow-up wave, its answer linked
back to the case (page and timeline), and never a new case from it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cxm.core.exceptions import ApplicationError
from cxm.surveys.models import Invitation, Response
from cxm.voc import services
from cxm.voc.closed_loop import closed_loop_case
from cxm.voc.follow_up import QUESTIONNAIRE_CODE, case_follow_up_send
from cxm.voc.models import Case, CaseEvent, CaseFollowUp
from cxm.voc.services_public import case_create_public

pytestmark = pytest.mark.django_db

HAPPY = {"H11": "5", "H12": "5", "H13": "4", "OVR": "5", "REC": "9"}
UNHAPPY = {"H11": "1", "H12": "2", "H13": "1", "OVR": "1", "REC": "0"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def closed_case(world, *, customer=True):
    admin = world.users.admin
    case = services.case_create(user=admin, kind=Case.Kind.COMPLAINT, channel=Case.Channel.CALL_CENTRE,
                                org_unit=world.x, subject="배송 지연",
                                customer=world.customers["B01"] if customer else None)
    for to, extra in (("in_progress", {}), ("resolved", {"resolution": "재배송", "root_cause": "procedure"}),
                      ("closed", {})):
        case = services.case_transition(user=admin, case_id=case.pk, version=case.version, to=to, **extra)
    return case


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_agent_makes_a_personal_follow_up_link_on_the_follow_up_wave(org_world):
    case = closed_case(org_world)
    client = signed_in(org_world.users.agent)
    resp = client.post(reverse("voc:detail", args=[case.number]), {"action": "follow_up"})
    assert resp.status_code == 302
    follow_up = CaseFollowUp.objects.get(case=case)
    invitation = follow_up.invitation
    assert invitation.customer == org_world.customers["B01"] and invitation.sent_at is not None
    assert invitation.link.org_unit == org_world.x
    wave = invitation.link.wave
    assert wave.code == f"CASE-FU-{timezone.localdate():%Y-%m}"
    assert wave.questionnaire.code == QUESTIONNAIRE_CODE
    assert wave.opens_on <= timezone.localdate() <= wave.closes_on
    html = client.get(reverse("voc:detail", args=[case.number])).content.decode()
    assert f"/s/{invitation.token}/" in html
    assert case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP, actor=org_world.users.agent).exists()


def test_a_second_request_while_unanswered_gives_the_same_link(org_world):
    case = closed_case(org_world)
    first = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    second = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    assert first == second and Invitation.objects.count() == 1


def test_no_follow_up_before_the_case_is_closed(org_world):
    case = services.case_create(user=org_world.users.admin, kind=Case.Kind.INQUIRY, channel=Case.Channel.WEB,
                                org_unit=org_world.x, subject="영업시간", customer=org_world.customers["B01"])
    resp = signed_in(org_world.users.agent).post(reverse("voc:detail", args=[case.number]), {"action": "follow_up"})
    assert resp.status_code == 400
    assert "only after the case is closed" in resp.content.decode()
    assert not CaseFollowUp.objects.exists() and not Invitation.objects.exists()


def test_no_follow_up_without_a_customer_or_a_contact(org_world):
    case = closed_case(org_world, customer=False)
    with pytest.raises(ApplicationError):
        case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    assert not Invitation.objects.exists()


def test_a_public_case_with_a_contact_can_be_followed_up(org_world):
    admin = org_world.users.admin
    case = case_create_public(branch=org_world.x, kind=Case.Kind.COMPLAINT, subject="카트", contact="a@b.kr")
    for to, extra in (("in_progress", {}), ("resolved", {"resolution": "수리", "root_cause": "facilities"}),
                      ("closed", {})):
        case = services.case_transition(user=admin, case_id=case.pk, version=case.version, to=to, **extra)
    follow_up = case_follow_up_send(user=admin, case_id=case.pk)
    assert follow_up.invitation.customer is None


def test_out_of_scope_users_cannot_send_a_follow_up(org_world):
    case = closed_case(org_world)
    Case.objects.filter(pk=case.pk).update(org_unit=org_world.y)
    resp = signed_in(org_world.users.agent).post(reverse("voc:detail", args=[case.number]), {"action": "follow_up"})
    assert resp.status_code == 404 and not Invitation.objects.exists()


def test_the_answer_comes_back_to_the_case_and_opens_no_new_case(org_world):
    case = closed_case(org_world)
    follow_up = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    resp = Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/s/{follow_up.invitation.token}/",
                                                  {**UNHAPPY, "comment_H": "또 늦었어요"})
    assert resp.status_code == 302
    response = Response.objects.get()
    assert response.invitation == follow_up.invitation and response.customer == org_world.customers["B01"]
    assert Case.objects.count() == 1  # an unhappy follow-up answer does not open a case
    follow_up.refresh_from_db()
    assert follow_up.answered_at == response.submitted_at
    event = case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP, actor=None).get()
    assert "overall 1 of 5" in event.text and "still unhappy" in event.text and "또 늦었어요" in event.text
    html = signed_in(org_world.users.agent).get(reverse("voc:detail", args=[case.number])).content.decode()
    assert 'data-testid="follow-up-answered"' in html and "또 늦었어요" in html
    # Once: the loop run again on the same answer adds nothing.
    assert closed_loop_case(response) is None
    assert case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP, actor=None).count() == 1


def test_a_happy_follow_up_answer_is_recorded_without_the_unhappy_mark(org_world):
    case = closed_case(org_world)
    follow_up = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/s/{follow_up.invitation.token}/", HAPPY)
    event = case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP, actor=None).get()
    assert "overall 5 of 5" in event.text and "still unhappy" not in event.text


def test_after_an_answer_a_new_link_can_be_made(org_world):
    case = closed_case(org_world)
    first = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    Client().post(f"/s/{first.invitation.token}/", HAPPY)
    second = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    assert second != first and second.invitation.link == first.invitation.link


def test_analysts_see_neither_the_contact_nor_the_personal_link(org_world):
    admin = org_world.users.admin
    case = case_create_public(branch=org_world.x, kind=Case.Kind.COMPLAINT, subject="카트", contact="010-9999-8888")
    for to, extra in (("in_progress", {}), ("resolved", {"resolution": "수리", "root_cause": "facilities"}),
                      ("closed", {})):
        case = services.case_transition(user=admin, case_id=case.pk, version=case.version, to=to, **extra)
    follow_up = case_follow_up_send(user=admin, case_id=case.pk)
    html = signed_in(org_world.users.analyst).get(reverse("voc:detail", args=[case.number])).content.decode()
    assert follow_up.invitation.token not in html
    assert "<dd>010-9999-8888</dd>" not in html
    agent_html = signed_in(org_world.users.agent).get(reverse("voc:detail", args=[case.number])).content.decode()
    assert follow_up.invitation.token in agent_html and "<dd>010-9999-8888</dd>" in agent_html


def test_follow_up_waves_stay_out_of_the_measurement_waves_and_open_links(org_world):
    from cxm.surveys.selectors import open_survey_links, wave_list

    case = closed_case(org_world)
    follow_up = case_follow_up_send(user=org_world.users.agent, case_id=case.pk)
    Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/s/{follow_up.invitation.token}/", HAPPY)
    wave = follow_up.invitation.link.wave
    assert wave.responses.exists()
    assert wave not in wave_list()
    assert follow_up.invitation.link not in open_survey_links()
