"""``cxm crosssell``: pair association rules (support, confidence, lift) over customer baskets.

numpy / polars / scipy are imported inside the command so ``cxm --help`` stays instant.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cxm.commands._common import CustomerColumn, fail, failing_on_bad_input, read_table


class Format(str, Enum):
    json = "json"
    table = "table"


def crosssell(
    transactions: Annotated[Path, typer.Argument(help="CSV (or .parquet), one row per purchase of a product.")],
    customer: CustomerColumn,
    product: Annotated[str, typer.Option(help="Column of the product id.")],
    min_support: Annotated[float, typer.Option(help="Minimum support of a rule (share of customers, 0-1).")] = 0.0,
    min_count: Annotated[int, typer.Option(help="Minimum number of customers behind a rule.")] = 1,
    top: Annotated[int, typer.Option(help="Print at most this many rules (highest lift first).")] = 20,
    date: Annotated[Optional[str], typer.Option(help="Column of the purchase date (needed by --next).")] = None,
    next_: Annotated[bool, typer.Option("--next/--together",
                                        help="--next: A -> B counts customers who first bought B on a later day "
                                             "than A; --together (default): customers who bought both.")] = False,
    format: Annotated[Format, typer.Option("--format", help="json or table.")] = Format.table,
) -> None:
    """Cross-sell rules A -> B between products over customer baskets.

    With N customers, n_A buying A and n_AB buying A and B (or, with --next, A and later
    B): support = n_AB / N, confidence = n_AB / n_A, lift = confidence / (n_B / N). See
    ``cxm.analytics.crosssell``.

    ``--format json`` prints one object (a stable contract):

    * ``n_customers``, ``n_products``, ``min_support``, ``min_count``, ``sequential``
      (true with --next), ``n_rules`` (rules passing the thresholds);
    * ``rules``: the first ``--top`` rules by lift (then confidence, count), each
      ``{"antecedent", "consequent", "count", "antecedent_count", "consequent_count",
      "support", "confidence", "lift"}``.
    """
    import polars as pl

    from cxm.analytics.crosssell import CrossSell
    from cxm.analytics.jsonsafe import json_clean

    if top < 1:
        raise fail("--top must be at least 1")
    frame = read_table(transactions)
    with failing_on_bad_input("cannot read the file's columns"):
        model = CrossSell(min_support=min_support, min_count=min_count, sequential=next_).fit(
            frame, customer=customer, product=product, date=date)
    rules = model.rules_.head(top)
    if format is Format.json:
        out = {"n_customers": model.n_baskets_, "n_products": model.products_.len(), "min_support": min_support,
               "min_count": min_count, "sequential": next_, "n_rules": model.rules_.height, "rules": rules.to_dicts()}
        typer.echo(json.dumps(json_clean(out), ensure_ascii=False, default=str))
        return
    kind = "bought next" if next_ else "bought together"
    typer.echo(f"Cross-sell rules ({kind}): {model.n_baskets_} customers, {model.products_.len()} products, "
               f"{model.rules_.height} rules with support >= {min_support:g} and count >= {min_count}")
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        typer.echo(str(rules.select("antecedent", "consequent", "count", "support", "confidence", "lift")))


def register(app: typer.Typer) -> None:
    app.command("crosssell")(crosssell)
