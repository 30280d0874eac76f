"""CS portfolio (importance-performance analysis, domain.md 2.3).

Cross-hairs at the means across the plotted elements (or items). A value equal to the
mean counts as *high* (ties go to the upper side), so each point has exactly one quadrant:

* A: high importance, high satisfaction (keep up / strengthen)
* B: high importance, low satisfaction (improve first)
* C: low importance, low satisfaction (improve gradually)
* D: low importance, high satisfaction (maintain; possible over-investment)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Portfolio", "portfolio"]


@dataclass(frozen=True)
class Portfolio:
    """Quadrant letter per point and the cross-hairs (mean importance, mean satisfaction)."""

    quadrants: tuple[str, ...]
    importance_mean: float
    satisfaction_mean: float


def portfolio(importance: np.ndarray, satisfaction: np.ndarray) -> Portfolio:
    """Quadrants A/B/C/D with cross-hairs at the means (ties count as high)."""
    imp = np.asarray(importance, float)
    sat = np.asarray(satisfaction, float)
    if imp.shape != sat.shape or imp.ndim != 1:
        raise ValueError(f"portfolio: importance and satisfaction must be equal-length vectors, got {imp.shape}, {sat.shape}")
    ok = np.isfinite(imp) & np.isfinite(sat)
    mi, ms = float(imp[ok].mean()), float(sat[ok].mean())
    hi_i, hi_s = imp >= mi, sat >= ms
    q = np.where(hi_i, np.where(hi_s, "A", "B"), np.where(hi_s, "D", "C"))
    q = np.where(ok, q, "")
    return Portfolio(tuple(str(v) for v in q), mi, ms)
