"""API endpoints of the survey store: waves and their CSI results, scoped like the pages."""

from datetime import date
from typing import Any, Literal

from django.http import Http404
from ninja import Query, Router, Schema

from .models import Wave
from .reports import wave_result
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
