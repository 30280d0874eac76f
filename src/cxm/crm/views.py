"""Pages of the customer relationship analytics. Views parse, call selectors and render."""

from __future__ import annotations

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxm.core.exceptions import ApplicationError
from cxm.customers.selectors import transaction_date_range
from cxm.web.scope import current_scope

from . import charts, selectors
from .forms import ComputeForm
from .models import Segment, Stage
from .services import can_compute_scores, scores_compute

LARGEST = 10  # the largest customers by revenue: table, check and customer x product matrix
HIGHEST_RISK = 20  # customers at highest churn risk on the churn tab
STRONGEST_RULES = 30  # cross-sell rules on the cross-sell tab
DEFAULT_RULE_CUSTOMERS = 50  # ... from this many customers up by default (few customers: a large, noisy lift)
RULE_CUSTOMER_CHOICES = (5, 20, 50, 100, 200)


def _base_context(request: HttpRequest, tab: str) -> dict:
    run = selectors.run_get(as_of=request.GET.get("as_of"))
    context = {"tab": tab, "run": run, "runs": list(selectors.run_list()[:24]), "scope": current_scope(request),
               "can_compute": can_compute_scores(request.user)}
    if context["can_compute"]:
        # a callable initial: the default date is read when the form is drawn, not before
        context["compute_form"] = ComputeForm(
            initial={"as_of": lambda: transaction_date_range(user=request.user)[1]})
    return context


@login_required
def rfm(request: HttpRequest) -> HttpResponse:
    """The R x F grid with segment names, the segments' size and value, the migration since the last run."""
    ctx = _base_context(request, "rfm")
    user, run, unit = request.user, ctx["run"], ctx["scope"].unit
    grid = selectors.rfm_grid(user=user, run=run, unit_code=unit)
    segments = selectors.segment_summary(user=user, run=run, unit_code=unit)
    for row in segments:
        row["label"] = charts.segment_label(row["segment"])
        row["share"] = 100 * row["customers"] / grid["total"] if grid["total"] else None
    previous = selectors.run_previous(run) if run is not None else None
    migration = selectors.segment_migration(user=user, run=run, previous=previous, unit_code=unit)
    for row in migration:
        row["label"] = charts.segment_label(row["from"]) if row["from"] else _("(no purchase yet)")
    stages = selectors.stage_counts(user=user, run=run, unit_code=unit)
    ctx.update(grid=grid, figure=charts.rfm_grid_figure(grid), segments=segments, previous=previous,
               migration=migration, segment_labels=[str(label) for _v, label in Segment.choices],
               stages=[(label, stages.get(value, 0)) for value, label in Stage.choices])
    return render(request, "crm/rfm.html", ctx)


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    """Cohort retention heat map and the monthly retention / churn rate of the visible transactions."""
    ctx = _base_context(request, "cohorts")
    scope = ctx["scope"]
    frame = selectors.visible_transactions(user=request.user, unit_code=scope.unit, end=scope.end)
    wide = selectors.cohort_wide(selectors.cohort_table(user=request.user, frame=frame))
    rates = selectors.retention_by_month(user=request.user, frame=frame)
    recent = rates.filter(rates["retention_rate"].is_not_null()).tail(12) if rates.height else rates
    ctx.update(figure=charts.cohort_figure(wide), retention=charts.retention_figure(rates),
               rates=list(recent.reverse().iter_rows(named=True)) if recent.height else [],
               mean_crr=(recent["retention_rate"].mean() if recent.height else None))
    return render(request, "crm/cohorts.html", ctx)


@login_required
def clv(request: HttpRequest) -> HttpResponse:
    """CLV distribution, customer equity by branch and by segment, the fitted models."""
    ctx = _base_context(request, "clv")
    user, run, unit = request.user, ctx["run"], ctx["scope"].unit
    values = selectors.clv_values(user=user, run=run, unit_code=unit)
    branches = selectors.customer_equity(user=user, run=run, unit_code=unit, by="branch")
    for row in branches:
        row["name"] = charts.branch_name(row)
    segments = selectors.customer_equity(user=user, run=run, unit_code=unit, by="segment")
    for row in segments:
        row["label"] = charts.segment_label(row["segment"])
    ctx.update(histogram=charts.clv_histogram(values), equity_figure=charts.equity_figure(branches, by="branch"),
               branches=branches, segments=segments,
               total_equity=sum(int(r["equity"] or 0) for r in branches),
               total_equity_margin=sum(int(r["equity_margin"] or 0) for r in branches),
               n_scored=int(values.size), median_clv=float(np.median(values)) if values.size else None)
    return render(request, "crm/clv.html", ctx)


