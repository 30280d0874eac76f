"""API of the index models: fit a PLS path model on a stored wave (the ``cxm pls --format json`` keys)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from ninja import Query, Router, Schema

from cxm.surveys.models import Wave

from .reports import DEFAULT_BOOTSTRAP, MAX_BOOTSTRAP, model_fit, preset_model

router = Router(tags=["index models"])


def _wave(code: str) -> Wave:
    # Waves are company-wide; their answers are scoped (wave_frame reads through cxm.org.access).
    wave = Wave.objects.select_related("questionnaire").filter(code=code).first()
    if wave is None:
        raise Http404
    return wave


class FitIn(Schema):
    wave: str
    unit: str | None = None
    model: dict[str, Any] | None = None  # the model file mapping: constructs, paths
    preset: Literal["questionnaire", "acsi", "ecsi", "kcsi"] | None = None
    scheme: Literal["path", "centroid", "factorial"] = "path"
    bootstrap: int = DEFAULT_BOOTSTRAP
    seed: int | None = 0
    missing: Literal["listwise", "mean"] = "listwise"
    max_iter: int = 300


@router.post("/models/fit", response=dict[str, Any],
             summary="Fit a PLS path model (ACSI/ECSI/KCSI-style) on a wave's answers in your scope")
def fit(request, body: FitIn):
    """The body names the wave and either a ``model`` (``{"constructs": {...}, "paths": [...]}``, as a
    ``cxm pls`` model file) or a ``preset`` (default: the model built from the wave's questionnaire).

    The answer has the keys of ``cxm pls --format json`` (``paths``, ``r2``, ``loadings``,
    ``weights``, ``reliability``, ``index``, ``iterations``, ``bootstrap``, ...) plus ``wave``,
    ``n_answers`` and ``n_dropped`` (incomplete answers left out). A bad model answers 400 with a
    translated ``message``; ``bootstrap`` is capped at 2000.
    """
    wave = _wave(body.wave)
    model = body.model
    if model is None:
        model = preset_model(body.preset or "questionnaire", wave.questionnaire.parsed())[0]
    result = model_fit(user=request.auth, wave=wave, model=model, unit_code=body.unit, scheme=body.scheme,
                       n_boot=max(0, min(body.bootstrap, MAX_BOOTSTRAP)), seed=body.seed, missing=body.missing,
                       max_iter=max(1, min(body.max_iter, 1000)))
    return {**result.report, "wave": wave.code, "n_answers": result.n_answers, "n_dropped": result.n_dropped}


class DefaultQuery(Schema):
    preset: Literal["questionnaire", "acsi", "ecsi", "kcsi"] = "questionnaire"


@router.get("/models/default/{code}", response=dict[str, Any],
            summary="The starting model for a wave: built from its questionnaire, or a preset's structure")
def default(request, code: str, query: Query[DefaultQuery]):
    model, dropped = preset_model(query.preset, _wave(code).questionnaire.parsed())
    return {**model, "dropped_items": dropped}
