"""Text mining of case texts and survey comments for the picked unit and period (issue 7).

The texts are read through :func:`cxm.org.access.restrict` (cases and survey answers alike)
and mined with :mod:`cxm.analytics.text`: keywords of each sub-unit against the others
(weighted log-odds, Monroe et al. 2008), NMF topics with labels, sizes and example texts,
each topic's share over time, and which topics go with low overall satisfaction (survey
comments). Comments of anonymous waves carry no date or respondent in the examples.

Fitting takes a second or two on the demo, so a result is cached (Django cache) under the
scope, the period and a *data version* of the rows (count, highest id and summed edit
versions): a new or edited case or answer gives a new key.
"""

from __future__ import annotations

import hashlib
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np
import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from cxm.org.access import restrict, visible_units, within_picked_unit
from cxm.surveys.models import Response, Wave

from .models import Case
from .selectors_metrics import PeriodScope, unit_groups
from .text_cache import generation

__all__ = ["SOURCES", "TextScope", "text_documents", "text_insights", "text_insights_cached"]

SOURCES = ("all", "cases", "comments")
CACHE_SECONDS = 6 * 3600
CACHE_PREFIX = "voc-text:v2:"  # v2: no public-form header in the texts
MIN_TOPIC_DOCS = 20  # fewer texts than this: no topics (NMF on a handful of texts means nothing)
N_KEYWORDS = 15
N_EXAMPLES = 3
EXAMPLE_CHARS = 240
UTC = "UTC"


@dataclass(frozen=True)
class TextScope(PeriodScope):
    """A :class:`PeriodScope` with the sources and the number of topics."""

    source: str = "all"
    k: int = 8


@lru_cache(maxsize=1)
def _tokenizer():
    # Kiwi takes about a second to load: once per process.
    from cxm.analytics.text.tokenize import Tokenizer

    return Tokenizer("auto")


def warm_up() -> None:
    """Load the Korean analyser and the topic model's library ahead of the first text page.

    Both take seconds on a cold process (the analyser's model, scikit-learn's import); the
    server calls this in a background thread at start so that no user waits for them.
    """
    _tokenizer().tokenize_many(["배송이 늦어요", "delivery was late"])
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401


# --- reads -------------------------------------------------------------------------------------


def _cases(scope: TextScope) -> QuerySet[Case]:
    return within_picked_unit(restrict(Case.objects.all(), scope.user), scope.user, scope.unit_code)


def _responses(scope: TextScope) -> QuerySet[Response]:
    return within_picked_unit(restrict(Response.objects.all(), scope.user), scope.user, scope.unit_code)


def _between(qs: QuerySet, field: str, lo: datetime | None, hi: datetime | None) -> QuerySet:
    if lo is not None:
        qs = qs.filter(**{f"{field}__gte": lo})
    if hi is not None:
        qs = qs.filter(**{f"{field}__lt": hi})
    return qs


DOC_SCHEMA = {"source": pl.String, "ref": pl.String, "unit_id": pl.Int64, "at": pl.Datetime("us", UTC),
              "text": pl.String, "score": pl.Float64, "anonymous": pl.Boolean}


def _case_docs(scope: TextScope, lo, hi) -> pl.DataFrame:
    rows = pl.DataFrame(list(_between(_cases(scope), "opened_at", lo, hi)
                             .values_list("number", "org_unit_id", "opened_at", "subject", "description")),
                        schema={"ref": pl.String, "unit_id": pl.Int64, "at": pl.Datetime("us", UTC),
                                "subject": pl.String, "description": pl.String}, orient="row")
    # (The public form's name and contact are fields of their own, never read here: personal
    # data would show in the examples and the keywords, to analysts too.)
    # The subject is usually part of the description: mine the description then (no word
    # counted twice), else both.
    text = (pl.when(pl.col("description").str.contains(pl.col("subject"), literal=True)).then(pl.col("description"))
            .otherwise(pl.concat_str([pl.col("subject"), pl.col("description")], separator="\n")))
    return rows.select(pl.lit("case").alias("source"), "ref", "unit_id", "at",
                       text.str.strip_chars().alias("text"), pl.lit(None, pl.Float64).alias("score"),
                       pl.lit(False).alias("anonymous"))


def _overall_scales(wave_ids: set[int]) -> dict[int, tuple[str, float, float]]:
    """Wave id -> (overall item code, scale min, scale max), for the satisfaction link."""
    out = {}
    for wave in Wave.objects.filter(id__in=wave_ids).select_related("questionnaire"):  # a few waves
        item = wave.questionnaire.parsed().overall
        out[wave.id] = (item.code, float(item.scale[0]), float(item.scale[1]))
    return out


