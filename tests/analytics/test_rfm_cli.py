"""``cxm rfm`` file command (CliRunner); numbers checked against the hand count of test_rfm_hand."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from cxm.cli import app

runner = CliRunner()


@pytest.fixture
def tx_csv(tmp_path):
    rows = [("A", "2024-03-30", 100), ("A", "2024-03-01", 50), ("A", "2024-02-01", 50), ("B", "2024-01-01", 30),
            ("C", "2024-03-31", 10), ("C", "2024-03-31", 20), ("D", "2023-12-01", 500), ("D", "2024-01-15", 500),
            ("D", "2024-02-10", 500), ("D", "2024-02-20", 500), ("E", "2024-04-05", 999), ("E", "2023-06-01", 5)]
    path = tmp_path / "tx.csv"
    pl.DataFrame(rows, schema=["cust", "day", "amt"], orient="row").write_csv(path)
    return path


def _args(path, *extra):
    return ["rfm", str(path), "--customer", "cust", "--date", "day", "--amount", "amt", *extra]


def test_cli_rfm_json_segments_and_customers_match_hand_count(tx_csv):
    res = runner.invoke(app, _args(tx_csv, "--as-of", "2024-03-31", "--format", "json"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["as_of"], out["n"]) == ("2024-03-31", 5)
    counts = {s["segment"]: s["customers"] for s in out["segments"]}
    assert counts == {"champions": 0, "loyal": 2, "potential loyal": 1, "new": 0, "at risk": 0, "can't lose": 0,
                      "hibernating": 1, "lost": 1}
    loyal = next(s for s in out["segments"] if s["segment"] == "loyal")
    assert loyal["monetary_total"] == 2200.0 and loyal["share"] == 0.4
    assert [c["segment"] for c in out["customers"]] == ["loyal", "hibernating", "potential loyal", "loyal", "lost"]
    assert out["customers"][3] == {"customer": "D", "recency": 40, "frequency": 4, "monetary": 2000.0,
                                   "r_score": 3, "f_score": 5, "m_score": 5, "segment": "loyal"}


def test_cli_rfm_default_as_of_is_latest_transaction(tx_csv):
    res = runner.invoke(app, _args(tx_csv, "--format", "json", "--no-customers"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["as_of"] == "2024-04-05" and "customers" not in out


def test_cli_rfm_csv_is_per_customer_table(tx_csv):
    res = runner.invoke(app, _args(tx_csv, "--as-of", "2024-03-31", "--format", "csv"))
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "cust,recency,frequency,monetary,r_score,f_score,m_score,segment"
    assert lines[2] == "B,90,1,30.0,2,1,2,hibernating"


def test_cli_rfm_table_lists_segments(tx_csv):
    res = runner.invoke(app, _args(tx_csv, "--as-of", "2024-03-31"))
    assert res.exit_code == 0, res.output
    assert "5 customers" in res.stdout and "can't lose" in res.stdout


def test_cli_rfm_missing_column_exits_2(tx_csv):
    res = runner.invoke(app, ["rfm", str(tx_csv), "--customer", "cust", "--date", "day", "--amount", "price"])
    assert res.exit_code == 2
    assert "'price'" in res.stderr


def test_cli_rfm_bad_date_exits_2(tx_csv):
    res = runner.invoke(app, _args(tx_csv, "--as-of", "31/03/2024"))
    assert res.exit_code == 2
    assert "31/03/2024" in res.stderr