@login_required
def profitability(request: HttpRequest) -> HttpResponse:
    """Profitable, break-even and losing customers; revenue vs margin; the whale curve; customer x product."""
    ctx = _base_context(request, "profitability")
    user, run, unit = request.user, ctx["run"], ctx["scope"].unit
    view = selectors.profitability_view(user=user, run=run, unit_code=unit, top=LARGEST)
    labels = {row["customer"].id: f"{row['customer'].customer_no} {row['customer'].display_name}"
              for row in view["largest"] if row["customer"] is not None}
    matrix = selectors.product_margin_matrix(user=user, unit_code=unit, customer_ids=list(labels)) if labels else None
    ctx.update(view=view, scatter=charts.profit_scatter(view["points"]), whale=charts.whale_figure(view["curve"]),
               matrix=charts.matrix_figure(matrix, labels) if labels else None)
    return render(request, "crm/profitability.html", ctx)


@login_required
def churn(request: HttpRequest) -> HttpResponse:
    """Churn risk: the holdout validation (AUC, Brier, lift, calibration), the drivers, the risk
    distribution, the customers at highest risk and the churn seen per P(alive) band."""
    ctx = _base_context(request, "churn")
    user, run, unit = request.user, ctx["run"], ctx["scope"].unit
    view = selectors.churn_view(user=user, run=run, unit_code=unit, top=HIGHEST_RISK)
    record = view["record"]
    validation = record.get("validation") or {}
    coefficients = record.get("coefficients") or {}
    drivers = [{"name": name, "label": charts.feature_label(name), "value": value}
               for name, value in sorted(coefficients.items(), key=lambda kv: -abs(kv[1] or 0)) if name != "intercept"]
    for row in view["highest"]:
        row.driver_labels = charts.driver_labels(row.churn_drivers, coefficients)
    ctx.update(record=record, validation=validation, drivers=drivers, highest=view["highest"],
               bands=record.get("p_alive_bands") or [], n_scored=int(view["probabilities"].size),
               mean_risk=float(view["probabilities"].mean()) if view["probabilities"].size else None,
               calibration=charts.calibration_figure(validation.get("calibration") or []),
               histogram=charts.risk_histogram(view["probabilities"]),
               drivers_figure=charts.drivers_figure(coefficients))
    return render(request, "crm/churn.html", ctx)


@login_required
def crosssell(request: HttpRequest) -> HttpResponse:
    """The run's strongest "bought next" rules (company-wide anonymous counts)."""
    ctx = _base_context(request, "crosssell")
    try:
        min_count = max(1, int(request.GET.get("min_count") or DEFAULT_RULE_CUSTOMERS))
    except ValueError:
        min_count = DEFAULT_RULE_CUSTOMERS
    ctx.update(rules=selectors.strongest_rules(run=ctx["run"], top=STRONGEST_RULES, min_count=min_count),
               min_count=min_count, min_count_choices=RULE_CUSTOMER_CHOICES,
               record=(ctx["run"].crosssell if ctx["run"] is not None else {}) or {})
    return render(request, "crm/crosssell.html", ctx)


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    """Compute the scores at a date (all-units roles only; others get 404 like anything out of scope)."""
    if not can_compute_scores(request.user):
        raise Http404
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            run = scores_compute(as_of=form.cleaned_data["as_of"], user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Scores computed for %(n)s customers as of %(date)s.")
                             % {"n": f"{run.n_customers:,}", "date": run.as_of.isoformat()})
            return HttpResponseRedirect(f"{reverse('crm:rfm')}?as_of={run.as_of.isoformat()}")
    else:
        messages.error(request, _("Enter a valid date."))
    return HttpResponseRedirect(reverse("crm:rfm"))
