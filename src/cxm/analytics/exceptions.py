"""Exceptions and warnings shared by the estimators of :mod:`cxm.analytics`."""

from __future__ import annotations


class NotFittedError(ValueError, AttributeError):
    """A prediction-type method was called before ``fit``."""


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped before meeting its convergence criterion."""
