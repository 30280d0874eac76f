"""``cxm csi`` on generated CSV / XLSX / .sav files, checked against a hand numpy computation."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cxm.cli import app

Q = """
scale: [1, 5]
elements:
  - code: A
    items: [{code: A11}, {code: A12, scale: [1, 7]}]
  - code: B
    items: [{code: B11}]
  - code: C
    items: [{code: C11}, {code: C12}]
overall: {code: OVR, scale: [1, 7]}
loyalty:
  retention: {code: RET}
  recommend: {code: REC, scale: [0, 10]}
competitor: {prefix: "COMP_"}
"""


def _frame(n=240, seed=0):
    rng = np.random.default_rng(seed)
    f = pd.DataFrame({
        "A11": rng.integers(1, 6, n), "A12": rng.integers(1, 8, n), "B11": rng.integers(1, 6, n),
        "C11": rng.integers(1, 6, n), "C12": rng.integers(1, 6, n), "RET": rng.integers(1, 6, n),
        "REC": rng.integers(0, 11, n), "COMP_A11": rng.integers(1, 6, n), "COMP_A12": rng.integers(1, 8, n),
        "COMP_B11": rng.integers(1, 6, n), "COMP_C11": rng.integers(1, 6, n), "COMP_C12": rng.integers(1, 6, n),
        "region": rng.choice(["R1", "R2", "R3"], n),
    }).astype({"A11": float})
    f["OVR"] = np.clip(np.round((f.A11 + f.B11 + f.C11) / 3 * 1.4 + rng.normal(0, 0.7, n)), 1, 7)
    f.loc[::7, "A11"] = np.nan  # missing answers
    return f


def _expected(f):
    a = np.nanmean(np.column_stack([(f.A11 - 1) / 4 * 100, (f.A12 - 1) / 6 * 100]), axis=1)
    b = (f.B11 - 1) / 4 * 100
    c = ((f.C11 - 1) / 4 * 100 + (f.C12 - 1) / 4 * 100) / 2
    o = (f.OVR - 1) / 6 * 100
    E = np.column_stack([a, b, c])
    sat = E.mean(axis=0)
    r = np.array([np.corrcoef(E[:, j], o)[0, 1] for j in range(3)])
    w = np.clip(r, 0, None) / np.clip(r, 0, None).sum()
    return E, sat, r, w, o


def _run(tmp_path, f, suffix, *extra):
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    path = tmp_path / f"r{suffix}"
    if suffix == ".csv":
        f.to_csv(path, index=False)
    elif suffix == ".xlsx":
        f.to_excel(path, index=False)
    else:
        import pyreadstat
        pyreadstat.write_sav(f, path)
    res = CliRunner().invoke(app, ["csi", str(path), "--questionnaire", str(tmp_path / "q.yaml"),
                                   "--bootstrap", "200", "--seed", "1", "--format", "json", *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".sav"])
def test_csi_json_matches_hand_numpy_computation(tmp_path, suffix):
    f = _frame()
    out = _run(tmp_path, f, suffix)
    E, sat, r, w, o = _expected(f)
    assert out["n"] == len(f) and out["method"] == "correlation"
    assert out["csi"] == pytest.approx(float(w @ sat), abs=1e-9)
    assert out["overall"] == pytest.approx(o.mean(), abs=1e-9)
    assert out["csi_ci"][0] < out["csi"] < out["csi_ci"][1]
    for j, code in enumerate("ABC"):
        e = out["elements"][code]
        assert e["satisfaction"] == pytest.approx(sat[j], abs=1e-9)
        assert e["importance"] == pytest.approx(r[j], abs=1e-9) and e["weight"] == pytest.approx(w[j], abs=1e-9)
        hi_i, hi_s = r[j] >= r.mean(), sat[j] >= sat.mean()
        assert e["quadrant"] == {(True, True): "A", (True, False): "B", (False, False): "C", (False, True): "D"}[hi_i, hi_s]
    loy = out["loyalty"]
    assert loy["retention_rate"] == pytest.approx((f.RET >= 4).mean() * 100)
    assert loy["recommend_rate"] == pytest.approx((f.REC >= 9).mean() * 100)
    assert loy["cli"] == pytest.approx(((f.RET - 1) / 4 * 100).mean() / 2 + (f.REC * 10).mean() / 2)
    assert loy["nps"] == pytest.approx(((f.REC >= 9).mean() - (f.REC <= 6).mean()) * 100)
    comp = f.rename(columns=lambda c: c.removeprefix("COMP_") if c.startswith("COMP_") else "own_" + c)
    _, csat, _, _, _ = _expected(comp.assign(OVR=f.OVR))
    assert out["competitor"]["csi"] == pytest.approx(float(w @ csat), abs=1e-9)
    assert out["competitor"]["elements"]["B"]["gap"] == pytest.approx(sat[1] - csat[1], abs=1e-9)
    assert out["competitor"]["elements"]["C"]["ratio"] == pytest.approx(sat[2] / csat[2], abs=1e-9)
    b11 = (f.B11 - 1) / 4 * 100
    assert out["items"]["B11"]["importance"] == pytest.approx(np.corrcoef(b11, o)[0, 1], abs=1e-9)
    assert out["items"]["B11"]["satisfaction"] == pytest.approx(b11.mean(), abs=1e-9)
    assert {v["quadrant"] for v in out["items"].values()} <= set("ABCD")
    assert out["missing"]["n_by_element"] == {"A": len(f), "B": len(f), "C": len(f)}


def test_csi_by_column_gives_groups_with_holm_p_values(tmp_path):
    f = _frame()
    out = _run(tmp_path, f, ".csv", "--by", "region", "--importance", "shapley")
    assert out["method"] == "shapley"
    groups = out["by"]["groups"]
    assert [g["group"] for g in groups] == ["R1", "R2", "R3"]
    assert sum(g["n"] for g in groups) == len(f)
    assert all(g["p_holm"] >= g["p_value"] for g in groups)


def test_csi_bad_cell_exits_2_with_row_and_column(tmp_path):
    f = _frame().astype({"B11": object})
    f.loc[3, "B11"] = "x"
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    f.to_csv(tmp_path / "bad.csv", index=False)
    res = CliRunner().invoke(app, ["csi", str(tmp_path / "bad.csv"), "-q", str(tmp_path / "q.yaml")])
    assert res.exit_code == 2
    assert "row 4, column 'B11', value 'x'" in res.output


def test_csi_error_has_the_house_prefix(tmp_path):
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    res = CliRunner().invoke(app, ["csi", str(tmp_path / "none.csv"), "-q", str(tmp_path / "q.yaml")])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "no such file" in res.stderr


def test_csi_table_format_prints_elements(tmp_path):
    (tmp_path / "q.yaml").write_text(Q, encoding="utf-8")
    _frame().to_csv(tmp_path / "r.csv", index=False)
    res = CliRunner().invoke(app, ["csi", str(tmp_path / "r.csv"), "-q", str(tmp_path / "q.yaml"), "--bootstrap", "50"])
    assert res.exit_code == 0, res.output
    assert "CSI=" in res.output and "loyalty:" in res.output
