"""The case metrics page: claim rate and recurrence, resolution times, SLA, Pareto, FCR for the
unit and period picked in the top bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cxm.org.models import localized
from cxm.web.scope import current_scope

from . import charts_insights as charts
from .models import Case
from .selectors_metrics import MetricScope, case_metrics

DEFAULT_WINDOW = 90
WINDOWS = (30, 60, 90, 180, 365)


def parse_kind(value: str | None) -> str:
    return value if value in Case.Kind.values else ""


def parse_window(value: str | None) -> int:
    try:
        window = int(value or DEFAULT_WINDOW)
    except ValueError:
        return DEFAULT_WINDOW
    return min(max(window, 1), 730)


@login_required
def case_metrics_page(request: HttpRequest) -> HttpResponse:
    scope = current_scope(request)
    kind = parse_kind(request.GET.get("kind"))
    window = parse_window(request.GET.get("window"))
    metrics = case_metrics(MetricScope(user=request.user, unit_code=scope.unit_code, start=scope.start,
                                       end=scope.end, kind=kind, window_days=window))
    return render(request, "voc/insights/metrics.html", {
        "m": metrics, "by_unit": [{**r, "name": localized(r["name_ko"], r["name_en"]) or r["code"]}
                                  for r in metrics["by_unit"]],
        "kind": kind, "kinds": Case.Kind.choices, "window": window,
        "windows": sorted({*WINDOWS, window}),
        "claim_chart": charts.claim_rate_figure(metrics["claim_rate"]["monthly"]),
        "histogram_chart": charts.histogram_figure(metrics["resolution"]["histogram"]),
        "category_chart": charts.pareto_figure(metrics["pareto"]["categories"]),
        "cause_chart": charts.pareto_figure(metrics["pareto"]["root_causes"]),
    })
