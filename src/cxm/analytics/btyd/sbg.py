"""The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007).

Each customer renews at the end of every period with probability ``1 - theta`` and
``theta ~ Beta(alpha, beta)`` across customers. With ``B`` the beta function:

* ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)`` (churn in period ``t``),
* ``S(t) = B(alpha, beta + t) / B(alpha, beta)`` (still a customer after ``t`` periods),
* ``r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1)`` (retention rate).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma

from cxm.analytics.btyd.common import MLEModel, _as_float_array

__all__ = ["ShiftedBetaGeometricModel"]


class ShiftedBetaGeometricModel(MLEModel):
    """sBG retention model fitted by maximum likelihood on a cohort's survivor counts.

    Parameters
    ----------
    initial_params : dict, optional
        Starting values ``{"alpha", "beta"}``.
    max_iter, tol
        Optimiser settings.

    Attributes
    ----------
    params_ : dict
        ``alpha``, ``beta`` of the beta distribution of the churn probability.
    loglik_ : float
        ``sum_t (n_{t-1} - n_t) ln P(T = t) + n_last ln S(last)`` with the counts as given
        (the paper's eq. 5 for a cohort of 1,000).
    n_ : int
        Cohort size at period 0 (rounded).
    converged_ : bool

    References
    ----------
    Fader, P. S., & Hardie, B. G. S. (2007). How to project customer retention.
    Journal of Interactive Marketing, 21(1), 76-90.
    """

    _param_names = ("alpha", "beta")
    _method = "sBG"

    def fit(self, alive, period=None) -> "ShiftedBetaGeometricModel":
        """Fit on ``alive``: customers still active at the start of periods 0, 1, 2, ...

        ``period`` (optional) must then be ``0, 1, ..., len(alive) - 1``. Counts may be
        percentages; the parameters do not change, only the scale of ``loglik_``.
        """
        n = _as_float_array(alive, "alive")
        if period is not None:
            per = _as_float_array(period, "period")
            if per.shape != n.shape or not np.array_equal(per, np.arange(n.size)):
                raise ValueError(f"period must be 0, 1, ..., {n.size - 1}; got {per.tolist()!r}")
        if n.size < 2:
            raise ValueError(f"need at least two periods of survivor counts; got {n.size}")
        if (n < 0).any():
            raise ValueError(f"alive must be non-negative; got {n[n < 0][0]!r}")
        if (np.diff(n) > 0).any():
            i = int(np.argmax(np.diff(n) > 0)) + 1
            raise ValueError(f"alive must not increase; period {i} has {n[i]!r} after {n[i - 1]!r}")
        churned = -np.diff(n)
        data = (churned, n[-1], np.arange(1, n.size, dtype=float))
        self._fit_data = (data, np.ones(1))
        self._minimise(data, np.array([n[0]]))
        self.n_ = int(round(n[0]))
        return self

    def _negloglik(self, logp, data, w):
        churned, last, t = data
        a, b = np.exp(logp)
        # ln P(T=t) and ln S(T_last) through betaln: stable for any alpha, beta
        ln_p = betaln(a + 1.0, b + t - 1.0) - betaln(a, b)
        ln_s = betaln(a, b + t[-1]) - betaln(a, b)
        ll = float(churned @ ln_p + last * ln_s)
        # derivatives of betaln(x, y): psi(x) - psi(x+y), psi(y) - psi(x+y)
        d0a = digamma(a) - digamma(a + b)
        d0b = digamma(b) - digamma(a + b)
        dpa = digamma(a + 1.0) - digamma(a + b + t) - d0a
        dpb = digamma(b + t - 1.0) - digamma(a + b + t) - d0b
        dsa = digamma(a) - digamma(a + b + t[-1]) - d0a
        dsb = digamma(b + t[-1]) - digamma(a + b + t[-1]) - d0b
        grad = np.array([(churned @ dpa + last * dsa) * a, (churned @ dpb + last * dsb) * b])
        return -ll, -grad

    def survival(self, t) -> np.ndarray:
        """S(t): share of the cohort still a customer after ``t`` periods (``S(0) = 1``)."""
        p = self._check_fitted()
        t = np.asarray(t, dtype=float)
        if (t < 0).any():
            raise ValueError(f"t must be non-negative; got {t[t < 0].reshape(-1)[0]!r}")
        return np.exp(betaln(p["alpha"], p["beta"] + t) - betaln(p["alpha"], p["beta"]))

    def retention_rate(self, t) -> np.ndarray:
        """r(t) = S(t) / S(t-1) for periods ``t >= 1``: retention rises with tenure."""
        p = self._check_fitted()
        t = np.asarray(t, dtype=float)
        if (t < 1).any():
            raise ValueError(f"t must be at least 1; got {t[t < 1].reshape(-1)[0]!r}")
        return (p["beta"] + t - 1.0) / (p["alpha"] + p["beta"] + t - 1.0)

    def churn_probability(self, t) -> np.ndarray:
        """P(T = t): share of the cohort that leaves in period ``t >= 1``."""
        p = self._check_fitted()
        t = np.asarray(t, dtype=float)
        if (t < 1).any():
            raise ValueError(f"t must be at least 1; got {t[t < 1].reshape(-1)[0]!r}")
        return np.exp(betaln(p["alpha"] + 1.0, p["beta"] + t - 1.0) - betaln(p["alpha"], p["beta"]))
