"""Text mining of case texts and survey comments: scope, escaping, anonymity, caching, the
satisfaction link; and the planted topics of the demo found from the store."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone as dt_timezone

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cxm.org.models import Period
from cxm.surveys.models import Response
from cxm.voc.demo_texts import compose
from cxm.voc.models import Case
from cxm.voc.selectors_metrics import MetricScope, claim_recurrence
from cxm.voc.selectors_text import TextScope, text_documents, text_insights

pytestmark = pytest.mark.django_db

KST = dt_timezone(timedelta(hours=9))
PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def add_cases(unit, themes, *, prefix, seed=0, suffix="", start=datetime(2025, 2, 1, 10, tzinfo=KST)):
    rng = np.random.default_rng(seed)
    subjects, texts = compose(np.asarray(themes, dtype=object), rng)
    Case.objects.bulk_create([
        Case(number=f"{prefix}{i:04d}", kind=Case.Kind.COMPLAINT, channel=Case.Channel.WEB, org_unit=unit,
             subject=subjects[i][:60], description=f"{texts[i]} {suffix}".strip(),
             opened_at=start + timedelta(days=int(i % 300)))
        for i in range(len(themes))])


@pytest.fixture
def texts(org_world):
    """X: 40 delivery and staff complaints (one with a script payload); Y: 40 price complaints
    with a marker word X's manager must never see."""
    w = org_world
    add_cases(w.x, ["DELIVERY-LATE"] * 25 + ["SERVICE"] * 15, prefix="X", seed=1)
    add_cases(w.y, ["PRICE"] * 40, prefix="Y", seed=2, suffix="Zanzibarish")
    Period.objects.create(code="2025", kind="year", start=YEAR[0], end=YEAR[1], label_ko="2025년", label_en="2025")
    return w


def mine(world, user=None, unit=None, **kw) -> dict:
    return text_insights(TextScope(user=user or world.users.admin, unit_code=unit, start=YEAR[0], end=YEAR[1], **kw))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_keywords_contrast_the_branches_of_a_region(texts):
    result = mine(texts, unit="HQ")  # HQ's children are the regions R1 (X) and R2 (Y)
    groups = {g["code"]: [t["term"] for t in g["terms"]] for g in result["keywords"]["groups"]}
    assert result["keywords"]["method"] == "log-odds"
    assert {"배송", "늦다"} & set(groups["R1"][:5])
    assert {"가격", "비싸다"} & set(groups["R2"][:5])


def test_a_single_branch_contrasts_its_period_with_the_previous_one(texts):
    add_cases(texts.x, ["PRICE"] * 30, prefix="OLD", seed=4, start=datetime(2024, 2, 1, 10, tzinfo=KST))
    result = mine(texts, user=texts.users.branch_manager)  # X only: nothing to contrast across units
    keywords = result["keywords"]
    assert keywords["contrast"] == "periods" and [g["code"] for g in keywords["groups"]] == ["current"]
    top = [t["term"] for t in keywords["groups"][0]["terms"][:5]]
    assert {"배송", "늦다", "직원", "불친절"} & set(top) and "가격" not in top
    assert result["n_docs"] == 40  # the previous year's texts only serve as the contrast


def test_topics_have_labels_sizes_and_examples_from_the_texts(texts):
    result = mine(texts, unit="HQ", k=3)
    topics = result["topics"]
    assert len(topics) == 3 and sum(t["size"] for t in topics) == 80
    assert all(t["label"] and t["examples"] for t in topics)
    assert any("배송" in t["terms"] for t in topics)


def test_branch_manager_never_mines_the_other_branchs_texts(texts):
    result = mine(texts, user=texts.users.branch_manager)
    assert result["n_docs"] == 40
    words = {t["term"] for g in result["keywords"]["groups"] for t in g["terms"]}
    words |= {w for t in result["topics"] for w in t["terms"]}
    assert "zanzibarish" not in words and "가격" not in words
    docs = text_documents(TextScope(user=texts.users.branch_manager, unit_code="B02"))
    assert docs.height == 0


def test_text_page_and_api_keep_the_other_branchs_texts_from_its_manager(texts):
    client = signed_in(texts.users.branch_manager)
    client.post(reverse("web:set_scope"), {"period": "2025"})
    html = client.get(reverse("voc_insights:text"), {"wait": "1"}).content.decode()
    assert "Zanzibarish" not in html and "zanzibarish" not in html
    assert client.get("/api/cases/text", {"unit": "B02", "period": "2025"}).status_code == 404
    body = client.get("/api/cases/text", {"period": "2025"}).content.decode()
    assert "anzibarish" not in body


