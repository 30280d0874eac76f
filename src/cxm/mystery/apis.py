"""API endpoints of mystery shopping: the roll-ups and the visits, scoped like the pages."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Query, Router, Schema

from . import selectors, services

router = Router(tags=["mystery shopping"])


class ResultsQuery(Schema):
    checklist: str | None = None
    period: str | None = None
    unit: str | None = None


class BranchRow(Schema):
    rank: int
    code: str
    name: str
    region: str
    score: float
    n_visits: int
    change: float | None


class UnitRow(Schema):
    code: str
    name: str
    score: float
    n_branches: int
    n_visits: int


class HeatRow(Schema):
    code: str
    name: str
    scores: list[float | None]


class ItemRow(Schema):
    item: str
    text: str
    section: str
    n: int
    n_na: int
    pass_rate: float | None
    score: float | None


class TrendRow(Schema):
    period: str
    label: str
    score: float
    n_visits: int


class ResultsOut(Schema):
    checklist: str | None
    period: str | None
    periods: list[str]
    score: float | None
    n_visits: int
    n_branches: int
    units: list[UnitRow]
    branches: list[BranchRow]
    sections: list[str]
    heatmap: list[HeatRow]
    items: list[ItemRow]
    trend: list[TrendRow]


@router.get("/mystery/results", response=ResultsOut,
            summary="Mystery-shopping scores of a period: the unit, its regions, branch ranking, branch x section, items")
def results(request, query: Query[ResultsQuery]):
    r = selectors.mystery_results(user=request.auth, checklist_code=query.checklist, period_code=query.period,
                                  unit_code=query.unit)
    return ResultsOut(
        checklist=r.checklist.code if r.checklist else None, period=r.period.code if r.period else None,
        periods=[p.code for p in r.periods], score=r.score, n_visits=r.n_visits, n_branches=r.n_branches,
        units=r.units, branches=r.branches, sections=[s["code"] for s in r.sections], heatmap=r.heatmap,
        items=r.items, trend=r.trend)


class VisitOut(Schema):
    id: int
    branch: str
    period: str
    visited_on: date
    checklist: str
    version: int
    shopper_name: str
    agency: str
    notes: str
    answers: dict[str, float | None]
    score: float | None = None

    # Who the shoppers are stays with the people who commission the visits: branch staff
    # who knew them would recognise them on the next visit.
    @staticmethod
    def resolve_shopper_name(obj, context) -> str:
        return obj.shopper_name if services.can_enter_visits(context["request"].auth) else ""

    @staticmethod
    def resolve_agency(obj, context) -> str:
        return obj.agency if services.can_enter_visits(context["request"].auth) else ""

    @staticmethod
    def resolve_branch(obj) -> str:
        return obj.branch.code

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.code

    @staticmethod
    def resolve_checklist(obj) -> str:
        return obj.checklist.code

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.checklist.version


class VisitQuery(Schema):
    unit: str | None = None
    period: str | None = None


@router.get("/mystery/visits", response=list[VisitOut], summary="Visits the caller may see, newest first (at most 500)")
def visits(request, query: Query[VisitQuery]):
    qs = selectors.visit_list(user=request.auth, unit_code=query.unit)
    if query.period:
        qs = qs.filter(period__code=query.period)
    rows = list(qs[:500])
    scores = selectors.visit_score_map(rows)
    for row in rows:
        row.score = scores.get(row.pk)
    return rows


@router.get("/mystery/visits/{visit_id}", response=VisitOut, summary="One visit with its answers and score")
def visit(request, visit_id: int):
    row = selectors.visit_get(user=request.auth, visit_id=visit_id)
    if row is None:
        raise Http404
    row.score = selectors.visit_score_map([row]).get(row.pk)
    return row
