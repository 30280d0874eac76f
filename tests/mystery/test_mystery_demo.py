"""The demo's mystery shopping carries planted effect (j): Yeongnam rarely offers membership points."""

from __future__ import annotations

import polars as pl
import pytest

from cxm.analytics import mystery as ms
from cxm.demo import truth
from cxm.demo.loader import load_demo
from cxm.mystery.models import Visit
from cxm.mystery.selectors import mystery_results, visits_frames
from cxm.org.models import OrgUnit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(seed=42, n_customers=1_000, progress=False)


def test_demo_visits_every_branch_each_quarter(demo):
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).count()
    per_quarter = {q: Visit.objects.filter(period__code=q).count() for q in truth.MYSTERY_QUARTERS}
    assert per_quarter == {q: branches * truth.MYSTERY_VISITS_PER_BRANCH for q in truth.MYSTERY_QUARTERS}
    assert Visit.objects.filter(period__code=truth.MYSTERY_QUARTERS[-1]).values("branch").distinct().count() == branches


def test_planted_weak_item_is_the_weak_regions_lowest_pass_rate(demo):
    visits, answers, items = visits_frames(Visit.objects.all())
    scored = ms.score_answers(answers, items)
    scored = scored.join(visits.select("visit", "branch"), on="visit")
    paths = dict(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).values_list("code", "path"))
    rates = ms.item_rates(ms.with_ancestors(scored, paths), by=["unit"])
    weak = rates.filter(pl.col("unit") == truth.MYSTERY_WEAK_REGION).sort("pass_rate")
    assert weak["item"][0] == truth.MYSTERY_WEAK_ITEM
    assert weak["pass_rate"][0] < 0.45
    others = rates.filter((pl.col("item") == truth.MYSTERY_WEAK_ITEM)
                          & pl.col("unit").is_in(["CAP", "HNM"]))["pass_rate"].to_list()
    assert weak["pass_rate"][0] < 0.6 * min(others)  # far below the same item elsewhere


def test_planted_weak_item_shows_on_the_results_of_the_latest_quarter(demo):
    admin = User.objects.get(username="admin")
    region = mystery_results(user=admin, unit_code=truth.MYSTERY_WEAK_REGION)
    company = mystery_results(user=admin)
    rate = {i["item"]: i["pass_rate"] for i in region.items}
    assert rate[truth.MYSTERY_WEAK_ITEM] == min(rate.values())
    company_rate = {i["item"]: i["pass_rate"] for i in company.items}
    assert rate[truth.MYSTERY_WEAK_ITEM] < company_rate[truth.MYSTERY_WEAK_ITEM]
    assert {b["code"] for b in region.branches} == set(
        OrgUnit.objects.filter(parent__code=truth.MYSTERY_WEAK_REGION).values_list("code", flat=True))
