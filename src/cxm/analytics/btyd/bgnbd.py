"""The BG/NBD model of non-contractual repeat buying (Fader, Hardie & Lee 2005).

While alive, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``;
after each purchase they drop out for good with probability ``p ~ Beta(a, b)``.
The MBG/NBD variant (:mod:`.mbgnbd`) shares all of this code: it also lets the customer
drop out right after the first purchase.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from cxm.analytics.btyd.common import PurchaseProcessModel, as_summary_arrays, weighted_unique_rows

__all__ = ["BetaGeoModel"]


def _stack_likelihood(logp: np.ndarray, data, w: np.ndarray, modified: bool):
    """Negative log-likelihood of (M)BG/NBD and its gradient in log-parameters.

    With ``k = x - 1`` (BG) or ``k = x`` (MBG) and ``d = [x > 0]`` (BG) or ``1`` (MBG):

    ``LL = lnG(r+x) - lnG(r) + r ln(alpha) + lnB(a, b+k+1) - lnB(a, b)
    + ln( (alpha+T)^-(r+x) + d * a/(b+k) * (alpha+t_x)^-(r+x) )``

    The two terms of the sum are combined with ``logaddexp`` so nothing overflows for
    any ``x``. ``lnG``/``digamma`` of ``x``-dependent terms are evaluated on the distinct
    ``x`` values only (there are few) and spread back by index.
    """
    x, t_x, T, xu, xinv = data
    r, alpha, a, b = np.exp(logp)
    ku = xu if modified else xu - 1.0
    # Terms that depend on x alone are summed per distinct x (few) with the weights per x,
    # so the per-row work is two logs, one exp, one log1p and a few products.
    wx = np.bincount(xinv, weights=w, minlength=xu.size)
    w_total = wx.sum()
    second_u = np.ones(xu.size, dtype=bool) if modified else xu > 0
    bku = np.where(second_u, b + ku, 1.0)
    ln_bku = np.where(second_u, np.log(bku), 0.0)
    ln_at = np.log(alpha + T)
    ln_atx = np.log(alpha + t_x)
    rx = r + x
    term1 = -rx * ln_at
    has_second = second_u[xinv]
    # term2 - term1 for customers who may have died after their last purchase
    d = np.where(has_second, np.log(a) - ln_bku[xinv] - rx * (ln_atx - ln_at), -np.inf)
    e = np.exp(-np.abs(d))
    # ln(exp(term1) + exp(term2)) = term1 + softplus(d); w4 = sigmoid(d) = P(died | data) weight
    softplus = np.maximum(d, 0.0) + np.log1p(e)
    w4 = np.where(d >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    w3 = 1.0 - w4
    ll = (wx @ (gammaln(r + xu) + gammaln(b + ku + 1) - gammaln(a + b + ku + 1))
          + w_total * (-gammaln(r) + r * np.log(alpha) - gammaln(b) + gammaln(a + b))
          + w @ (term1 + softplus))
    psi_abk = digamma(a + b + ku + 1)
    ww4 = w * w4
    d_r = wx @ digamma(r + xu) + w_total * (np.log(alpha) - digamma(r)) - w @ (w3 * ln_at) - ww4 @ ln_atx
    d_alpha = w_total * r / alpha - (w * rx) @ (w3 / (alpha + T) + w4 / (alpha + t_x))
    d_a = w_total * digamma(a + b) - wx @ psi_abk + ww4.sum() / a
    ww4_x = np.bincount(xinv, weights=ww4, minlength=xu.size)
    d_b = (wx @ (digamma(b + ku + 1) - psi_abk) + w_total * (digamma(a + b) - digamma(b))
           - ww4_x @ np.where(second_u, 1.0 / bku, 0.0))
    grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return -float(ll), -grad


class BetaGeoModel(PurchaseProcessModel):
    """BG/NBD model fitted by maximum likelihood.

    Parameters
    ----------
    initial_params : dict, optional
        Starting values ``{"r", "alpha", "a", "b"}``; a data-based guess otherwise.
    max_iter : int
        Iteration limit of the optimiser.
    tol : float
        Gradient tolerance of the optimiser (on the mean log-likelihood per customer).

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (purchase rate heterogeneity, gamma) and ``a``, ``b`` (dropout, beta).
    loglik_ : float
        Sum of the individual log-likelihoods (eq. 6 of the paper), as the paper reports it.
    n_ : int
        Number of customers.
    converged_ : bool
        Whether the gradient vanished at the optimum.

    Notes
    -----
    Fitted on the unique ``(x, t_x, T)`` rows with their counts as weights, with the
    analytic gradient. Predictions use the Euler/Pfaff form of the Gaussian
    hypergeometric function, ``2F1(r+x, a-1; a+b+x-1; -t/(alpha+T))``, which stays
    bounded for large ``x`` where the textbook form multiplies a vanishing power by an
    exploding ``2F1``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: an alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """

    _param_names = ("r", "alpha", "a", "b")
    _method = "BG/NBD"
    _modified = False

    def fit(self, frequency, recency, T, weights=None) -> "BetaGeoModel":
        """Fit on a customer summary (lifetimes' ``frequency``, ``recency``, ``T``).

        ``weights`` optionally gives a count of customers per row (already aggregated data).
        """
        x, t_x, t = as_summary_arrays(frequency, recency, T)
        (ux, ut_x, uT), counts = weighted_unique_rows([x, t_x, t], weights)
        xu, xinv = np.unique(ux, return_inverse=True)
        data = (ux, ut_x, uT, xu, xinv)
        self._fit_data = (data, counts)
        self._minimise(data, counts)
        return self

    def _default_start(self, data, weights):
        x, _, T = data[0], data[1], data[2]
        mean_x = float(np.average(x, weights=weights))
        mean_T = float(np.average(T, weights=weights))
        return np.log([1.0, max(mean_T / (mean_x + 0.5), 1e-3), 1.0, 1.0])

    def _subset_data(self, data, rows):
        x, t_x, T, _, _ = data
        xu, xinv = np.unique(x[rows], return_inverse=True)
        return (x[rows], t_x[rows], T[rows], xu, xinv)

    def _negloglik(self, logp, data, w):
        return _stack_likelihood(logp, data, w, self._modified)

    def loglik_individual(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters."""
        x, t_x, t = as_summary_arrays(frequency, recency, T)
        r, alpha, a, b = np.exp(self._log_params())
        k = x if self._modified else x - 1.0
        has_second = np.ones_like(x, dtype=bool) if self._modified else x > 0
        rx = r + x
        term1 = -rx * np.log(alpha + t)
        with np.errstate(divide="ignore", invalid="ignore"):
            term2 = np.where(has_second, np.log(a) - np.log(np.where(has_second, b + k, 1.0))
                             - rx * np.log(alpha + t_x), -np.inf)
        return (gammaln(rx) - gammaln(r) + r * np.log(alpha) + gammaln(b + k + 1) - gammaln(a + b + k + 1)
                - gammaln(b) + gammaln(a + b) + np.logaddexp(term1, term2))

    # -- predictions ----------------------------------------------------------------------
    def _log_death_odds(self, x, t_x, T) -> np.ndarray:
        """log of P(dead) / P(alive) given the history."""
        p = self._check_fitted()
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        k = x if self._modified else x - 1.0
        has_second = np.ones_like(x, dtype=bool) if self._modified else x > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.log(a) - np.log(np.where(has_second, b + k, 1.0)) + (r + x) * (
                np.log(alpha + T) - np.log(alpha + t_x))
        return np.where(has_second, odds, -np.inf)

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T) -> np.ndarray:
        """E[X(T, T+t) | x, t_x, T]: expected purchases in the next ``t`` time units."""
        x, t_x, tt = as_summary_arrays(frequency, recency, T)
        horizon = self._horizon(t, x.shape)
        p = self._check_fitted()
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        c = a + b + x if self._modified else a + b + x - 1.0
        z = -horizon / (alpha + tt)
        lead = c / (a - 1.0)
        bracket = 1.0 - hyp2f1(r + x, a - 1.0, c, z)
        return lead * bracket * self.conditional_probability_alive(x, t_x, tt)

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        """E[X(t)] for a customer just acquired (unconditional)."""
        p = self._check_fitted()
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        t = np.asarray(t, dtype=float)
        lead = b / (a - 1.0) if self._modified else (a + b - 1.0) / (a - 1.0)
        c = a + b if self._modified else a + b - 1.0
        return lead * (1.0 - hyp2f1(r, a - 1.0, c, -t / alpha))
