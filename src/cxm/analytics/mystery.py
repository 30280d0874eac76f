"""Mystery shopping (위장쇼핑객, domain.md 2.6): checklists and the scores rolled up from visits.

An evaluator visits a branch posing as a customer and answers a checklist. This module holds
the checklist shape (parsed from YAML) and the pure scoring: no Django, frames in, frames out.

Checklist YAML
--------------
::

    code: retail-store
    title: {ko: 매장 위장쇼핑 점검표, en: Store mystery shopping checklist}
    scale: [1, 5]                    # default range of scale items
    sections:
      - code: GRT
        title: {ko: 인사, en: Greeting}
        items:
          - {code: GRT1, text: {ko: ..., en: ...}}                  # yes/no, weight 1
          - {code: GRT2, type: scale, weight: 2, na: true}          # 1-5, may be "not applicable"
          - {code: GRT3, type: scale, scale: [1, 3]}

``type`` is ``yes_no`` (default) or ``scale``; ``weight`` (default 1, > 0) weights the item
inside the visit and its section; ``na: true`` lets the evaluator answer "not applicable".
Item codes are unique across the whole checklist.

Scoring (documented rules)
--------------------------
- **Item score** on 0-1: yes = 1, no = 0; a scale answer ``v`` on ``[lo, hi]`` scores
  ``(v - lo) / (hi - lo)``. An item **passes** when its score is at least :data:`PASS_SHARE`
  (yes for yes/no; 4 or 5 on a 1-5 scale: the top two boxes).
- **Not applicable** (and an item the visit has no answer for, e.g. one added to the
  checklist later) is left out of the numerator *and* the denominator: it neither helps
  nor hurts.
- **Visit score** (0-100) = 100 x sum(weight x item score) / sum(weight) over the applicable
  items; a **section score** of a visit is the same over the section's applicable items.
  A visit (or section) with no applicable item has no score (null), not zero.
- **Branch score** for a period = the mean of its visits' scores (each visit counts once).
- **Region and company** scores = the mean of the branch scores below them (each branch
  counts once, however many visits it had: a busy branch must not outweigh the others).
  Section scores roll up the same way.
- **Item pass rate** = passes / applicable answers, pooled over the visits of the group;
  ``n_na`` counts the "not applicable" answers left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

__all__ = [
    "YES_NO", "SCALE", "PASS_SHARE", "ChecklistItem", "ChecklistSection", "Checklist", "parse_checklist",
    "score_answers", "visit_scores", "visit_section_scores", "branch_scores", "branch_section_scores",
    "with_ancestors", "rollup_tree", "item_rates", "rank_branches",
]

YES_NO = "yes_no"
SCALE = "scale"
KINDS = (YES_NO, SCALE)
#: An item passes at this share of its range or more: "yes", or the top two boxes of 1-5.
PASS_SHARE = 0.75


@dataclass(frozen=True)
class ChecklistItem:
    """One checkpoint: code, kind (yes/no or scale), its range, weight and whether N/A is allowed."""

    code: str
    section: str
    kind: str = YES_NO
    scale: tuple[float, float] = (0.0, 1.0)
    weight: float = 1.0
    allows_na: bool = False
    text: dict[str, str] = field(default_factory=dict)

    def accepts(self, value: float | None) -> bool:
        """Whether ``value`` is a valid answer (``None`` = not applicable)."""
        if value is None:
            return self.allows_na
        if self.kind == YES_NO:
            return value in (0, 1)
        lo, hi = self.scale
        return float(value).is_integer() and lo <= value <= hi


@dataclass(frozen=True)
class ChecklistSection:
    code: str
    items: tuple[ChecklistItem, ...]
    title: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checklist:
    """A parsed checklist: sections in order, each with its items."""

    sections: tuple[ChecklistSection, ...]
    code: str = ""
    title: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def items_frame(self) -> pl.DataFrame:
        """One row per item: ``item, section, kind, lo, hi, weight`` (the input of :func:`score_answers`)."""
        items = self.items
        return pl.DataFrame({
            "item": [i.code for i in items], "section": [i.section for i in items], "kind": [i.kind for i in items],
            "lo": [float(i.scale[0]) for i in items], "hi": [float(i.scale[1]) for i in items],
            "weight": [float(i.weight) for i in items],
        }, schema={"item": pl.String, "section": pl.String, "kind": pl.String, "lo": pl.Float64,
                   "hi": pl.Float64, "weight": pl.Float64})


def _texts(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"ko": value, "en": value}
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise ValueError(f"{where}: texts must be a string or {{ko: ..., en: ...}}")


def _scale(value: Any, where: str) -> tuple[float, float]:
    if (not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{where}: scale must be [min, max]")
    lo, hi = float(value[0]), float(value[1])
    if hi <= lo:
        raise ValueError(f"{where}: scale max must be above min")
    return lo, hi


def parse_checklist(raw: Any) -> Checklist:
    """Validate a checklist definition (the YAML shape above) into a :class:`Checklist`.

    Raises
    ------
    ValueError
        Naming the offending section or item: unknown type, bad scale or weight, duplicate
        code, a section without items.
    """
    if not isinstance(raw, Mapping):
        raise ValueError("a checklist must be a mapping with 'sections'")
    default_scale = _scale(raw.get("scale", [1, 5]), "scale")
    sections_raw = raw.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        raise ValueError("sections: at least one section is needed")
    seen_items: set[str] = set()
    seen_sections: set[str] = set()
    sections = []
    for s_index, s in enumerate(sections_raw, start=1):
        if not isinstance(s, Mapping) or not str(s.get("code") or "").strip():
            raise ValueError(f"sections[{s_index}]: a section needs a code")
        s_code = str(s["code"]).strip()
        if s_code in seen_sections:
            raise ValueError(f"section {s_code}: duplicate code")
        seen_sections.add(s_code)
        items_raw = s.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise ValueError(f"section {s_code}: at least one item is needed")
        items = []
        for i_index, it in enumerate(items_raw, start=1):
            if not isinstance(it, Mapping) or not str(it.get("code") or "").strip():
                raise ValueError(f"section {s_code}, item {i_index}: an item needs a code")
            code = str(it["code"]).strip()
            where = f"item {code}"
            if code in seen_items:
                raise ValueError(f"{where}: duplicate code")
            seen_items.add(code)
            kind = it.get("type", YES_NO)
            if kind not in KINDS:
                raise ValueError(f"{where}: type must be one of {', '.join(KINDS)}")
            scale = (0.0, 1.0) if kind == YES_NO else _scale(it.get("scale", list(default_scale)), where)
            weight = it.get("weight", 1)
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
                raise ValueError(f"{where}: weight must be a number above 0")
            allows_na = it.get("na", False)
            if not isinstance(allows_na, bool):
                raise ValueError(f"{where}: na must be true or false")
            items.append(ChecklistItem(code=code, section=s_code, kind=kind, scale=scale, weight=float(weight),
                                       allows_na=allows_na, text=_texts(it.get("text"), where)))
        sections.append(ChecklistSection(code=s_code, items=tuple(items), title=_texts(s.get("title"), s_code)))
    return Checklist(sections=tuple(sections), code=str(raw.get("code") or ""), title=_texts(raw.get("title"), "title"))


# --- scores ------------------------------------------------------------------------------------


def score_answers(answers: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Score every answer on 0-1 and mark the passes.

    Parameters
    ----------
    answers
        One row per answer: ``visit``, ``item``, ``value`` (float; null = not applicable),
        and optionally ``checklist`` (then ``items`` has it too and both join on it, so
        visits of different checklist versions are scored by their own items).
    items
        :meth:`Checklist.items_frame` rows: ``item, section, kind, lo, hi, weight``.

    Returns
    -------
    polars.DataFrame
        The answers with ``section``, ``weight``, ``score`` (0-1, null when not applicable)
        and ``passed`` (bool, null when not applicable). Answers to unknown items are dropped.
    """
    keys = [k for k in ("checklist", "item") if k in answers.columns and k in items.columns]
    joined = answers.join(items, on=keys, how="inner")
    value = pl.col("value").cast(pl.Float64)
    score = (pl.when(pl.col("kind") == YES_NO).then(value)
             .otherwise((value - pl.col("lo")) / (pl.col("hi") - pl.col("lo"))))
    # 1e-9: a 4 on 1-5 is exactly 0.75 and must pass despite floating point.
    return joined.with_columns(score.alias("score")).with_columns(
        (pl.col("score") >= PASS_SHARE - 1e-9).alias("passed"))


