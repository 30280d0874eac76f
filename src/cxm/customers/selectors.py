"""Read use cases of the customer base, always through the access rules."""

from __future__ import annotations

from django.db.models import QuerySet

from cxm.org.access import can_view_personal_data, restrict, within_unit
from cxm.org.models import OrgUnit

from .models import Customer, Transaction


def _unit(user, unit_code: str | None) -> OrgUnit | None:
    if not unit_code:
        return None
    # The picked unit must itself be visible, else the result is empty (never a wider view).
    return restrict(OrgUnit.objects.all(), user).filter(code=unit_code).first() or OrgUnit(path="\x00/")


def _mask(customers, user):
    show = can_view_personal_data(user)
    for c in customers:
        c.display_name = c.name if show else mask_name(c.name)
        yield c


def mask_name(name: str) -> str:
    """``홍길동`` -> ``홍*동``; ``Kim`` -> ``K*m``: enough to tell rows apart, not to identify."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def customer_queryset(*, user, unit_code: str | None = None) -> QuerySet[Customer]:
    qs = restrict(Customer.objects.select_related("home_unit"), user)
    return within_unit(qs, _unit(user, unit_code))


def customer_list(*, user, unit_code: str | None = None):
    return list(_mask(customer_queryset(user=user, unit_code=unit_code), user))


def customer_get(*, user, customer_no: str) -> Customer | None:
    """The customer if ``user`` may see it, else None (callers answer 404, never 403)."""
    c = customer_queryset(user=user).filter(customer_no=customer_no).first()
    if c is None:
        return None
    return next(_mask([c], user))


def transaction_queryset(*, user, unit_code: str | None = None) -> QuerySet[Transaction]:
    qs = restrict(Transaction.objects.select_related("branch", "channel", "customer"), user)
    return within_unit(qs, _unit(user, unit_code))
