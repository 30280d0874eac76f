"""API endpoints of the survey store: waves and their CSI results, scoped like the pages."""

from datetime import date
from typing import Any, Literal

from django.http import Http404
from ninja import Query, Router, Schema

from .models import Wave
from .reports import MIN_RESPONSES, change_between, wave_result
from .selectors import wave_list

router = Router(tags=["surveys"])


class WaveOut(Schema):
    code: str
    questionnaire: str
    version: int
    opens_on: date
    closes_on: date
    anonymous: bool

    @staticmethod
    def resolve_questionnaire(obj: Wave) -> str:
        return obj.questionnaire.code

    @staticmethod
    def resolve_version(obj: Wave) -> int:
        return obj.questionnaire.version


@router.get("/surveys/waves", response=list[WaveOut], summary="Survey waves with answers, oldest first")
def waves(request):
    return list(wave_list())


class ResultQuery(Schema):
    unit: str | None = None
    importance: Literal["correlation", "regression", "relative", "shapley"] = "correlation"
    bootstrap: int = 1000
    seed: int = 0


class ResultOut(Schema):
    wave: str
    n: int
    report: dict[str, Any] | None


def _wave(code: str) -> Wave:
    wave = wave_list().filter(code=code).first()
    if wave is None:
        raise Http404
    return wave


@router.get("/surveys/waves/{code}/csi", response=ResultOut,
            summary="CSI, importance, loyalty, competitor and portfolio of a wave (the `cxm csi` JSON in `report`)")
def wave_csi(request, code: str, query: Query[ResultQuery]):
    wave = Wave.objects.select_related("questionnaire").filter(code=code).first()
    if wave is None:
        raise Http404
    bootstrap = max(0, min(query.bootstrap, 5000))  # bounded: a request must not pin the server
    result = wave_result(user=request.auth, wave=wave, unit_code=query.unit, importance=query.importance,
                         bootstrap=bootstrap, seed=query.seed)
    return ResultOut(wave=wave.code, n=result.n, report=result.report)


class ScopeQuery(Schema):
    unit: str | None = None
    importance: Literal["correlation", "regression", "relative", "shapley"] = "correlation"


class GroupOut(Schema):
    group: str
    n: int
    ranked: bool
    rank: int | None
    csi: float | None
    se: float | None
    ci: list[float | None] | None
    diff: float | None
    p_value: float | None
    p_holm: float | None
    mark: Literal["up", "down"] | None


class BreakdownOut(Schema):
    wave: str
    by: str
    n: int
    min_responses: int
    test: str
    groups: list[GroupOut]


class BreakdownQuery(ScopeQuery):
    by: Literal["branch", "region", "segment", "channel"] = "branch"


@router.get("/surveys/waves/{code}/breakdown", response=BreakdownOut,
            summary="CSI by branch, region, segment or channel: ranked, each group against the rest (Holm)")
def wave_breakdown(request, code: str, query: Query[BreakdownQuery]):
    """The dashboard's ranking: groups under ``min_responses`` answers are listed unranked, without figures."""
    wave = _wave(code)
    result = wave_result(user=request.auth, wave=wave, unit_code=query.unit, importance=query.importance)
    return BreakdownOut(wave=wave.code, by=query.by, n=result.n, min_responses=MIN_RESPONSES,
                        test="Welch t-test vs the rest on linearised CSI contributions with the scope's weights; "
                             "Holm-corrected over the ranked groups",
                        groups=result.breakdowns.get(query.by, []))


class ItemOut(Schema):
    code: str
    element: str
    n: int
    satisfaction: float | None
    importance: float | None
    quadrant: str | None


class ItemsOut(Schema):
    wave: str
    element: str
    n: int
    satisfaction: float | None
    items: list[ItemOut]


@router.get("/surveys/waves/{code}/elements/{element}/items", response=ItemsOut,
            summary="An element's items: 0-100 score, n, importance (r with overall) and quadrant")
def element_items(request, code: str, element: str, query: Query[ScopeQuery]):
    wave = _wave(code)
    q = wave.questionnaire.parsed()
    found = next((e for e in q.elements if e.code == element), None)
    if found is None:
        raise Http404
    result = wave_result(user=request.auth, wave=wave, unit_code=query.unit, importance=query.importance)
    if result.report is None:
        return ItemsOut(wave=wave.code, element=element, n=result.n, satisfaction=None, items=[])
    scored = result.report["items"]
    items = [{"code": i.code, **scored[i.code]} for i in found.items if i.code in scored]
    return ItemsOut(wave=wave.code, element=element, n=result.n,
                    satisfaction=result.report["elements"][element]["satisfaction"], items=items)


class ChangeOut(Schema):
    wave: str
    previous: str | None
    change: dict[str, Any] | None


@router.get("/surveys/waves/{code}/change", response=ChangeOut,
            summary="Change of the CSI and of each element from the previous wave, with Welch tests")
def wave_change_view(request, code: str, query: Query[ScopeQuery]):
    waves = list(wave_list())
    index = next((i for i, w in enumerate(waves) if w.code == code), None)
    if index is None:
        raise Http404
    after = wave_result(user=request.auth, wave=waves[index], unit_code=query.unit, importance=query.importance)
    # the previous wave with a CSI in this scope (the dashboard's trend skips waves without one)
    for wave in reversed(waves[:index]):
        before = wave_result(user=request.auth, wave=wave, unit_code=query.unit, importance=query.importance)
        if before.report is not None:
            return ChangeOut(wave=code, previous=wave.code, change=change_between(before, after))
    return ChangeOut(wave=code, previous=None, change=None)
