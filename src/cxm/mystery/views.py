"""Mystery-shopping pages: results per period, a branch, a visit, and the visit entry form.

Every page reads through the selectors (and so through :mod:`cxm.org.access`): a branch or a
visit outside the user's scope answers 404. Entering and correcting visits is for the roles
of :func:`cxm.mystery.services.can_enter_visits`, inside their scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.web.scope import current_scope

from . import charts, selectors, services
from .forms import VisitForm


@login_required
def results(request: HttpRequest) -> HttpResponse:
    scope = current_scope(request)
    result = selectors.mystery_results(user=request.user, checklist_code=request.GET.get("checklist"),
                                       period_code=request.GET.get("period"), unit_code=scope.unit_code)
    series = []
    if result.trend:
        series.append({"name": scope.unit.name if scope.unit is not None else str(_all_units_label()),
                       "points": result.trend})
        series.extend({"name": r["name"], "points": r["points"]} for r in result.region_trends)
    return render(request, "mystery/results.html", {
        "result": result, "checklists": selectors.checklist_codes(),
        "heatmap": charts.heatmap_figure(rows=result.heatmap, sections=result.sections),
        "trend": charts.trend_figure(series=series),
        "can_enter": services.can_enter_visits(request.user),
    })


def _all_units_label():
    from django.utils.translation import gettext as _

    return _("All my units")


@login_required
def branch_page(request: HttpRequest, code: str) -> HttpResponse:
    branch = selectors.branch_get(user=request.user, code=code)
    if branch is None:
        raise Http404
    visits = list(selectors.visit_list(user=request.user, branch=branch)[:200])
    scores = selectors.visit_score_map(visits)
    for visit in visits:
        visit.score = scores.get(visit.pk)
    data = selectors.branch_results(user=request.user, branch=branch)
    figure = charts.trend_figure(series=[{"name": branch.name, "points": [p for p in data["trend"]
                                                                          if p["score"] is not None]}])
    return render(request, "mystery/branch.html", {
        "branch": branch, "visits": visits, "data": data, "trend": figure,
        "latest": next((p for p in reversed(data["trend"]) if p["score"] is not None), None),
        "can_enter": services.can_enter_visits(request.user),
    })


@login_required
def visit_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=pk)
    if visit is None:
        raise Http404
    return render(request, "mystery/visit.html", {
        "visit": visit, "detail": selectors.visit_detail(visit),
        "can_enter": services.can_enter_visits(request.user),
    })


def _form(request: HttpRequest, checklist, **kwargs) -> VisitForm:
    return VisitForm(request.POST or None, checklist=checklist, branches=selectors.entry_branches(user=request.user),
                     periods=selectors.entry_periods(), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    if not services.can_enter_visits(request.user):
        raise Http404
    checklist = selectors.latest_checklist(request.GET.get("checklist") or request.POST.get("checklist"))
    if checklist is None:
        return render(request, "mystery/entry.html", {"form": None}, status=200)
    initial = {}
    branch = request.GET.get("branch")
    if branch:
        unit = selectors.entry_branches(user=request.user).filter(code=branch).first()
        initial["branch"] = unit.pk if unit is not None else None
    form = _form(request, checklist, initial=initial)
    return _save(request, form, checklist, visit=None)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=pk)
    if visit is None or not services.can_enter_visits(request.user):
        raise Http404
    form = _form(request, visit.checklist, initial=VisitForm.initial_for(visit))
    return _save(request, form, visit.checklist, visit=visit)


def _save(request: HttpRequest, form: VisitForm, checklist, *, visit) -> HttpResponse:
    error, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            fields = {"branch": d["branch"], "period": d["period"], "visited_on": d["visited_on"],
                      "shopper_name": d["shopper_name"], "agency": d["agency"], "notes": d["notes"],
                      "answers": form.answers()}
            try:
                if visit is None:
                    saved = services.visit_create(user=request.user, checklist=checklist, **fields)
                else:
                    saved = services.visit_update(user=request.user, visit_id=visit.pk, **fields)
            except ApplicationError as exc:  # AccessDenied included
                error = exc.message
                status = 403 if isinstance(exc, AccessDenied) else 400
            else:
                return HttpResponseRedirect(reverse("mystery:visit", args=[saved.pk]))
    return render(request, "mystery/entry.html", {"form": form, "checklist": checklist, "visit": visit,
                                                  "error": error}, status=status)
