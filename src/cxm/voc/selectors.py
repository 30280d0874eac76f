"""Case reads for the pages: the agent's inbox and one case, always through ``restrict``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case as DbCase, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cxm.customers.selectors import customer_present
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


def case_queryset(*, user) -> QuerySet[Case]:
    return restrict(Case.objects.select_related("org_unit", "owner", "customer", "category"), user)


def case_get(*, user, number: str) -> Case | None:
    """One case by number if ``user`` may see it (None otherwise: missing and hidden look the same)."""
    case = case_queryset(user=user).filter(number=number).first()
    if case is not None and case.customer is not None:
        customer_present(case.customer, personal=can_view_personal_data(user))  # masked for analysts
    return case


def sla_state(case: Case, *, now: datetime, calendar: BusinessCalendar) -> str:
    """"breach" when an unresolved case is past due, "warning" when due within 4 business hours."""
    if case.due_at is None or case.status not in OPEN_STATUSES:
        return ""
    if case.due_at < now:
        return "breach"
    if case.due_at - now > timedelta(days=14):  # 4 business hours never span two weeks; skip the count
        return ""
    if calendar.working_minutes_between(now, case.due_at) <= SLA_WARNING_HOURS * 60:
        return "warning"
    return ""


def case_inbox(*, user, view: str = "mine", status: str = "", limit: int = 200) -> list[InboxRow]:
    """The agent's inbox: ``view`` "mine" (owned by the user) or "queue" (unassigned in their units).

    Overdue open cases come first, then by due time (cases without one last), then newest.
    """
    now = timezone.now()
    qs = case_queryset(user=user)
    if view == "queue":
        qs = qs.filter(owner__isnull=True)
    else:
        qs = qs.filter(owner=user)
    if status:
        qs = qs.filter(status=status)
    overdue = When(Q(due_at__lt=now) & Q(status__in=OPEN_STATUSES), then=Value(0))
    qs = qs.annotate(overdue_rank=DbCase(overdue, default=Value(1), output_field=IntegerField()))
    qs = qs.order_by("overdue_rank", "due_at", "-opened_at")
    calendar = business_calendar()
    return [InboxRow(case, sla_state(case, now=now, calendar=calendar)) for case in qs[:limit]]


def case_assignees(*, user, case: Case) -> QuerySet[User]:
    """Active users who work cases and can see the case's unit (candidates for owner)."""
    from .services import WORKER_ROLES

    # The candidates must also be visible to the user choosing them (no listing of unknown staff).
    if not visible_units(user).filter(pk=case.org_unit_id).exists():
        return User.objects.none()
    return users_who_see(case.org_unit).filter(role__in=WORKER_ROLES).order_by("username")
