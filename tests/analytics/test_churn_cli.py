"""``cxm churn`` file command (CliRunner): the JSON contract equals holdout_validate's result."""

import json

import pytest
from typer.testing import CliRunner

from cxm.analytics.churn import holdout_validate
from cxm.cli import app
from cxm.demo.generator import DemoSpec, generate

runner = CliRunner()


@pytest.fixture(scope="module")
def tx_csv(tmp_path_factory):
    tx = generate(DemoSpec(seed=11, n_customers=2_000)).transactions.select("customer_idx", "occurred_on", "amount")
    path = tmp_path_factory.mktemp("churn") / "tx.csv"
    tx.write_csv(path)
    return path, tx


def _args(path, *extra):
    return ["churn", str(path), "--customer", "customer_idx", "--date", "occurred_on", "--cutoff", "2026-05-04",
            "--horizon", "90", *extra]


def test_cli_churn_json_reports_the_holdout_validation(tx_csv):
    path, tx = tx_csv
    res = runner.invoke(app, _args(path, "--amount", "amount", "--format", "json"))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = holdout_validate(tx, customer="customer_idx", date="occurred_on", amount="amount", cutoff="2026-05-04",
                           horizon_days=90)
    assert (out["train_cutoff"], out["test_cutoff"], out["horizon_days"]) == ("2026-05-04", "2026-08-02", 90)
    assert (out["n_train"], out["n_test"]) == (ref.n_train, ref.n_test)
    assert out["auc"] == pytest.approx(ref.auc) and out["brier"] == pytest.approx(ref.brier)
    assert out["top_decile_lift"] == pytest.approx(ref.top_decile_lift)
    assert [b["observed_rate"] for b in out["calibration"]] == pytest.approx([b.observed_rate for b in ref.calibration])
    assert set(out["calibration"][0]) == {"bin", "n", "mean_predicted", "observed_rate", "min_predicted",
                                          "max_predicted"}
    assert out["features"][-1] == "spend_trend" and "intercept" in out["coefficients"]
    assert out["importances"] is None


def test_cli_churn_gbm_reports_importances(tx_csv):
    path, _ = tx_csv
    out = json.loads(runner.invoke(app, _args(path, "--model", "gbm", "--format", "json")).stdout)
    assert out["coefficients"] is None and set(out["importances"]) == set(out["features"])
    assert "monetary" not in out["features"]  # no --amount


def test_cli_churn_table_prints_auc_and_calibration(tx_csv):
    path, _ = tx_csv
    res = runner.invoke(app, _args(path))
    assert res.exit_code == 0 and "AUC" in res.stdout and "observed_rate" in res.stdout


def test_cli_churn_horizon_beyond_the_data_is_a_clear_error(tx_csv):
    path, _ = tx_csv
    res = runner.invoke(app, _args(path)[:-1] + ["200"])
    assert res.exit_code == 2 and "through 2026-11-20" in res.stderr
