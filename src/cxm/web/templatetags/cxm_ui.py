"""Template tags for the pieces that tables share: ``{% table_head _("Date") _("Amount") numeric=1 %}``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("web/includes/table_head.html")
def table_head(*labels: str, numeric: int = 0) -> dict:
    """The ``<thead>`` of a data table: one column header per label, in order.

    Parameters
    ----------
    *labels
        The column headers (translated in the template with ``_("...")``).
    numeric
        How many of the last columns hold numbers (right-aligned like their cells).
    """
    first_numeric = len(labels) - numeric
    return {"columns": [(label, i >= first_numeric) for i, label in enumerate(labels)]}
