"""The CSI results page over stored waves: scoped, planted effects visible, moves with new answers."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from cxm.demo.loader import load_demo
from cxm.org.models import User
from cxm.surveys.models import Response, Wave
from cxm.surveys.reports import wave_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    load_demo(seed=42, n_customers=2_000, progress=False)


def _page(username, query=""):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.get("/surveys/csi/" + query).content.decode()


def test_in_honam_delivery_lands_in_quadrant_b(demo):
    html = _page("branch_gwangju")
    row = re.search(r'data-element="C">.*?data-testid="quadrant">([^<]*)<', html, re.S).group(1)
    assert row.startswith("B")
    assert 'data-testid="portfolio-chart"' in html and 'data-testid="trend-chart"' in html


def test_a_branch_manager_scores_only_their_branchs_answers(demo):
    manager = User.objects.get(username="branch_gangnam")
    wave = Wave.objects.get(code="2026-Q3")
    result = wave_result(user=manager, wave=wave, bootstrap=0)
    assert result.n == Response.objects.filter(wave=wave, org_unit__code="B01").count()
    everyone = wave_result(user=User.objects.get(username="admin"), wave=wave, bootstrap=0)
    assert everyone.n == Response.objects.filter(wave=wave).count() > result.n


def test_too_few_answers_show_no_csi(demo):
    Response.objects.filter(wave__code="2026-Q3", org_unit__code="B01").exclude(
        pk__in=Response.objects.filter(wave__code="2026-Q3", org_unit__code="B01").values("pk")[:5]).delete()
    html = _page("branch_gangnam", "?wave=2026-Q3")
    assert 'data-testid="empty-state"' in html and 'data-kpi="csi"' not in html


def test_the_csi_moves_when_customers_answer(demo):
    admin = User.objects.get(username="admin")
    wave = Wave.objects.get(code="2026-Q3")
    before = wave_result(user=admin, wave=wave, bootstrap=0).report["csi"]
    worst = {code: 1 for code in ("A11", "A12", "A13", "B11", "B12", "B13", "C11", "C12", "C13", "D11", "D12",
                                   "E11", "E12", "OVR", "RET")}
    template = Response.objects.filter(wave=wave).first()
    Response.objects.bulk_create([Response(wave=wave, org_unit=template.org_unit, submitted_at=template.submitted_at,
                                           answers={**worst, "REC": 0}) for _ in range(200)])
    after = wave_result(user=admin, wave=wave, bootstrap=0).report["csi"]
    assert after < before - 5


def test_the_api_gives_the_same_report_as_the_cli_contract(demo):
    from cxm.org.services import api_token_create

    _, key = api_token_create(user=User.objects.get(username="branch_gwangju"), name="t")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert [w["code"] for w in client.get("/api/surveys/waves", **auth).json()] == [
        "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    body = client.get("/api/surveys/waves/2026-Q3/csi?bootstrap=200&seed=1", **auth).json()
    report = body["report"]
    assert body["n"] == Response.objects.filter(wave__code="2026-Q3", org_unit__code="B11").count()
    assert set(report) >= {"n", "csi", "csi_ci", "overall", "method", "elements", "loyalty", "competitor"}
    assert report["elements"]["C"]["quadrant"] == "B"
    assert client.get("/api/surveys/waves/nope/csi", **auth).status_code == 404