def _tiny_anonymous_groups() -> Q:
    """The answers of anonymous waves from units with fewer than ANONYMOUS_MIN_GROUP answers in
    the wave: left out of the mining, as out of every CSI figure (a keyword list or a topic
    share of three people's comments is a result about those three)."""
    from cxm.surveys.reports import ANONYMOUS_MIN_GROUP

    pairs = (Response.objects.filter(wave__anonymous=True).order_by().values("wave_id", "org_unit_id")
             .annotate(n=Count("id")).filter(n__lt=ANONYMOUS_MIN_GROUP).values_list("wave_id", "org_unit_id"))
    tiny = Q(pk__in=[])
    for wave_id, unit_id in pairs:  # a few (wave, unit) pairs
        tiny |= Q(wave_id=wave_id, org_unit_id=unit_id)
    return tiny


def _comment_docs(scope: TextScope, lo, hi) -> pl.DataFrame:
    rows = list(_between(_responses(scope), "submitted_at", lo, hi).exclude(_tiny_anonymous_groups())
                .values_list("wave_id", "wave__anonymous", "org_unit_id", "submitted_at", "comments", "answers"))
    if not rows:
        return pl.DataFrame(schema=DOC_SCHEMA)
    scales = _overall_scales({r[0] for r in rows})
    # The comments and answers are small JSON objects: unpacking them is per answer, but only
    # of the answers in scope, and everything after is vectorised.
    texts, scores = [], []
    for wave_id, _anon, _unit, _at, comments, answers in rows:
        texts.append("\n".join(str(v) for v in (comments or {}).values() if v))
        code, lo_s, hi_s = scales[wave_id]
        value = (answers or {}).get(code)
        scores.append(None if value is None or hi_s == lo_s else (float(value) - lo_s) / (hi_s - lo_s) * 100)
    frame = pl.DataFrame({
        "source": "comment", "ref": pl.Series([None] * len(rows), dtype=pl.String),
        "unit_id": [r[2] for r in rows], "at": pl.Series([r[3] for r in rows], dtype=pl.Datetime("us", UTC)),
        "text": texts, "score": pl.Series(scores, dtype=pl.Float64), "anonymous": [bool(r[1]) for r in rows],
    }, schema=DOC_SCHEMA)
    return frame.filter(pl.col("text").str.strip_chars() != "")


def text_documents(scope: TextScope, *, start: date | None = None, end: date | None = None) -> pl.DataFrame:
    """The texts in scope: ``source`` ("case"/"comment"), ``ref`` (case number), ``unit_id``,
    ``at``, ``text``, ``score`` (overall satisfaction 0-100 of a comment's answer) and
    ``anonymous``. ``start``/``end`` override the scope's dates."""
    lo, hi = scope.bounds(start, end)
    parts = []
    if scope.source in ("all", "cases"):
        parts.append(_case_docs(scope, lo, hi))
    if scope.source in ("all", "comments"):
        parts.append(_comment_docs(scope, lo, hi))
    docs = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=DOC_SCHEMA)
    return docs.filter(pl.col("text").is_not_null() & (pl.col("text") != "")).sort("at", "ref", nulls_last=True)


# --- mining -----------------------------------------------------------------------------------------


def _data_version(scope: TextScope) -> str:
    cases = _cases(scope).aggregate(n=Count("id"), top=Max("id"), v=Sum("version"))
    answers = _responses(scope).aggregate(n=Count("id"), top=Max("id"))
    units = sorted(visible_units(scope.user).values_list("id", flat=True))
    raw = f"{cases}|{answers}|{units}|{generation()}"  # generation: texts edited in place
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def cache_key(scope: TextScope) -> str:
    """Scope, period, sources, topics and data version: a changed case or answer gives a new key."""
    parts = [scope.unit_code or "*", str(scope.start or ""), str(scope.end or ""), scope.source, str(scope.k),
             _data_version(scope)]
    return CACHE_PREFIX + hashlib.sha1("|".join(parts).encode()).hexdigest()


def _keywords(tokens: list[list[str]], groups: list[str], names: dict[str, tuple[str, str]],
              contrast: str) -> dict:
    from cxm.analytics.text.keywords import KeywordContrast

    usable = [i for i, t in enumerate(tokens) if t]
    if len(usable) < 2:
        return {"contrast": contrast, "method": None, "groups": []}
    try:
        model = KeywordContrast(min_count=2).fit([tokens[i] for i in usable], [groups[i] for i in usable])
    except ValueError:  # fewer than two terms seen twice
        return {"contrast": contrast, "method": None, "groups": []}
    top = model.top(N_KEYWORDS, positive_only=True)
    n_docs = dict(zip(model.groups_.tolist(), model.n_docs_.tolist()))
    out = [{"code": code, "name_ko": names.get(code, (code, code))[0], "name_en": names.get(code, (code, code))[1],
            "n_docs": int(n_docs[code]),
            "terms": [{"term": k.term, "score": round(k.score, 4), "count": k.count} for k in kws]}
           for code, kws in top.items()]
    return {"contrast": contrast, "method": model.method_, "groups": out}


