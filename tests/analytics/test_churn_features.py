"""Churn features and labels on a hand-counted transaction set."""

import datetime as dt

import polars as pl
import pytest

from cxm.analytics.churn import churn_features, churn_frame, churn_labels, contract_churn_labels, feature_columns

CUTOFF = "2024-03-31"


@pytest.fixture
def tx():
    rows = [("A", "2024-01-01", 100), ("A", "2024-02-01", 200), ("A", "2024-03-01", 300), ("A", "2024-03-01", 50),
            ("A", "2024-03-20", 110), ("B", "2024-03-31", 40), ("B", "2024-05-01", 10), ("C", "2024-04-10", 70),
            ("D", "2023-12-01", 80), ("D", "2024-04-30", 90)]
    return pl.DataFrame(rows, schema=["cust", "day", "amt"], orient="row")


def _row(frame, cust):
    return frame.filter(pl.col("cust") == cust).to_dicts()[0]


def test_features_match_the_hand_count(tx):
    f = churn_features(tx, customer="cust", date="day", amount="amt", cutoff=CUTOFF, trend_days=30)
    assert f["cust"].to_list() == ["A", "B", "D"]  # C buys only after the cutoff
    a = _row(f, "A")
    # last purchase 20 March (11 days), 5 rows, first 1 January (90 days in a leap year);
    # 4 purchase days 79 days apart -> 79 / 3; recent window (1 Mar, 31 Mar]: 20 March only;
    # previous (31 Jan, 1 Mar]: 1 Feb and twice 1 Mar
    assert a["recency_days"] == 11 and a["frequency"] == 5 and a["tenure_days"] == 90
    assert a["ipt_mean"] == pytest.approx(79 / 3) and a["ipt_overdue"] == pytest.approx(11 / (79 / 3))
    assert a["count_trend"] == pytest.approx((1 - 3) / 4)
    assert a["monetary"] == 760 and a["avg_amount"] == 152
    assert a["spend_trend"] == pytest.approx((110 - 550) / 660)


def test_a_single_purchase_has_no_inter_purchase_time_and_a_rising_trend(tx):
    f = churn_features(tx, customer="cust", date="day", amount="amt", cutoff=CUTOFF, trend_days=30)
    b = _row(f, "B")
    assert (b["recency_days"], b["frequency"], b["tenure_days"]) == (0, 1, 0)
    assert b["ipt_mean"] is None and b["ipt_overdue"] is None
    assert b["count_trend"] == 1.0 and b["spend_trend"] == 1.0
    d = _row(f, "D")  # nothing in the last 60 days: no change
    assert d["recency_days"] == 121 and d["count_trend"] == 0.0 and d["spend_trend"] == 0.0


def test_without_amount_the_spend_features_are_absent(tx):
    f = churn_features(tx, customer="cust", date="day", cutoff=CUTOFF)
    assert feature_columns(f) == ["recency_days", "frequency", "tenure_days", "ipt_mean", "ipt_overdue",
                                  "count_trend"]


def test_satisfaction_and_complaints_are_joined_up_to_the_cutoff(tx):
    sat = pl.DataFrame({"cust": ["A", "A", "B"], "score": [4, 2, 5], "day": ["2024-03-01", "2024-04-05", "2024-01-01"]})
    comp = pl.DataFrame({"cust": ["A", "A", "D", "D"], "day": ["2024-03-10", "2024-04-02", "2024-01-05", "2024-02-05"]})
    f = churn_features(tx, customer="cust", date="day", cutoff=CUTOFF, satisfaction=sat, complaints=comp)
    assert f.select("cust", "satisfaction", "complaints").rows() == [("A", 4.0, 1), ("B", 5.0, 0), ("D", None, 2)]


def test_satisfaction_frame_without_score_is_an_error(tx):
    with pytest.raises(ValueError, match="score"):
        churn_features(tx, customer="cust", date="day", cutoff=CUTOFF, satisfaction=pl.DataFrame({"cust": ["A"]}))


def test_label_is_no_purchase_in_the_next_horizon_days(tx):
    # (31 Mar, 30 Apr]: D buys on 30 April (inside), B on 1 May (outside), A never
    labels = churn_labels(tx, customer="cust", date="day", cutoff=CUTOFF, horizon_days=30)
    assert labels.rows() == [("A", True), ("B", True), ("D", False)]


def test_labels_refuse_a_horizon_beyond_the_data(tx):
    with pytest.raises(ValueError, match="2024-05-15"):
        churn_labels(tx, customer="cust", date="day", cutoff="2024-04-15", horizon_days=30)


def test_contract_label_is_a_cancellation_within_the_horizon_among_active_contracts():
    contracts = pl.DataFrame({"cust": ["A", "B", "D", "E", "F"],
                              "start": [dt.date(2023, 1, 1)] * 3 + [dt.date(2024, 5, 1), dt.date(2023, 6, 1)],
                              "end": [dt.date(2024, 4, 20), dt.date(2024, 3, 15), None, None, dt.date(2024, 5, 2)]})
    labels = contract_churn_labels(contracts, customer="cust", ended_on="end", started_on="start", cutoff=CUTOFF,
                                   horizon_days=30)
    # B ended before the cutoff, E starts after it; F cancels after the horizon
    assert labels.rows() == [("A", True), ("D", False), ("F", False)]


def test_churn_frame_with_contracts_keeps_active_customers_with_features(tx):
    contracts = pl.DataFrame({"cust": ["A", "B", "C"], "end": ["2024-04-20", "2024-03-15", None]})
    frame = churn_frame(tx, customer="cust", date="day", cutoff=CUTOFF, horizon_days=30, contracts=contracts,
                        contract_end="end")
    assert frame.select("cust", "churned").rows() == [("A", True)]  # C has no purchase before the cutoff


def test_dates_as_yyyymmdd_integers_give_the_same_features(tx):
    as_int = tx.with_columns(pl.col("day").str.replace_all("-", "").cast(pl.Int64))
    a = churn_features(tx, customer="cust", date="day", amount="amt", cutoff=CUTOFF)
    b = churn_features(as_int, customer="cust", date="day", amount="amt", cutoff=CUTOFF)
    assert a.equals(b)
