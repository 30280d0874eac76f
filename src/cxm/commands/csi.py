"""``cxm csi``: CSI, importance, loyalty and the CS portfolio of a response file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from cxm.commands._common import fail


def csi_report(responses: Path, questionnaire: Path, importance: str = "correlation", bootstrap: int = 1000,
               seed: Optional[int] = None, by: Optional[str] = None, level: float = 0.95) -> dict:
    """Read and validate a response file, then build the report (:func:`cxm.analytics.report.csi_report`)."""
    from cxm.analytics.io import read_responses
    from cxm.analytics.questionnaire import load_questionnaire
    from cxm.analytics.report import csi_report as report_of_frame

    q = load_questionnaire(questionnaire)
    items = list(q.items) + list(q.competitor_items())
    required = [i.code for e in q.elements for i in e.items] + [q.overall.code]
    data = read_responses(responses, items, required=required)
    return report_of_frame(data.frame, q, importance=importance, bootstrap=bootstrap, seed=seed, by=by, level=level)


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
        raise fail(str(exc)) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2) if format == "json" else _table(report))


def register(app: typer.Typer) -> None:
    app.command("csi")(csi_command)
