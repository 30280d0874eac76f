"""Read use cases of mystery shopping; every read goes through :mod:`cxm.org.access`.

The numbers come from :mod:`cxm.analytics.mystery` (the scoring rules are documented there);
this module only reads the visits the user may see into frames and shapes the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from cxm.analytics import mystery as ms
from cxm.org.access import restrict, within_picked_unit
from cxm.org.models import OrgUnit, Period

from .models import Checklist, ChecklistItem, ChecklistSection, Visit


def visit_list(*, user, unit_code: str | None = None, period: Period | None = None,
               branch: OrgUnit | None = None) -> QuerySet[Visit]:
    """Visits ``user`` may see (narrowed to the picked unit, a period or one branch), newest first."""
    qs = within_picked_unit(restrict(Visit.objects.select_related("branch", "period", "checklist"), user),
                            user, unit_code)
    if period is not None:
        qs = qs.filter(period=period)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs


def visit_get(*, user, visit_id: int) -> Visit | None:
    """The visit, or None when it does not exist or is outside the user's scope."""
    return visit_list(user=user).filter(pk=visit_id).first()


def branch_get(*, user, code: str) -> OrgUnit | None:
    """A branch the user may see, by code."""
    return restrict(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH), user).filter(code=code).first()


def entry_branches(*, user) -> QuerySet[OrgUnit]:
    """Branches the user may enter visits for (their scope), in tree order."""
    return restrict(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True), user).order_by("path")


def latest_checklist(code: str | None = None) -> Checklist | None:
    """The newest version of ``code`` (or of the checklist with the most recent version)."""
    qs = Checklist.objects.all()
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-version", "-created_at").first() if code else qs.order_by("-created_at", "-id").first()


def checklist_codes() -> list[str]:
    """Codes of the checklists that have visits (checklists are company-wide; visits are scoped)."""
    return sorted(set(Checklist.objects.filter(visits__isnull=False).values_list("code", flat=True)))


def entry_periods() -> QuerySet[Period]:
    """Periods a visit may belong to: quarters and months, newest first."""
    return Period.objects.filter(kind__in=[Period.Kind.QUARTER, Period.Kind.MONTH]).order_by("-start", "kind")


# --- frames ------------------------------------------------------------------------------------


def items_frame(checklist_ids) -> pl.DataFrame:
    """The items of the given checklist versions (``checklist`` column added), for scoring."""
    rows = list(ChecklistItem.objects.filter(section__checklist_id__in=list(checklist_ids))
                .values_list("section__checklist_id", "code", "section__code", "kind", "scale_min", "scale_max",
                             "weight"))
    return pl.DataFrame(rows, schema={"checklist": pl.Int64, "item": pl.String, "section": pl.String,
                                      "kind": pl.String, "lo": pl.Float64, "hi": pl.Float64, "weight": pl.Float64},
                        orient="row")


