"""``cxm rfm``: RFM values, quintile scores and segments of a transaction file.

numpy / polars are imported inside the command so ``cxm --help`` stays instant.
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
    csv = "csv"


def rfm(
    transactions: TransactionsFile,
    customer: CustomerColumn,
    date: DateColumn,
    amount: Annotated[str, typer.Option(help="Column of the transaction amount.")],
    as_of: Annotated[Optional[str], typer.Option(
        help="As-of date (YYYY-MM-DD); default: the latest transaction date in the file.")] = None,
    format: Annotated[Format, typer.Option("--format", help="json, table (segment summary) or csv "
                                                            "(per-customer table).")] = Format.table,
    customers: Annotated[bool, typer.Option("--customers/--no-customers",
                                            help="JSON: include the per-customer table.")] = True,
) -> None:
    """RFM analysis: recency (days), frequency, monetary, 1-5 quintile scores and segments.

    Scores and segment rules: see ``cxm.analytics.rfm`` (ties share the score of their
    lowest rank; more recent = higher R score; segments from the R and F scores).

    ``--format json`` prints one object (a stable contract):

    * ``as_of`` (ISO date), ``n`` (customers), ``method`` ("rfm-quintile");
    * ``segments``: list in the fixed segment order (champions, loyal, potential loyal,
      new, at risk, can't lose, hibernating, lost), each ``{"segment", "customers",
      "share", "recency_mean", "frequency_mean", "monetary_mean", "monetary_total"}``
      (means null for an empty segment);
    * ``customers`` (unless ``--no-customers``): list of ``{"customer", "recency",
      "frequency", "monetary", "r_score", "f_score", "m_score", "segment"}``, sorted by
      customer.

    ``--format csv`` prints the per-customer table (customer column under its original
    name); ``--format table`` the segment summary.
    """
    import polars as pl

    from cxm.analytics.rfm import SEGMENTS, rfm_table

    frame = read_table(transactions)
    with failing_on_bad_input(f"cannot read column {date!r} as dates"):  # date parse errors carry the value
        if as_of is None:
            from cxm.analytics.rfm import day_expr

            if date not in frame.columns:
                raise ValueError(f"column {date!r} not found; columns are {frame.columns!r}")
            latest = frame.select(day_expr(frame.schema, date).max()).item()
            if latest is None:
                raise ValueError(f"{transactions} has no transactions")
            as_of = latest.isoformat()
        table = rfm_table(frame, customer=customer, date=date, amount=amount, as_of=as_of)

    if format is Format.csv:
        typer.echo(table.write_csv(), nl=False)
        return
    n = table.height
    summary = (pl.DataFrame({"segment": list(SEGMENTS)}).with_row_index("_i")
               .join(table.group_by("segment").agg(
                   pl.len().alias("customers"), pl.col("recency").mean().alias("recency_mean"),
                   pl.col("frequency").mean().alias("frequency_mean"),
                   pl.col("monetary").mean().alias("monetary_mean"),
                   pl.col("monetary").sum().alias("monetary_total")), on="segment", how="left")
               .sort("_i").drop("_i")
               .with_columns(pl.col("customers").fill_null(0), pl.col("monetary_total").fill_null(0.0))
               .with_columns((pl.col("customers") / max(n, 1)).alias("share"))
               .select("segment", "customers", "share", "recency_mean", "frequency_mean", "monetary_mean",
                       "monetary_total"))
    if format is Format.table:
        typer.echo(f"RFM as of {as_of}: {n} customers")
        with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
            typer.echo(str(summary))
        return
    out = {"as_of": str(as_of), "n": n, "method": "rfm-quintile", "segments": summary.to_dicts()}
    if customers:
        out["customers"] = table.rename({customer: "customer"}).to_dicts()
    typer.echo(json.dumps(out, ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    app.command("rfm")(rfm)
