"""The ibis / DuckDB aggregations agree with the pure-polars implementations (reference:
cxm.analytics.rfm.rfm_values, retention.cohort_retention, btyd.summary.customer_summary and a
polars group-by for the margin matrix), on generated data."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

pytest.importorskip("ibis")

from cxm.analytics.aggregate import btyd_summary_inputs, cohort_counts, margin_matrix, rfm_inputs  # noqa: E402
from cxm.analytics.btyd.summary import customer_summary  # noqa: E402
from cxm.analytics.retention import cohort_retention  # noqa: E402
from cxm.analytics.rfm import rfm_values  # noqa: E402


def _transactions(n: int = 20_000, customers: int = 1_500, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01")
    return pl.DataFrame({
        "cust": rng.integers(0, customers, n),
        "day": (start + rng.integers(0, 730, n).astype("timedelta64[D]")).astype("datetime64[D]"),
        "amt": rng.integers(1_000, 200_000, n),
    })


def _close(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert_frame_equal(a, b, check_exact=False, rel_tol=1e-12, abs_tol=1e-9)


def test_rfm_inputs_equal_polars_rfm_values():
    tx = _transactions()
    _close(rfm_inputs(tx, customer="cust", date="day", amount="amt", as_of="2024-06-30"),
           rfm_values(tx, customer="cust", date="day", amount="amt", as_of="2024-06-30"))


def test_rfm_inputs_accept_iso_text_dates_and_arrow():
    tx = _transactions(3_000, 300).with_columns(pl.col("day").cast(pl.String))
    _close(rfm_inputs(tx.to_arrow(), customer="cust", date="day", amount="amt", as_of="2024-01-15"),
           rfm_values(tx, customer="cust", date="day", amount="amt", as_of="2024-01-15"))


def test_cohort_counts_equal_polars_cohort_retention():
    tx = _transactions()
    _close(cohort_counts(tx, customer="cust", date="day"), cohort_retention(tx, customer="cust", date="day"))


@pytest.mark.parametrize("freq", ["D", "W"])
def test_btyd_summary_inputs_equal_polars_customer_summary(freq):
    tx = _transactions()
    end = dt.date(2024, 5, 15)  # a Wednesday: the weekly case truncates it to Monday
    _close(btyd_summary_inputs(tx, customer="cust", date="day", amount="amt", calibration_end=end, freq=freq),
           customer_summary(tx, customer="cust", date="day", amount="amt", calibration_end=end, freq=freq))


def test_btyd_summary_inputs_without_amount_equal_polars():
    tx = _transactions(5_000, 400)
    _close(btyd_summary_inputs(tx, customer="cust", date="day", calibration_end="2024-12-31"),
           customer_summary(tx, customer="cust", date="day", calibration_end="2024-12-31"))


def test_margin_matrix_equals_polars_group_by():
    rng = np.random.default_rng(3)
    n = 10_000
    lines = pl.DataFrame({"cust": rng.integers(0, 300, n), "sku": rng.choice(["P1", "P2", "P3", "P4"], n),
                          "amount": rng.integers(100, 10_000, n), "cost": rng.integers(50, 12_000, n)})
    expected = (lines.group_by("cust", "sku")
                .agg(pl.len().cast(pl.Int64).alias("lines"), pl.col("amount").cast(pl.Float64).sum().alias("revenue"),
                     pl.col("cost").cast(pl.Float64).sum().alias("cost"))
                .with_columns((pl.col("revenue") - pl.col("cost")).alias("margin")).sort("cust", "sku"))
    _close(margin_matrix(lines, customer="cust", product="sku", amount="amount", cost="cost"), expected)


def test_rfm_inputs_report_missing_column():
    with pytest.raises(ValueError, match="'price'"):
        rfm_inputs(_transactions(100, 10), customer="cust", date="day", amount="price", as_of="2024-01-01")


def test_rfm_inputs_accept_a_lazy_frame():
    tx = _transactions(2_000, 200)
    _close(rfm_inputs(tx.lazy(), customer="cust", date="day", amount="amt", as_of="2024-03-01"),
           rfm_values(tx, customer="cust", date="day", amount="amt", as_of="2024-03-01"))
