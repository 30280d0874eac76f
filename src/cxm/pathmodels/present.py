"""Rows and marks for the model pages, from a :class:`~cxm.pathmodels.reports.Fit` (presentation only)."""

from __future__ import annotations

from typing import Any

from cxm.analytics.jsonsafe import finite_or_none

from .diagram import diagram_layout
from .forms import scheme_choices
from .reports import HTMT_LIBERAL, HTMT_STRICT, THRESHOLDS, Comparison, Fit, model_yaml


def _excludes_zero(ci) -> bool | None:
    if ci is None or ci[0] is None or ci[1] is None:
        return None
    return not (ci[0] <= 0 <= ci[1])


def path_rows(fit: Fit) -> list[dict[str, Any]]:
    boot = fit.report.get("bootstrap") or {}
    rows = []
    for a, b in fit.spec.paths:
        key = f"{a}->{b}"
        stats = boot.get(key) or {}
        ci = stats.get("ci")
        rows.append({"key": key, "source": a, "target": b, "coef": fit.report["paths"][key],
                     "total": fit.report["total_effects"].get(key), "se": stats.get("se"), "t": stats.get("t"),
                     "ci": ci, "significant": _excludes_zero(ci)})
    return rows


def index_rows(fit: Fit) -> list[dict[str, Any]]:
    detail = (fit.report.get("bootstrap_detail") or {}).get("index") or {}
    rows = []
    for c in fit.spec.constructs:
        stats = detail.get(c.name) or {}
        rows.append({"name": c.name, "index": fit.report["index"][c.name], "ci": stats.get("ci"),
                     "se": stats.get("se"), "r2": fit.report["r2"].get(c.name),
                     "r2_adj": fit.report["r2_adj"].get(c.name)})
    return rows


def reliability_rows(fit: Fit) -> list[dict[str, Any]]:
    """alpha, rho_c, rho_A and AVE with pass marks; single items and formative blocks are not judged."""
    rows = []
    for c in fit.spec.constructs:
        rel = fit.report["reliability"][c.name]
        judged = c.mode == "A" and len(c.indicators) > 1
        cells = []
        for key in ("alpha", "rho_c", "rho_a", "ave"):
            value = finite_or_none(rel.get(key))
            cells.append({"key": key, "value": value, "threshold": THRESHOLDS[key],
                          "passed": (value is not None and value >= THRESHOLDS[key]) if judged else None})
        rows.append({"name": c.name, "mode": c.mode, "items": len(c.indicators), "judged": judged, "cells": cells})
    return rows


def htmt_matrix(fit: Fit) -> dict[str, Any]:
    """The lower triangle of HTMT with a mark per pair: ok below 0.85, caution below 0.90, fail."""
    names = fit.spec.names
    htmt = fit.report["htmt"]
    rows = []
    for i, a in enumerate(names[1:], start=1):
        cells = []
        for b in names[:i]:
            value = finite_or_none(htmt.get(f"{b}<->{a}", htmt.get(f"{a}<->{b}")))
            mark = None if value is None else (
                "ok" if value < HTMT_STRICT else "caution" if value < HTMT_LIBERAL else "fail")
            cells.append({"pair": f"{b}<->{a}", "value": value, "mark": mark})
        cells += [{"pad": True}] * (len(names) - 1 - i)  # the empty upper triangle
        rows.append({"name": a, "cells": cells})
    return {"names": names[:-1], "rows": rows}


def fornell_larcker(fit: Fit) -> dict[str, Any]:
    """The lower-triangle table and, per construct, whether sqrt(AVE) beats its correlations."""
    names = fit.spec.names
    fl = fit.report["fornell_larcker"]

    def corr(a: str, b: str) -> float | None:
        return finite_or_none(fl.get(a, {}).get(b, fl.get(b, {}).get(a)))

    rows = []
    for i, a in enumerate(names):
        diag = corr(a, a)
        others = [abs(v) for b in names if b != a for v in [corr(a, b)] if v is not None]
        passed = None if diag is None else all(diag > v for v in others)
        cells = [{"value": corr(a, b), "diag": b == a} for b in names[: i + 1]]
        cells += [{"pad": True}] * (len(names) - 1 - i)
        rows.append({"name": a, "cells": cells, "passed": passed})
    return {"names": names, "rows": rows}


def loading_rows(fit: Fit, labels: dict[str, str]) -> list[dict[str, Any]]:
    detail = (fit.report.get("bootstrap_detail") or {}).get("loadings") or {}
    rows = []
    for c in fit.spec.constructs:
        for item in c.indicators:
            rows.append({"construct": c.name, "item": item, "label": labels.get(item, ""), "mode": c.mode,
                         "weight": fit.report["weights"][c.name][item],
                         "loading": fit.report["loadings"][c.name][item],
                         "ci": (detail.get(item) or {}).get("ci")})
    return rows


def diagram(fit: Fit):
    significant = {r["key"]: r["significant"] for r in path_rows(fit)} if fit.report.get("bootstrap") else None
    return diagram_layout(names=fit.spec.names, paths=list(fit.spec.paths), coefficients=fit.report["paths"],
                          r2=fit.report["r2"], index=fit.report["index"], significant=significant)


def fit_context(fit: Fit, labels: dict[str, str]) -> dict[str, Any]:
    """Everything the results part of the fit page shows."""
    return {
        "fit": fit,
        "report": fit.report,
        "diagram": diagram(fit),
        "path_rows": path_rows(fit),
        "index_rows": index_rows(fit),
        "reliability_rows": reliability_rows(fit),
        "htmt": htmt_matrix(fit),
        "fornell_larcker": fornell_larcker(fit),
        "loading_rows": loading_rows(fit, labels),
        "model_yaml": model_yaml(fit.spec),
        "boot": fit.report.get("bootstrap_detail"),
        "scheme_label": dict(scheme_choices()).get(fit.report["scheme"], fit.report["scheme"]),
        "htmt_strict": HTMT_STRICT,
        "htmt_liberal": HTMT_LIBERAL,
    }


def compare_context(comparison: Comparison) -> dict[str, Any]:
    return {
        "comparison": comparison,
        "fit_a": comparison.a,
        "fit_b": comparison.b,
        "diagram_a": diagram(comparison.a),
        "diagram_b": diagram(comparison.b),
        "index_diffs": comparison.index,
        "path_diffs": comparison.paths,
        "has_intervals": bool(comparison.a.boot is not None and comparison.b.boot is not None),
    }
