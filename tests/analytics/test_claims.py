"""Claim rate and claim recurrence rate, against hand counts."""

from datetime import date, datetime

import polars as pl
import pytest

from cxm.analytics.claims import claim_rates, recurrence


def test_claim_rates_per_1000_orders_and_customers_by_month_and_branch():
    orders = pl.DataFrame({
        "occurred_on": [date(2026, 1, d) for d in (2, 3, 4, 5)] + [date(2026, 2, 1)] * 2,
        "customer": [1, 1, 2, None, 3, 3],
        "branch": ["X", "X", "X", "X", "X", "Y"],
    })
    claims = pl.DataFrame({"opened_on": [date(2026, 1, 9), date(2026, 2, 3), date(2026, 3, 1)],
                           "branch": ["X", "X", "Y"]})
    table = claim_rates(claims, orders, by="branch").table
    rows = {(r["period"], r["branch"]): r for r in table.iter_rows(named=True)}
    # January, X: 1 claim, 4 orders (one a walk-in), 2 distinct customers (hand count).
    jan = rows[(date(2026, 1, 1), "X")]
    assert (jan["claims"], jan["orders"], jan["customers"]) == (1, 4, 2)
    assert jan["per_1000_orders"] == pytest.approx(250.0) and jan["per_1000_customers"] == pytest.approx(500.0)
    assert rows[(date(2026, 2, 1), "X")]["per_1000_orders"] == pytest.approx(1000.0)
    # March, Y: a claim without orders has no rate, not an infinite one.
    mar = rows[(date(2026, 3, 1), "Y")]
    assert mar["claims"] == 1 and mar["per_1000_orders"] is None


def test_a_claim_recurs_only_after_a_closed_claim_of_the_same_customer_and_category_within_the_window():
    t = lambda m, d: datetime(2026, m, d, 10)  # noqa: E731
    claims = pl.DataFrame({
        "id": [1, 2, 3, 4, 5, 6],
        "customer": [7, 7, 7, 8, None, 7],
        "category": ["delivery", "delivery", "staff", "delivery", "delivery", "delivery"],
        "opened_at": [t(1, 1), t(2, 1), t(2, 2), t(2, 3), t(2, 4), t(9, 1)],
        "closed_at": [t(1, 10), None, t(2, 5), None, None, None],
    })
    flags = dict(recurrence(claims, window_days=90).iter_rows())
    # 2: same customer and category, previous claim closed 22 days before -> recurs.
    # 3: other category; 4: other customer; 5: anonymous; 6: closed claim 1 is 234 days old.
    assert flags == {1: False, 2: True, 3: False, 4: False, 5: False, 6: False}
    assert recurrence(claims, window_days=10)["recurrent"].to_list() == [False] * 6


def test_an_open_earlier_claim_does_not_make_a_recurrence():
    claims = pl.DataFrame({"id": [1, 2], "customer": [1, 1], "category": ["a", "a"],
                           "opened_at": [datetime(2026, 1, 1), datetime(2026, 1, 5)],
                           "closed_at": [None, None]}, schema_overrides={"closed_at": pl.Datetime})
    assert recurrence(claims)["recurrent"].to_list() == [False, False]


def test_love_to_hate_flags_loyal_high_value_customers_with_a_fresh_complaint_first():
    from cxm.analytics.claims import love_to_hate

    customers = pl.DataFrame({
        "customer": [1, 2, 3, 4, 5],
        "value": [900_000, 850_000, 50_000, 700_000, 990_000],
        "since": [date(2023, 1, 1), date(2026, 10, 1), date(2020, 1, 1), date(2022, 5, 5), date(2021, 1, 1)],
    })
    complaints = pl.DataFrame({
        "customer": [1, 2, 3, 5, 1],
        "opened_at": [datetime(2026, 11, 20), datetime(2026, 11, 21), datetime(2026, 11, 22),
                      datetime(2026, 6, 1), datetime(2026, 11, 22)],
    })
    out = love_to_hate(customers, complaints, as_of=datetime(2026, 11, 23), value_quantile=0.6)
    # Threshold: the 0.6 quantile (lower) of the five values is 850,000 (hand count).
    # 1: loyal, valuable, two fresh complaints -> flagged. 2: valuable but new. 3: loyal but low value.
    # 5: valuable and loyal, but its complaint is old. 4: no complaint.
    assert out["customer"].to_list() == [1, 2, 3]
    assert out["flag"].to_list() == [True, False, False]
    assert out.filter(pl.col("customer") == 1)["fresh_complaints"].item() == 2
