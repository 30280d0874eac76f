"""Survey results for the pages and the API: a stored wave scored by the CSI engine, cached.

One wave, one scope (the answers a user may see within the picked unit), one importance
method and bootstrap setting give one *result*: the :func:`cxm.analytics.report.csi_report`
JSON, the breakdowns (branch, region, segment, channel; each group against the rest,
Holm-corrected), the per-wave summaries the wave-over-wave tests need, and the item
figures of the drill-down. Scoring a wave (with a 1,000-resample bootstrap) is the
expensive part, so results are kept in Django's cache under a key built from the answers
themselves: per org unit in scope, the count, the largest id and the sum of ids of the
responses, plus the questionnaire (id and version), the method and the bootstrap setting.
A new, deleted or moved answer changes the key, so a stale result is never served; two
users who see the same answers share one entry. An answer edited in place (the admin site)
keeps count and ids, so every response saved one by one also renews its wave's *generation*
token, which is part of the key too (bulk writes send no signal; the fingerprint sees them).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.db.models.signals import post_save
from django.dispatch import receiver

from cxm.analytics.csi import MeanSummary, csi_summary, element_summaries, group_breakdown, wave_change
from cxm.analytics.jsonsafe import finite_or_none as _num
from cxm.analytics.report import csi_report
from cxm.analytics.scoring import score_responses

from .models import Response, Wave
from .selectors import answers_frame, scoped_responses, wave_list

#: Below this many answers no CSI is shown: the interval would be too wide to act on.
#: The same rule keeps small groups out of the rankings ("too few answers").
MIN_RESPONSES = 30
#: Anonymous waves (domain 2.5): nothing is shown of a group with fewer answers than this.
ANONYMOUS_MIN_GROUP = 5
#: The breakdowns of an anonymous wave (units only; see :func:`wave_result`).
ANONYMOUS_DIMENSIONS = ("branch", "region")
#: Significance level of the marks (after the Holm correction).
ALPHA = 0.05
#: The breakdowns offered on the page and the API, in the selector's order.
DIMENSIONS = ("branch", "region", "segment", "channel")
#: Resamples of the page's interval (the API may ask for another number).
PAGE_BOOTSTRAP = 1000
CACHE_SECONDS = 24 * 3600
_CACHE_VERSION = 1  # bump when the shape of a cached result changes


@dataclass(frozen=True)
class WaveResult:
    """A scored wave: ``report`` (the ``cxm csi`` JSON) is None when fewer than MIN_RESPONSES answers.

    ``breakdowns`` maps each of :data:`DIMENSIONS` to its groups (see :func:`_breakdown`);
    ``summary`` holds the CSI and element means with variance and n for the change tests.
    """

    wave: Wave
    n: int
    report: dict | None
    breakdowns: dict[str, list[dict]] = field(default_factory=dict)
    summary: dict | None = None


# ----------------------------------------------------------------------------- reading
def _fingerprint(qs) -> list[tuple[int, int, int, int]]:
    """Per org unit in scope: (unit id, count, max id, sum of ids) of the responses; one grouped query."""
    from django.db.models import Count, Max, Sum

    return sorted(tuple(int(v) for v in row) for row in
                  qs.order_by().values_list("org_unit_id").annotate(Count("id"), Max("id"), Sum("id")))


def _regions() -> dict[int, tuple[str, str]]:
    """Org unit id -> (its code, the code of the region above it or "")."""
    from cxm.org.models import OrgUnit

    units = list(OrgUnit.objects.values_list("id", "code", "path", "kind"))
    regions = {code for _, code, _, kind in units if kind == OrgUnit.Kind.REGION}
    out = {}
    for pk, code, path, _ in units:
        region = next((part for part in path.split("/") if part in regions), "")
        out[pk] = (code, region)
    return out


def _frame(qs, regions: dict[int, tuple[str, str]]):
    """The scoped answers as a wide polars frame plus ``branch``, ``region``, ``segment``, ``channel``."""
    import polars as pl

    answers, (units, segments, channels) = answers_frame(qs.order_by(), "org_unit_id", "segment", "channel__code")
    if not units:
        return answers
    return answers.with_columns(
        pl.Series("branch", [regions.get(u, ("", ""))[0] for u in units], dtype=pl.String),
        pl.Series("region", [regions.get(u, ("", ""))[1] or None for u in units], dtype=pl.String),
        pl.Series("segment", [s or None for s in segments], dtype=pl.String),
        pl.Series("channel", list(channels), dtype=pl.String),
    )


# ----------------------------------------------------------------------------- scoring
def _summary_dict(s: MeanSummary) -> dict:
    return {"value": _num(s.value), "var": _num(s.var), "n": s.n}


def _summary(d: dict) -> MeanSummary:
    return MeanSummary(*(float("nan") if d[k] is None else d[k] for k in ("value", "var")), d["n"])


def _mark(p_holm: float | None, diff: float | None) -> str | None:
    """"up"/"down" when the (Holm-adjusted) p-value is below ALPHA, else None."""
    if p_holm is None or diff is None or not p_holm < ALPHA:
        return None
    return "up" if diff > 0 else "down"


def _breakdown(table, weights: np.ndarray, labels: list) -> list[dict]:
    """Groups of one dimension, ranked by CSI; groups under MIN_RESPONSES get no figures and no rank."""
    groups = group_breakdown(table.elements, table.overall, weights, np.array(labels, dtype=object),
                             min_n=MIN_RESPONSES)
    out = []
    for g in groups:
        ranked = g.n >= MIN_RESPONSES
        se = _num(g.se) if ranked else None
        entry = {"group": g.group, "n": g.n, "ranked": ranked, "rank": None,
                 "csi": _num(g.csi) if ranked else None, "se": se,
                 "ci": [_num(g.csi - 1.96 * g.se), _num(g.csi + 1.96 * g.se)] if ranked and se is not None else None,
                 "diff": _num(g.diff) if ranked else None,
                 "p_value": _num(g.p_value), "p_holm": _num(g.p_holm)}
        entry["mark"] = _mark(entry["p_holm"], entry["diff"])
        out.append(entry)
    ranked = sorted((e for e in out if e["ranked"] and e["csi"] is not None), key=lambda e: -e["csi"])
    for i, e in enumerate(ranked, start=1):
        e["rank"] = i
    return ranked + [e for e in out if e not in ranked]


def _score(frame, q, *, importance: str, bootstrap: int, seed: int) -> dict:
    """Everything the pages show of one wave and scope, as JSON-safe data (what is cached)."""
    report = csi_report(frame, q, importance=importance, bootstrap=bootstrap, seed=seed)
    table = score_responses(frame, q.elements, q.overall)
    weights = np.array([np.nan if report["elements"][c]["weight"] is None else report["elements"][c]["weight"]
                        for c in table.codes])
    for code, item in report["items"].items():  # the drill-down shows each item's own n
        item["n"] = int(frame.get_column(code).is_not_null().sum()) if code in frame.columns else 0
    breakdowns = {dim: _breakdown(table, weights, frame.get_column(dim).to_list()) for dim in DIMENSIONS}
    summary = {"csi": _summary_dict(csi_summary(table.elements, weights)),
               "elements": {c: _summary_dict(s) for c, s in zip(table.codes, element_summaries(table.elements))}}
    return {"report": report, "breakdowns": breakdowns, "summary": summary}


def _generation_key(wave_id: int) -> str:
    return f"surveys:csi:generation:{wave_id}"


# post_save only: a post_delete receiver would stop Django's fast bulk delete (demo reset), and
# deletions change the fingerprint anyway
@receiver(post_save, sender=Response, dispatch_uid="surveys_csi_generation")
def _renew_generation(sender, instance: Response, **kwargs) -> None:
    """A response saved one by one (new or edited): its wave's cached results are not used again."""
    from django.core.cache import cache

    cache.set(_generation_key(instance.wave_id), uuid.uuid4().hex, None)