def visits_frames(qs: QuerySet[Visit]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The visits of ``qs`` as (visits, answers, items) frames.

    ``visits``: ``visit, checklist, branch, period, period_start, visited_on``; ``answers``
    (long): ``visit, checklist, item, value`` with null for "not applicable"; ``items``: the
    :func:`items_frame` of the visits' checklist versions (read once, for decoding and scoring).
    """
    rows = list(qs.order_by().annotate(raw=Cast("answers", TextField()))
                .values_list("id", "checklist_id", "branch__code", "period__code", "period__start", "visited_on", "raw"))
    visit_schema = {"visit": pl.Int64, "checklist": pl.Int64, "branch": pl.String, "period": pl.String,
                    "period_start": pl.Date, "visited_on": pl.Date}
    answer_schema = {"visit": pl.Int64, "checklist": pl.Int64, "item": pl.String, "value": pl.Float64}
    if not rows:
        return pl.DataFrame(schema=visit_schema), pl.DataFrame(schema=answer_schema), items_frame([])
    visits = pl.DataFrame([r[:6] for r in rows], schema=visit_schema, orient="row")
    items = items_frame(visits["checklist"].unique().to_list())
    codes = sorted(set(items["item"].to_list()))
    # The answers are decoded by polars in one pass, into a fixed schema (every item a float).
    decoded = (pl.Series("raw", [r[6] for r in rows])
               .str.json_decode(pl.Struct({code: pl.Float64 for code in codes})).struct.unnest())
    answers = (pl.concat([visits.select("visit", "checklist"), decoded], how="horizontal")
               .unpivot(index=["visit", "checklist"], variable_name="item", value_name="value")
               .with_columns(pl.col("value").cast(pl.Float64)))
    return visits, answers, items


def _scored(qs: QuerySet[Visit]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    visits, answers, items = visits_frames(qs)
    scored = ms.score_answers(answers, items)
    per_visit = visits.join(ms.visit_scores(scored), on="visit", how="left")
    return visits, scored, per_visit


def visit_score_map(visits) -> dict[int, float | None]:
    """``{visit id: score}`` for a few visits (a branch page's list)."""
    qs = Visit.objects.filter(pk__in=[v.pk for v in visits])
    _, _, per_visit = _scored(qs)
    return dict(zip(per_visit["visit"].to_list(), per_visit["score"].to_list(), strict=True))


# --- results -----------------------------------------------------------------------------------


@dataclass
class MysteryResults:
    """Everything the results page and the API show for one checklist, period and unit."""

    checklist: Checklist | None
    periods: list[Period] = field(default_factory=list)  # periods with visits, oldest first
    period: Period | None = None
    score: float | None = None  # the picked unit (mean of its branches), picked period
    n_visits: int = 0
    n_branches: int = 0
    branches: list[dict] = field(default_factory=list)  # ranking rows
    sections: list[dict] = field(default_factory=list)  # [{code, title}]
    heatmap: list[dict] = field(default_factory=list)  # branch rows with {section code: score}
    items: list[dict] = field(default_factory=list)  # item pass rates
    units: list[dict] = field(default_factory=list)  # regions/company scores (the tree), picked period
    trend: list[dict] = field(default_factory=list)  # [{period, label, score, n_visits}] oldest first
    region_trends: list[dict] = field(default_factory=list)  # [{code, name, points: [{period, label, score}]}]


def mystery_results(*, user, checklist_code: str | None = None, period_code: str | None = None,
                    unit_code: str | None = None) -> MysteryResults:
    """Scores of the visits ``user`` may see, within the picked unit, for one checklist code.

    The period defaults to the newest one with visits.
    """
    codes = checklist_codes()
    code = checklist_code if checklist_code in codes else (codes[-1] if codes else None)
    if code is None:
        return MysteryResults(checklist=None)
    checklist = latest_checklist(code)
    qs = within_picked_unit(restrict(Visit.objects.filter(checklist__code=code), user), user, unit_code)
    visits, scored, per_visit = _scored(qs)
    result = MysteryResults(checklist=checklist)
    if not visits.height:
        return result
    period_codes = set(visits["period"].to_list())
    result.periods = list(Period.objects.filter(code__in=period_codes).order_by("start", "kind"))
    result.period = next((p for p in result.periods if p.code == period_code), result.periods[-1])
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=visits["branch"].unique().to_list())}
    paths = {c: u.path for c, u in units.items()}
    # Only units the user sees whole (and inside the picked unit): a branch manager's company
    # "score" would be their own branch's, which must not pass for the company's.
    shown = within_picked_unit(restrict(OrgUnit.objects.all(), user), user, unit_code)
    ancestors = list(OrgUnit.objects.filter(code__in={p for u in units.values() for p in u.path.split("/") if p}))
    names = {u.code: u.name for u in ancestors}
    shown_codes = set(shown.filter(pk__in=[u.pk for u in ancestors]).values_list("code", flat=True))
    tree_units = [u for u in ancestors if u.code in shown_codes]

    branches = ms.rank_branches(ms.branch_scores(per_visit))
    # Trend: each period's mean of branch scores (the picked unit's score over time).
    overall = (branches.group_by("period").agg(pl.col("score").mean().alias("score"),
                                               pl.col("n_visits").sum().alias("n_visits")))
    trend = {r["period"]: r for r in overall.to_dicts()}
    # Periods of the picked one's kind only: quarters and months do not share one axis.
    same_kind = [p for p in result.periods if p.kind == result.period.kind]
    result.trend = [{"period": p.code, "label": str(p), "score": trend[p.code]["score"],
                     "n_visits": trend[p.code]["n_visits"]} for p in same_kind if p.code in trend]
    # ... and each region's below it (mean of its branches), when the picked unit spans regions.
    labels = {p.code: str(p) for p in same_kind}
    tree_all = ms.rollup_tree(branches, paths)
    for region in (u for u in tree_units if u.kind == OrgUnit.Kind.REGION):
        points = sorted(tree_all.filter((pl.col("unit") == region.code) & pl.col("period").is_in(list(labels)))
                        .to_dicts(),
                        key=lambda r: list(labels).index(r["period"]))
        result.region_trends.append({"code": region.code, "name": region.name, "points": [
            {"period": r["period"], "label": labels[r["period"]], "score": r["score"]} for r in points]})
    if len(result.region_trends) < 2:
        result.region_trends = []

    now = branches.filter(pl.col("period") == result.period.code)
    previous = _previous_period(result.periods, result.period)
    before = ({r["branch"]: r["score"] for r in branches.filter(pl.col("period") == previous.code).to_dicts()}
              if previous is not None else {})
    result.branches = [{
        "rank": r["rank"], "code": r["branch"], "name": names.get(r["branch"], r["branch"]),
        "region": names.get(_parent(paths[r["branch"]]), ""), "score": r["score"], "n_visits": r["n_visits"],
        "change": (r["score"] - before[r["branch"]]) if r["branch"] in before else None,
    } for r in now.to_dicts()]
    if now.height:
        result.score = float(now["score"].mean())
        result.n_visits = int(now["n_visits"].sum())
        result.n_branches = now.height

    tree = ms.rollup_tree(now, paths)
    branch_codes = set(paths)
    result.units = [{"code": r["unit"], "name": names[r["unit"]], "score": r["score"],
                     "n_branches": r["n_branches"], "n_visits": r["n_visits"]}
                    for r in tree.to_dicts() if r["unit"] not in branch_codes and r["unit"] in shown_codes]
    result.units.sort(key=lambda r: _depth_order(r["code"], paths))

    sections = list(ChecklistSection.objects.filter(checklist=checklist).order_by("order", "id"))
    result.sections = [{"code": s.code, "title": s.title} for s in sections]
    period_visits = per_visit.filter(pl.col("period") == result.period.code)
    period_scored = scored.join(period_visits.select("visit"), on="visit", how="semi")
    cells = ms.branch_section_scores(ms.visit_section_scores(period_scored), period_visits)
    grid: dict[str, dict[str, float | None]] = {}
    for r in cells.to_dicts():
        grid.setdefault(r["branch"], {})[r["section"]] = r["score"]
    result.heatmap = [{"code": b, "name": names.get(b, b), "scores": [grid.get(b, {}).get(s.code) for s in sections]}
                      for b in sorted(grid, key=lambda c: paths[c])]

    texts = {i.code: i.text for i in ChecklistItem.objects.filter(section__checklist=checklist)}
    section_titles = {s.code: s.title for s in sections}
    result.items = [{**r, "text": texts.get(r["item"], r["item"]),
                     "section_title": section_titles.get(r["section"], r["section"])}
                    for r in ms.item_rates(period_scored).to_dicts()]
    order = {c: i for i, c in enumerate(texts)}
    result.items.sort(key=lambda r: order.get(r["item"], len(order)))
    return result


