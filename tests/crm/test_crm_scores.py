"""``scores_compute`` stores what the analytics compute on the same transactions.

The reference is the pure-polars analytics run directly here (``rfm_table``,
``customer_summary``, ``lifecycle_stages``, ``profitability_classes``) and the estimator
classes fitted here, on a frame read with the ORM; the service reads the store through
SQL into polars and the ibis (DuckDB) aggregations. Both databases (``--db=postgres``).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cxm.analytics.btyd import BetaGeoModel, GammaGammaModel, customer_summary, discounted_clv
from cxm.analytics.lifecycle import lifecycle_stages
from cxm.analytics.profitability import profitability_classes
from cxm.analytics.rfm import rfm_table
from cxm.core.exceptions import AccessDenied
from cxm.crm import selectors
from cxm.crm.models import CustomerScore, ScoreRun
from cxm.crm.services import MONTH_WEEKS, ScoreSettings, scores_compute
from cxm.customers.models import Customer, Transaction

pytestmark = pytest.mark.django_db


def _reference(as_of):
    """Every number of the scores, computed from an ORM read with the analytics directly."""
    tx = pl.DataFrame(list(Transaction.objects.filter(customer__isnull=False, occurred_on__lte=as_of)
                           .values("customer_id", "occurred_on", "amount", "cost")))
    rfm = rfm_table(tx, customer="customer_id", date="occurred_on", amount="amount", as_of=as_of)
    s = customer_summary(tx, customer="customer_id", date="occurred_on", calibration_end=as_of, amount="amount")
    x, t_x, T = s["frequency"].to_numpy(), s["recency"].to_numpy() / 7, s["T"].to_numpy() / 7
    m = s["monetary_value"].to_numpy()
    bg = BetaGeoModel().fit(x, t_x, T)
    gg = GammaGammaModel().fit(x[x > 0], m[x > 0])
    settings = ScoreSettings()
    btyd = s.select("customer_id").with_columns(
        pl.Series("p_alive", bg.conditional_probability_alive(x, t_x, T)),
        pl.Series("expected_purchases", bg.conditional_expected_number_of_purchases_up_to_time(12 * MONTH_WEEKS,
                                                                                               x, t_x, T)),
        pl.Series("clv", discounted_clv(bg, gg, x, t_x, T, m, periods=12, period_length=MONTH_WEEKS,
                                        discount_rate=settings.monthly_discount_rate)),
    )
    people = pl.DataFrame({"customer": list(Customer.objects.filter(joined_on__lte=as_of).values_list("id", flat=True))})
    stages = lifecycle_stages(people, tx.rename({"customer_id": "customer", "occurred_on": "date"}), as_of=as_of)
    classes = profitability_classes(tx.rename({"customer_id": "customer"}))
    return rfm, btyd, stages, classes, bg, gg


def _stored(run) -> pl.DataFrame:
    return pl.DataFrame(list(CustomerScore.objects.filter(run=run).values()))


def test_stored_rfm_scores_and_segments_equal_the_analytics(scored):
    rfm, *_ = _reference(scored.as_of)
    got = _stored(scored.run).join(rfm, on="customer_id", suffix="_ref")
    assert got.height == rfm.height > 100
    assert got["recency_days"].to_list() == got["recency"].to_list()
    for col in ("frequency", "r_score", "f_score", "m_score", "segment"):
        assert got[col].to_list() == got[f"{col}_ref"].to_list(), col
    assert got["monetary"].to_list() == got["monetary_ref"].cast(pl.Int64).to_list()


def test_stored_btyd_predictions_equal_the_models_fitted_on_the_same_frame(scored):
    _rfm, btyd, _stages, _classes, bg, gg = _reference(scored.as_of)
    fit = scored.run.models_fit
    assert fit["bgnbd"]["converged"] and fit["gammagamma"]["converged"]
    assert fit["bgnbd"]["params"] == pytest.approx(bg.params_, rel=1e-6)
    assert fit["bgnbd"]["loglik"] == pytest.approx(bg.loglik_, rel=1e-9)
    assert fit["gammagamma"]["params"] == pytest.approx(gg.params_, rel=1e-6)
    got = _stored(scored.run).join(btyd, on="customer_id", suffix="_ref")
    assert got.height == btyd.height
    np.testing.assert_allclose(got["p_alive"], got["p_alive_ref"], rtol=1e-6)
    np.testing.assert_allclose(got["expected_purchases"], got["expected_purchases_ref"], rtol=1e-6)
    # CLV is stored in whole KRW
    np.testing.assert_allclose(got["clv"], got["clv_ref"], rtol=1e-6, atol=1.0)


def test_stored_stage_and_profitability_equal_the_analytics(scored):
    _rfm, _btyd, stages, classes, *_ = _reference(scored.as_of)
    stored = _stored(scored.run)
    got = stored.join(stages.rename({"customer": "customer_id"}), on="customer_id", suffix="_ref")
    assert got.height == stages.height == stored.height
    assert got["stage"].to_list() == got["stage_ref"].to_list()
    got = stored.join(classes.rename({"customer": "customer_id"}), on="customer_id", suffix="_ref")
    assert got.height == classes.height
    assert got["profitability"].to_list() == got["class"].to_list()
    assert got["margin"].to_list() == got["margin_ref"].to_list()


def test_scores_ignore_transactions_after_the_as_of_date(scored):
    late = Transaction.objects.get(txn_no="GT-LATE")
    score = CustomerScore.objects.get(run=scored.run, customer_id=late.customer_id)
    bought = Transaction.objects.filter(customer_id=late.customer_id, occurred_on__lte=scored.as_of)
    assert score.frequency == bought.count()
    assert score.monetary == sum(bought.values_list("amount", flat=True))


def test_recomputing_a_date_replaces_its_run_and_scores(scored):
    before = CustomerScore.objects.filter(as_of=scored.as_of).count()
    again = scores_compute(as_of=scored.as_of, user=scored.world.users.analyst)
    assert ScoreRun.objects.filter(as_of=scored.as_of).count() == 1
    assert ScoreRun.objects.get(as_of=scored.as_of).computed_by == scored.world.users.analyst
    assert CustomerScore.objects.filter(as_of=scored.as_of).count() == before == again.n_customers
    assert not CustomerScore.objects.filter(run=scored.run).exists()


@pytest.mark.parametrize("role", ["branch_manager", "agent", "cs_manager"])
def test_only_all_units_roles_may_compute_scores(scored, role):
    with pytest.raises(AccessDenied):
        scores_compute(as_of=scored.as_of, user=getattr(scored.world.users, role))


def test_a_customer_without_purchases_is_a_prospect_without_rfm(org_world):
    from datetime import date

    Customer.objects.create(customer_no="C-NEW", name="신규", home_unit=org_world.x, joined_on=date(2025, 5, 1))
    run = scores_compute(as_of=date(2025, 6, 30))
    score = CustomerScore.objects.get(run=run, customer__customer_no="C-NEW")
    assert (score.stage, score.segment, score.r_score, score.frequency, score.p_alive) == ("prospect", "", None, 0, None)
    # three buyers are too few for BG/NBD: recorded, not fitted
    assert "skipped" in run.models_fit["bgnbd"]


def test_customer_equity_by_branch_is_the_sum_of_clv_per_home_branch(scored):
    rows = {r["branch_code"]: r for r in selectors.customer_equity(user=scored.world.users.admin, run=scored.run)}
    for code in ("B01", "B02", "B03"):
        clvs = [c or 0 for c in CustomerScore.objects.filter(run=scored.run, customer__home_unit__code=code)
                .values_list("clv", flat=True)]
        assert rows[code]["equity"] == sum(clvs) and rows[code]["customers"] == len(clvs)


def test_customer_equity_by_segment_adds_up_to_the_total(scored):
    user = scored.world.users.admin
    by_segment = selectors.customer_equity(user=user, run=scored.run, by="segment")
    by_branch = selectors.customer_equity(user=user, run=scored.run, by="branch")
    assert sum(r["equity"] for r in by_segment) == sum(r["equity"] for r in by_branch) > 0


def test_a_client_who_would_recommend_us_is_an_advocate(open_survey):
    from datetime import timedelta

    from django.utils import timezone

    from cxm.surveys.models import Response

    world = open_survey.world
    code = open_survey.questionnaire.parsed().recommend.code
    as_of = timezone.localdate()
    for no, answer in (("C-PROMOTER", 10), ("C-PASSIVE", 8)):
        c = Customer.objects.create(customer_no=no, name="고객", home_unit=world.x, joined_on=as_of - timedelta(days=60))
        Transaction.objects.bulk_create([
            Transaction(txn_no=f"{no}-{k}", customer=c, branch=world.x, channel=world.channel,
                        occurred_on=as_of - timedelta(days=3 + 10 * k), amount=10_000, cost=6_000) for k in range(5)])
        Response.objects.create(wave=open_survey.wave, org_unit=world.x, customer=c, answers={code: answer},
                                submitted_at=timezone.now() - timedelta(days=1))
    run = scores_compute(as_of=as_of)
    stages = dict(CustomerScore.objects.filter(run=run, customer__customer_no__in=["C-PROMOTER", "C-PASSIVE"])
                  .values_list("customer__customer_no", "stage"))
    assert stages == {"C-PROMOTER": "advocate", "C-PASSIVE": "client"}
    # an answer given after the as-of date does not count yet
    earlier = scores_compute(as_of=as_of - timedelta(days=2))
    assert CustomerScore.objects.get(run=earlier, customer__customer_no="C-PROMOTER").stage == "client"


def test_segment_migration_counts_each_customer_once_from_the_earlier_segment(scored):
    from datetime import date

    user = scored.world.users.admin
    earlier = scores_compute(as_of=date(2025, 6, 30))
    rows = selectors.segment_migration(user=user, run=scored.run, previous=earlier)
    total = sum(sum(r["counts"]) for r in rows)
    assert total == CustomerScore.objects.filter(run=scored.run).exclude(segment="").count()
    before = dict(CustomerScore.objects.filter(run=earlier).values_list("customer_id", "segment"))
    after = CustomerScore.objects.filter(run=scored.run).exclude(segment="").values_list("customer_id", "segment")
    expected_new = sum(1 for cid, _s in after if not before.get(cid))
    assert sum(next(r for r in rows if r["from"] == "")["counts"]) == expected_new