def _cache_key(wave: Wave, fingerprint, regions, importance: str, bootstrap: int, seed: int) -> str:
    from django.core.cache import cache

    units = sorted({u for u, *_ in fingerprint})
    # The definition itself too: it can be edited in place (the admin site) without a new version.
    definition = hashlib.sha256(json.dumps(wave.questionnaire.definition, sort_keys=True, default=str).encode())
    payload = json.dumps([_CACHE_VERSION, wave.pk, wave.questionnaire_id, wave.questionnaire.version,
                          definition.hexdigest(), importance,
                          bootstrap, seed, fingerprint, [regions.get(u) for u in units],
                          cache.get(_generation_key(wave.pk))])
    return "surveys:csi:" + hashlib.sha256(payload.encode()).hexdigest()


def wave_result(*, user, wave: Wave, unit_code: str | None = None, importance: str = "correlation",
                bootstrap: int = PAGE_BOOTSTRAP, seed: int = 0, regions: dict | None = None) -> WaveResult:
    """The CSI report, breakdowns and summaries of ``wave`` over the answers ``user`` may see.

    Served from the cache when the same answers were scored the same way before.
    """
    from django.core.cache import cache

    qs = scoped_responses(user=user, wave=wave, unit_code=unit_code)
    if wave.anonymous:
        # Domain 2.5: nothing of a group under ANONYMOUS_MIN_GROUP, not even by subtracting two
        # shown figures (a region and its branch, two picked units, a total and its ranking).
        # The answers of such small units are left out of every figure; then any difference of
        # two shown unit figures is made of units of at least that many answers.
        qs = qs.exclude(org_unit_id__in=[u for u, c in anonymous_unit_counts(wave).items()
                                         if c < ANONYMOUS_MIN_GROUP])
    fingerprint = _fingerprint(qs)
    n = sum(row[1] for row in fingerprint)
    if n < MIN_RESPONSES:
        return WaveResult(wave, n, None)
    regions = regions if regions is not None else _regions()
    key = _cache_key(wave, fingerprint, regions, importance, bootstrap, seed)
    scored = cache.get(key)
    if scored is None:
        scored = _score(_frame(qs, regions), wave.questionnaire.parsed(), importance=importance,
                        bootstrap=bootstrap, seed=seed)
        cache.set(key, scored, CACHE_SECONDS)
    breakdowns = scored["breakdowns"]
    if wave.anonymous:
        # Segments and channels cut across the units: a segment in a region minus the same
        # segment in one of its branches could be a handful of people. Only units are offered.
        breakdowns = {dim: groups for dim, groups in breakdowns.items() if dim in ANONYMOUS_DIMENSIONS}
    return WaveResult(wave, n, scored["report"], breakdowns, scored["summary"])