def _parent(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[-2] if len(parts) > 1 else ""


def _depth_order(code: str, paths: dict[str, str]) -> tuple[int, str]:
    for path in paths.values():
        parts = [p for p in path.split("/") if p]
        if code in parts:
            return parts.index(code), code
    return 99, code


def _previous_period(periods: list[Period], period: Period) -> Period | None:
    earlier = [p for p in periods if p.kind == period.kind and p.start < period.start]
    return earlier[-1] if earlier else None


def branch_results(*, user, branch: OrgUnit, checklist_code: str | None = None) -> dict:
    """A branch's score per period and its section scores per period (for the branch page)."""
    qs = restrict(Visit.objects.filter(branch=branch), user)
    if checklist_code:
        qs = qs.filter(checklist__code=checklist_code)
    visits, scored, per_visit = _scored(qs)
    if not visits.height:
        return {"trend": [], "sections": [], "periods": []}
    periods = {p.code: p for p in Period.objects.filter(code__in=visits["period"].unique().to_list())}
    ordered = sorted(periods.values(), key=lambda p: p.start)
    scores = {r["period"]: r for r in ms.branch_scores(per_visit).to_dicts()}
    cells = ms.branch_section_scores(ms.visit_section_scores(scored), per_visit)
    titles = {}
    for s in ChecklistSection.objects.filter(checklist_id__in=visits["checklist"].unique().to_list()).order_by(
            "checklist_id", "order"):
        titles.setdefault(s.code, s.title)
    grid = {(r["period"], r["section"]): r["score"] for r in cells.to_dicts()}
    return {
        "periods": [str(p) for p in ordered],
        "trend": [{"period": p.code, "label": str(p), "score": scores[p.code]["score"] if p.code in scores else None,
                   "n_visits": scores[p.code]["n_visits"] if p.code in scores else 0} for p in ordered],
        "sections": [{"code": code, "title": title, "scores": [grid.get((p.code, code)) for p in ordered]}
                     for code, title in titles.items()],
    }


def visit_detail(visit: Visit) -> dict:
    """A visit's score, section scores and every answer with its item (for the visit page)."""
    qs = Visit.objects.filter(pk=visit.pk)
    _, scored, per_visit = _scored(qs)
    section_scores = {r["section"]: r["score"] for r in ms.visit_section_scores(scored).to_dicts()}
    passed = dict(zip(scored["item"].to_list(), scored["passed"].to_list(), strict=True))
    sections = []
    for section in visit.checklist.sections.prefetch_related("items"):
        items = [{"code": item.code, "text": item.text, "kind": item.kind, "value": visit.answers.get(item.code),
                  "scale": f"{item.scale_min}-{item.scale_max}", "weight": item.weight,
                  "passed": passed.get(item.code)} for item in section.items.all()]
        sections.append({"code": section.code, "title": section.title, "score": section_scores.get(section.code),
                         "items": items})
    score = per_visit["score"][0] if per_visit.height else None
    return {"score": score, "sections": sections}
