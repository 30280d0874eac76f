"""The closed loop: an unhappy survey answer opens one case for the branch, linked to the answer."""

import pytest
from django.core.cache import cache
from django.test import Client

from cxm.surveys.models import Response
from cxm.voc.closed_loop import closed_loop_case
from cxm.voc.models import Case

pytestmark = pytest.mark.django_db

HAPPY = {"A11": "5", "B11": "5", "C11": "5", "OVR": "7", "RET": "5", "REC": "10"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def test_a_detractor_opens_one_case_for_the_branch_linked_to_the_answer(open_survey):
    assert Client().post("/s/invite-token/", {**HAPPY, "REC": "3", "comment_C": "배송이 늦어요"}).status_code == 302
    response = Response.objects.get()
    case = Case.objects.get()
    assert case.survey_response == response and case.org_unit == open_survey.world.x
    assert case.channel == Case.Channel.SURVEY and case.kind == Case.Kind.COMPLAINT
    assert case.customer == open_survey.world.customers["B01"]
    assert "배송이 늦어요" in case.description
    # Exactly once: running the loop again on the same answer opens nothing new.
    assert closed_loop_case(response) == case
    assert Case.objects.count() == 1


def test_a_low_overall_answer_opens_a_case_even_without_a_recommend_answer(open_survey):
    answers = {k: v for k, v in HAPPY.items() if k != "REC"}
    Client().post("/s/link-x-token/", {**answers, "OVR": "2"})  # 2 on 1-7 is 16.7 of 100 < 40
    assert Case.objects.count() == 1


def test_a_happy_answer_opens_nothing(open_survey):
    Client().post("/s/link-x-token/", HAPPY)
    assert Response.objects.count() == 1 and Case.objects.count() == 0


def test_an_anonymous_answer_opens_a_case_for_the_branch_without_a_customer(open_survey):
    open_survey.wave.anonymous = True
    open_survey.wave.save()
    Client().post("/s/invite-token/", {**HAPPY, "REC": "0"})
    case = Case.objects.get()
    assert case.customer is None and case.org_unit == open_survey.world.x