def test_script_payload_in_a_case_text_is_escaped_on_the_text_page(org_world):
    add_cases(org_world.x, ["DELIVERY-LATE"] * 30, prefix="P", seed=3, suffix=PAYLOAD)
    Period.objects.create(code="2025", kind="year", start=YEAR[0], end=YEAR[1], label_ko="2025년", label_en="2025")
    client = signed_in(org_world.users.admin)
    client.post(reverse("web:set_scope"), {"unit": "B01", "period": "2025"})
    response = client.get(reverse("voc_insights:text"), {"wait": "1"})
    html = response.content.decode()
    assert response.context["r"]["topics"], "examples are shown"
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "<script>window.pwned" not in html and "<img src=x" not in html


def test_first_visit_shows_a_placeholder_that_htmx_fills(texts):
    client = signed_in(texts.users.admin)
    page = client.get(reverse("voc_insights:text"))
    assert 'data-testid="text-loading"' in page.content.decode()
    part = client.get(reverse("voc_insights:text"), headers={"HX-Request": "true"})
    assert 'data-testid="text-results"' in part.content.decode() and "<html" not in part.content.decode()
    again = client.get(reverse("voc_insights:text"))  # now cached: rendered at once
    assert 'data-cached="yes"' in again.content.decode()


def test_results_are_cached_until_the_data_changes(texts):
    assert mine(texts)["cached"] is False
    assert mine(texts)["cached"] is True
    add_cases(texts.x, ["SERVICE"], prefix="N", seed=9)
    fresh = mine(texts)
    assert fresh["cached"] is False and fresh["n_docs"] == 81


# --- survey comments ------------------------------------------------------------------------------


def add_comments(survey, themes, scores, *, anonymous=False, seed=0):
    wave = survey.wave
    if anonymous:
        wave.anonymous = True
        wave.save(update_fields=["anonymous"])
    _subjects, texts_ = compose(np.asarray(themes, dtype=object), np.random.default_rng(seed))
    when = datetime.combine(wave.opens_on, datetime.min.time(), KST) + timedelta(hours=12)
    Response.objects.bulk_create([
        Response(wave=wave, org_unit=survey.world.x, submitted_at=when, answers={"OVR": int(s)},
                 comments={"C": t})
        for t, s in zip(texts_, scores)])


def test_topic_satisfaction_link_puts_delivery_comments_lowest(open_survey):
    themes = ["DELIVERY-LATE"] * 20 + ["PRAISE"] * 20
    scores = [2, 3] * 10 + [6, 7] * 10  # OVR on 1-7
    add_comments(open_survey, themes, scores)
    result = text_insights(TextScope(user=open_survey.world.users.admin, source="comments", k=2))
    low = result["satisfaction"][0]
    assert low["mean"] == pytest.approx((2.5 - 1) / 6 * 100)
    topic = next(t for t in result["topics"] if t["id"] == low["topic"])
    assert {"배송", "늦다", "도착", "택배"} & set(topic["terms"])


def test_comments_of_anonymous_waves_show_no_date_or_respondent(open_survey):
    add_comments(open_survey, ["DELIVERY-LATE"] * 15 + ["SERVICE"] * 15, [3, 4] * 15, anonymous=True)
    result = text_insights(TextScope(user=open_survey.world.users.admin, source="comments", k=2))
    examples = [e for t in result["topics"] for e in t["examples"]]
    assert examples and all(e["date"] is None and e["ref"] is None for e in examples)
    assert all(set(e) == {"source", "ref", "text", "date"} for e in examples)


# --- the demo: planted topics found from the store ------------------------------------------------


def test_demo_store_mining_finds_delivery_delay_in_honam(settings):
    from cxm.demo import truth
    from cxm.demo.loader import load_demo
    from cxm.org.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(seed=42, n_customers=1_000, progress=False)
    admin = User.objects.get(username="admin")
    result = text_insights(TextScope(user=admin, unit_code="HQ", start=truth.START, end=truth.END))
    honam = next(g for g in result["keywords"]["groups"] if g["code"] == truth.SLOW_DELIVERY_REGION)
    top = [t["term"] for t in honam["terms"][:5]]
    assert {"배송", "늦다", "지연", "배송지연"} & set(top), top
    assert any(t["terms"][0] in {"배송", "늦다", "택배", "도착"} for t in result["topics"])
    # first-contact resolutions and recurrent claims exist in the demo
    assert Case.objects.filter(first_contact_resolution=True, kind=Case.Kind.INQUIRY).exists()
    assert Case.objects.filter(kind=Case.Kind.INQUIRY, channel=Case.Channel.CALL_CENTRE).count() > 100
    recurrence = claim_recurrence(MetricScope(user=admin, start=truth.START, end=truth.END))
    assert 0 < recurrence["recurrent"] < recurrence["claims"]


def test_the_server_warm_up_loads_the_analyser_once_for_the_process():
    from cxm.voc.selectors_text import _tokenizer, warm_up

    warm_up()
    assert _tokenizer.cache_info().currsize == 1
    assert "배송" in _tokenizer().tokenize("배송이 늦어요")
