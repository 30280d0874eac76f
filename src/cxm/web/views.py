"""Pages of the web shell. Views only parse, call selectors and render; access is in the selectors."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cxm.crm import charts as crm_charts
from cxm.crm import selectors as crm_selectors
from cxm.crm.forms import ScoreFilterForm
from cxm.customers import selectors
from cxm.customers.models import Customer, Product, Transaction, TransactionLine
from cxm.customers.importing import services as importing
from cxm.customers.importing.issues import ImportFailed
from cxm.org.access import can_import, can_view_personal_data

from . import charts
from .forms import CustomerSearchForm, ImportForm, LoginForm, ScopeForm, TransactionFilterForm
from .scope import current_scope, scope_set

CUSTOMERS_PER_PAGE = 25
TRANSACTIONS_PER_PAGE = 50
RECENT_TRANSACTIONS = 10
CHART_MONTHS = 12


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _render(request: HttpRequest, page: str, partial: str, context: dict) -> HttpResponse:
    """One view serves the page and, for htmx requests, just the fragment that changes."""
    # A history restore (htmx's cache missed) replaces the whole page, so it gets the page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, partial if fragment else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@login_required
def set_scope(request: HttpRequest) -> HttpResponse:
    """Store the picked org unit and period; a unit the user may not see is ignored."""
    form = ScopeForm(request.POST)
    form.is_valid()  # both fields are optional strings; codes are checked in scope_set
    data = form.cleaned_data
    scope_set(
        request,
        unit_code=data.get("unit") if "unit" in request.POST else None,
        period_code=data.get("period") if "period" in request.POST else None,
    )
    return HttpResponseRedirect(_safe_next(request, reverse("web:dashboard")))


def _chart_window(scope, user) -> tuple[date, date] | None:
    """The months the chart covers: the picked period, at least the twelve months up to its end."""
    if scope.period is not None:
        end = scope.period.end
        start = scope.period.start
    else:
        start, end = selectors.transaction_date_range(user=user, unit_code=scope.unit_code)
        if end is None:
            return None
    y, m = end.year, end.month - (CHART_MONTHS - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return min(start, date(y, m, 1)), end


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = current_scope(request)
    kpis = selectors.transaction_summary(user=user, unit_code=scope.unit_code, start=scope.start, end=scope.end)
    figure, months = None, []
    window = _chart_window(scope, user)
    if window is not None:
        start, end = window
        totals = selectors.monthly_revenue(user=user, unit_code=scope.unit_code, start=start, end=end)
        with_sales = [row["month"] for row in totals if row["transactions"]]
        if with_sales:
            # Months after the last sale are not zero, they are not there yet (a running
            # year, or data loaded up to last month): leave them out rather than plot a drop.
            months = charts.month_range(start, min(end, with_sales[-1]))
            figure = charts.monthly_revenue_figure(
                months=months,
                totals=totals,
                by_branch=selectors.monthly_revenue_by_branch(
                    user=user, unit_code=scope.unit_code, start=start, end=end
                ),
            )
    branches = selectors.revenue_by_branch(user=user, unit_code=scope.unit_code, start=scope.start, end=scope.end)
    top = max((row["revenue"] for row in branches), default=0)
    for row in branches:
        row["name"] = charts.branch_name(row)
        # The number is the share of the total; the bar is relative to the best branch, so
        # that twelve similar branches do not all draw the same sliver.
        row["share"] = round(100 * row["revenue"] / kpis["revenue"]) if kpis["revenue"] > 0 else None
        row["bar"] = round(100 * row["revenue"] / top) if top > 0 else 0
    return render(request, "web/dashboard.html", {
        "kpis": kpis,
        "figure": figure,
        "chart_start": months[0] if months else None,
        "chart_end": months[-1] if months else None,
        "branches": branches,
    })


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = current_scope(request)
    by_name = can_view_personal_data(user)
    form = CustomerSearchForm(request.GET or None, by_name=by_name)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    # The list shows each customer's stored scores (cxm.crm) of the latest run, filtered by them.
    score_form = ScoreFilterForm(request.GET or None)
    run = crm_selectors.run_get(as_of=request.GET.get("as_of"))
    qs = crm_selectors.scored_customers(user=user, run=run, unit_code=scope.unit_code, query=query,
                                        **score_form.filters())
    page = Paginator(qs, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.customer_mask(page.object_list, user=user)
    return _render(request, "web/customer_list.html", "web/partials/customer_table.html", {
        "form": form,
        "query": query,
        "page": page,
        "search_by_name": by_name,
        "score_form": score_form,
        "score_run": run,
    })


@login_required
def customer_detail(request: HttpRequest, customer_no: str) -> HttpResponse:
    user = request.user
    customer = selectors.customer_get(user=user, customer_no=customer_no)
    if customer is None:
        # Someone else's customer and a customer that does not exist look the same.
        raise Http404
    txns = selectors.transaction_search(user=user, customer=customer)
    recent = list(txns[:RECENT_TRANSACTIONS])
    stats = selectors.transaction_totals(txns)
    score_history = crm_selectors.customer_scores(user=user, customer=customer)
    score = score_history[-1] if score_history else None
    # "bought next" offers from the rules of the run the shown scores come from (cached per run)
    rules_run = score.run if score is not None else crm_selectors.run_get()
    return render(request, "web/customer_detail.html", {
        "score": score,
        "recommendations": crm_selectors.customer_recommendations(user=user, customer=customer, run=rules_run),
        "score_history": score_history[::-1],
        "score_figure": crm_charts.score_history_figure(score_history),
        "customer": customer,
        "recent": recent,
        "stats": stats,
        "attributes": sorted((customer.attributes or {}).items()),
        "consents": [
            (capfirst(Customer._meta.get_field(name).verbose_name), getattr(customer, name))
            for name in ("consent_marketing", "consent_email", "consent_sms")
        ],
        "shows_personal_data": can_view_personal_data(user),
    })


@login_required
def transaction_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = current_scope(request)
    data = request.GET.copy()
    if "date_from" not in data and "date_to" not in data and scope.period is not None:
        # Opened from the menu: start from the period picked in the top bar.
        data["date_from"] = scope.period.start.isoformat()
        data["date_to"] = scope.period.end.isoformat()
    form = TransactionFilterForm(data)
    if form.is_valid():
        f = form.cleaned_data
        qs = selectors.transaction_search(user=user, unit_code=scope.unit_code, start=f["date_from"],
                                          end=f["date_to"], channel=f["channel"])
    else:
        qs = selectors.transaction_search(user=user).none()
    page = Paginator(qs, TRANSACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _label_customers(page.object_list, user)
    summary = selectors.transaction_totals(qs)
    return _render(request, "web/transaction_list.html", "web/partials/transaction_table.html", {
        "form": form,
        "page": page,
        "summary": summary,
    })


def _label_customers(rows: list, user) -> None:
    """Name and link each row's customer only if the user may open that customer.

    A sale at the user's branch may be to a customer homed elsewhere, whose page answers 404:
    such a row shows the customer number only, never the name (masked or not).
    """
    openable = selectors.customer_ids_visible(user=user, ids={t.customer_id for t in rows if t.customer_id})
    named = {c.id: c.display_name
             for c in selectors.customer_mask([t.customer for t in rows if t.customer_id in openable], user=user)}
    for t in rows:
        t.customer_display = named.get(t.customer_id, "")
        t.customer_openable = t.customer_id in openable


_CREATED_LABELS = {
    "customers": Customer._meta.verbose_name_plural,
    "products": Product._meta.verbose_name_plural,
    "transactions": Transaction._meta.verbose_name_plural,
    "transaction_lines": TransactionLine._meta.verbose_name_plural,
}
_IMPORTERS = {
    "customers": importing.customers_import,
    "products": importing.products_import,
    "transactions": importing.transactions_import,
}


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a file to import: all or nothing; every bad cell is listed with row, column, reason."""
    if not can_import(request.user):
        raise Http404  # like every object outside a user's scope: not there for them
    failure = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = importing.ImportOptions(encoding=data["encoding"], sheet=data["sheet"] or None,
                                          source_name=upload.name)
        try:
            result = _IMPORTERS[data["entity"]](
                file=upload.read(), user=request.user, mapping=data["mapping"], options=options
            )
        except ImportFailed as exc:
            failure = exc
        else:
            created = ", ".join(f"{_CREATED_LABELS[name]} {count:,}" for name, count in result.created.items())
            messages.success(request, _("Imported %(file)s: %(created)s.") % {"file": upload.name, "created": created})
            return HttpResponseRedirect(reverse("web:import_file"))
    status = 400 if failure is not None or form.errors else 200
    return render(request, "web/import.html", {"form": form, "failure": failure}, status=status)
