"""Customer lifetime value: the formula model and the discounted CLV of BTYD + Gamma-Gamma.

Formula model (the deck's worked example: acquisition 1,200,000 KRW, revenue 500,000 KRW a
year, 20 years, 10% margin). With margin per period ``m = revenue * margin_rate``,
retention rate ``r``, discount rate ``d`` per period, ``N`` periods and acquisition cost
``AC``:

``CLV = sum_{t=1..N} m * r^(t-1) / (1 + d)^t - AC``   (margins at the end of each period)

or ``(1 + d)^(t-1)`` in the denominator when margins come at the start of each period.
The customer is there for the whole first period (hence ``r^(t-1)``). With ``r = 1`` and
``d = 0`` the example gives ``20 * 50,000 - 1,200,000 = -200,000`` KRW.

Probabilistic CLV: the expected purchases of each period of length ``L`` (BG/NBD,
MBG/NBD or Pareto/NBD, conditional on the customer's history) times the expected spend
per purchase (Gamma-Gamma), discounted per period:

``CLV_i = sum_{k=1..K} E[Z_i] (E[X_i(kL)] - E[X_i((k-1)L)]) / (1 + d)^k``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxm.analytics.btyd.common import _as_float_array
from cxm.analytics.btyd.gammagamma import GammaGammaModel

__all__ = ["FormulaCLV", "formula_clv", "discounted_clv"]


@dataclass(frozen=True)
class FormulaCLV:
    """Result of :func:`formula_clv`.

    ``value`` is the CLV net of acquisition cost; ``present_values`` the discounted
    expected margin of each period ``1..periods``; ``margin`` the margin per period.
    """

    value: float
    margin: float
    present_values: tuple[float, ...]
    acquisition_cost: float
    retention: float
    discount_rate: float
    periods: int
    timing: str
    method: str = "formula CLV"


def formula_clv(*, revenue: float, margin_rate: float, periods: int, retention: float = 1.0,
                discount_rate: float = 0.0, acquisition_cost: float = 0.0, timing: str = "end") -> FormulaCLV:
    """The formula CLV (margin per period over a horizon, retention and discounting, minus acquisition).

    Parameters
    ----------
    revenue : float
        Revenue per period (KRW).
    margin_rate : float
        Share of revenue that is margin (0.1 for 10%).
    periods : int
        Horizon ``N`` in periods (years in the textbook example).
    retention : float
        Probability the customer stays from one period to the next, in ``[0, 1]``.
    discount_rate : float
        Discount rate per period, ``>= 0``.
    acquisition_cost : float
        Cost to acquire the customer, paid at time 0.
    timing : {"end", "start"}
        Whether each period's margin arrives at its end (discounted ``t`` periods) or start (``t - 1``).

    Returns
    -------
    FormulaCLV
    """
    if periods < 1 or int(periods) != periods:
        raise ValueError(f"periods must be a positive integer; got {periods!r}")
    if not 0.0 <= retention <= 1.0:
        raise ValueError(f"retention must be within [0, 1]; got {retention!r}")
    if discount_rate < 0 or not np.isfinite(discount_rate):
        raise ValueError(f"discount_rate must be non-negative; got {discount_rate!r}")
    if timing not in ("end", "start"):
        raise ValueError(f"timing must be 'end' or 'start'; got {timing!r}")
    margin = float(revenue) * float(margin_rate)
    t = np.arange(1, int(periods) + 1, dtype=float)
    exponent = t if timing == "end" else t - 1.0
    pv = margin * retention ** (t - 1.0) / (1.0 + discount_rate) ** exponent
    return FormulaCLV(value=float(pv.sum() - acquisition_cost), margin=margin,
                      present_values=tuple(float(v) for v in pv), acquisition_cost=float(acquisition_cost),
                      retention=float(retention), discount_rate=float(discount_rate), periods=int(periods),
                      timing=timing)


def discounted_clv(transaction_model, spend_model: GammaGammaModel, frequency, recency, T, monetary_value, *,
                   periods: int, period_length: float, discount_rate: float = 0.0) -> np.ndarray:
    """Discounted CLV per customer from a fitted purchase model and a fitted Gamma-Gamma model.

    Parameters
    ----------
    transaction_model
        A fitted :class:`BetaGeoModel`, :class:`ModifiedBetaGeoModel` or :class:`ParetoNBDModel`.
    spend_model : GammaGammaModel
        Fitted spend model; each customer's expected spend per purchase is
        :meth:`GammaGammaModel.conditional_expected_average_profit`.
    frequency, recency, T, monetary_value
        The customer summary (lifetimes' conventions, ``T`` in the purchase model's time unit).
    periods : int
        Number of discounting periods ``K``.
    period_length : float
        Length ``L`` of one period in the purchase model's time unit (4.345 weeks for a month).
    discount_rate : float
        Discount rate per period.

    Returns
    -------
    numpy.ndarray
        CLV per customer (spend units, before any margin is applied).

    Notes
    -----
    Same definition as lifetimes' ``customer_lifetime_value`` with ``time = K`` and the
    per-month factor replaced by ``period_length``.
    """
    if periods < 1 or int(periods) != periods:
        raise ValueError(f"periods must be a positive integer; got {periods!r}")
    if not period_length > 0:
        raise ValueError(f"period_length must be positive; got {period_length!r}")
    if discount_rate < 0:
        raise ValueError(f"discount_rate must be non-negative; got {discount_rate!r}")
    x = _as_float_array(frequency, "frequency")
    spend = spend_model.conditional_expected_average_profit(x, monetary_value)
    ends = period_length * np.arange(0, int(periods) + 1, dtype=float)
    # cumulative expected purchases at every period end: (K + 1) x n, vectorised over customers
    cumulative = np.vstack([
        np.zeros(x.size) if e == 0 else
        transaction_model.conditional_expected_number_of_purchases_up_to_time(e, x, recency, T)
        for e in ends
    ])
    per_period = np.diff(cumulative, axis=0)
    factors = (1.0 + discount_rate) ** -np.arange(1, int(periods) + 1, dtype=float)
    return spend * (factors @ per_period)