def _weighted() -> list[pl.Expr]:
    applicable = pl.col("score").is_not_null()
    w = pl.when(applicable).then(pl.col("weight")).otherwise(0.0)
    total = w.sum()
    return [
        pl.when(total > 0).then(100.0 * (w * pl.col("score").fill_null(0.0)).sum() / total)
        .otherwise(None).alias("score"),
        applicable.sum().alias("n_items"),
        (~applicable).sum().alias("n_na"),
    ]


def visit_scores(scored: pl.DataFrame) -> pl.DataFrame:
    """Each visit's score on 0-100: ``visit, score, n_items`` (applicable) ``, n_na``."""
    return scored.group_by("visit", maintain_order=True).agg(_weighted()).sort("visit")


def visit_section_scores(scored: pl.DataFrame) -> pl.DataFrame:
    """Each visit's score per section on 0-100: ``visit, section, score, n_items, n_na``."""
    return (scored.group_by(["visit", "section"], maintain_order=True).agg(_weighted())
            .sort(["visit", "section"]))


def branch_scores(visits: pl.DataFrame, *, by: Sequence[str] = ("period",)) -> pl.DataFrame:
    """Branch score = mean of its visits' scores (visits without a score are left out).

    ``visits`` has ``branch``, the ``by`` columns and ``score``; the result has ``by``,
    ``branch``, ``score`` and ``n_visits`` (visits with a score).
    """
    keys = [*by, "branch"]
    return (visits.filter(pl.col("score").is_not_null()).group_by(keys)
            .agg(pl.col("score").mean().alias("score"), pl.len().cast(pl.Int64).alias("n_visits")).sort(keys))


