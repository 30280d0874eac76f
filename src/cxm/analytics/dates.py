"""Dates given by callers and command lines: a date, a datetime or ISO text."""

from __future__ import annotations

import datetime as _dt


def as_date(value: _dt.date | str, name: str) -> _dt.date:
    """``value`` as a date; ``name`` names the parameter in the error for anything else."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD); got {value!r}") from None
