"""Regressions found in the review of the second half of issue 7 (cases): personal data of the
public form kept out of analysts' sight and out of the text mining."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cxm.voc.demo_texts import compose
from cxm.voc.selectors_text import TextScope, text_insights
from cxm.voc.services_public import case_create_public

pytestmark = pytest.mark.django_db

NAME = "홍길동"
PHONE = "010-9876-5432"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _public_case(world, *, language="en", description="배송이 늦어요."):
    with translation.override(language):
        return case_create_public(branch=world.x, kind="complaint", subject="배송 지연", description=description,
                                  name=NAME, contact=PHONE)


def _detail(user, case) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(reverse("voc:detail", args=[case.number]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_analyst_sees_the_public_forms_name_and_contact_masked_in_the_description(org_world, language):
    case = _public_case(org_world, language=language)
    html = _detail(org_world.users.analyst, case)
    assert NAME not in html and PHONE not in html
    assert "홍*동" in html and "배송이 늦어요." in html


def test_case_workers_still_read_the_public_forms_name_and_contact(org_world):
    case = _public_case(org_world)
    html = _detail(org_world.users.cs_manager, case)
    assert NAME in html and PHONE in html


def test_text_mining_never_shows_the_public_forms_name_or_contact(org_world):
    rng = np.random.default_rng(4)
    _subjects, texts = compose(np.asarray(["DELIVERY-LATE"] * 30, dtype=object), rng)
    for i, text in enumerate(texts):
        _public_case(org_world, language="ko" if i % 2 else "en", description=text)
    _subjects, other = compose(np.asarray(["PRICE"] * 30, dtype=object), np.random.default_rng(5))
    for text in other:
        case_create_public(branch=org_world.y, kind="complaint", subject="가격", description=text)
    result = text_insights(TextScope(user=org_world.users.admin, source="cases"))
    assert result["topics"], "topics and their examples are shown"
    dumped = json.dumps(result, ensure_ascii=False, default=str)
    assert NAME not in dumped and PHONE not in dumped and "9876" not in dumped


def _comments(survey, n=30):
    from datetime import datetime, timedelta, timezone as dt_timezone

    from cxm.surveys.models import Response

    _subjects, texts = compose(np.asarray(["DELIVERY-LATE"] * (n // 2) + ["SERVICE"] * (n - n // 2), dtype=object),
                               np.random.default_rng(6))
    when = datetime(2026, 1, 5, 12, tzinfo=dt_timezone(timedelta(hours=9)))
    Response.objects.bulk_create([Response(wave=survey.wave, org_unit=survey.world.x, submitted_at=when,
                                           answers={"OVR": 3}, comments={"C": t}) for t in texts])


def test_the_text_cache_follows_a_comment_edited_in_place(open_survey):
    from cxm.surveys.models import Response

    _comments(open_survey)
    scope = TextScope(user=open_survey.world.users.admin, source="comments", k=2)
    assert text_insights(scope)["cached"] is False
    assert text_insights(scope)["cached"] is True
    response = Response.objects.order_by("id").first()
    response.comments = {"C": "완전히 새로운 의견입니다"}
    response.save()  # an edit on the admin site: same count, same ids
    assert text_insights(scope)["cached"] is False


def test_comments_lose_their_dates_at_once_when_the_wave_is_made_anonymous(open_survey):
    _comments(open_survey)
    scope = TextScope(user=open_survey.world.users.admin, source="comments", k=2)
    examples = [e for t in text_insights(scope)["topics"] for e in t["examples"]]
    assert examples and all(e["date"] for e in examples)
    wave = open_survey.wave
    wave.anonymous = True
    wave.save()
    examples = [e for t in text_insights(scope)["topics"] for e in t["examples"]]
    assert examples and all(e["date"] is None for e in examples)


def test_text_mining_leaves_out_an_anonymous_waves_tiny_branch(open_survey):
    from datetime import datetime, timedelta, timezone as dt_timezone

    from cxm.surveys.models import Response

    _comments(open_survey)  # 30 comments from X (B01)
    when = datetime(2026, 1, 5, 12, tzinfo=dt_timezone(timedelta(hours=9)))
    Response.objects.bulk_create([
        Response(wave=open_survey.wave, org_unit=open_survey.world.z, submitted_at=when, answers={"OVR": 2},
                 comments={"C": f"쿼카매장 직원 태도가 불친절했어요 {i}"}) for i in range(3)])
    scope = TextScope(user=open_survey.world.users.admin, source="comments", k=2)
    assert "쿼카" in json.dumps(text_insights(scope), ensure_ascii=False)  # an identified wave: mined
    wave = open_survey.wave
    wave.anonymous = True
    wave.save()
    result = text_insights(scope)
    assert result["n_comments"] == 30
    assert "쿼카" not in json.dumps(result, ensure_ascii=False)


@pytest.mark.parametrize("action", ["note", "unknown"])
def test_analyst_sees_the_public_forms_name_and_contact_masked_on_a_refused_action(org_world, action):
    # the page drawn again after a refused or unknown action must not read the case afresh unmasked
    case = _public_case(org_world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org_world.users.analyst)
    response = client.post(reverse("voc:detail", args=[case.number]), {"action": action, "text": "hi"})
    html = response.content.decode()
    assert response.status_code in (400, 403) and case.number in html
    assert NAME not in html and PHONE not in html and "홍*동" in html
