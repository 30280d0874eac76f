"""``cxm crosssell`` file command (CliRunner) on the hand-counted baskets of test_crosssell_rules."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from cxm.cli import app

runner = CliRunner()

ROWS = [(1, "a", "2025-01-01"), (1, "b", "2025-01-05"), (1, "c", "2025-01-05"), (1, "a", "2025-02-01"),
        (2, "a", "2025-02-01"), (2, "b", "2025-01-01"), (3, "b", "2025-01-01"), (3, "c", "2025-01-02"),
        (3, "a", "2025-01-03"), (4, "c", "2025-01-01"), (4, "d", "2025-01-01"), (5, "a", "2025-01-01")]


@pytest.fixture
def lines_csv(tmp_path):
    path = tmp_path / "lines.csv"
    pl.DataFrame(ROWS, schema=["cust", "sku", "day"], orient="row").write_csv(path)
    return path


def _args(path, *extra):
    return ["crosssell", str(path), "--customer", "cust", "--product", "sku", *extra]


def test_cli_crosssell_json_lists_rules_by_lift(lines_csv):
    res = runner.invoke(app, _args(lines_csv, "--min-support", "0.4", "--top", "3", "--format", "json"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["n_customers"], out["n_products"], out["n_rules"], out["sequential"]) == (5, 4, 6, False)
    assert len(out["rules"]) == 3
    first = out["rules"][0]  # b -> a: 3 of 5, confidence 1, lift 1 / 0.8
    assert (first["antecedent"], first["consequent"], first["count"]) == ("b", "a", 3)
    assert (first["support"], first["confidence"], first["lift"]) == (0.6, 1.0, pytest.approx(1.25))
    assert set(first) == {"antecedent", "consequent", "count", "antecedent_count", "consequent_count", "support",
                          "confidence", "lift"}


def test_cli_crosssell_next_counts_ordered_first_purchases(lines_csv):
    res = runner.invoke(app, _args(lines_csv, "--date", "day", "--next", "--format", "json"))
    out = json.loads(res.stdout)
    assert out["sequential"] is True
    assert {(r["antecedent"], r["consequent"]): r["count"] for r in out["rules"]} == {
        ("a", "b"): 1, ("a", "c"): 1, ("b", "a"): 2, ("b", "c"): 1, ("c", "a"): 1}


def test_cli_crosssell_next_without_date_is_a_clear_error(lines_csv):
    res = runner.invoke(app, _args(lines_csv, "--next"))
    assert res.exit_code == 2 and "date column" in res.stderr


def test_cli_crosssell_table_names_the_rules(lines_csv):
    res = runner.invoke(app, _args(lines_csv))
    assert res.exit_code == 0 and "8 rules" in res.stdout and "confidence" in res.stdout
