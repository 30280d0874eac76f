"""Case reads for the pages: the agent's inbox and one case, always through ``restrict``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Case as DbCase, IntegerField, Max, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from cxm.customers.selectors import customer_present, mask_name
from cxm.org.access import can_view_personal_data, restrict, users_who_see, visible_units
from cxm.org.models import User

from .calendar import BusinessCalendar
from .models import Case
from .services import business_calendar

#: A case due within this many business hours is flagged as a warning.
SLA_WARNING_HOURS = 4
OPEN_STATUSES = (Case.Status.NEW, Case.Status.ASSIGNED, Case.Status.IN_PROGRESS)


@dataclass(frozen=True)
class InboxRow:
    case: Case
    sla: str  # "breach", "warning" or ""
    love_to_hate: bool = False


def case_queryset(*, user) -> QuerySet[Case]:
    return restrict(Case.objects.select_related("org_unit", "owner", "customer", "category"), user)


def case_get(*, user, number: str) -> Case | None:
    """One case by number if ``user`` may see it (None otherwise: missing and hidden look the same)."""
    case = case_queryset(user=user).filter(number=number).first()
    if case is not None and case.customer is not None:
        customer_present(case.customer, personal=can_view_personal_data(user))  # masked for analysts
    if case is not None and not can_view_personal_data(user):
        # the public form's name, phone or e-mail are personal data too
        case.contact_name = mask_name(case.contact_name) if case.contact_name else ""
        case.contact = "***" if case.contact else ""
    return case


def sla_state(case: Case, *, now: datetime, calendar: BusinessCalendar) -> str:
    """"breach" when an unresolved case is past due (or a resolved one was resolved after its due
    time: a breach stays visible), "warning" when an open case is due within 4 business hours."""
    if case.due_at is None:
        return ""
    if case.status not in OPEN_STATUSES:
        return "breach" if case.resolved_at is not None and case.resolved_at > case.due_at else ""
    if case.due_at < now:
        return "breach"
    if case.due_at - now > timedelta(days=14):  # 4 business hours never span two weeks; skip the count
        return ""
    if calendar.working_minutes_between(now, case.due_at) <= SLA_WARNING_HOURS * 60:
        return "warning"
    return ""


# --- Love turned to hate ------------------------------------------------------------------------

#: The parameters of the flag (cxm.analytics.claims.love_to_hate): top 20 % by value, a
#: customer for at least a year, a complaint in the last 30 days.
LOVE_TO_HATE = {"value_quantile": 0.8, "min_tenure_days": 365, "fresh_days": 30}
#: The customer values are company-wide and change slowly: cached for this many seconds.
VALUE_CACHE_SECONDS = 600
VALUE_CACHE_KEY = "voc:love-to-hate:customer-values"


def _spend_values() -> pl.DataFrame:
    """``customer``, ``value`` (total spend, KRW) and ``since`` (first purchase) of every buying customer."""
    from cxm.customers.models import Transaction

    # Company-wide on purpose: "high value" must mean the same top 20 % for a branch as for HQ.
    # Only the flags of cases the user may see are ever shown, never these values.
    rows = (Transaction.objects.filter(customer__isnull=False).values("customer")
            .annotate(value=Sum("amount"), since=Min("occurred_on")).values_list("customer", "value", "since"))
    return pl.DataFrame(list(rows), schema={"customer": pl.Int64, "value": pl.Int64, "since": pl.Date}, orient="row")


def customer_values() -> pl.DataFrame:
    """The value of each customer for the love-to-hate flag (cached).

    Hook for CLV: the value is total spend today. When a stored CLV exists (the ``cxm.crm``
    app), set ``settings.CXM_LOVE_TO_HATE_VALUE`` to a dotted path of a function returning
    the same frame (``customer``, ``value``, ``since``) with the CLV as ``value``.
    """
    from cxm.customers.models import Transaction

    from .text_cache import VALUES_GENERATION_KEY, generation

    source = getattr(settings, "CXM_LOVE_TO_HATE_VALUE", "")
    # The key follows the data: an import (new transactions, a higher id) makes a fresh frame
    # at once, and so does a transaction edited or deleted (the generation token). The highest
    # id is one index lookup; counting the table was a scan on every inbox and case page.
    last = Transaction.objects.aggregate(last=Max("id"))["last"]
    key = f"{VALUE_CACHE_KEY}:{source}:{last}:{generation(VALUES_GENERATION_KEY)}"
    frame = cache.get(key)
    if frame is None:
        if source:
            from django.utils.module_loading import import_string

            frame = import_string(source)()
        else:
            frame = _spend_values()
        cache.set(key, frame, VALUE_CACHE_SECONDS)
    return frame


def love_to_hate_customers(*, now: datetime | None = None, customer_id: int | None = None) -> set[int]:
    """Ids of the customers flagged "love turned to hate" now (cxm.analytics.claims.love_to_hate);
    with ``customer_id``, that customer's id if flagged (only their complaints are read)."""
    from cxm.analytics.claims import love_to_hate

    now = now or timezone.now()
    fresh_days = LOVE_TO_HATE["fresh_days"]
    complaints = Case.objects.filter(kind=Case.Kind.COMPLAINT, customer__isnull=False,
                                     opened_at__gt=now - timedelta(days=fresh_days), opened_at__lte=now)
    if customer_id is not None:
        complaints = complaints.filter(customer_id=customer_id)
    complaints = list(complaints.values_list("customer_id", "opened_at"))
    if not complaints:
        return set()
    values = customer_values()
    if values.is_empty():
        return set()
    frame = pl.DataFrame(complaints, schema={"customer": pl.Int64, "opened_at": pl.Datetime("us", "UTC")},
                         orient="row")
    flags = love_to_hate(values, frame, as_of=now.astimezone(dt_timezone.utc), **LOVE_TO_HATE)
    return set(flags.filter(pl.col("flag"))["customer"].to_list())


