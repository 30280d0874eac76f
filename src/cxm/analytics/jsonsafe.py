"""Numbers for JSON output: ``--format json`` is a contract, and JSON has no NaN or infinity."""

from __future__ import annotations

import math
from typing import Any


def finite_or_none(value: Any) -> float | None:
    """``float(value)``, or None for None, NaN and infinities (JSON ``null``)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def json_clean(obj: Any) -> Any:
    """``obj`` with every float made JSON-safe, recursively through dicts, lists and tuples."""
    if isinstance(obj, dict):
        return {k: json_clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_clean(v) for v in obj]
    if isinstance(obj, float):
        return finite_or_none(obj)
    return obj
