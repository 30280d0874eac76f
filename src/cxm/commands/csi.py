"""``cxm csi``: CSI, importance, loyalty and the CS portfolio of a response file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

import typer


def _num(v):
    """JSON-safe float (NaN/inf -> null)."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def csi_report(responses: Path, questionnaire: Path, importance: str = "correlation", bootstrap: int = 1000,
               seed: Optional[int] = None, by: Optional[str] = None, level: float = 0.95) -> dict:
    """Compute the ``cxm csi`` report (the JSON contract documented on :func:`csi_command`)."""
    import numpy as np

    from cxm.analytics.csi import csi, group_breakdown, loyalty
    from cxm.analytics.importance import estimate_importance
    from cxm.analytics.io import read_responses
    from cxm.analytics.portfolio import portfolio
    from cxm.analytics.questionnaire import Element, load_questionnaire
    from cxm.analytics.scoring import score_items, score_responses

    q = load_questionnaire(questionnaire)
    items = list(q.items) + list(q.competitor_items())
    required = [i.code for e in q.elements for i in e.items] + [q.overall.code]
    data = read_responses(responses, items, required=required)
    frame = data.frame
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
    scores = score_items(frame, item_list)
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


def _table(report: dict) -> str:
    head = f"n={report['n']}  method={report['method']}  CSI={report['csi']:.2f}"
    if report["csi_ci"]:
        head += f"  95% CI [{report['csi_ci'][0]:.2f}, {report['csi_ci'][1]:.2f}]"
    if report["overall"] is not None:
        head += f"  overall={report['overall']:.2f}"
    lines = [head]
    lines.append(f"{'element':<10}{'satisf.':>9}{'import.':>9}{'weight':>8}  quadrant")
    for code, e in report["elements"].items():
        fmt = lambda v, p=2: "-" if v is None else f"{v:.{p}f}"  # noqa: E731
        lines.append(f"{code:<10}{fmt(e['satisfaction']):>9}{fmt(e['importance'], 3):>9}{fmt(e['weight'], 3):>8}  {e['quadrant'] or '-'}")
    loy = report["loyalty"]
    lines.append("loyalty: " + "  ".join(f"{k}={'-' if v is None else f'{v:.2f}'}" for k, v in loy.items()))
    if "competitor" in report:
        lines.append(f"competitor CSI={report['competitor']['csi']:.2f}  gap={report['competitor']['gap']:.2f}")
    if "by" in report:
        for g in report["by"]["groups"]:
            p = "-" if g["p_holm"] is None else f"{g['p_holm']:.4f}"
            lines.append(f"  {report['by']['column']}={g['group']}: n={g['n']} CSI={g['csi']:.2f} "
                         f"diff={g['diff']:+.2f} p(Holm)={p}")
    return "\n".join(lines)


def csi_command(
    responses: Path = typer.Argument(..., help="Response file: .csv (UTF-8 or CP949), .xlsx or .sav"),
    questionnaire: Path = typer.Option(..., "--questionnaire", "-q", help="Questionnaire YAML"),
    importance: str = typer.Option("correlation", help="correlation|regression|relative|shapley"),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples (0: no interval)"),
    seed: Optional[int] = typer.Option(None, help="Random seed for the bootstrap"),
    by: Optional[str] = typer.Option(None, help="Break down by this column"),
    format: str = typer.Option("table", "--format", help="json|table"),
) -> None:
    """CSI of a response file, with importance, bootstrap interval, loyalty and portfolio.

    JSON keys (``--format json``, a stable contract): ``n``; ``csi``; ``csi_ci`` [low, high]
    (percentile) and ``csi_ci_bca``; ``bootstrap`` {resamples, seed, level, reestimated};
    ``overall`` (mean overall satisfaction, 0-100); ``method``; ``r2`` (null for correlation);
    ``elements`` {code: {satisfaction, importance (raw statistic of the method), weight,
    quadrant (A/B/C/D), n, [expectation, expectation_gap]}}; ``items`` {code: {element,
    satisfaction, importance (correlation with overall), quadrant}}; ``portfolio``
    {importance_mean, satisfaction_mean}; ``loyalty`` {retention_rate, recommend_rate
    (percent in top 2 boxes), retention_mean, recommend_mean (0-100), cli, nps (percent
    points, 0-10 recommend item only)}; ``missing`` {rule, n_overall, n_by_element,
    n_importance}; ``warnings``; with a competitor block ``competitor`` {csi, gap, ratio,
    overall, elements {code: {satisfaction, gap, ratio, n}}}; with ``--by`` ``by``
    {column, test, groups: [{group, n, csi, se, overall, diff, p_value, p_holm, elements}]}.
    """
    if importance not in ("correlation", "regression", "relative", "shapley"):
        raise typer.BadParameter(f"unknown method {importance!r}", param_hint="--importance")
    if format not in ("json", "table"):
        raise typer.BadParameter(f"unknown format {format!r}", param_hint="--format")
    try:
        report = csi_report(responses, questionnaire, importance, bootstrap, seed, by)
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2) if format == "json" else _table(report))


def register(app: typer.Typer) -> None:
    app.command("csi")(csi_command)
