"""Model specification, data validation and estimator behaviour of cxm.analytics.pls."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from cxm.analytics.exceptions import ConvergenceWarning, NotFittedError
from cxm.analytics.pls import PRESETS, ModelSpec, PLSPathModel, load_model, load_preset


def _spec(**over):
    base = {"constructs": {"X": ["x1", "x2"], "Y": ["y1", "y2"]}, "paths": ["X -> Y"]}
    base.update(over)
    return ModelSpec.from_dict(base)


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    g = 0.6 * f + 0.8 * rng.normal(size=n)
    return pl.DataFrame({
        "x1": f + rng.normal(size=n) * 0.5, "x2": f + rng.normal(size=n) * 0.7,
        "y1": g + rng.normal(size=n) * 0.5, "y2": g + rng.normal(size=n) * 0.6,
    })


def test_pls_model_parses_modes_and_paths():
    spec = ModelSpec.from_dict({
        "constructs": {"X": ["x1", "x2"], "Y": {"mode": "B", "indicators": ["y1", "y2"]}},
        "paths": ["X->Y"],
    })
    assert [c.mode for c in spec.constructs] == ["A", "B"]
    assert spec.paths == (("X", "Y"),)


def test_pls_model_rejects_cycle():
    with pytest.raises(ValueError, match="not a DAG: cycle"):
        ModelSpec.from_dict({
            "constructs": {"X": ["x1"], "Y": ["y1"], "Z": ["z1"]},
            "paths": ["X -> Y", "Y -> Z", "Z -> X"],
        })


def test_pls_model_rejects_construct_without_indicators():
    with pytest.raises(ValueError, match="'Y' has no indicators"):
        _spec(constructs={"X": ["x1"], "Y": []})


def test_pls_model_rejects_duplicated_indicator():
    with pytest.raises(ValueError, match="indicator 'x1' is used twice"):
        _spec(constructs={"X": ["x1", "x2"], "Y": ["x1"]})


def test_pls_model_rejects_path_to_unknown_construct():
    with pytest.raises(ValueError, match="unknown construct 'Z'"):
        _spec(paths=["X -> Z"])


def test_pls_model_rejects_malformed_path():
    with pytest.raises(ValueError, match="not of the form"):
        _spec(paths=["X Y"])


def test_pls_fit_rejects_unknown_column():
    with pytest.raises(ValueError, match="not in the data: y2"):
        PLSPathModel(_spec()).fit(_data().drop("y2"))


@pytest.mark.parametrize("value", [3.0, 0.1, 1 / 3, -7.3e5])
def test_pls_fit_rejects_constant_column(value):
    # 0.1, 1/3: the column mean is not exactly the value, so the sd is tiny, not zero
    with pytest.raises(ValueError, match="'x2' is constant"):
        PLSPathModel(_spec()).fit(_data().with_columns(pl.lit(value).alias("x2")))


def test_pls_fit_rejects_missing_values():
    data = _data().with_columns(pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise(pl.col("y1")).alias("y1"))
    with pytest.raises(ValueError, match="'y1' has 1 missing"):
        PLSPathModel(_spec()).fit(data)


def test_pls_fit_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="scheme must be one of"):
        PLSPathModel(_spec(), scheme="newton").fit(_data())


def _three_block_spec(mode_x="A"):
    return ModelSpec.from_dict({
        "constructs": {"X": {"mode": mode_x, "indicators": ["x1", "x2"]}, "M": ["m1", "m2"], "Y": ["y1", "y2"]},
        "paths": ["X -> M", "X -> Y", "M -> Y"],
    })


def _three_block_data(n=80, seed=3):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    g = 0.5 * f + rng.normal(size=n)
    h = 0.4 * f + 0.4 * g + rng.normal(size=n)
    cols = {}
    for name, lv in (("x", f), ("m", g), ("y", h)):
        for i in (1, 2):
            cols[f"{name}{i}"] = lv + rng.normal(size=n) * (0.4 + 0.2 * i)
    return pl.DataFrame(cols)


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
@pytest.mark.parametrize("mode_x", ["A", "B"])
def test_pls_single_fit_equals_the_batched_algorithm(scheme, mode_x):
    # the single fit (estimate_one) and the bootstrap's batched algorithm (estimate) are
    # two codings of the same iteration: same weights, paths, R² and indices
    from cxm.analytics.pls import _core

    spec, data = _three_block_spec(mode_x), _three_block_data()
    m = PLSPathModel(spec, scheme=scheme).fit(data)
    ref = _core.estimate(m.mean_[None], m.sd_[None], m.indicator_correlations_[None], spec.structure,
                         spec.bounds(), scheme, 1e-7, 300)
    assert m.n_iter_ == ref.n_iter[0]
    for ours, theirs in [(m.weights_matrix_, ref.weights_full[0]), (m.cross_loadings_, ref.cross_loadings[0]),
                         (m.path_coefficients_, ref.paths[0]), (m.r2_, ref.r2[0]), (m.index_, ref.index[0])]:
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_pls_singular_inner_regression_falls_back_to_the_pseudo_inverse():
    # X1 and X2 measure the same column, so Y's regression on them is singular; the
    # minimum-norm (pseudo-inverse) solution splits the correlation equally:
    # b1 = b2 = corr(X, Y) / 2 (hand computation: [[1,1],[1,1]] b = [c, c])
    data = _data().with_columns(pl.col("x1").alias("x1b"))
    spec = ModelSpec.from_dict({
        "constructs": {"X1": ["x1"], "X2": ["x1b"], "Y": ["y1", "y2"]},
        "paths": ["X1 -> Y", "X2 -> Y"],
    })
    m = PLSPathModel(spec).fit(data)
    assert m.converged_
    c = m.construct_correlations_[0, 2]
    np.testing.assert_allclose(m.path_coefficients_[[0, 1], 2], [c / 2, c / 2], atol=1e-12)
    assert np.isfinite(m.outer_weights_).all()


def test_pls_nonconvergence_warns():
    with pytest.warns(ConvergenceWarning, match="did not converge in 1 iterations"):
        PLSPathModel(_spec(), max_iter=1).fit(_data())


def test_pls_nonconvergence_can_raise():
    with pytest.raises(ValueError, match="did not converge"):
        PLSPathModel(_spec(), max_iter=1, on_nonconvergence="raise").fit(_data())


def test_pls_result_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        PLSPathModel(_spec()).result()


def test_pls_diagnostics_before_fit_are_missing_attributes():
    assert not hasattr(PLSPathModel(_spec()), "alpha_")


def test_pls_refit_recomputes_the_diagnostics():
    # the reliability/validity attributes are derived on first access: a refit on other
    # data must not keep the first fit's values
    m = PLSPathModel(_spec()).fit(_data(seed=0))
    first = (m.alpha_.copy(), m.htmt_.copy(), m.gof_)
    m.fit(_data(seed=1))
    fresh = PLSPathModel(_spec()).fit(_data(seed=1))
    np.testing.assert_array_equal(m.alpha_, fresh.alpha_)
    np.testing.assert_array_equal(m.htmt_, fresh.htmt_)
    assert m.gof_ == fresh.gof_ and m.gof_ != first[2]
    assert not np.array_equal(m.alpha_, first[0])


def test_pls_sign_orientation_follows_the_indicators():
    # all indicators negated: the weights must stay positive (the construct flips with them)
    data = _data()
    flipped = data.select([(-pl.col(c)).alias(c) for c in data.columns])
    a = PLSPathModel(_spec()).fit(data)
    b = PLSPathModel(_spec()).fit(flipped)
    assert (a.outer_weights_ > 0).all() and (b.outer_weights_ > 0).all()
    np.testing.assert_allclose(a.path_coefficients_, b.path_coefficients_, atol=1e-12)


def test_pls_scores_are_standardised_composites_of_the_weights():
    data = _data()
    m = PLSPathModel(_spec()).fit(data)
    x = data.to_numpy()
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    np.testing.assert_allclose(m.scores_[:, 0], z[:, :2] @ m.outer_weights_[:2], atol=1e-12)
    np.testing.assert_allclose(m.scores_.std(axis=0, ddof=1), 1.0, atol=1e-12)


def test_pls_mode_b_weights_are_regression_weights_on_the_inner_proxy():
    spec = ModelSpec.from_dict({
        "constructs": {"X": {"mode": "B", "indicators": ["x1", "x2"]}, "Y": ["y1", "y2"]},
        "paths": ["X -> Y"],
    })
    data = _data()
    m = PLSPathModel(spec, tol=1e-12).fit(data)
    x = data.to_numpy()
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    # at the fixed point X's weights are the OLS coefficients of Y's score on x1, x2
    coef, *_ = np.linalg.lstsq(z[:, :2], m.scores_[:, 1], rcond=None)
    np.testing.assert_allclose(coef / np.linalg.norm(coef), m.outer_weights_[:2] / np.linalg.norm(m.outer_weights_[:2]), atol=1e-9)


@pytest.mark.parametrize("name", PRESETS)
def test_pls_presets_load(name):
    spec = load_preset(name)
    assert len(spec.constructs) >= 6 and "Satisfaction" in spec.names


def test_pls_model_file_with_per_indicator_scale(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("constructs:\n  X: [x1, x2]\n  Y: [y1]\npaths: ['X -> Y']\nscale: {x1: [1, 5]}\n")
    spec = load_model(path)
    np.testing.assert_array_equal(spec.bounds(), [[1, 5], [1, 10], [1, 10]])


def test_pls_model_file_reports_bad_yaml(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("constructs: [\n")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_model(path)
