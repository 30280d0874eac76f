"""Lifecycle stages and customer profitability, against hand counts; the demo's planted effect (b)."""

from datetime import date

import polars as pl
import pytest

from cxm.analytics.lifecycle import lifecycle_stages
from cxm.analytics.profitability import (customer_product_matrix, largest_not_most_profitable,
                                         profitability_classes)


def test_each_lifecycle_rule_by_hand():
    as_of = date(2026, 10, 31)
    customers = pl.DataFrame({"customer": [1, 2, 3, 4, 5, 6, 7]})
    d = lambda m, day: date(2026, m, day)  # noqa: E731
    tx = pl.DataFrame({
        "customer": [2, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 7],
        "date": [d(10, 1), d(9, 1), d(10, 1)] + [d(6, k) for k in range(1, 6)] + [d(7, k) for k in range(1, 6)]
                + [date(2026, 3, 1), date(2025, 6, 1)],
    })
    rec = pl.DataFrame({"customer": [5, 4], "answered_on": [d(8, 1), d(8, 1)], "recommend": [10, 6]})
    stages = dict(lifecycle_stages(customers, tx, as_of=as_of, recommend=rec).select("customer", "stage").iter_rows())
    # 1 never bought; 2 once; 3 twice; 4 five times, passive; 5 five times, promoter;
    # 6 last bought 244 days ago (> 180); 7 last bought 517 days ago (> 365).
    assert stages == {1: "prospect", 2: "first-time", 3: "repeat", 4: "client", 5: "advocate", 6: "inactive",
                      7: "lost"}


def test_later_transactions_do_not_count():
    stages = lifecycle_stages(pl.DataFrame({"customer": [1]}),
                              pl.DataFrame({"customer": [1], "date": [date(2027, 1, 1)]}), as_of=date(2026, 1, 1))
    assert stages["stage"].to_list() == ["prospect"]


def test_profitability_classes_by_hand():
    lines = pl.DataFrame({"customer": [1, 1, 2, 3, 3], "amount": [1000, 500, 10_000, 2000, 1000],
                          "cost": [600, 300, 10_100, 2500, 800]})
    classes = {r["customer"]: r for r in profitability_classes(lines).iter_rows(named=True)}
    assert (classes[1]["margin"], classes[1]["class"]) == (600, "profitable")
    assert (classes[2]["margin"], classes[2]["class"]) == (-100, "break-even")  # within 2% of 10,000
    assert (classes[3]["margin"], classes[3]["class"]) == (-300, "losing")


def test_customer_product_matrix_sums_margins():
    lines = pl.DataFrame({"customer": [1, 1, 2], "product": ["A", "A", "B"], "amount": [10, 20, 5],
                          "cost": [4, 6, 9]})
    m = customer_product_matrix(lines)
    assert m.to_dicts() == [{"customer": 1, "A": 20, "B": 0}, {"customer": 2, "A": 0, "B": -4}]


def test_the_demo_plants_large_customers_that_lose_money():
    from cxm.demo.generator import DemoSpec, generate

    tx = generate(DemoSpec(seed=42, n_customers=20_000)).transactions  # the default demo (truth.py, effect b)
    summary = largest_not_most_profitable(profitability_classes(
        tx.select(pl.col("customer_idx").alias("customer"), "amount", "cost")), top=10)
    assert summary["top"] == 10 and summary["losing"] >= 3


def test_rank_correlation_of_revenue_and_margin_by_hand():
    # Revenue ranks 1..4; margins rank 2, 1, 4, 3 -> Spearman = 1 - 6*(1+1+1+1)/(4*15) = 0.6.
    classes = pl.DataFrame({"revenue": [10, 20, 30, 40], "margin": [5, 1, 9, 7], "class": ["profitable"] * 4})
    assert largest_not_most_profitable(classes, top=2)["spearman"] == pytest.approx(0.6)
