"""The public survey link: no account, every item on its own scale, one answer per invitation."""

import pytest
from django.core.cache import cache
from django.test import Client

from cxm.surveys import views
from cxm.surveys.models import Response

pytestmark = pytest.mark.django_db

ANSWERS = {"A11": "4", "A12": "5", "A13": "3", "B11": "2", "B12": "3", "B13": "4", "C11": "1", "C12": "2",
           "D11": "3", "E11": "4", "E12": "4", "OVR": "6", "RET": "4", "REC": "9",
           "comment_C": "<script>alert('x')</script> 배송이 늦어요"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def test_the_form_shows_every_item_in_korean_without_an_account(open_survey):
    html = Client().get("/s/link-x-token/").content.decode()
    assert "한결마트 고객만족도 조사" in html and "강남점" in html
    assert "약속한 시간의 배송" in html
    assert 'name="REC" value="10"' in html and 'name="REC" value="0"' in html  # 0-10 scale
    assert 'name="OVR" value="7"' in html and 'name="OVR" value="8"' not in html  # 1-7 scale


def test_the_form_speaks_english_to_an_english_browser(open_survey):
    html = Client().get("/s/link-x-token/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delivered on time" in html and "Send my answers" in html


def test_an_answer_through_the_branch_link_is_stored_for_that_branch_and_anonymous(open_survey):
    response = Client().post("/s/link-x-token/", ANSWERS)
    assert response.status_code == 302 and response["Location"] == "/s/link-x-token/thanks/"
    [stored] = Response.objects.all()
    assert stored.org_unit == open_survey.world.x and stored.customer is None
    assert stored.answers["C11"] == 1 and stored.answers["REC"] == 9 and "C13" not in stored.answers
    assert stored.comments == {"C": "<script>alert('x')</script> 배송이 늦어요"}  # stored as written


def test_an_invitation_admits_exactly_one_answer_and_links_the_customer(open_survey):
    client = Client()
    assert client.post("/s/invite-token/", ANSWERS).status_code == 302
    again = client.post("/s/invite-token/", ANSWERS)
    assert 'data-testid="survey-used"' in again.content.decode()
    assert Response.objects.count() == 1
    assert Response.objects.get().customer == open_survey.world.customers["B01"]
    assert 'data-testid="survey-used"' in client.get("/s/invite-token/").content.decode()


def test_an_anonymous_wave_never_links_the_customer(open_survey):
    open_survey.wave.anonymous = True
    open_survey.wave.save()
    assert Client().post("/s/invite-token/", ANSWERS).status_code == 302
    stored = Response.objects.get()
    assert stored.customer is None and stored.invitation is None


def test_a_closed_wave_takes_no_answers(open_survey):
    open_survey.wave.closes_on = open_survey.wave.opens_on
    open_survey.wave.save()
    response = Client().post("/s/link-x-token/", ANSWERS)
    assert 'data-testid="survey-closed"' in response.content.decode()
    assert Response.objects.count() == 0


def test_an_answer_off_the_scale_is_refused(open_survey):
    response = Client().post("/s/link-x-token/", {**ANSWERS, "OVR": "9"})
    assert response.status_code == 400 and Response.objects.count() == 0


def test_an_unknown_token_is_not_found(open_survey):
    assert Client().get("/s/nope/").status_code == 404


def test_submissions_are_rate_limited_per_network(open_survey, monkeypatch):
    monkeypatch.setattr(views, "RATE_LIMIT", 2)
    client = Client()
    assert [client.post("/s/link-x-token/", ANSWERS).status_code for _ in range(3)] == [302, 302, 429]
    assert Response.objects.count() == 2


def test_the_public_form_needs_csrf(open_survey):
    assert Client(enforce_csrf_checks=True).post("/s/link-x-token/", ANSWERS).status_code == 403


def test_the_service_refuses_a_second_answer_on_the_same_invitation(open_survey):
    from cxm.core.exceptions import ApplicationError
    from cxm.surveys.services_public import response_submit, survey_entry

    entry = survey_entry("invite-token")
    response_submit(entry=entry, answers={"OVR": 5}, comments={}, language="ko")
    with pytest.raises(ApplicationError):
        response_submit(entry=entry, answers={"OVR": 6}, comments={}, language="ko")
    assert Response.objects.count() == 1
