"""API endpoints of the case insights: the metrics and the text mining of a unit and period,
scoped like the pages (a unit outside the caller's scope answers 404)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from ninja import Query, Router, Schema

from cxm.org.models import Period

from .selectors_metrics import MetricScope, case_metrics, picked_unit
from .selectors_text import TextScope, text_insights

router = Router(tags=["cases"])


class InsightQuery(Schema):
    unit: str | None = None
    period: str | None = None


class MetricsQuery(InsightQuery):
    kind: Literal["", "complaint", "inquiry", "suggestion", "praise"] = ""
    window: int = 90


class TextQuery(InsightQuery):
    source: Literal["all", "cases", "comments"] = "all"
    k: int = 8


def _scope(request, query: InsightQuery) -> tuple[str | None, Period | None]:
    unit = None
    if query.unit:
        unit = picked_unit(user=request.auth, unit_code=query.unit)
        if unit is None:  # hidden and missing units look the same
            raise Http404
    period = None
    if query.period:
        period = Period.objects.filter(code=query.period).first()
        if period is None:
            raise Http404
    return (unit.code if unit else None), period


@router.get("/cases/metrics", response=dict[str, Any],
            summary="Claim rate and recurrence, resolution times, SLA, Pareto and FCR of a unit and period")
def metrics(request, query: Query[MetricsQuery]):
    unit, period = _scope(request, query)
    return case_metrics(MetricScope(user=request.auth, unit_code=unit, start=period.start if period else None,
                                    end=period.end if period else None, kind=query.kind,
                                    window_days=min(max(query.window, 1), 730)))


@router.get("/cases/text", response=dict[str, Any],
            summary="Keywords, topics (with example texts), topic trends and the topic-satisfaction link")
def text(request, query: Query[TextQuery]):
    unit, period = _scope(request, query)
    return text_insights(TextScope(user=request.auth, unit_code=unit, start=period.start if period else None,
                                   end=period.end if period else None, source=query.source,
                                   k=min(max(query.k, 2), 12)))
