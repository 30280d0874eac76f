"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV").

Each transaction value is ``z ~ Gamma(p, nu)`` with a customer-level ``nu ~ Gamma(q, gamma)``;
the observed average ``m`` of ``x`` repeat transactions has, given ``nu``, the density
``Gamma(p x, nu x)``. Integrating over ``nu`` gives the marginal density of ``m``:

``f(m | x) = G(px+q) / (G(px) G(q)) * gamma^q * m^(px-1) * x^(px) / (gamma + m x)^(px+q)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from cxm.analytics.btyd.common import MLEModel, _as_float_array, weighted_unique_rows

__all__ = ["GammaGammaModel"]


def _as_spend_arrays(frequency, monetary_value) -> tuple[np.ndarray, np.ndarray]:
    x = _as_float_array(frequency, "frequency")
    m = _as_float_array(monetary_value, "monetary_value")
    if x.shape != m.shape:
        raise ValueError(f"frequency and monetary_value differ in length: {x.size}, {m.size}")
    bad = (x < 0) | (x != np.floor(x))
    if bad.any():
        raise ValueError(f"frequency must be a non-negative integer; got {x[bad][0]!r}")
    return x, m


class GammaGammaModel(MLEModel):
    """Gamma-Gamma spend model fitted by maximum likelihood on repeat buyers.

    Parameters
    ----------
    initial_params : dict, optional
        Starting values ``{"p", "q", "gamma"}``.
    max_iter, tol
        Optimiser settings.

    Attributes
    ----------
    params_ : dict
        ``p`` (shape of transaction values), ``q`` and ``gamma`` (heterogeneity of the scale).
    loglik_ : float
        Sum over customers of ``ln f(m | x)`` (the density of the observed average spend).
    n_, converged_
        Number of customers used (those with ``frequency > 0``); whether the gradient vanished.

    Notes
    -----
    Only customers with at least one repeat purchase carry spend information (lifetimes'
    ``monetary_value`` is the mean of repeat transactions), so ``fit`` drops the others.
    The model assumes spend independent of purchase frequency; check the correlation.
    The gradient is analytic.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
    Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    _param_names = ("p", "q", "gamma")
    _method = "Gamma-Gamma"

    def fit(self, frequency, monetary_value, weights=None) -> "GammaGammaModel":
        """Fit on ``frequency`` (repeat purchases) and ``monetary_value`` (their mean)."""
        x, m = _as_spend_arrays(frequency, monetary_value)
        keep = x > 0
        if weights is not None:
            weights = np.asarray(weights, dtype=float).reshape(-1)[keep]
        x, m = x[keep], m[keep]
        if x.size == 0:
            raise ValueError("no customer with a repeat purchase (frequency > 0): nothing to fit")
        if (m <= 0).any():
            raise ValueError(f"monetary_value must be positive for repeat buyers; got {m[m <= 0][0]!r}")
        (ux, um), counts = weighted_unique_rows([x, m], weights)
        data = (ux, um)
        self._fit_data = (data, counts)
        self._minimise(data, counts)
        return self

    def _default_start(self, data, weights):
        _, m = data
        mean_m = float(np.average(m, weights=weights))
        return np.log([1.0, 2.0, max(mean_m, 1e-6)])

    @staticmethod
    def _rows(params, x, m):
        p, q, g = params
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1.0) * np.log(m)
                + px * np.log(x) - (px + q) * np.log(g + m * x))

    def _negloglik(self, logp, data, w):
        x, m = data
        p, q, g = np.exp(logp)
        px = p * x
        ll = self._rows((p, q, g), x, m)
        ln_gmx = np.log(g + m * x)
        psi_pxq = digamma(px + q)
        d_p = x * (psi_pxq - digamma(px) + np.log(m) + np.log(x) - ln_gmx)
        d_q = psi_pxq - digamma(q) + np.log(g) - ln_gmx
        d_g = q / g - (px + q) / (g + m * x)
        grad = np.array([w @ d_p * p, w @ d_q * q, w @ d_g * g])
        return -float(w @ ll), -grad

    def loglik_individual(self, frequency, monetary_value) -> np.ndarray:
        """Per-customer ``ln f(m | x)`` (defined for ``frequency > 0``)."""
        x, m = _as_spend_arrays(frequency, monetary_value)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._rows(np.exp(self._log_params()), x, m)

    def conditional_expected_average_profit(self, frequency, monetary_value) -> np.ndarray:
        """E[Z | x, m]: the expected spend per future transaction of each customer.

        ``(p (gamma + m x)) / (p x + q - 1)``, a weighted average of the population mean
        ``p gamma / (q - 1)`` and the customer's own mean ``m`` (eq. 5 of the note);
        customers without repeat purchases get the population mean.
        """
        x, m = _as_spend_arrays(frequency, monetary_value)
        par = self._check_fitted()
        p, q, g = par["p"], par["q"], par["gamma"]
        if q <= 1:
            raise ValueError(f"the expected spend needs q > 1; the fitted q is {q!r}")
        mx = np.where(x > 0, m * x, 0.0)
        return p * (g + mx) / (p * x + q - 1.0)

    def expected_average_spend(self) -> float:
        """Population mean spend per transaction, ``p gamma / (q - 1)``."""
        par = self._check_fitted()
        if par["q"] <= 1:
            raise ValueError(f"the mean spend needs q > 1; the fitted q is {par['q']!r}")
        return par["p"] * par["gamma"] / (par["q"] - 1.0)
