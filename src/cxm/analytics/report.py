"""The CSI report: scores, importance, CSI with its interval, loyalty, competitor, portfolio.

One builder for every interface: ``cxm csi`` on a file and the survey pages on a stored
wave both call :func:`csi_report` with a response frame.
"""

from __future__ import annotations


import numpy as np
import polars as pl

from .csi import csi, group_breakdown, loyalty
from .importance import estimate_importance
from .jsonsafe import finite_or_none as _num
from .portfolio import portfolio
from .questionnaire import Element, Questionnaire
from .scoring import score_responses




def csi_report(frame: pl.DataFrame, q: Questionnaire, *, importance: str = "correlation", bootstrap: int = 1000,
               seed: int | None = None, by: str | None = None, level: float = 0.95) -> dict:
    """The CSI report of a response frame: the JSON contract of ``cxm csi``, used by the pages too.

    Parameters
    ----------
    frame : polars.DataFrame
        One row per respondent, one numeric column per item code (null = missing answer).
    q : Questionnaire
        The questionnaire the answers belong to.
    importance : {"correlation", "regression", "relative", "shapley"}
    bootstrap : int
        Resamples for the CSI interval (0: none).
    by : str, optional
        A column of ``frame`` to break the CSI down by (each group against the rest).
    """
    if by is not None and by not in frame.columns:
        raise ValueError(f"--by: no column {by!r} in the file; columns are {frame.columns}")
    table = score_responses(frame, q.elements, q.overall)
    result = csi(table.elements, table.overall, codes=table.codes, method=importance,
                 bootstrap=bootstrap, seed=seed, level=level)
    quad = portfolio(result.importance.raw, result.satisfaction)
    elements = {}
    for j, code in enumerate(table.codes):
        entry = {"satisfaction": _num(result.satisfaction[j]), "importance": _num(result.importance.raw[j]),
                 "weight": _num(result.importance.weights[j]), "quadrant": quad.quadrants[j] or None,
                 "n": int(result.n_by_element[j])}
        if table.expectation is not None and q.elements[j].expectation is not None:
            exp = table.expectation[:, j]
            mean = float(np.nanmean(exp)) if np.isfinite(exp).any() else None
            entry["expectation"] = _num(mean)
            entry["expectation_gap"] = _num(result.satisfaction[j] - mean) if mean is not None else None
        elements[code] = entry

    # item-level portfolio: correlation of each item score with overall (pairwise complete cases)
    item_list = [i for e in q.elements for i in e.items]
    scores = table.items  # scored once, with the elements
    item_imp = estimate_importance(scores, table.overall, "correlation").raw
    answered = np.isfinite(scores)
    item_sat = np.where(answered, scores, 0.0).sum(0) / np.where(answered.any(0), answered.sum(0), np.nan)
    item_quad = portfolio(item_imp, item_sat)
    owner = {i.code: e.code for e in q.elements for i in e.items}
    items_out = {i.code: {"element": owner[i.code], "satisfaction": _num(item_sat[j]),
                          "importance": _num(item_imp[j]), "quadrant": item_quad.quadrants[j] or None}
                 for j, i in enumerate(item_list)}

    def column(item):
        if item is None or item.code not in frame.columns:
            return None
        return frame.get_column(item.code).cast(float).fill_null(float("nan")).to_numpy()

    loy = loyalty(column(q.retention), q.retention.scale if q.retention else None,
                  column(q.recommend), q.recommend.scale if q.recommend else None)
    report = {
        "n": result.n,
        "csi": _num(result.csi),
        "csi_ci": [_num(v) for v in result.ci.percentile] if result.ci else None,
        "csi_ci_bca": [_num(v) for v in result.ci.bca] if result.ci else None,
        "bootstrap": {"resamples": bootstrap, "seed": seed, "level": level,
                      "reestimated": result.reestimated} if result.ci else None,
        "overall": _num(result.overall),
        "method": result.method,
        "r2": _num(result.importance.r2),
        "elements": elements,
        "items": items_out,
        "portfolio": {"importance_mean": _num(quad.importance_mean),
                      "satisfaction_mean": _num(quad.satisfaction_mean)},
        "loyalty": {"retention_rate": _num(loy.retention_rate), "recommend_rate": _num(loy.recommend_rate),
                    "retention_mean": _num(loy.retention_mean), "recommend_mean": _num(loy.recommend_mean),
                    "cli": _num(loy.cli), "nps": _num(loy.nps)},
        "missing": {
            "rule": ("available case: an element score needs at least one answered item; element "
                     "satisfaction averages the respondents who have the element score; respondents "
                     "without an overall answer are kept in the satisfaction means and left out of importance"),
            "n_overall": int(np.isfinite(table.overall).sum()),
            "n_by_element": {c: int(v) for c, v in zip(table.codes, result.n_by_element)},
            "n_importance": result.importance.n,
        },
        "warnings": list(result.importance.warnings),
    }
    if q.competitor_prefix is not None:
        p = q.competitor_prefix
        comp_elements = [Element(p + e.code, tuple(type(i)(p + i.code, i.scale, i.weight) for i in e.items))
                         for e in q.elements]
        comp_overall = type(q.overall)(p + q.overall.code, q.overall.scale)
        ct = score_responses(frame, comp_elements, comp_overall)
        sat = ct.satisfaction()
        w = result.importance.weights
        comp_csi = float(np.dot(w, sat))
        ratio = lambda a, b: _num(a / b) if b else None  # noqa: E731
        report["competitor"] = {
            "csi": _num(comp_csi), "gap": _num(result.csi - comp_csi), "ratio": ratio(result.csi, comp_csi),
            "overall": _num(ct.overall_satisfaction()),
            "elements": {c: {"satisfaction": _num(sat[j]), "gap": _num(result.satisfaction[j] - sat[j]),
                             "ratio": ratio(result.satisfaction[j], sat[j]), "n": int(ct.n_by_element()[j])}
                         for j, c in enumerate(table.codes)},
        }
    if by is not None:
        labels = np.array(frame.get_column(by).to_list(), dtype=object)
        groups = group_breakdown(table.elements, table.overall, result.importance.weights, labels)
        report["by"] = {
            "column": by, "test": "Welch t-test vs the rest on linearised CSI contributions; Holm-corrected",
            "groups": [{"group": g.group, "n": g.n, "csi": _num(g.csi), "se": _num(g.se), "overall": _num(g.overall),
                        "diff": _num(g.diff), "p_value": _num(g.p_value), "p_holm": _num(g.p_holm),
                        "elements": {c: _num(g.satisfaction[j]) for j, c in enumerate(table.codes)}}
                       for g in groups]}
    return report
