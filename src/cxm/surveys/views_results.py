"""The CSI results page: one wave for the picked unit, its portfolio and the trend over waves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cxm.analytics.questionnaire import Questionnaire
from cxm.web.scope import current_scope

from . import charts
from .forms import label_text
from .reports import wave_result, wave_trend
from .selectors import wave_list


def method_labels() -> dict[str, str]:
    """Translated names of the importance methods (built per request, in its language)."""
    from django.utils.translation import gettext as _

    return {"correlation": _("Importance: correlation with overall"),
            "regression": _("Importance: standardised regression"),
            "relative": _("Importance: relative weights"),
            "shapley": _("Importance: Shapley values"),
            "fixed": _("Importance: fixed weights")}


@login_required
def csi_results(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import get_language

    language = (get_language() or "ko")[:2]
    user = request.user
    scope = current_scope(request)
    waves = list(wave_list())
    wave = next((w for w in waves if w.code == request.GET.get("wave")), waves[-1] if waves else None)
    context: dict = {"waves": waves, "wave": wave}
    if wave is not None:
        result = wave_result(user=user, wave=wave, unit_code=scope.unit_code)
        context["result"] = result
        if result.report is not None:
            q: Questionnaire = wave.questionnaire.parsed()
            names = {e.code: label_text(e.label, language, e.code) for e in q.elements}
            rows = [{"code": code, "label": names.get(code, code), **values}
                    for code, values in result.report["elements"].items()]
            context["elements"] = rows
            context["portfolio"] = charts.portfolio_figure(
                elements=rows, importance_mean=result.report["portfolio"]["importance_mean"],
                satisfaction_mean=result.report["portfolio"]["satisfaction_mean"])
            context["quadrant_labels"] = charts.quadrant_labels()
            context["method_label"] = method_labels()[result.report["method"]]
        trend = [{"label": str(r.wave), "csi": r.report["csi"], "low": r.report["csi_ci"][0],
                  "high": r.report["csi_ci"][1]} for r in wave_trend(user=user, unit_code=scope.unit_code)
                 if r.report is not None]
        context["trend"] = charts.trend_figure(waves=trend) if len(trend) > 1 else None
    return render(request, "surveys/csi.html", context)
