"""National-index path models fitted on a stored survey wave (the numbers behind the pages and the API).

A model is handled as the plain mapping of a ``cxm pls`` model file::

    {"constructs": {"Satisfaction": {"mode": "A", "indicators": ["OVR"]}, ...},
     "paths": ["Product -> Satisfaction", ...]}

:func:`model_check` validates it against the wave's questionnaire with translated messages
(the estimator's own messages are English); :func:`model_fit` reads the answers the user may
see (:func:`cxm.surveys.selectors.wave_frame`), fits :class:`cxm.analytics.pls.PLSPathModel`
and bootstraps it; :func:`waves_compare` does that for two waves and compares them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import override

from cxm.analytics.questionnaire import Questionnaire
from cxm.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from cxm.analytics.pls import ModelSpec

SCHEMES = ("path", "centroid", "factorial")
MISSING = ("listwise", "mean")
PRESET_CHOICES = ("questionnaire", "acsi", "ecsi", "kcsi")
DEFAULT_BOOTSTRAP = 200
MAX_BOOTSTRAP = 2000  # a request must not pin the server (about a second on the demo waves)
MAX_CONSTRUCTS = 12
MIN_RESPONSES = 30
LEVEL = 0.95

#: The usual cut-offs (Hair et al., A Primer on PLS-SEM; Henseler et al. 2015 for HTMT).
THRESHOLDS = {"alpha": 0.7, "rho_c": 0.7, "rho_a": 0.7, "ave": 0.5}
HTMT_STRICT, HTMT_LIBERAL = 0.85, 0.90


class ModelError(ApplicationError):
    """The model or the data cannot be fitted; ``message`` is translated and safe to show."""


# --- models ----------------------------------------------------------------------------------


def _label(labels: dict[str, str], language: str, fallback: str) -> str:
    return labels.get(language) or labels.get("en") or labels.get("ko") or fallback


def default_model(questionnaire: Questionnaire, *, language: str = "en") -> dict[str, Any]:
    """A KCSI-style model for a CSI questionnaire: every element is a quality construct driving
    satisfaction (the overall item), which drives loyalty (retention and recommendation items).

    Construct names are the element labels in ``language`` (English by default, the API's
    stable choice).
    """
    constructs: dict[str, dict[str, Any]] = {}
    for element in questionnaire.elements:
        name = _label(element.label, language, element.code).replace("->", "-")
        constructs[name] = {"mode": "A", "indicators": [i.code for i in element.items]}
    with override(language):
        satisfaction, loyalty = _("Satisfaction"), _("Loyalty")
    quality = list(constructs)
    constructs[satisfaction] = {"mode": "A", "indicators": [questionnaire.overall.code]}
    paths = [f"{name} -> {satisfaction}" for name in quality]
    loyal = [i.code for i in (questionnaire.retention, questionnaire.recommend) if i is not None]
    if loyal:
        constructs[loyalty] = {"mode": "A", "indicators": loyal}
        paths.append(f"{satisfaction} -> {loyalty}")
    return {"constructs": constructs, "paths": paths}


def preset_model(name: str, questionnaire: Questionnaire, *, language: str = "en") -> tuple[dict[str, Any], list[str]]:
    """The model of a preset, with the indicators the questionnaire lacks taken out.

    ``"questionnaire"`` is :func:`default_model`; ``acsi``/``ecsi``/``kcsi`` are the bundled
    model files of :mod:`cxm.analytics.pls` (their structure: the user maps the items).
    Returns the model and the indicator names that were taken out.
    """
    if name == "questionnaire":
        return default_model(questionnaire, language=language), []
    if name not in PRESET_CHOICES:
        raise ModelError(_("Unknown preset %(name)s.") % {"name": name})
    from cxm.analytics.pls import load_preset

    spec = load_preset(name)
    have = {i.code for i in questionnaire.items}
    dropped = [i for i in spec.indicators if i not in have]
    constructs = {c.name: {"mode": c.mode, "indicators": [i for i in c.indicators if i in have]}
                  for c in spec.constructs}
    return {"constructs": constructs, "paths": [f"{a} -> {b}" for a, b in spec.paths]}, dropped


def model_check(model: dict[str, Any], questionnaire: Questionnaire):
    """Validate ``model`` against the questionnaire; returns the :class:`ModelSpec` with the
    items' own scale bounds (for the 0-100 index).

    Raises
    ------
    ModelError
        With a translated message: no constructs, a construct without a name or without
        indicators, an unknown or twice used item, a malformed path, a path to an unknown
        construct, a cycle (not a DAG), a construct in no path.
    """
    from cxm.analytics.pls import ModelSpec, find_cycle

    raw = model.get("constructs") if isinstance(model, dict) else None
    if not isinstance(raw, dict) or not raw:
        raise ModelError(_("The model has no constructs."))
    if len(raw) > MAX_CONSTRUCTS:
        raise ModelError(_("A model may have at most %(n)s constructs.") % {"n": MAX_CONSTRUCTS})
    items = {i.code: i for i in questionnaire.items}
    owner: dict[str, str] = {}
    constructs: dict[str, dict[str, Any]] = {}
    for name, body in raw.items():
        name = str(name).strip()
        if not name:
            raise ModelError(_("Every construct needs a name."))
        if "->" in name:
            raise ModelError(_("Construct name %(name)s must not contain “->”.") % {"name": name})
        if isinstance(body, dict):
            mode, indicators = str(body.get("mode") or "A").upper(), body.get("indicators") or []
        else:
            mode, indicators = "A", body or []
        if mode not in ("A", "B"):
            raise ModelError(_("Construct %(name)s: the mode must be A or B.") % {"name": name})
        if isinstance(indicators, str) or not isinstance(indicators, (list, tuple)):
            raise ModelError(_("Construct %(name)s: the indicators must be a list of items.") % {"name": name})
        if not indicators:
            raise ModelError(_("Construct %(name)s has no indicator items: choose at least one.") % {"name": name})
        for code in indicators:
            code = str(code)
            if code not in items:
                raise ModelError(_("Item %(item)s (construct %(name)s) is not in the wave's questionnaire.")
                                 % {"item": code, "name": name})
            if code in owner:
                raise ModelError(_("Item %(item)s is used by two constructs (%(first)s and %(second)s).")
                                 % {"item": code, "first": owner[code], "second": name})
            owner[code] = name
        constructs[name] = {"mode": mode, "indicators": [str(c) for c in indicators]}
    raw_paths = model.get("paths") or []
    if isinstance(raw_paths, str):
        raw_paths = raw_paths.splitlines()
    edges: list[tuple[str, str]] = []
    for text in raw_paths:
        text = str(text).strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split("->")]
        if len(parts) != 2 or not all(parts):
            raise ModelError(_("Path “%(path)s” is not of the form “Source -> Target”.") % {"path": text})
        for end in parts:
            if end not in constructs:
                raise ModelError(_("Path “%(path)s”: there is no construct %(name)s.") % {"path": text, "name": end})
        if parts[0] == parts[1]:
            raise ModelError(_("Path “%(path)s” points from a construct to itself.") % {"path": text})
        if (parts[0], parts[1]) not in edges:
            edges.append((parts[0], parts[1]))
    if not edges:
        raise ModelError(_("The model has no paths: add lines like “Quality -> Satisfaction”."))
    cycle = find_cycle(list(constructs), edges)
    if cycle:
        raise ModelError(_("The paths must not go round in a circle (the model must be a DAG): %(cycle)s.")
                         % {"cycle": " → ".join(cycle)})
    linked = {n for e in edges for n in e}
    for name in constructs:
        if name not in linked:
            raise ModelError(_("Construct %(name)s is in no path.") % {"name": name})
    try:
        spec = ModelSpec.from_dict({"constructs": constructs, "paths": [f"{a} -> {b}" for a, b in edges]})
    except ValueError as exc:  # a rule the checks above do not know: the estimator's words
        raise ModelError(_("The model is not valid: %(detail)s") % {"detail": str(exc)}) from None
    return spec.with_scale({code: tuple(items[code].scale) for code in spec.indicators})


def model_as_dict(spec) -> dict[str, Any]:
    """The model file mapping of a :class:`ModelSpec` (YAML-ready, for ``cxm pls --model``)."""
    return {
        "constructs": {c.name: ({"mode": "B", "indicators": list(c.indicators)} if c.mode == "B"
                                else list(c.indicators)) for c in spec.constructs},
        "paths": [f"{a} -> {b}" for a, b in spec.paths],
        "scale": {i: list(spec.scale.get(i, spec.default_scale)) for i in spec.indicators},
    }


def model_yaml(spec) -> str:
    import yaml

    return yaml.safe_dump(model_as_dict(spec), allow_unicode=True, sort_keys=False)


def min_responses(spec) -> int:
    """Ten times the most arrows pointing at one construct (formative indicators count), at
    least :data:`MIN_RESPONSES` (the "10-times rule", Hair et al.)."""
    arrows = spec.adjacency().sum(axis=0)
    for j, c in enumerate(spec.constructs):
        if c.mode == "B":
            arrows[j] = max(arrows[j], len(c.indicators))
    return max(MIN_RESPONSES, int(10 * arrows.max()))


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelData:
    frame: Any  # polars frame of the indicator columns, Float64, complete
    n_answers: int  # answers to the wave in scope
    n_dropped: int  # left out for a missing indicator (listwise)


def model_data(frame, spec, *, missing: str = "listwise") -> ModelData:
    """The indicator columns of a wave frame, complete and checked (translated errors)."""
    import polars as pl

    n_answers = frame.height
    if missing not in MISSING:
        raise ModelError(_("Unknown handling of missing answers: %(name)s.") % {"name": missing})
    need = min_responses(spec)
    if n_answers < need:
        raise ModelError(_("Only %(n)s answers in this wave and unit: this model needs at least %(need)s.")
                         % {"n": n_answers, "need": need})
    absent = [i for i in spec.indicators if i not in frame.columns]
    if absent:
        raise ModelError(_("Nobody answered item %(item)s in this wave and unit.") % {"item": absent[0]})
    data = frame.select([pl.col(i).cast(pl.Float64) for i in spec.indicators])
    if missing == "listwise":
        data = data.drop_nulls()
    else:  # mean replacement, the default of seminr and SmartPLS
        data = data.with_columns([pl.col(i).fill_null(pl.col(i).mean()) for i in spec.indicators])
        if data.null_count().sum_horizontal().item():
            empty = [i for i in spec.indicators if data[i].null_count()][0]
            raise ModelError(_("Nobody answered item %(item)s in this wave and unit.") % {"item": empty})
    if data.height < need:
        raise ModelError(_("Only %(n)s of %(total)s answers have every item of the model: this model needs at "
                           "least %(need)s complete answers. Drop items or fill missing answers with the item mean.")
                         % {"n": data.height, "total": n_answers, "need": need})
    spread = data.select([(pl.col(i).max() - pl.col(i).min()).alias(i) for i in spec.indicators]).row(0)
    for item, width in zip(spec.indicators, spread, strict=True):
        if not width > 0:
            raise ModelError(_("Everyone gave item %(item)s the same answer: a constant item carries no "
                               "information; take it out of the model.") % {"item": item})
    return ModelData(data, n_answers, n_answers - data.height)


# --- fitting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """One model fitted on one wave (for one user and unit)."""

    wave: Any
    spec: Any
    n_answers: int
    n_dropped: int
    report: dict[str, Any]  # the ``cxm pls --format json`` contract
    boot: Any = None  # BootstrapResult or None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.report["n"]


def fit_report(spec, data, *, scheme: str = "path", n_boot: int = 0, seed: int | None = 0,
               max_iter: int = 300, level: float = LEVEL):
    """Fit and bootstrap ``spec`` on complete ``data``; the report is
    :func:`cxm.analytics.pls.report_dict` (the ``cxm pls --format json`` contract).

    Returns ``(report, bootstrap result or None)``.
    """
    from cxm.analytics.exceptions import ConvergenceWarning
    from cxm.analytics.pls import PLSPathModel, bootstrap, chunk_size_for, report_dict

    if scheme not in SCHEMES:
        raise ModelError(_("Unknown inner weighting scheme: %(name)s.") % {"name": scheme})
    model = PLSPathModel(spec, scheme=scheme, max_iter=max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            model.fit(data)
        except ValueError as exc:
            raise ModelError(_("The model cannot be fitted: %(detail)s") % {"detail": str(exc)}) from None
    if not model.converged_:
        raise ModelError(_("The PLS algorithm did not converge in %(n)s iterations: check the model (a construct "
                           "whose items do not go together) or allow more iterations.") % {"n": max_iter})
    boot = None
    if n_boot:
        try:
            boot = bootstrap(model, data, int(n_boot), seed=seed, level=level, chunk_size=chunk_size_for(n_boot))
        except ValueError as exc:
            raise ModelError(_("The bootstrap failed: %(detail)s") % {"detail": str(exc)}) from None
    return report_dict(model, boot), boot


def model_fit(*, user, wave, model: dict[str, Any] | ModelSpec, unit_code: str | None = None, scheme: str = "path",
              n_boot: int = DEFAULT_BOOTSTRAP, seed: int | None = 0, missing: str = "listwise",
              max_iter: int = 300) -> Fit:
    """Fit ``model`` on the answers to ``wave`` that ``user`` may see (and the picked unit).

    ``model`` is the model mapping, or the :class:`ModelSpec` that :func:`model_check` made of it
    for this wave's questionnaire (not checked again).

    Raises :class:`ModelError` (translated) for a bad model or data it cannot be fitted on.
    """
    from cxm.analytics.pls import ModelSpec
    from cxm.surveys.selectors import wave_frame

    spec = model if isinstance(model, ModelSpec) else model_check(model, wave.questionnaire.parsed())
    n_boot = max(0, min(int(n_boot), MAX_BOOTSTRAP))
    data = model_data(wave_frame(user=user, wave=wave, unit_code=unit_code), spec, missing=missing)
    report, boot = fit_report(spec, data.frame, scheme=scheme, n_boot=n_boot, seed=seed, max_iter=max_iter)
    return Fit(wave, spec, data.n_answers, data.n_dropped, report, boot)


# --- two waves --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    name: str
    a: float
    b: float
    diff: float  # b - a
    ci_a: tuple[float, float] | None
    ci_b: tuple[float, float] | None
    ci: tuple[float, float] | None  # interval of the difference
    overlap: bool | None  # do the two waves' intervals overlap?
    significant: bool | None  # does the difference's interval exclude 0?

    @property
    def label(self) -> str:
        return self.name.replace("->", " → ")


@dataclass(frozen=True)
class Comparison:
    a: Fit
    b: Fit
    index: list[Difference]
    paths: list[Difference]


def _differences(names, est_a, est_b, stats_a, stats_b, level: float) -> list[Difference]:
    out = []
    alpha = (1 - level) / 2
    for j, name in enumerate(names):
        a, b = float(est_a[j]), float(est_b[j])
        ci_a = ci_b = ci = None
        overlap = significant = None
        if stats_a is not None and stats_b is not None:
            ci_a = (float(stats_a.ci[j, 0]), float(stats_a.ci[j, 1]))
            ci_b = (float(stats_b.ci[j, 0]), float(stats_b.ci[j, 1]))
            # The waves are independent samples, so a draw of wave B minus an independent draw
            # of wave A is a draw of the difference: its percentiles bound the difference.
            m = min(stats_a.draws.shape[0], stats_b.draws.shape[0])
            d = stats_b.draws[:m, j] - stats_a.draws[:m, j]
            lo, hi = np.quantile(d, [alpha, 1 - alpha])
            ci = (float(lo), float(hi))
            overlap = ci_a[0] <= ci_b[1] and ci_b[0] <= ci_a[1]
            significant = not (lo <= 0 <= hi)
        out.append(Difference(name, a, b, b - a, ci_a, ci_b, ci, overlap, significant))
    return out


def waves_compare(*, user, wave_a, wave_b, model: dict[str, Any], unit_code: str | None = None,
                  scheme: str = "path", n_boot: int = DEFAULT_BOOTSTRAP, seed: int | None = 0,
                  missing: str = "listwise", max_iter: int = 300) -> Comparison:
    """The same model fitted on two waves: indices and paths side by side with their differences.

    Each wave is bootstrapped on its own (different seeds); the difference's interval is the
    percentile interval of the differences of the two waves' independent draws.
    """
    # Both checked before either is fitted: a model wave B cannot take fails at once.
    spec_a = model_check(model, wave_a.questionnaire.parsed())
    spec_b = model_check(model, wave_b.questionnaire.parsed())
    args = dict(user=user, unit_code=unit_code, scheme=scheme, n_boot=n_boot, missing=missing, max_iter=max_iter)
    fit_a = model_fit(wave=wave_a, model=spec_a, seed=seed, **args)
    fit_b = model_fit(wave=wave_b, model=spec_b, seed=None if seed is None else seed + 1, **args)
    names = spec_a.names
    path_names = [f"{a}->{b}" for a, b in spec_a.paths]
    boot_a, boot_b = fit_a.boot, fit_b.boot
    index = _differences(names, [fit_a.report["index"][n] for n in names], [fit_b.report["index"][n] for n in names],
                         boot_a and boot_a.index, boot_b and boot_b.index, LEVEL)
    paths = _differences(path_names, [fit_a.report["paths"][p] for p in path_names],
                         [fit_b.report["paths"][p] for p in path_names],
                         boot_a and boot_a.paths, boot_b and boot_b.paths, LEVEL)
    return Comparison(fit_a, fit_b, index, paths)
