"""The org unit and period the user picked in the top bar, kept in the session.

The picker only narrows what :mod:`cxm.org.access` already allows: a unit code that is not
visible to the user is never stored, and the selectors re-check it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import HttpRequest
from django.utils import timezone

from cxm.org.access import visible_units
from cxm.org.models import OrgUnit, Period

SESSION_UNIT = "cxm_unit"
SESSION_PERIOD = "cxm_period"
ALL = ""  # the "all my units" / "all time" choice

# Kinds offered in the period picker, in this order; survey waves belong to the survey pages.
PICKER_PERIOD_KINDS = (Period.Kind.YEAR, Period.Kind.QUARTER, Period.Kind.MONTH)


@dataclass
class UnitOption:
    code: str
    name: str
    kind: str
    level: int  # depth below the topmost visible unit, for indentation


@dataclass
class Scope:
    """What the top bar shows and every page filters by."""

    units: list[UnitOption] = field(default_factory=list)
    offer_all_units: bool = False
    unit: OrgUnit | None = None
    periods: list[tuple[str, list[Period]]] = field(default_factory=list)
    period: Period | None = None

    @property
    def unit_code(self) -> str | None:
        return self.unit.code if self.unit is not None else None

    @property
    def period_code(self) -> str:
        return self.period.code if self.period is not None else ALL

    @property
    def start(self) -> date | None:
        return self.period.start if self.period is not None else None

    @property
    def end(self) -> date | None:
        return self.period.end if self.period is not None else None


def _unit_options(user) -> tuple[list[OrgUnit], bool]:
    units = list(visible_units(user).order_by("path"))
    ids = {u.id for u in units}
    roots = [u for u in units if u.parent_id not in ids]
    # One topmost unit (a branch manager's branch, the admin's company) stands for "all";
    # several disjoint subtrees (a CS manager of two branches) need an explicit "all" choice.
    return units, len(roots) != 1


def _default_period(periods: list[Period]) -> Period | None:
    years = [p for p in periods if p.kind == Period.Kind.YEAR]
    today = timezone.localdate()  # the company's date (Asia/Seoul), not the server's
    for p in sorted(years, key=lambda p: p.start, reverse=True):
        if p.start <= today:
            return p
    return None


def current_scope(request: HttpRequest) -> Scope:
    """The picked unit and period for ``request`` (computed once per request)."""
    cached = getattr(request, "_cxm_scope", None)
    if cached is not None:
        return cached
    scope = Scope()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        request._cxm_scope = scope
        return scope

    units, offer_all = _unit_options(user)
    top = min((u.depth for u in units), default=0)
    scope.units = [UnitOption(u.code, u.name, u.kind, u.depth - top) for u in units]
    scope.offer_all_units = offer_all
    by_code = {u.code: u for u in units}
    picked = request.session.get(SESSION_UNIT)
    if picked in by_code:
        scope.unit = by_code[picked]
    elif not offer_all and units:
        scope.unit = units[0]  # the single topmost unit, first in path order

    periods = list(Period.objects.filter(kind__in=PICKER_PERIOD_KINDS).order_by("-start", "kind"))
    scope.periods = [
        (kind.label, [p for p in periods if p.kind == kind]) for kind in PICKER_PERIOD_KINDS
    ]
    scope.periods = [(label, group) for label, group in scope.periods if group]
    picked_period = request.session.get(SESSION_PERIOD)
    if picked_period is None:
        scope.period = _default_period(periods)
    elif picked_period != ALL:
        scope.period = next((p for p in periods if p.code == picked_period), None)
    request._cxm_scope = scope
    return scope


def scope_set(request: HttpRequest, *, unit_code: str | None, period_code: str | None) -> None:
    """Store a picked unit and/or period; a unit the user may not see is ignored.

    ``None`` leaves a choice unchanged; ``""`` means all visible units / all time.
    """
    user = request.user
    if unit_code is not None:
        units, offer_all = _unit_options(user)
        if unit_code in {u.code for u in units} or (unit_code == ALL and offer_all):
            request.session[SESSION_UNIT] = unit_code
    if period_code is not None:
        if period_code == ALL or Period.objects.filter(code=period_code, kind__in=PICKER_PERIOD_KINDS).exists():
            request.session[SESSION_PERIOD] = period_code
    request._cxm_scope = None
