"""Template filters for locale-aware numbers and money: ``{{ revenue|money }}``, ``{{ n|num }}``,
``{{ share|percent }}``."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import pgettext

from cxm.web.formatting import format_money, format_number

register = template.Library()


@register.filter
def money(value):
    return format_money(value)


@register.filter
def num(value):
    return format_number(value)


@register.filter
def percent(value, digits: int = 1) -> str:
    """A share (0.623) as a percentage in the active locale ("62.3%"); "–" when missing (None or NaN)."""
    if value is None or value != value:
        return "–"
    return f"{floatformat(100 * float(value), digits)}%"


@register.filter
def indent(level: int) -> str:
    """Indentation for a tree level inside an <option> (which cannot be styled with padding)."""
    return "\u00a0\u00a0\u00a0" * int(level or 0)


@register.filter
def shortdate(value):
    """A date in tables: ``2024-01-15`` in Korean, ``Jan 15, 2024`` in English."""
    if not value:
        return ""
    return date_format(value, pgettext("short date in tables, a Django date format", "M j, Y"))


@register.filter
def customer_segment(value):
    """A customer segment code as its translated name (``family`` -> "Family household" / "가족 가구")."""
    from cxm.customers.segments import segment_label

    return segment_label(value)


@register.filter
def customer_attribute(key):
    """An attribute key of a customer as its translated name (``household_size`` -> "Household size")."""
    from cxm.customers.segments import attribute_label

    return attribute_label(key)
