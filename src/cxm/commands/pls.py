"""``cxm pls``: fit a national-index style PLS path model (ACSI / ECSI / NCSI) on a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from cxm.commands._common import fail


def _read_frame(data: Path, columns: list[str]):
    """The indicator columns of a CSV/XLSX/.sav file as a Float64 polars frame."""
    import polars as pl

    from cxm.analytics.io import parse_numbers, read_table

    frame = read_table(data).frame
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"indicator column(s) not in {data.name}: {', '.join(missing)}")
    out = []
    for c in columns:
        values, not_number = parse_numbers(frame.get_column(c))
        if len(not_number):
            raise ValueError(f"indicator column {c!r} has a value that is not a number")
        out.append(values.alias(c))
    return pl.DataFrame(out)


def _load_model(model: str):
    from cxm.analytics.pls import PRESETS, load_model, load_preset

    if not Path(model).exists() and model.lower() in PRESETS:
        return load_preset(model)
    return load_model(model)


def pls_report(
    data: Path,
    model: str,
    scheme: str = "path",
    bootstrap: int = 0,
    seed: Optional[int] = None,
    level: float = 0.95,
    progress: bool = False,
) -> dict:
    """Compute the ``cxm pls`` report (the JSON contract documented on :func:`pls`)."""
    from cxm.analytics.pls import PLSPathModel, chunk_size_for, report_dict
    from cxm.analytics.pls import bootstrap as run_bootstrap

    spec = _load_model(model)
    frame = _read_frame(data, spec.indicators)
    fitted = PLSPathModel(spec, scheme=scheme).fit(frame)
    boot = None
    if bootstrap:
        bar = None
        callback = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=bootstrap, desc="bootstrap", unit="resample", file=sys.stderr)

            def callback(done: int, _last=[0]) -> None:  # noqa: B006 - closure state
                bar.update(done - _last[0])
                _last[0] = done

        try:
            boot = run_bootstrap(
                fitted, frame, bootstrap, seed=seed, level=level, progress=callback,
                chunk_size=chunk_size_for(bootstrap),
            )
        finally:
            if bar is not None:
                bar.close()
    return report_dict(fitted, boot)


def _table(report: dict) -> str:
    lines = [
        f"PLS path model, {report['scheme']} scheme, n={report['n']}, "
        f"{report['iterations']} iterations, GoF={report['gof']:.3f}",
        "",
        f"{'path':<32}{'coef':>8}" + (f"{'se':>8}{'t':>8}{'95% CI':>20}" if "bootstrap" in report else ""),
    ]
    for key, coef in report["paths"].items():
        row = f"{key:<32}{coef:>8.3f}"
        if "bootstrap" in report:
            b = report["bootstrap"][key]
            row += f"{b['se']:>8.3f}{b['t']:>8.2f}   [{b['ci'][0]:.3f}, {b['ci'][1]:.3f}]"
        lines.append(row)
    lines += ["", f"{'construct':<20}{'R2':>8}{'alpha':>8}{'rho_c':>8}{'rho_a':>8}{'AVE':>8}{'index':>8}"]
    for name, rel in report["reliability"].items():
        r2 = report["r2"].get(name)
        r2s = f"{r2:>8.3f}" if r2 is not None else f"{'':>8}"
        lines.append(
            f"{name:<20}{r2s}{rel['alpha']:>8.3f}{rel['rho_c']:>8.3f}"
            f"{rel['rho_a']:>8.3f}{rel['ave']:>8.3f}{report['index'][name]:>8.1f}"
        )
    lines += ["", f"{'indicator':<20}{'construct':<20}{'weight':>8}{'loading':>8}"]
    for name, ws in report["weights"].items():
        for ind, w in ws.items():
            lines.append(f"{ind:<20}{name:<20}{w:>8.3f}{report['loadings'][name][ind]:>8.3f}")
    return "\n".join(lines)


def pls(
    data: Path = typer.Argument(..., help="Survey data: CSV, XLSX or SPSS .sav, one row per respondent."),
    model: str = typer.Option(..., "--model", help="Model YAML file, or a preset name: acsi, ecsi, kcsi."),
    scheme: str = typer.Option("path", "--scheme", help="Inner weighting scheme: path, centroid or factorial."),
    bootstrap: int = typer.Option(0, "--bootstrap", min=0, help="Bootstrap resamples (0 = none)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed of the bootstrap."),
    level: float = typer.Option(0.95, "--level", help="Confidence level of the bootstrap intervals."),
    output_format: str = typer.Option("table", "--format", help="Output format: json or table."),
) -> None:
    """Fit a PLS path model (Wold's algorithm) and print paths, R², reliability and 0-100 indices.

    JSON keys (a stable contract; NaN is written as null):

    scheme, n, iterations, converged, method;
    paths {"Source->Target": coefficient};
    r2, r2_adj {construct: value} (endogenous constructs only);
    weights, loadings {construct: {indicator: value}};
    reliability {construct: {alpha, rho_c, rho_a, ave}};
    index {construct: 0-100 score};
    total_effects, indirect_effects {"Source->Target": value} (non-zero only);
    htmt {"A<->B": value}; fornell_larcker {construct: {construct: value}} (lower
    triangle, sqrt(AVE) on the diagonal); gof.

    With --bootstrap N: bootstrap {"Source->Target": {estimate, mean, se, t, ci, ci_bca}}
    (ci and ci_bca are \\[lower, upper] lists) and bootstrap_detail {method, n_boot, n_ok,
    seed, level, weights, loadings, index, r2}, the last four keyed by indicator or
    construct with the same statistics.
    """
    if scheme not in ("path", "centroid", "factorial"):
        raise typer.BadParameter(f"must be path, centroid or factorial, got {scheme!r}", param_hint="--scheme")
    if output_format not in ("json", "table"):
        raise typer.BadParameter(f"must be json or table, got {output_format!r}", param_hint="--format")
    if not 0 < level < 1:
        raise typer.BadParameter(f"must be between 0 and 1, got {level!r}", param_hint="--level")
    try:
        report = pls_report(data, model, scheme, bootstrap, seed, level, progress=bool(bootstrap))
    except ValueError as exc:
        raise fail(str(exc)) from None
    if output_format == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        typer.echo(_table(report))


def register(app: typer.Typer) -> None:
    app.command("pls")(pls)