def love_to_hate_q(*, customers: set[int], now: datetime) -> Q:
    """The cases that carry the flag: fresh complaints of flagged customers."""
    return Q(kind=Case.Kind.COMPLAINT, customer_id__in=customers,
             opened_at__gt=now - timedelta(days=LOVE_TO_HATE["fresh_days"]))


def case_is_love_to_hate(case: Case, *, now: datetime | None = None) -> bool:
    """Whether the case page shows the love-to-hate flag."""
    now = now or timezone.now()
    if case.customer_id is None or case.kind != Case.Kind.COMPLAINT:
        return False
    if case.opened_at <= now - timedelta(days=LOVE_TO_HATE["fresh_days"]):
        return False
    return case.customer_id in love_to_hate_customers(now=now, customer_id=case.customer_id)


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox and the counts of the whole filtered list."""

    rows: list[InboxRow]
    page: Page  # Django's page of the cases (number, paginator.count, has_next ...)
    breaches: int
    warnings: int
    flagged: int


def case_inbox(*, user, view: str = "mine", status: str = "", page: int | str = 1, per_page: int = 50) -> InboxPage:
    """The agent's inbox: ``view`` "mine" (owned by the user) or "queue" (unowned in their units).

    Open "love turned to hate" complaints come first, then overdue open cases, then by due
    time (cases without one last), then newest. A case that a rule sent to a unit's queue
    shows in the queue of the users who see that unit. ``page`` of ``per_page`` cases (a
    page number out of range gives the nearest page); the SLA and flag counts are over the
    whole list's open cases (the work at hand).
    """
    now = timezone.now()
    qs = case_queryset(user=user)
    if view == "queue":
        qs = qs.filter(owner__isnull=True).filter(Q(queue__isnull=True) | Q(queue__in=visible_units(user)))
    else:
        qs = qs.filter(owner=user)
    if status:
        qs = qs.filter(status=status)
    flagged = love_to_hate_customers(now=now)
    flag_q = love_to_hate_q(customers=flagged, now=now)
    overdue = When(Q(due_at__lt=now) & Q(status__in=OPEN_STATUSES), then=Value(0))
    qs = qs.annotate(
        flag_rank=DbCase(When(flag_q & Q(status__in=OPEN_STATUSES), then=Value(0)), default=Value(1),
                         output_field=IntegerField()),
        overdue_rank=DbCase(overdue, default=Value(1), output_field=IntegerField()),
    )
    qs = qs.order_by("flag_rank", "overdue_rank", "due_at", "-opened_at")
    calendar = business_calendar()
    fresh_after = now - timedelta(days=LOVE_TO_HATE["fresh_days"])

    def row(case: Case) -> InboxRow:
        return InboxRow(case, sla_state(case, now=now, calendar=calendar),
                        love_to_hate=(case.kind == Case.Kind.COMPLAINT and case.customer_id in flagged
                                      and case.opened_at > fresh_after))

    open_rows = [row(case) for case in qs.filter(status__in=OPEN_STATUSES).select_related(None).only(
        "kind", "status", "customer_id", "opened_at", "due_at", "resolved_at")]
    shown = Paginator(qs, per_page).get_page(page)
    return InboxPage(
        rows=[row(case) for case in shown], page=shown,
        breaches=sum(r.sla == "breach" for r in open_rows), warnings=sum(r.sla == "warning" for r in open_rows),
        flagged=sum(r.love_to_hate for r in open_rows),
    )


def case_assignees(*, user, case: Case) -> QuerySet[User]:
    """Active users who work cases and can see the case's unit (candidates for owner)."""
    from .services import WORKER_ROLES

    # The candidates must also be visible to the user choosing them (no listing of unknown staff).
    if not visible_units(user).filter(pk=case.org_unit_id).exists():
        return User.objects.none()
    return users_who_see(case.org_unit).filter(role__in=WORKER_ROLES).order_by("username")
