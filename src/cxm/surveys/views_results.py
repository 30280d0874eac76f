"""The CSI dashboard: one wave for the picked unit, its ranking, portfolio and trend, and the drill-down.

Every number comes from :mod:`cxm.surveys.reports` (cached per wave and scope); this module
only names things in the user's language and lays them out.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cxm.org.models import active_language
from cxm.web.scope import current_scope

from . import charts
from .forms import label_text
from .models import Wave
from .reports import (
    ANONYMOUS_DIMENSIONS,
    ANONYMOUS_MIN_GROUP,
    DIMENSIONS,
    MIN_RESPONSES,
    WaveResult,
    anonymous_unit_counts,
    trend_with_changes,
    wave_comments,
    wave_result,
    wave_trend,
)
from .selectors import scoped_responses, wave_list

COMMENTS_PER_PAGE = 20


def method_labels() -> dict[str, str]:
    """Translated names of the importance methods (built per request, in its language)."""
    return {"correlation": _("Importance: correlation with overall"),
            "regression": _("Importance: standardised regression"),
            "relative": _("Importance: relative weights"),
            "shapley": _("Importance: Shapley values"),
            "fixed": _("Importance: fixed weights")}


def dimension_labels() -> dict[str, str]:
    return {"branch": _("Branch"), "region": _("Region"), "segment": _("Segment"), "channel": _("Channel")}


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def _group_names(dimension: str) -> dict[str, str]:
    """Display names of a breakdown's group codes (org units and channels by their localized names)."""
    if dimension in {"branch", "region"}:
        from cxm.org.models import OrgUnit

        return {u.code: u.name for u in OrgUnit.objects.all()}
    if dimension == "channel":
        from cxm.customers.models import Channel

        return {c.code: c.name for c in Channel.objects.all()}
    if dimension == "segment":
        from cxm.customers.segments import segment_labels

        return segment_labels()
    return {}


def ranking_rows(result: WaveResult, dimension: str) -> list[dict]:
    """The groups of ``dimension`` as the page shows them (names, formatted change to the rest)."""
    names = _group_names(dimension)
    return [{**g, "name": names.get(g["group"], g["group"]), "diff_text": _signed(g["diff"])}
            for g in result.breakdowns.get(dimension, [])]


def _picked_wave(request: HttpRequest, code: str | None = None) -> tuple[list[Wave], Wave | None]:
    """The waves with answers and the one asked for: by ``code`` (404 when unknown) or ``?wave=`` (else the last)."""
    waves = list(wave_list())
    if code is not None:
        wave = next((w for w in waves if w.code == code), None)
        if wave is None:
            raise Http404
        return waves, wave
    picked = request.GET.get("wave")
    return waves, next((w for w in waves if w.code == picked), waves[-1] if waves else None)


@login_required
def csi_results(request: HttpRequest) -> HttpResponse:
    language = active_language()
    user = request.user
    scope = current_scope(request)
    waves, wave = _picked_wave(request)
    offered = ANONYMOUS_DIMENSIONS if wave is not None and wave.anonymous else DIMENSIONS
    dimension = request.GET.get("by") if request.GET.get("by") in offered else "branch"
    context: dict = {"waves": waves, "wave": wave, "dimension": dimension, "min_responses": MIN_RESPONSES,
                     "dimensions": [(k, v) for k, v in dimension_labels().items() if k in offered],
                     "anonymous_min_group": ANONYMOUS_MIN_GROUP}
    if wave is None:
        return render(request, "surveys/csi.html", context)
    trend = trend_with_changes(wave_trend(user=user, unit_code=scope.unit_code))
    current = next((t for t in trend if t["result"].wave == wave), None)
    result = current["result"] if current else wave_result(user=user, wave=wave, unit_code=scope.unit_code)
    change = current["change"] if current else None
    context.update(result=result, change=change)
    if result.report is not None:
        q = wave.questionnaire.parsed()
        names = {e.code: label_text(e.label, language, e.code) for e in q.elements}
        element_changes = (change or {}).get("elements", {})
        rows = []
        for code, values in result.report["elements"].items():
            ch = element_changes.get(code)
            rows.append({"code": code, "label": names.get(code, code), **values, "change": ch,
                         "change_text": _signed(ch["diff"]) if ch else ""})
        context["elements"] = rows
        context["portfolio"] = charts.portfolio_figure(
            elements=rows, importance_mean=result.report["portfolio"]["importance_mean"],
            satisfaction_mean=result.report["portfolio"]["satisfaction_mean"])
        context["quadrant_labels"] = charts.quadrant_labels()
        context["method_label"] = method_labels()[result.report["method"]]
        context["csi_change_text"] = _signed(change["csi"]["diff"]) if change else ""
        context["ranking"] = ranking_rows(result, dimension)
        context["dimension_label"] = dimension_labels()[dimension]
    points = [{"label": str(t["result"].wave), "code": t["result"].wave.code, "n": t["result"].n,
               "csi": t["result"].report["csi"], "low": t["result"].report["csi_ci"][0],
               "high": t["result"].report["csi_ci"][1],
               "mark": t["change"]["csi"]["mark"] if t["change"] else None,
               "change_text": _signed(t["change"]["csi"]["diff"]) if t["change"] else ""} for t in trend]
    context["trend_rows"] = points
    context["trend"] = charts.trend_figure(waves=points) if len(points) > 1 else None
    return render(request, "surveys/csi.html", context)


