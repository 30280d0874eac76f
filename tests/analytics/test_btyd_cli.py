"""``cxm btyd`` and ``cxm sbg`` file commands (CliRunner)."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from cxm.analytics.btyd.bgnbd import BetaGeoModel
from cxm.analytics.btyd.summary import customer_summary
from cxm.cli import app

lifetimes = pytest.importorskip("lifetimes")
runner = CliRunner()
DATASETS = Path(lifetimes.__file__).parent / "datasets"


@pytest.fixture(scope="module")
def transactions_csv(tmp_path_factory):
    # CDNOW_sample.txt is space-aligned: master id, sample id, yyyymmdd, cds, dollars
    tokens = np.array((DATASETS / "CDNOW_sample.txt").read_text().split()).reshape(-1, 5)
    frame = pl.DataFrame({"id": tokens[:, 1].astype(int), "date": tokens[:, 2].astype(int),
                          "amount": tokens[:, 4].astype(float)})
    path = tmp_path_factory.mktemp("btyd") / "tx.csv"
    frame.write_csv(path)
    return path


@pytest.fixture(scope="module")
def summary_csv(tmp_path_factory):
    d = pl.read_csv(DATASETS / "cdnow_customers_summary_with_transactions.csv")
    path = tmp_path_factory.mktemp("btyd") / "summary.csv"
    d.rename({"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}).write_csv(path)
    return path


def test_cli_summarize_writes_lifetimes_columns(transactions_csv, tmp_path):
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["btyd", "summarize", str(transactions_csv), "--customer", "id", "--date", "date",
                                 "--amount", "amount", "--calibration-end", "1997-09-30", "--freq", "W",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out)
    assert got.columns == ["id", "frequency", "recency", "T", "monetary_value"]
    expected = customer_summary(pl.read_csv(transactions_csv), customer="id", date="date", amount="amount",
                                calibration_end="1997-09-30", freq="W")
    assert got.height == 2357
    np.testing.assert_allclose(got["recency"].to_numpy(), expected["recency"].to_numpy())


def test_cli_fit_json_reports_the_published_bgnbd_fit(summary_csv):
    result = runner.invoke(app, ["btyd", "fit", str(summary_csv), "--model", "bgnbd", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) >= {"params", "loglik", "n", "converged"}
    assert payload["n"] == 2357 and payload["converged"] is True
    assert round(payload["params"]["r"], 3) == 0.243 and round(payload["loglik"], 1) == -9582.4


@pytest.mark.parametrize("model, names", [("mbgnbd", ["r", "alpha", "a", "b"]),
                                          ("paretonbd", ["r", "alpha", "s", "beta"]),
                                          ("gammagamma", ["p", "q", "gamma"])])
def test_cli_fit_json_uses_the_usual_parameter_names(summary_csv, model, names):
    result = runner.invoke(app, ["btyd", "fit", str(summary_csv), "--model", model, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.output)["params"]) == names


def test_cli_predict_with_saved_params_matches_the_estimator(summary_csv, tmp_path):
    fitted = runner.invoke(app, ["btyd", "fit", str(summary_csv), "--model", "bgnbd", "--format", "json"])
    params = tmp_path / "bg.json"
    params.write_text(fitted.output)
    out = tmp_path / "pred.csv"
    result = runner.invoke(app, ["btyd", "predict", str(summary_csv), "--model", "bgnbd", "--params", str(params),
                                 "--horizon", "39", "--spend-params", "fit", "--periods", "9",
                                 "--discount-rate", "0.01", "--output", str(out)])
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out)
    d = pl.read_csv(summary_csv)
    model = BetaGeoModel.from_params(json.loads(fitted.output)["params"])
    np.testing.assert_allclose(got["p_alive"].to_numpy(),
                               model.conditional_probability_alive(d["frequency"], d["recency"], d["T"]), rtol=1e-9)
    assert {"expected_purchases", "expected_spend", "clv"} <= set(got.columns)
    assert (got["clv"].to_numpy() > 0).all()


def test_cli_sbg_fit_reproduces_the_regular_cohort(tmp_path):
    path = tmp_path / "survival.csv"
    path.write_text("period,alive\n" + "\n".join(f"{i},{v}" for i, v in
                                                 enumerate([1000, 631, 468, 382, 326, 289, 262, 241])))
    result = runner.invoke(app, ["sbg", "fit", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert round(payload["params"]["alpha"], 3) == 0.704 and round(payload["params"]["beta"], 3) == 1.182
    assert payload["projection"][0] == {"period": 0, "survival": 1.0, "retention": None}
    assert len(payload["projection"]) == 13


def test_cli_fit_reports_a_missing_column_and_exits_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("frequency,T\n1,3\n")
    result = runner.invoke(app, ["btyd", "fit", str(path), "--model", "bgnbd"])
    assert result.exit_code == 2
    assert "recency" in result.output


def test_cli_fit_reports_an_invalid_value_and_exits_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("frequency,recency,T\n1,5,3\n")
    result = runner.invoke(app, ["btyd", "fit", str(path), "--model", "bgnbd"])
    assert result.exit_code == 2
    assert "5.0" in result.output
