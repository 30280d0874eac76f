"""Small formatting filters of the case metrics and text-mining pages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def dec(value, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the active locale; None -> "–"."""
    if value is None:
        return "–"
    return floatformat(float(value), digits)


@register.filter
def pvalue(value) -> str:
    """A p-value with three decimals, or "< 0.001"; None -> "–"."""
    if value is None:
        return "–"
    return f"< {floatformat(0.001, 3)}" if float(value) < 0.001 else floatformat(float(value), 3)
