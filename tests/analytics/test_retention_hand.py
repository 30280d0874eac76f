"""Retention rate, churn, cohort table and tenure against a hand count (reference: hand count in comments).

Data: x Jan 5 (B1), Feb 10 (B1), Apr 1 (B2); y Jan 20 (B1), Mar 3 (B1);
z Feb 2, Feb 28, Mar 15 (all B2); w Mar 1 (B1) -- all 2024 (a leap year).
Active per month: Jan {x, y}, Feb {x, z}, Mar {y, z, w}, Apr {x}.
"""

import datetime as dt

import polars as pl
import pytest

from cxm.analytics.retention import average_tenure, cohort_matrix, cohort_retention, retention_rates

D = dt.date


def _frame() -> pl.DataFrame:
    rows = [("x", D(2024, 1, 5), "B1"), ("x", D(2024, 2, 10), "B1"), ("x", D(2024, 4, 1), "B2"),
            ("y", D(2024, 1, 20), "B1"), ("y", D(2024, 3, 3), "B1"),
            ("z", D(2024, 2, 2), "B2"), ("z", D(2024, 2, 28), "B2"), ("z", D(2024, 3, 15), "B2"),
            ("w", D(2024, 3, 1), "B1")]
    return pl.DataFrame(rows, schema=["c", "d", "branch"], orient="row")


def test_monthly_retention_matches_hand_count():
    # Feb: x of {x,y} -> 1/2; Mar: z of {x,z} -> 1/2; Apr: none of {y,z,w} -> 0
    out = retention_rates(_frame(), customer="c", date="d", period="month")
    assert out["period"].to_list() == [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)]
    assert out["active_prev"].to_list() == [2, 2, 3]
    assert out["retained"].to_list() == [1, 1, 0]
    assert out["active"].to_list() == [2, 3, 1]
    assert out["retention_rate"].to_list() == [0.5, 0.5, 0.0]
    assert out["churn_rate"].to_list() == [0.5, 0.5, 1.0]


def test_quarterly_retention_matches_hand_count():
    # Q1 {x,y,z,w}, Q2 {x} -> 1/4
    out = retention_rates(_frame(), customer="c", date="d", period="quarter")
    assert out.select("period", "active_prev", "retained", "retention_rate").rows() == [(D(2024, 4, 1), 4, 1, 0.25)]


def test_retention_by_branch_matches_hand_count():
    # B1: Jan {x,y} Feb {x} Mar {y,w} Apr {} -> 1/2, 0/1, 0/2
    # B2: Jan {} Feb {z} Mar {z} Apr {x} -> null (nobody in Jan), 1/1, 0/1
    out = retention_rates(_frame(), customer="c", date="d", period="month", group="branch")
    b1 = out.filter(pl.col("branch") == "B1")
    b2 = out.filter(pl.col("branch") == "B2")
    assert b1["retention_rate"].to_list() == [0.5, 0.0, 0.0]
    assert b1["active"].to_list() == [1, 2, 0]
    assert b2["retention_rate"].to_list() == [None, 1.0, 0.0]
    assert b2["active_prev"].to_list() == [0, 1, 1]


def test_cohort_retention_matches_hand_count():
    # cohorts: Jan {x,y}, Feb {z}, Mar {w}
    out = cohort_retention(_frame(), customer="c", date="d")
    assert out.rows() == [
        (D(2024, 1, 1), 0, 2, 2, 1.0), (D(2024, 1, 1), 1, 1, 2, 0.5), (D(2024, 1, 1), 2, 1, 2, 0.5),
        (D(2024, 1, 1), 3, 1, 2, 0.5), (D(2024, 2, 1), 0, 1, 1, 1.0), (D(2024, 2, 1), 1, 1, 1, 1.0),
        (D(2024, 3, 1), 0, 1, 1, 1.0)]


def test_cohort_matrix_fills_reached_months_with_zero_and_later_with_null():
    m = cohort_matrix(cohort_retention(_frame(), customer="c", date="d"))
    assert m.columns == ["cohort", "cohort_size", "m0", "m1", "m2", "m3"]
    assert m.rows() == [(D(2024, 1, 1), 2, 1.0, 0.5, 0.5, 0.5), (D(2024, 2, 1), 1, 1.0, 1.0, 0.0, None),
                        (D(2024, 3, 1), 1, 1.0, 0.0, None, None)]


def test_average_tenure_matches_hand_count():
    # x Jan 5 -> Apr 1 = 87 days, y Jan 20 -> Mar 3 = 43, z Feb 2 -> Mar 15 = 42, w 0
    t = average_tenure(_frame(), customer="c", date="d")
    assert (t.mean_days, t.median_days, t.n) == (43.0, 42.5, 4)


def test_retention_rejects_unknown_period():
    with pytest.raises(ValueError, match="'week'"):
        retention_rates(_frame(), customer="c", date="d", period="week")


def test_expected_lifetime_is_one_over_churn():
    from cxm.analytics.retention import expected_lifetime

    # Kumar & Reinartz's rule: r = 0.75 -> 1 / 0.25 = 4 periods
    assert expected_lifetime(0.75) == 4.0
    with pytest.raises(ValueError, match="1.0"):
        expected_lifetime(1.0)
