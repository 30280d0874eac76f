"""Template filters of the customer analytics pages."""

from __future__ import annotations

from django import template

from cxm.crm.charts import segment_label as _segment_label

register = template.Library()


@register.filter
def segment_label(value: str) -> str:
    """The translated name of an RFM segment value."""
    return _segment_label(value)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` for keys a template cannot spell (``break-even``); 0 when absent."""
    return (mapping or {}).get(key, 0)


@register.filter
def margin_rate(row) -> float | None:
    """Margin over revenue of a row with ``margin`` and ``revenue``."""
    revenue = row.get("revenue") if isinstance(row, dict) else getattr(row, "revenue", None)
    margin = row.get("margin") if isinstance(row, dict) else getattr(row, "margin", None)
    return margin / revenue if revenue else None


@register.filter
def profitability_label(value: str) -> str:
    from cxm.crm.models import Profitability

    return str(Profitability(value).label) if value in Profitability.values else (value or "–")


@register.filter
def stage_label(value: str) -> str:
    from cxm.crm.models import Stage

    return str(Stage(value).label) if value in Stage.values else (value or "–")


@register.filter
def money_round(value):
    """Money held as a float (an expectation) rounded to whole KRW."""
    from cxm.web.formatting import format_money

    return format_money(None if value is None else int(round(float(value))))


@register.filter
def rfm_code(score) -> str:
    """``R5 F4 M3`` of a score (blank for a customer without purchases)."""
    if score is None or score.r_score is None:
        return ""
    return f"R{score.r_score} F{score.f_score} M{score.m_score}"


@register.filter
def churn_drivers(score) -> str:
    """A stored score's churn drivers as "feature: high/low" (from its run's coefficients)."""
    from cxm.crm.charts import driver_labels

    coefficients = (score.run.churn or {}).get("coefficients") if score is not None else None
    return ", ".join(driver_labels(getattr(score, "churn_drivers", ""), coefficients)) or "–"
