"""Demo data of the customer analytics: the scores of every demo customer at the demo's end date.

Fitted on the store, like ``cxm crm score``: the BG/NBD parameters recovered here are compared
with the planted truth (:data:`cxm.demo.truth.BGNBD`) by tests/crm/test_crm_demo_truth.py. The same run
fits the churn classifier (validated on a time-based holdout) and the "bought next" rules.
"""

from __future__ import annotations

from cxm.demo import truth
from cxm.demo.steps import DemoContext, register

from .models import CrossSellRule, CustomerScore, ScoreRun
from .services import scores_compute


def _reset(ctx: DemoContext) -> None:
    CrossSellRule.objects.all().delete()
    CustomerScore.objects.all().delete()
    ScoreRun.objects.all().delete()


@register("crm_scores", order=130, reset=_reset)
def crm_scores(ctx: DemoContext) -> None:
    run = scores_compute(as_of=truth.END)  # a system run: the whole company
    ctx.add_count("customer_score", run.n_customers)
    ctx.add_count("crosssell_rule", (run.crosssell or {}).get("n_rules", 0))
