"""The demo's planted buying process is recovered by BG/NBD fitted on the data read back FROM THE STORE.

The default demo (seed 42, 20,000 customers) is loaded into the test database, its demo
step (order 130) scores every customer at the demo's end date, and BG/NBD is fitted on the
store's transactions of the truth population (persons outside the churn branch, see
:mod:`cxm.demo.truth`), read through the same frames and BTYD summary the scoring uses.
Tolerance: 20 %, the generator test's (tests/demo/test_demo_truth_recovery.py: seasonality
and whole days bias a homogeneous fit; ``b`` is the least precise parameter).
"""

from __future__ import annotations

import polars as pl
import pytest

from cxm.analytics.btyd import BetaGeoModel
from cxm.crm import selectors
from cxm.crm.frames import customer_frame, transaction_frame
from cxm.crm.models import CustomerScore, ScoreRun
from cxm.crm.services import btyd_summary_weeks
from cxm.customers.models import Customer, Transaction
from cxm.demo import truth
from cxm.demo.loader import load_demo

pytestmark = pytest.mark.django_db

TOLERANCE = 0.20


@pytest.fixture
def demo_store():
    return load_demo(seed=42, n_customers=20_000, progress=False)


def test_demo_store_recovers_the_planted_bgnbd_parameters_and_is_scored(demo_store):
    tx = transaction_frame(Transaction.objects.all(), end=truth.END)
    people = customer_frame(Customer.objects.filter(kind=Customer.Kind.PERSON)
                            .exclude(home_unit__code=truth.CHURN_BRANCH))
    summary = btyd_summary_weeks(tx, as_of=truth.END).join(people.select("customer_id"), on="customer_id")
    assert summary.height > 15_000
    model = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
    fitted = model.params_
    expected = {"r": truth.BGNBD.r, "alpha": truth.BGNBD.alpha, "a": truth.BGNBD.a, "b": truth.BGNBD.b}
    assert fitted == pytest.approx(expected, rel=TOLERANCE)

    # The demo step scored everyone at the end date, with the models fitted on the store.
    run = ScoreRun.objects.get(as_of=truth.END)
    assert run.n_customers == CustomerScore.objects.filter(run=run).count() == 20_000
    assert run.models_fit["bgnbd"]["converged"] and run.models_fit["gammagamma"]["converged"]


def test_demo_scores_show_the_largest_customers_are_not_the_most_profitable(demo_store):
    from cxm.org.models import User

    admin = User.objects.get(username="admin")
    view = selectors.profitability_view(user=admin, run=selectors.run_get(), top=10)
    # planted (b): key accounts buy the most at discounts above the margin
    assert view["check"]["losing"] >= 1
    assert view["classes"].get("losing", 0) > 0
    largest = pl.DataFrame([{"kind": r["customer"].kind, "margin": r["margin"]} for r in view["largest"]])
    assert (largest.filter(pl.col("margin") < 0)["kind"] == "company").all()
