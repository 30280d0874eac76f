"""Item scores on 0-100, respondent element scores, element and overall satisfaction (domain.md 2.2).

Missing answers (available-case rule)
-------------------------------------
* An item score is missing when the answer is missing.
* A respondent's element score is the (item-weighted) mean of the item scores the
  respondent gave; it needs at least one answered item, else it is missing.
* Element satisfaction is the mean of the available element scores, so each element has
  its own n (reported as ``n_by_element``).
* Overall satisfaction is the mean of the available overall scores. A respondent without
  an overall answer stays in the satisfaction means but is left out of importance
  estimation (see :mod:`cxm.analytics.importance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from cxm.analytics.questionnaire import Element, Item

__all__ = ["item_scores", "element_scores", "ScoreTable", "score_responses"]


def item_scores(x: np.ndarray, low: np.ndarray | float, high: np.ndarray | float) -> np.ndarray:
    """(x - min) / (max - min) * 100, column-wise, NaN stays NaN.

    Parameters
    ----------
    x : (n, k) or (n,) answers on the raw scale, NaN = missing.
    low, high : scale bounds, scalars or one per column.
    """
    x = np.asarray(x, dtype=np.float64)
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    return (x - low) / (high - low) * 100.0


def element_scores(scores: np.ndarray, groups: Sequence[Sequence[int]], weights: np.ndarray | None = None) -> np.ndarray:
    """Respondent element scores: the weighted mean of each element's available item scores.

    Parameters
    ----------
    scores : (n, k) item scores, NaN = missing.
    groups : for each element, the column indices of its items.
    weights : (k,) item weights (default 1).

    Returns
    -------
    (n, m) element scores; NaN where the respondent answered none of the element's items.
    """
    scores = np.asarray(scores, dtype=np.float64)
    k = scores.shape[1]
    w = np.ones(k) if weights is None else np.asarray(weights, dtype=np.float64)
    # item -> element membership matrix: one matmul does every element at once
    member = np.zeros((k, len(groups)))
    for e, cols in enumerate(groups):
        member[list(cols), e] = 1.0
    answered = np.isfinite(scores)
    num = np.where(answered, scores, 0.0) @ (member * w[:, None])
    den = answered.astype(np.float64) @ (member * w[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@dataclass(frozen=True)
class ScoreTable:
    """Respondent-level scores on 0-100 (NaN = missing).

    ``elements`` is (n, m) in the order of ``codes``; ``overall`` is (n,).
    ``expectation`` is (n, m) or None. ``items`` is (n, k): the scores of the elements'
    items, element by element in item order (what the element scores were made of).
    """

    codes: tuple[str, ...]
    elements: np.ndarray
    overall: np.ndarray
    expectation: np.ndarray | None = None
    items: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.elements.shape[0])

    def satisfaction(self) -> np.ndarray:
        """Element satisfaction: the mean of available element scores (NaN when nobody answered)."""
        return _nanmean(self.elements)

    def n_by_element(self) -> np.ndarray:
        return np.isfinite(self.elements).sum(axis=0)

    def overall_satisfaction(self) -> float:
        return float(_nanmean(self.overall[:, None])[0])


def _nanmean(a: np.ndarray) -> np.ndarray:
    ok = np.isfinite(a)
    count = ok.sum(axis=0)
    total = np.where(ok, a, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _matrix(frame: pl.DataFrame, items: Sequence[Item]) -> np.ndarray:
    """Item columns as a float matrix; an item column absent from the frame is all-missing."""
    n = frame.height
    cols = [frame.get_column(i.code).cast(pl.Float64).fill_null(np.nan).to_numpy() if i.code in frame.columns
            else np.full(n, np.nan) for i in items]
    return np.column_stack(cols) if cols else np.empty((n, 0))


def score_items(frame: pl.DataFrame, items: Sequence[Item]) -> np.ndarray:
    """The 0-100 scores of ``items`` (n, k) from a validated response frame."""
    x = _matrix(frame, items)
    lo = np.array([i.scale[0] for i in items])
    hi = np.array([i.scale[1] for i in items])
    return item_scores(x, lo, hi)


def score_responses(frame: pl.DataFrame, elements: Sequence[Element], overall: Item) -> ScoreTable:
    """Score a validated response frame: element scores, overall score, expectation scores."""
    items = [i for e in elements for i in e.items]
    groups, start = [], 0
    for e in elements:
        groups.append(range(start, start + len(e.items)))
        start += len(e.items)
    scores = score_items(frame, items)
    el = element_scores(scores, groups, np.array([i.weight for i in items]))
    ovr = score_items(frame, [overall])[:, 0]
    expectation = None
    if any(e.expectation is not None for e in elements):
        exp_items = [e.expectation if e.expectation is not None else Item(f"__none_{e.code}", (0, 1)) for e in elements]
        expectation = score_items(frame, exp_items)
    return ScoreTable(tuple(e.code for e in elements), el, ovr, expectation, items=scores)
