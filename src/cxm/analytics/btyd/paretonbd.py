"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

While alive, a customer buys as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``;
the unobserved lifetime is exponential with rate ``mu ~ Gamma(s, beta)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, hyp2f1

from cxm.analytics.btyd.common import PurchaseProcessModel, as_summary_arrays, weighted_unique_rows

__all__ = ["ParetoNBDModel"]


def _log_a0(r, alpha, s, beta, x, t_x, T) -> np.ndarray:
    """``ln A0`` of Fader & Hardie's note (2005, eq. 22-23), in log space.

    ``A0 = F(t_x) - F(T)`` with ``F(y) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+y)) / (alpha+y)^(r+s+x)``
    when ``alpha >= beta`` and the symmetric form otherwise (so the argument stays in
    ``[0, 1)``). ``F`` decreases in ``y``, so ``ln A0 = ln F(t_x) + log1p(-F(T)/F(t_x))``.
    """
    rsx = r + s + x
    if alpha >= beta:
        big, second = alpha, s + 1.0
    else:
        big, second = beta, r + x

    def ln_f(y):
        z = abs(alpha - beta) / (big + y)
        # Euler: 2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z). The right-hand 2F1 has
        # positive terms bounded by 1/(1-z), so its log never overflows; the power is taken in
        # log space. (The left-hand form overflows to inf once b ~ r + x is in the thousands.)
        return ((1.0 - second) * np.log1p(-z) + np.log(hyp2f1(1.0, rsx + 1.0 - second, rsx + 1.0, z))
                - rsx * np.log(big + y))

    lf_tx = ln_f(t_x)
    lf_T = ln_f(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.minimum(lf_T - lf_tx, 0.0)
        return lf_tx + np.log(-np.expm1(diff))


def _loglik_rows(params: np.ndarray, x, t_x, T) -> np.ndarray:
    r, alpha, s, beta = params
    term1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    term2 = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, x, t_x, T)
    return (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            + np.logaddexp(term1, term2))


class ParetoNBDModel(PurchaseProcessModel):
    """Pareto/NBD model fitted by maximum likelihood.

    Parameters
    ----------
    initial_params : dict, optional
        Starting values ``{"r", "alpha", "s", "beta"}``.
    max_iter, tol
        Optimiser settings.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (purchase rate) and ``s``, ``beta`` (dropout rate), all gamma.
    loglik_ : float
        Sum of the individual log-likelihoods (Fader & Hardie 2005 note, eq. 22).
    n_, converged_
        Number of customers; whether the gradient vanished.

    Notes
    -----
    The likelihood involves the Gaussian hypergeometric function; it is evaluated in
    log space (``log1p`` of the difference of the two ``F`` terms, ``logaddexp`` of the
    alive and dead branches), so large frequencies do not overflow. The gradient is a
    central finite difference in log-parameters on the unique ``(x, t_x, T)`` rows.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987). Counting your customers:
    who are they and what will they do next? Management Science, 33(1), 1-24.
    Fader, P. S., & Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
    related expressions. http://brucehardie.com/notes/009/
    """

    _param_names = ("r", "alpha", "s", "beta")
    _method = "Pareto/NBD"

    def fit(self, frequency, recency, T, weights=None) -> "ParetoNBDModel":
        """Fit on a customer summary (lifetimes' ``frequency``, ``recency``, ``T``)."""
        x, t_x, t = as_summary_arrays(frequency, recency, T)
        (ux, ut_x, uT), counts = weighted_unique_rows([x, t_x, t], weights)
        data = (ux, ut_x, uT)
        self._fit_data = (data, counts)
        self._minimise(data, counts)
        return self

    def _default_start(self, data, weights):
        x, _, T = data
        mean_x = float(np.average(x, weights=weights))
        mean_T = float(np.average(T, weights=weights))
        return np.log([1.0, max(mean_T / (mean_x + 0.5), 1e-3), 1.0, max(mean_T, 1e-3)])

    def _negloglik(self, logp, data, w):
        def f(lp):
            return -float(np.dot(w, _loglik_rows(np.exp(lp), *data)))

        value = f(logp)
        h = 1e-6
        grad = np.empty(logp.size)
        for j in range(logp.size):  # four parameters, not rows
            e = np.zeros(logp.size)
            e[j] = h
            grad[j] = (f(logp + e) - f(logp - e)) / (2 * h)
        return value, grad

    def loglik_individual(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters."""
        x, t_x, t = as_summary_arrays(frequency, recency, T)
        return _loglik_rows(np.exp(self._log_params()), x, t_x, t)

    # -- predictions ----------------------------------------------------------------------
    def _log_death_odds(self, x, t_x, T):
        p = self._check_fitted()
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        return (np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
                + _log_a0(r, alpha, s, beta, x, t_x, T))

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T) -> np.ndarray:
        """E[X(T, T+t) | x, t_x, T] (eq. 41 of the note)."""
        x, t_x, tt = as_summary_arrays(frequency, recency, T)
        horizon = self._horizon(t, x.shape)
        p = self._check_fitted()
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        log_ratio = np.log(beta + tt) - np.log(beta + tt + horizon)
        factor = _one_minus_pow_over(s - 1.0, log_ratio)
        return (r + x) * (beta + tt) / (alpha + tt) * factor * self.conditional_probability_alive(x, t_x, tt)

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        """E[X(t)] for a customer just acquired."""
        p = self._check_fitted()
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        t = np.asarray(t, dtype=float)
        return r * beta / alpha * _one_minus_pow_over(s - 1.0, np.log(beta) - np.log(beta + t))


def _one_minus_pow_over(k: float, log_ratio):
    """``(1 - exp(k * log_ratio)) / k``, with its limit ``-log_ratio`` at ``k = 0``."""
    if abs(k) < 1e-10:
        return -np.asarray(log_ratio)
    return -np.expm1(k * np.asarray(log_ratio)) / k
