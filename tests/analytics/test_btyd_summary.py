"""Customer summary from transactions against lifetimes' summary_data_from_transaction_data."""

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cxm.analytics.btyd.summary import customer_summary

lifetimes = pytest.importorskip("lifetimes")
pd = pytest.importorskip("pandas")
from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

CDNOW = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow_transactions():
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["master", "id", "date", "cds", "amount"])
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw[["id", "date", "amount"]]


def _compare(ours: pl.DataFrame, theirs, key: str):
    theirs = theirs.sort_index()
    assert ours[key].to_list() == theirs.index.to_list()
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[col].to_numpy(), theirs[col].to_numpy(), rtol=1e-12, atol=1e-9,
                                   err_msg=col)


@pytest.mark.parametrize("freq, end", [("W", "1997-09-30"), ("D", "1997-09-30"), ("W", "1998-06-30"),
                                       ("D", "1998-02-15")])
def test_summary_matches_lifetimes_on_cdnow_transactions(cdnow_transactions, freq, end):
    theirs = summary_data_from_transaction_data(cdnow_transactions, "id", "date", "amount",
                                                observation_period_end=end, freq=freq)
    ours = customer_summary(pl.from_pandas(cdnow_transactions), customer="id", date="date", amount="amount",
                            calibration_end=end, freq=freq)
    _compare(ours, theirs, "id")


def test_summary_matches_lifetimes_on_a_generated_file_with_same_period_purchases():
    rng = np.random.default_rng(3)
    n = 4000
    start = np.datetime64("2024-01-01")
    columns = {
        "cust": rng.integers(0, 300, n),
        "when": start + rng.integers(0, 400, n).astype("timedelta64[D]"),
        "amt": rng.gamma(2.0, 20_000, n).round(),
    }
    frame = pd.DataFrame(columns)
    for freq in ("D", "W"):
        theirs = summary_data_from_transaction_data(frame, "cust", "when", "amt",
                                                    observation_period_end="2024-10-02", freq=freq)
        ours = customer_summary(pl.DataFrame(columns), customer="cust", date="when", amount="amt",
                                calibration_end="2024-10-02", freq=freq)
        _compare(ours, theirs, "cust")


def test_summary_hand_case_in_days():
    frame = pl.DataFrame({
        "c": ["a", "a", "a", "a", "b", "z"],
        "d": ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-11", "2024-01-10", "2024-02-01"],
        "v": [10.0, 5.0, 20.0, 40.0, 7.0, 99.0],
    })
    out = customer_summary(frame, customer="c", date="d", amount="v", calibration_end=dt.date(2024, 1, 11))
    assert out["c"].to_list() == ["a", "b"]  # z buys after the calibration end
    assert out.row(0) == ("a", 2.0, 10.0, 10.0, 30.0)  # two repeat days; (20 + 40) / 2
    assert out.row(1) == ("b", 0.0, 0.0, 1.0, 0.0)


def test_summary_rejects_an_unknown_column_naming_it():
    with pytest.raises(ValueError, match="when"):
        customer_summary(pl.DataFrame({"c": [1], "d": ["2024-01-01"]}), customer="c", date="when",
                         calibration_end="2024-02-01")
