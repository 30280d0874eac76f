"""``cxm btyd`` (summarize / fit / predict) and ``cxm sbg fit``: CLV models on files.

numpy / polars / scipy are imported inside the commands so ``cxm --help`` stays instant.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cxm.analytics.jsonsafe import json_clean
from cxm.commands._common import CustomerColumn, DateColumn, TransactionsFile, fail, failing_on_bad_input, read_table

btyd_app = typer.Typer(help="Buy-till-you-die CLV models (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) on files.",
                       no_args_is_help=True)
sbg_app = typer.Typer(help="Shifted-beta-geometric retention model for contractual customers.",
                      no_args_is_help=True)

_SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


class Model(str, Enum):
    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"
    paretonbd = "paretonbd"
    gammagamma = "gammagamma"


class Freq(str, Enum):
    D = "D"
    W = "W"


class Format(str, Enum):
    text = "text"
    json = "json"


def _model_class(model: Model):
    from cxm.analytics.btyd.bgnbd import BetaGeoModel
    from cxm.analytics.btyd.gammagamma import GammaGammaModel
    from cxm.analytics.btyd.mbgnbd import ModifiedBetaGeoModel
    from cxm.analytics.btyd.paretonbd import ParetoNBDModel

    return {Model.bgnbd: BetaGeoModel, Model.mbgnbd: ModifiedBetaGeoModel,
            Model.paretonbd: ParetoNBDModel, Model.gammagamma: GammaGammaModel}[model]


def _columns(frame, names: tuple[str, ...], path: Path):
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise fail(f"{path} lacks column(s) {', '.join(missing)}; it has {', '.join(frame.columns)}")
    return [frame[c].cast(float).to_numpy() for c in names]


def _fit_model(model: Model, frame, path: Path):
    cls = _model_class(model)
    if model is Model.gammagamma:
        x, m = _columns(frame, ("frequency", "monetary_value"), path)
        return cls().fit(x, m)
    x, t_x, t = _columns(frame, ("frequency", "recency", "T"), path)
    return cls().fit(x, t_x, t)


def _fit_payload(model: Model, fitted) -> dict:
    return {"model": model.value, "method": fitted._method, "params": fitted.params_,
            "loglik": fitted.loglik_, "n": fitted.n_, "converged": fitted.converged_}


def summarize(
    transactions: TransactionsFile,
    customer: CustomerColumn,
    date: DateColumn,
    calibration_end: Annotated[str, typer.Option(help="Last day of the calibration period (YYYY-MM-DD).")],
    amount: Annotated[Optional[str], typer.Option(help="Column of the amount; adds monetary_value.")] = None,
    freq: Annotated[Freq, typer.Option(help="Time unit: D (days) or W (weeks starting Monday).")] = Freq.D,
    output: Annotated[Optional[Path], typer.Option(help="Write the CSV here instead of standard output.")] = None,
) -> None:
    """Per-customer frequency / recency / T / monetary_value, in lifetimes' conventions.

    Output CSV columns: the customer column, frequency, recency, T and (with --amount)
    monetary_value. Purchases in the same day (week) count once; frequency counts repeat
    purchases; monetary_value is the mean of the repeat purchases (0 without any).
    """
    from cxm.analytics.btyd.summary import customer_summary

    frame = read_table(transactions)
    with failing_on_bad_input(f"cannot read column {date!r} as dates"):  # date parse errors carry the value
        out = customer_summary(frame, customer=customer, date=date, amount=amount,
                               calibration_end=calibration_end, freq=freq.value)
    if output is None:
        typer.echo(out.write_csv(), nl=False)
    else:
        out.write_csv(output)
        typer.echo(f"{out.height} customers written to {output}", err=True)


def fit(
    summary: Annotated[Path, typer.Argument(help="CSV with frequency, recency, T [, monetary_value].")],
    model: Annotated[Model, typer.Option(help="Model to fit.")],
    format: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Fit a model by maximum likelihood.

    JSON keys: ``model`` (bgnbd|mbgnbd|paretonbd|gammagamma), ``method`` (display name),
    ``params`` (r, alpha, a, b | r, alpha, s, beta | p, q, gamma), ``loglik`` (sum of the
    individual log-likelihoods, as the papers report it), ``n`` (customers used; repeat
    buyers only for gammagamma) and ``converged``. The JSON file can be given back to
    ``cxm btyd predict --params``.
    """
    import warnings

    frame = read_table(summary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-convergence is reported in the output
        try:
            fitted = _fit_model(model, frame, summary)
        except ValueError as exc:
            raise fail(str(exc)) from None
    payload = _fit_payload(model, fitted)
    if format is Format.json:
        typer.echo(json.dumps(json_clean(payload), indent=2))  # a failed fit's -inf is null
        return
    typer.echo(f"{payload['method']}  n = {payload['n']}  log-likelihood = {payload['loglik']:.4f}  "
               f"converged = {payload['converged']}")
    for name, value in payload["params"].items():
        typer.echo(f"  {name:>6} = {value:.6g}")


def _load_or_fit(spec: str, model: Model, frame, path: Path, option: str):
    cls = _model_class(model)
    if spec == "fit":
        try:
            return _fit_model(model, frame, path)
        except ValueError as exc:
            raise fail(str(exc)) from None
    p = Path(spec)
    if not p.exists():
        raise fail(f"{option}: {spec!r} is neither 'fit' nor an existing JSON file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise fail(f"{option}: {p} is not JSON: {exc}") from None
    params = data.get("params", data) if isinstance(data, dict) else None
    if not isinstance(params, dict):
        raise fail(f"{option}: {p} holds no 'params' object")
    try:
        return cls.from_params(params)
    except (ValueError, TypeError) as exc:
        raise fail(f"{option}: {exc}") from None


def predict(
    summary: Annotated[Path, typer.Argument(help="CSV with frequency, recency, T [, monetary_value].")],
    model: Annotated[Model, typer.Option(help="Purchase model: bgnbd, mbgnbd or paretonbd.")],
    horizon: Annotated[float, typer.Option(help="Prediction horizon, in the summary's time unit.")],
    params: Annotated[str, typer.Option(help="JSON file from 'cxm btyd fit --format json', or 'fit'.")] = "fit",
    spend_params: Annotated[Optional[str], typer.Option(
        help="Gamma-Gamma JSON file or 'fit': adds expected_spend and clv.")] = None,
    periods: Annotated[int, typer.Option(help="Discounting periods the horizon is split into.")] = 1,
    discount_rate: Annotated[float, typer.Option(help="Discount rate per period.")] = 0.0,
    output: Annotated[Optional[Path], typer.Option(help="Write the CSV here instead of standard output.")] = None,
) -> None:
    """Per-customer predictions over the next HORIZON time units.

    Output CSV: the input's columns, then ``expected_purchases`` (E[X(T, T+horizon)]) and
    ``p_alive``; with --spend-params also ``expected_spend`` (Gamma-Gamma expected spend per
    purchase) and ``clv``: the horizon split into PERIODS equal periods, each period's
    expected purchases times expected spend, discounted by (1 + DISCOUNT_RATE)^k for period
    k = 1..PERIODS (spend units, before margin).
    """
    import numpy as np
    import polars as pl

    if model is Model.gammagamma:
        raise fail("--model must be a purchase model (bgnbd, mbgnbd, paretonbd); "
                    "give Gamma-Gamma through --spend-params")
    if not horizon > 0:
        raise fail(f"--horizon must be positive; got {horizon!r}")
    if periods < 1:
        raise fail(f"--periods must be at least 1; got {periods!r}")
    if discount_rate < 0:
        raise fail(f"--discount-rate must be non-negative; got {discount_rate!r}")
    frame = read_table(summary)
    x, t_x, t = _columns(frame, ("frequency", "recency", "T"), summary)
    fitted = _load_or_fit(params, model, frame, summary, "--params")
    try:
        cols = {
            "expected_purchases": fitted.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, t),
            "p_alive": fitted.conditional_probability_alive(x, t_x, t),
        }
        if spend_params is not None:
            from cxm.analytics.btyd.clv import discounted_clv

            (m,) = _columns(frame, ("monetary_value",), summary)
            spend = _load_or_fit(spend_params, Model.gammagamma, frame, summary, "--spend-params")
            cols["expected_spend"] = spend.conditional_expected_average_profit(x, m)
            cols["clv"] = discounted_clv(fitted, spend, x, t_x, t, m, periods=periods,
                                         period_length=horizon / periods, discount_rate=discount_rate)
    except ValueError as exc:
        raise fail(str(exc)) from None
    out = frame.with_columns([pl.Series(k, np.asarray(v, dtype=float)) for k, v in cols.items()])
    if output is None:
        typer.echo(out.write_csv(), nl=False)
    else:
        out.write_csv(output)
        typer.echo(f"{out.height} customers written to {output}", err=True)


def sbg_fit(
    survival: Annotated[Path, typer.Argument(help="CSV with columns period (0, 1, ...) and alive.")],
    format: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
    horizon: Annotated[Optional[int], typer.Option(
        help="Project survival and retention up to this period (default: observed + 5).")] = None,
) -> None:
    """Fit the shifted-beta-geometric model to a cohort's survivor counts.

    JSON keys: ``params`` (alpha, beta), ``loglik`` (with ``alive`` taken as counts),
    ``n`` (cohort size at period 0), ``converged`` and ``projection``: a list of
    ``{"period", "survival", "retention"}`` for periods 0..horizon (survival S(t) as a
    share of the cohort; retention r(t) = S(t)/S(t-1), null at period 0).
    """
    import warnings

    import numpy as np

    from cxm.analytics.btyd.sbg import ShiftedBetaGeometricModel

    frame = read_table(survival)
    period, alive = _columns(frame, ("period", "alive"), survival)
    order = np.argsort(period)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = ShiftedBetaGeometricModel().fit(alive[order], period=period[order])
        except ValueError as exc:
            raise fail(str(exc)) from None
    last = int(period.max()) + 5 if horizon is None else horizon
    if last < 0:
        raise fail(f"--horizon must be non-negative; got {horizon!r}")
    steps = np.arange(0, last + 1)
    surv = fitted.survival(steps)
    projection = [{"period": int(k), "survival": float(s),
                   "retention": None if k == 0 else float(fitted.retention_rate(k))}
                  for k, s in zip(steps, surv)]
    payload = {"model": "sbg", "params": fitted.params_, "loglik": fitted.loglik_, "n": fitted.n_,
               "converged": fitted.converged_, "projection": projection}
    if format is Format.json:
        typer.echo(json.dumps(json_clean(payload), indent=2))  # a failed fit's -inf is null
        return
    typer.echo(f"sBG  n = {fitted.n_}  log-likelihood = {fitted.loglik_:.4f}  converged = {fitted.converged_}")
    typer.echo(f"  alpha = {fitted.params_['alpha']:.6g}\n   beta = {fitted.params_['beta']:.6g}")
    typer.echo("period  survival  retention")
    for row in projection:
        ret = "" if row["retention"] is None else f"{row['retention']:.4f}"
        typer.echo(f"{row['period']:>6}  {row['survival']:.4f}    {ret}")


def register(app: typer.Typer) -> None:
    btyd_app.command("summarize")(summarize)
    btyd_app.command("fit")(fit)
    btyd_app.command("predict")(predict)
    sbg_app.command("fit")(sbg_fit)
    app.add_typer(btyd_app, name="btyd")
    app.add_typer(sbg_app, name="sbg")
