"""Churn risk and cross-sell in the store: what is stored equals the analytics run directly on the
same frame; the recommendations exclude owned products; pages and API keep to the user's scope.

References: scikit-learn's ``roc_auc_score`` / ``brier_score_loss`` for the stored holdout metrics.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from cxm.analytics.churn import churn_frame, churn_scores, holdout_validate
from cxm.analytics.crosssell import CrossSell
from cxm.crm import selectors
from cxm.crm.frames import purchase_frame, transaction_frame
from cxm.crm.models import CrossSellRule, CustomerScore
from cxm.customers.models import Customer, Transaction

pytestmark = pytest.mark.django_db

H = 90  # ScoreSettings.churn_horizon_days
KEYS = dict(customer="customer_id", date="occurred_on", amount="amount")


def _store_frame(as_of):
    return transaction_frame(Transaction.objects.all(), end=as_of)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def bm(scored):
    return _client(scored.world.users.branch_manager)


@pytest.fixture
def analyst(scored):
    return _client(scored.world.users.analyst)


def _x_customer_with_recommendations(scored):
    user = scored.world.users.branch_manager
    for customer in Customer.objects.filter(home_unit=scored.world.x, customer_no__startswith="GX").order_by("id"):
        if selectors.customer_recommendations(user=user, customer=customer, run=scored.run):
            return customer
    pytest.fail("no customer of X has a recommendation")


# --- churn: stored = analytics on the same frame -------------------------------------------------


def test_stored_churn_probabilities_equal_churn_scores_on_the_same_frame(scored):
    assert "skipped" not in scored.run.churn
    expected = churn_scores(_store_frame(scored.as_of), as_of=scored.as_of, horizon_days=H, **KEYS)
    stored = pl.DataFrame(list(CustomerScore.objects.filter(run=scored.run, churn_probability__isnull=False)
                               .values_list("customer_id", "churn_probability")),
                          schema={"customer_id": pl.Int64, "stored": pl.Float64}, orient="row")
    joined = expected.join(stored, on="customer_id", how="full", coalesce=True)
    assert joined.height == expected.height == stored.height > 200
    np.testing.assert_allclose(joined["stored"].to_numpy(), joined["churn_probability"].to_numpy(), rtol=1e-12)


def test_stored_validation_equals_holdout_validate(scored):
    expected = holdout_validate(_store_frame(scored.as_of), cutoff=scored.as_of - timedelta(days=2 * H),
                                horizon_days=H, trend_days=H, **KEYS).to_dict()
    stored = scored.run.churn["validation"]
    assert set(stored) == set(expected)
    for key, value in expected.items():
        if key == "calibration":
            assert len(stored[key]) == len(value) == 10
            for got, want in zip(stored[key], value):
                assert got == pytest.approx(want, rel=1e-12)
        elif isinstance(value, dict):
            assert stored[key] == pytest.approx(value, rel=1e-12)
        elif isinstance(value, float):
            assert stored[key] == pytest.approx(value, rel=1e-12)
        else:
            assert stored[key] == value


def test_stored_auc_and_brier_agree_with_scikit_learn(scored):
    from sklearn.metrics import brier_score_loss, roc_auc_score

    frame = _store_frame(scored.as_of)
    validation = holdout_validate(frame, cutoff=scored.as_of - timedelta(days=2 * H), horizon_days=H, trend_days=H,
                                  **KEYS)
    test = churn_frame(frame, cutoff=validation.test_cutoff, horizon_days=H, trend_days=H, **KEYS)
    p = validation.classifier.churn_probability(test.select(list(validation.features)))
    y = test["churned"].to_numpy()
    assert scored.run.churn["validation"]["auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-10)
    assert scored.run.churn["validation"]["brier"] == pytest.approx(brier_score_loss(y, p), rel=1e-10)


def test_p_alive_bands_count_every_holdout_customer_once(scored):
    bands = scored.run.churn["p_alive_bands"]
    assert bands and sum(b["n"] for b in bands) == scored.run.churn["validation"]["n_test"]
    assert all(0.0 <= b["observed_churn"] <= 1.0 and b["low"] <= b["mean_p_alive"] <= b["high"] for b in bands)


def test_customer_drivers_are_features_with_a_positive_term(scored):
    features = set(scored.run.churn["features"])
    drivers = CustomerScore.objects.filter(run=scored.run).exclude(churn_drivers="").values_list("churn_drivers",
                                                                                                  flat=True)
    names = {name for value in drivers for name in value.split(",")}
    assert names and names <= features


# --- cross-sell: the run's cached rules and the recommendations ------------------------------------


def _fitted(as_of):
    purchases = purchase_frame(Transaction.objects.all(), end=as_of)
    return CrossSell(min_count=5, sequential=True).fit(purchases, customer="customer_id", product="sku",
                                                       date="occurred_on")


def test_stored_rules_equal_crosssell_rules_on_the_store(scored):
    rules = _fitted(scored.as_of).rules_
    stored = pl.DataFrame(list(CrossSellRule.objects.filter(run=scored.run).values_list(
        "antecedent__sku", "consequent__sku", "count", "support", "confidence", "lift")),
        schema=["antecedent", "consequent", "count", "support", "confidence", "lift"], orient="row")
    assert stored.height == rules.height > 0
    joined = rules.join(stored, on=["antecedent", "consequent"], suffix="_db")
    assert joined.height == rules.height
    assert (joined["count"] == joined["count_db"]).all()
    np.testing.assert_allclose(joined["lift_db"].to_numpy(), joined["lift"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(joined["confidence_db"].to_numpy(), joined["confidence"].to_numpy(), rtol=1e-12)


def test_recommendations_equal_crosssell_recommend_and_exclude_owned_products(scored):
    user = scored.world.users.branch_manager
    customer = _x_customer_with_recommendations(scored)
    owned = selectors.owned_products(user=user, customer=customer)
    got = selectors.customer_recommendations(user=user, customer=customer, run=scored.run, top=5)
    want = _fitted(scored.as_of).recommend(owned, top=5)
    assert [r["product"].sku for r in got] == want["product"].to_list()
    assert [r["antecedent"].sku for r in got] == want["antecedent"].to_list()
    np.testing.assert_allclose([r["lift"] for r in got], want["lift"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose([r["confidence"] for r in got], want["confidence"].to_numpy(), rtol=1e-12)
    assert not {r["product"].sku for r in got} & set(owned)
    assert all(r["antecedent"].sku in owned for r in got)


# --- pages and API, by route and scope -------------------------------------------------------------


def test_churn_tab_lists_only_own_branch_at_highest_risk(scored, bm):
    response = bm.get(reverse("crm:churn"))
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<tr data-customer="([^"]+)"', page)
    assert rows and all(r.startswith(("GX", "C-X")) for r in rows)
    assert "와이부산" not in page and not re.search(r"\bGY\d{3}\b", page)
    risks = [float(v) for v in re.findall(r'data-risk="([0-9.]+)"', page)]
    assert risks == sorted(risks, reverse=True)
    top = CustomerScore.objects.filter(run=scored.run, customer__home_unit=scored.world.x).order_by(
        "-churn_probability", "customer_id").first()
    assert rows[0] == top.customer.customer_no
    assert 'data-testid="calibration-table"' in page and page.count("<tr data-bin=") == 10


def test_churn_tab_masks_names_for_analysts(scored, analyst):
    page = analyst.get(reverse("crm:churn")).content.decode()
    names = re.findall(r'data-testid="customer-name">([^<]*)<', page)
    assert names and all("*" in n for n in names)


@pytest.mark.parametrize("min_count", [5, 20])
def test_cross_sell_tab_lists_the_strongest_rules_of_enough_customers(scored, bm, min_count):
    page = bm.get(reverse("crm:crosssell"), {"min_count": min_count}).content.decode()
    lifts = [float(v) for v in re.findall(r'data-lift="([0-9.]+)"', page)]
    rules = CrossSellRule.objects.filter(run=scored.run, count__gte=min_count)
    best = rules.order_by("-lift").first()
    assert lifts and lifts == sorted(lifts, reverse=True) and lifts[0] == pytest.approx(best.lift, rel=1e-6)
    assert len(lifts) == min(30, rules.count())


def test_customer_360_shows_recommendations_and_churn_risk(scored, bm):
    customer = _x_customer_with_recommendations(scored)
    page = bm.get(reverse("web:customer_detail", args=[customer.customer_no])).content.decode()
    expected = selectors.customer_recommendations(user=scored.world.users.branch_manager, customer=customer,
                                                  run=scored.run)
    assert re.findall(r'<tr data-product="([^"]+)"', page) == [r["product"].sku for r in expected]
    score = CustomerScore.objects.get(run=scored.run, customer=customer)
    assert 'data-kpi="churn"' in page and f"{score.churn_probability:.2f}" in page


def test_customer_list_sorts_and_filters_by_churn_risk(scored, bm):
    page = bm.get(reverse("web:customer_list"), {"order": "-churn_probability", "churn": "high"}).content.decode()
    values = [float(v) for v in re.findall(r'data-testid="churn-risk" data-value="([0-9.]+)"', page)]
    assert values and values == sorted(values, reverse=True) and min(values) >= 0.6
    assert not re.search(r"\bGY\d{3}\b", page)


def test_api_churn_validation_of_a_run(scored, bm):
    body = bm.get("/api/crm/churn", {"as_of": scored.as_of.isoformat()}).json()
    assert body["churn"]["validation"]["auc"] == scored.run.churn["validation"]["auc"]
    assert bm.get("/api/crm/churn", {"as_of": "2020-01-01"}).status_code == 404


def test_api_customer_churn_and_recommendations_are_scoped(scored, bm):
    customer = _x_customer_with_recommendations(scored)
    score = CustomerScore.objects.get(run=scored.run, customer=customer)
    body = bm.get(f"/api/crm/churn/{customer.customer_no}").json()
    assert body["churn_probability"] == pytest.approx(score.churn_probability)
    assert body["drivers"] == [d for d in score.churn_drivers.split(",") if d]
    recs = bm.get(f"/api/crm/recommendations/{customer.customer_no}").json()
    expected = selectors.customer_recommendations(user=scored.world.users.branch_manager, customer=customer,
                                                  run=scored.run)
    assert [r["sku"] for r in recs] == [r["product"].sku for r in expected]
    other = Customer.objects.filter(home_unit=scored.world.y, customer_no__startswith="GY").first()
    assert bm.get(f"/api/crm/churn/{other.customer_no}").status_code == 404
    assert bm.get(f"/api/crm/recommendations/{other.customer_no}").status_code == 404
    assert bm.get(reverse("web:customer_detail", args=[other.customer_no])).status_code == 404


def test_api_scores_sort_by_churn_within_scope(scored, bm):
    items = bm.get("/api/crm/scores", {"order": "-churn_probability", "min_churn": 0.5}).json()["items"]
    values = [i["churn_probability"] for i in items]
    assert values and values == sorted(values, reverse=True) and min(values) >= 0.5
    assert all(i["home_unit"] == "B01" for i in items)
    assert json.dumps(items).count("GY") == 0


def test_complaints_enter_the_stored_churn_risk_as_churn_scores_side_frame(scored):
    from datetime import datetime, time

    from django.utils import timezone

    from cxm.crm.services import scores_compute
    from cxm.voc.models import Case

    rng = np.random.default_rng(3)
    people = list(Customer.objects.filter(customer_no__startswith="G").order_by("id")[::4])
    rows = []
    for i, c in enumerate(people):
        day = scored.as_of - timedelta(days=int(rng.integers(1, 400)))
        Case.objects.create(number=f"CC-{i:04d}", kind="complaint", channel="web", customer=c, org_unit=c.home_unit,
                            subject="late delivery",
                            opened_at=timezone.make_aware(datetime.combine(day, time(12, 0))))
        rows.append((c.id, day))
    run = scores_compute(as_of=scored.as_of, user=scored.world.users.admin)
    assert "complaints" in run.churn["features"] and run.churn["complaints"] is True
    complaints = pl.DataFrame(rows, schema={"customer_id": pl.Int64, "occurred_on": pl.Date}, orient="row")
    expected = churn_scores(_store_frame(scored.as_of), as_of=scored.as_of, horizon_days=H, complaints=complaints,
                            **KEYS)
    stored = pl.DataFrame(list(CustomerScore.objects.filter(run=run, churn_probability__isnull=False)
                               .values_list("customer_id", "churn_probability")),
                          schema={"customer_id": pl.Int64, "stored": pl.Float64}, orient="row")
    joined = expected.join(stored, on="customer_id", how="inner")
    assert joined.height == expected.height == stored.height
    np.testing.assert_allclose(joined["stored"].to_numpy(), joined["churn_probability"].to_numpy(), rtol=1e-12)