def branch_section_scores(visit_sections: pl.DataFrame, visits: pl.DataFrame,
                          *, by: Sequence[str] = ("period",)) -> pl.DataFrame:
    """Per branch and section: mean of the visits' section scores (``by, branch, section, score, n_visits``)."""
    frame = visit_sections.join(visits.select(["visit", "branch", *by]), on="visit", how="inner")
    return branch_scores(frame, by=[*by, "section"])


def with_ancestors(frame: pl.DataFrame, paths: Mapping[str, str]) -> pl.DataFrame:
    """Repeat each row once per unit the branch belongs to, itself included (column ``unit``).

    ``paths`` maps a branch code to its materialised path (``HQ/R1/B01/``).
    """
    lookup = pl.DataFrame({"branch": list(paths), "unit": [[p for p in path.split("/") if p]
                                                            for path in paths.values()]},
                          schema={"branch": pl.String, "unit": pl.List(pl.String)})
    return frame.join(lookup, on="branch", how="inner").explode("unit")


def rollup_tree(branch_frame: pl.DataFrame, paths: Mapping[str, str],
                *, by: Sequence[str] = ("period",)) -> pl.DataFrame:
    """Scores of every unit up the tree: the mean of the branch scores below it (each branch once).

    ``branch_frame`` is the output of :func:`branch_scores` (or :func:`branch_section_scores`
    with ``"section"`` in ``by``). Returns ``by, unit, score, n_branches, n_visits``.
    """
    keys = [*by, "unit"]
    return (with_ancestors(branch_frame, paths).group_by(keys)
            .agg(pl.col("score").mean().alias("score"), pl.col("branch").n_unique().cast(pl.Int64).alias("n_branches"),
                 pl.col("n_visits").sum().cast(pl.Int64).alias("n_visits"))
            .sort(keys))


def item_rates(scored: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Per item (and ``by`` group): pass rate and mean score over the applicable answers.

    Returns ``by, item, section, n`` (applicable answers) ``, n_na, pass_rate`` (0-1, null
    when nothing applied) ``, score`` (0-100 mean).
    """
    keys = [*by, "section", "item"]
    applicable = pl.col("score").is_not_null()
    return (scored.group_by(keys)
            .agg(applicable.sum().cast(pl.Int64).alias("n"), (~applicable).sum().cast(pl.Int64).alias("n_na"),
                 pl.col("passed").cast(pl.Float64).mean().alias("pass_rate"),
                 (100.0 * pl.col("score").mean()).alias("score"))
            .sort(keys))


def rank_branches(branch_frame: pl.DataFrame, *, by: Sequence[str] = ("period",)) -> pl.DataFrame:
    """Add ``rank`` (1 = best; ties share the better rank) within each ``by`` group."""
    rank = pl.col("score").rank(method="min", descending=True)
    rank = rank.over(list(by)) if by else rank
    return branch_frame.with_columns(rank.cast(pl.Int64).alias("rank")).sort([*by, "rank", "branch"])