@login_required
def csi_element(request: HttpRequest, wave_code: str, element_code: str) -> HttpResponse:
    """Drill-down of one element: its items (score, importance, quadrant) and the element's comments."""
    language = active_language()
    user = request.user
    scope = current_scope(request)
    waves, wave = _picked_wave(request, wave_code)
    q = wave.questionnaire.parsed()
    element = next((e for e in q.elements if e.code == element_code), None)
    if element is None:
        raise Http404
    result = wave_result(user=user, wave=wave, unit_code=scope.unit_code)
    context = {"wave": wave, "element": element, "element_label": label_text(element.label, language, element.code),
               "result": result, "quadrant_labels": charts.quadrant_labels(), "min_responses": MIN_RESPONSES}
    if result.report is not None:
        items = item_rows(result, q, element_code, language)
        context["items"] = items
        context["element_values"] = result.report["elements"].get(element_code)
        everything = [{"code": i.code, "label": label_text(i.label, language, i.code), **result.report["items"][i.code]}
                      for e in q.elements for i in e.items if i.code in result.report["items"]]
        imp = [i["importance"] for i in everything if i["importance"] is not None and i["satisfaction"] is not None]
        sat = [i["satisfaction"] for i in everything if i["importance"] is not None and i["satisfaction"] is not None]
        context["item_portfolio"] = charts.item_portfolio_figure(
            items=everything, element=element_code, importance_mean=sum(imp) / len(imp) if imp else 0,
            satisfaction_mean=sum(sat) / len(sat) if sat else 0)
    context.update(_comments_context(request, wave=wave, element=element_code, names={element_code: context[
        "element_label"]}))
    return render(request, "surveys/csi_element.html", context)


def item_rows(result: WaveResult, q, element_code: str, language: str) -> list[dict]:
    """The items of one element with their 0-100 score, n, importance (r with overall) and quadrant."""
    element = next(e for e in q.elements if e.code == element_code)
    return [{"code": i.code, "label": label_text(i.label, language, i.code), **result.report["items"][i.code]}
            for i in element.items if i.code in result.report["items"]]


@login_required
def csi_comments(request: HttpRequest, wave_code: str) -> HttpResponse:
    """Every comment of a wave in the user's scope, newest first, paginated."""
    language = active_language()
    wave = _picked_wave(request, wave_code)[1]
    q = wave.questionnaire.parsed()
    names = {e.code: label_text(e.label, language, e.code) for e in q.elements}
    names["overall"] = _("Overall")
    context = {"wave": wave, **_comments_context(request, wave=wave, element=None, names=names)}
    return render(request, "surveys/csi_comments.html", context)


def _comments_context(request: HttpRequest, *, wave: Wave, element: str | None, names: dict[str, str]) -> dict:
    scope = current_scope(request)
    qs = wave_comments(user=request.user, wave=wave, unit_code=scope.unit_code, element=element)
    small_units: set[int] = set()
    withheld = False
    if wave.anonymous:
        # An anonymous wave shows nothing of a group under ANONYMOUS_MIN_GROUP answers (domain
        # 2.5): no comments at all when the scope is that small, and no branch name on the
        # comment of a branch that small (it would point at one of a handful of people).
        counts = anonymous_unit_counts(wave)
        in_scope = scoped_responses(user=request.user, wave=wave, unit_code=scope.unit_code).count()
        if in_scope < ANONYMOUS_MIN_GROUP:
            qs, withheld = qs.none(), True
        small_units = {unit for unit, n in counts.items() if n < ANONYMOUS_MIN_GROUP}
    page = Paginator(qs, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for response in page.object_list:
        for key, text in response.comments.items():
            if element is not None and key != element:
                continue
            rows.append({
                "id": response.pk, "topic": names.get(key, key), "text": text,  # escaped by the template
                "branch": "" if response.org_unit_id in small_units else response.org_unit.name,
                # anonymous waves never say who answered, nor exactly when
                "date": None if wave.anonymous else response.submitted_at,
                "customer_no": None if wave.anonymous or response.customer is None else response.customer.customer_no,
            })
    return {"page": page, "comments": rows, "anonymous": wave.anonymous,
            "withheld": withheld, "anonymous_min_group": ANONYMOUS_MIN_GROUP}
