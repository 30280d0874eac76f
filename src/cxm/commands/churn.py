"""``cxm churn``: churn classifier on a transaction file, validated on a time-based holdout.

numpy / polars / scikit-learn are imported inside the command so ``cxm --help`` stays instant.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Optional

import typer

from cxm.commands._common import CustomerColumn, DateColumn, TransactionsFile, failing_on_bad_input, read_table


class Format(str, Enum):
    json = "json"
    table = "table"


class Model(str, Enum):
    logistic = "logistic"
    gbm = "gbm"


def churn(
    transactions: TransactionsFile,
    customer: CustomerColumn,
    date: DateColumn,
    cutoff: Annotated[str, typer.Option(help="Training cutoff t0 (YYYY-MM-DD); the test cutoff is t0 + horizon.")],
    horizon: Annotated[int, typer.Option(help="Days: churned = no purchase in the next HORIZON days.")],
    amount: Annotated[Optional[str], typer.Option(help="Column of the amount; adds the spend features.")] = None,
    model: Annotated[Model, typer.Option(help="logistic (standardised logistic regression) or gbm "
                                              "(gradient boosting).")] = Model.logistic,
    format: Annotated[Format, typer.Option("--format", help="json or table.")] = Format.table,
) -> None:
    """Churn classifier validated on a time-based holdout.

    Non-contractual churn: a customer is churned at a cutoff when they make no purchase in
    the following HORIZON days. The model is trained on the features at t0 = CUTOFF
    (labels from (t0, t0 + H]) and tested on the features at t1 = t0 + H (labels from
    (t1, t1 + H]), so the file must reach t0 + 2H. Features and metrics: see
    ``cxm.analytics.churn``.

    ``--format json`` prints one object (a stable contract):

    * ``model`` ("logistic" | "gbm"), ``train_cutoff``, ``test_cutoff`` (ISO dates),
      ``horizon_days``, ``features`` (list of feature names);
    * ``n_train``, ``n_test`` (customers), ``train_churn_rate``, ``test_churn_rate``;
    * ``auc`` (test ROC AUC), ``brier`` (test Brier score), ``top_decile_lift`` (churn rate
      of the 10 % highest-risk test customers over the test churn rate);
    * ``calibration``: list of deciles of the predicted probability, lowest first, each
      ``{"bin", "n", "mean_predicted", "observed_rate", "min_predicted", "max_predicted"}``;
    * ``coefficients`` (logistic: per standardised log-feature, positive = more risk, and
      ``missingindicator_<feature>`` columns; plus ``intercept``) or ``importances`` (gbm:
      permutation importance = drop of the training AUC); the other key is null.

    Numbers that are not finite (e.g. the lift when nobody churned) are null.
    """
    import dataclasses

    import polars as pl

    from cxm.analytics.churn import holdout_validate

    frame = read_table(transactions)
    with failing_on_bad_input(f"cannot read column {date!r} as dates"):
        result = holdout_validate(frame, customer=customer, date=date, amount=amount, cutoff=cutoff,
                                  horizon_days=horizon, model=model.value)

    logistic = model is Model.logistic
    out = result.to_dict()
    if format is Format.json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"Churn model ({result.model}), horizon {result.horizon_days} days: "
               f"train at {out['train_cutoff']} (n = {result.n_train}, churn rate {result.train_churn_rate:.3f}), "
               f"test at {out['test_cutoff']} (n = {result.n_test}, churn rate {result.test_churn_rate:.3f})")
    typer.echo(f"AUC {result.auc:.4f}   Brier {result.brier:.4f}   top-decile lift {result.top_decile_lift:.3f}")
    cal = pl.DataFrame([dataclasses.asdict(b) for b in result.calibration]).select(
        "bin", "n", "mean_predicted", "observed_rate")
    drivers = pl.DataFrame({"feature": list(result.drivers), ("coefficient" if logistic else "importance"):
                            list(result.drivers.values())})
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        typer.echo("Calibration (test deciles of the predicted probability):")
        typer.echo(str(cal))
        typer.echo(str(drivers))


def register(app: typer.Typer) -> None:
    app.command("churn")(churn)
