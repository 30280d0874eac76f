"""The JSON report of a fitted PLS path model: the ``cxm pls --format json`` contract.

One function builds it for the command line and for the path-model pages and API, so the
two give the same keys and numbers.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from cxm.analytics.jsonsafe import json_clean
from cxm.analytics.pls.bootstrap import BootstrapResult
from cxm.analytics.pls.estimator import PLSPathModel

__all__ = ["report_dict"]


def report_dict(fitted: PLSPathModel, boot: BootstrapResult | None = None) -> dict[str, Any]:
    """The report of ``fitted`` (and of its bootstrap ``boot``), JSON-safe (NaN is None).

    Keys: the fields of :class:`~cxm.analytics.pls.PLSResult` in their order (method, scheme,
    n, iterations, converged, paths, r2, r2_adj, weights, loadings, reliability, index,
    total_effects, indirect_effects, htmt, fornell_larcker, gof); with ``boot`` also
    ``bootstrap`` (the paths' statistics) and ``bootstrap_detail`` (method, n_boot, n_ok, seed,
    level and the statistics of weights, loadings, index and r2).
    """
    res = fitted.result()
    report: dict[str, Any] = {f.name: getattr(res, f.name) for f in fields(res)}
    if boot is not None:
        report["bootstrap"] = boot.paths.as_dict()
        report["bootstrap_detail"] = {
            "method": boot.method,
            "n_boot": boot.n_boot,
            "n_ok": boot.n_ok,
            "seed": boot.seed,
            "level": boot.level,
            "weights": boot.weights.as_dict(),
            "loadings": boot.loadings.as_dict(),
            "index": boot.index.as_dict(),
            "r2": boot.r2.as_dict(),
        }
    return json_clean(report)