def wave_trend(*, user, unit_code: str | None = None, importance: str = "correlation",
               bootstrap: int = PAGE_BOOTSTRAP) -> list[WaveResult]:
    """Every wave with answers, oldest first, scored like the page's wave (so the cache is shared)."""
    regions = _regions()
    return [wave_result(user=user, wave=w, unit_code=unit_code, importance=importance, bootstrap=bootstrap,
                        regions=regions) for w in wave_list()]


def change_between(before: WaveResult, after: WaveResult) -> dict | None:
    """CSI and element change from ``before`` to ``after`` with Welch tests (elements Holm-corrected).

    None when either wave has no report. Elements are matched by code (a questionnaire
    version may add or drop one; only the common ones are compared).
    """
    if before.summary is None or after.summary is None:
        return None
    codes = [c for c in after.summary["elements"] if c in before.summary["elements"]]
    ch = wave_change(_summary(before.summary["csi"]), _summary(after.summary["csi"]),
                     [_summary(before.summary["elements"][c]) for c in codes],
                     [_summary(after.summary["elements"][c]) for c in codes])

    def out(c) -> dict:
        d = {"diff": _num(c.diff), "se": _num(c.se), "t": _num(c.t), "df": _num(c.df),
             "p_value": _num(c.p_value), "p_holm": _num(c.p_holm)}
        d["mark"] = _mark(d["p_holm"], d["diff"])
        return d

    return {"from": before.wave.code, "to": after.wave.code,
            "test": "Welch t-test; CSI on linearised respondent CSI with each wave's weights fixed; "
                    "elements on respondent element scores, Holm-corrected across elements",
            "csi": out(ch.csi), "elements": {c: out(e) for c, e in zip(codes, ch.elements)}}


def trend_with_changes(results: list[WaveResult]) -> list[dict]:
    """The waves with a report, oldest first, each with its change from the previous such wave."""
    scored = [r for r in results if r.report is not None]
    return [{"result": r, "change": change_between(scored[i - 1], r) if i else None} for i, r in enumerate(scored)]


def anonymous_unit_counts(wave: Wave) -> dict[int, int]:
    """Answers per org unit of the whole wave (not scoped: a unit's count is the same for anyone
    who sees it), for the anonymity threshold."""
    from django.db.models import Count

    return dict(Response.objects.filter(wave=wave).order_by().values_list("org_unit_id").annotate(Count("id")))


def wave_comments(*, user, wave: Wave, unit_code: str | None = None, element: str | None = None):
    """The scoped responses of ``wave`` that carry a comment (on ``element``, or any), newest first."""
    keys = [element] if element else [e.code for e in wave.questionnaire.parsed().elements] + ["overall"]
    qs = scoped_responses(user=user, wave=wave, unit_code=unit_code).filter(comments__has_any_keys=keys)
    related = ["org_unit"] if wave.anonymous else ["org_unit", "customer"]
    return qs.select_related(*related).order_by("-submitted_at", "-id")