def _topics(docs: pl.DataFrame, tokens: list[list[str]], k: int) -> dict:
    from cxm.analytics.text.topics import TopicModel

    if docs.height < MIN_TOPIC_DOCS:
        return {"topics": [], "trend": [], "every": None, "satisfaction": [], "satisfaction_n": 0}
    k = int(max(2, min(k, docs.height // 10)))
    try:
        model = TopicModel(k=k, seed=0, min_df=2, max_df=0.5).fit(tokens)
    except ValueError:
        return {"topics": [], "trend": [], "every": None, "satisfaction": [], "satisfaction_n": 0}
    weights = model.doc_topic_weights_
    topic_of = model.doc_topic_
    n = docs.height
    topics = []
    for t in model.topics_:  # k topics
        members = np.flatnonzero(topic_of == t.id)
        best = members[np.argsort(-weights[members, t.id], kind="stable")][:N_EXAMPLES]
        examples = docs[best.tolist()].select("source", "ref", "at", "text", "anonymous").to_dicts()
        for e in examples:
            e["text"] = e["text"][:EXAMPLE_CHARS]
            # Comments of anonymous waves: the text only (no date to tie it to a visit).
            e["date"] = None if e.pop("anonymous") else timezone.localtime(e["at"]).date().isoformat()
            del e["at"]
        topics.append({"id": t.id, "label": t.label, "terms": list(t.terms), "size": t.size,
                       "share": t.size / n if n else 0.0, "examples": examples})
    local = docs["at"].dt.convert_time_zone(str(timezone.get_current_timezone())).dt.date()
    span = (local.max() - local.min()).days if n else 0
    every = "1mo" if span > 62 else "1w"
    trend = model.trend(local, every=every).with_columns(pl.col("period").cast(pl.String)).to_dicts()
    scores = docs["score"].fill_null(float("nan")).to_numpy()
    sat_rows, sat_n = [], 0
    if np.isfinite(scores).sum() >= 10:
        result = model.satisfaction(scores)
        sat_n = result.nobs
        sat_rows = [{"topic": r.topic, "label": r.label, "n": r.n, "mean": _num(r.mean), "mean_rest": _num(r.mean_rest),
                     "difference": _num(r.difference), "p_adjusted": _num(r.p_adjusted)}
                    for r in result.rows if r.n > 0]
    return {"topics": topics, "trend": trend, "every": every, "satisfaction": sat_rows, "satisfaction_n": sat_n}


def _num(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _mine(scope: TextScope) -> dict:
    started = clock.perf_counter()
    docs = text_documents(scope)
    mapping, names = unit_groups(user=scope.user, unit_code=scope.unit_code)
    groups = docs["unit_id"].replace_strict(mapping, default=None, return_dtype=pl.String)
    contrast = "units"
    current = docs
    if groups.drop_nulls().n_unique() < 2 and scope.start and scope.end:
        # One unit only: contrast the period with the one before it (same length).
        length = (scope.end - scope.start).days + 1
        before = text_documents(scope, start=scope.start - timedelta(days=length),
                                end=scope.start - timedelta(days=1))
        if before.height:
            contrast = "periods"
            docs = pl.concat([docs, before])
            groups = pl.Series(["current"] * current.height + ["previous"] * before.height, dtype=pl.String)
            names = {"current": ("", ""), "previous": ("", "")}
    read = clock.perf_counter()
    tokens = _tokenizer().tokenize_many(docs["text"])
    tokenized = clock.perf_counter()
    keywords = _keywords(tokens, groups.fill_null("?").to_list(), names, contrast)
    if contrast == "periods":
        keywords["groups"] = [g for g in keywords["groups"] if g["code"] == "current"]
    topic_part = _topics(current, tokens[:current.height], scope.k)
    done = clock.perf_counter()
    return {
        "n_docs": current.height,
        "n_cases": int((current["source"] == "case").sum()),
        "n_comments": int((current["source"] == "comment").sum()),
        "keywords": keywords,
        **topic_part,
        "seconds": {"read": round(read - started, 3), "tokenize": round(tokenized - read, 3),
                    "mine": round(done - tokenized, 3)},
    }


def text_insights_cached(scope: TextScope) -> dict | None:
    """The cached result for ``scope`` if there is one (no mining), else None."""
    hit = cache.get(cache_key(scope))
    return None if hit is None else {**hit, "cached": True}


def text_insights(scope: TextScope) -> dict:
    """Keywords, topics, topic trends and the topic-satisfaction link for ``scope`` (cached).

    Returns
    -------
    dict
        ``n_docs``, ``n_cases``, ``n_comments``; ``keywords`` (``contrast`` "units" or
        "periods", ``method``, ``groups`` each with ``code``, names, ``n_docs`` and ``terms``
        [{term, score, count}]); ``topics`` [{id, label, terms, size, share, examples}];
        ``trend`` [{period, topic, label, n, share}] per ``every``; ``satisfaction`` [{topic,
        label, n, mean, mean_rest, difference, p_adjusted}] lowest mean first; ``seconds``
        (time spent) and ``cached``.
    """
    if scope.source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {scope.source!r}")
    key = cache_key(scope)
    hit = cache.get(key)
    if hit is not None:
        return {**hit, "cached": True}
    result = _mine(scope)
    cache.set(key, result, CACHE_SECONDS)
    return {**result, "cached": False}
