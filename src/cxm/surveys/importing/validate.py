"""Checking the answer cells of a response file against their items' scales, column at once.

Produces the problem frame of :mod:`cxm.customers.importing.validate` (``__row__``, ``field``,
``value``, ``code``, ``param``), so the shared code turns problems into issues.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cxm.analytics.questionnaire import Item
from cxm.customers.importing.readers import ROW
from cxm.customers.importing.validate import empty_problems, raw


def scale_text(item: Item) -> str:
    lo, hi = item.scale
    return f"{lo:g}–{hi:g}"


def check_items(frame: pl.DataFrame, items: Sequence[Item]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type the answer cells of ``items`` and report those that are not answers.

    A blank cell is a missing answer. A cell that is not a finite number is ``not_a_number``;
    a number that is not a whole point of the item's scale (below, above, or between two
    points, like 3.5 on a 1-5 scale) is ``out_of_scale``.

    Parameters
    ----------
    frame : polars.DataFrame
        ``__row__`` and the text column ``raw:<code>`` of every item in ``items``.
    items : sequence of Item
        The items that have a column in the file.

    Returns
    -------
    typed : polars.DataFrame
        ``__row__`` and one Int64 column per item code (None = missing or refused).
    problems : polars.DataFrame
        The problem frame.
    """
    typed_columns, parts = [], []
    for item in items:
        text = pl.col(raw(item.code))
        number = text.cast(pl.Float64, strict=False)
        given = text.is_not_null()
        not_number = given & (number.is_null() | ~number.is_finite())
        lo, hi = item.scale
        off_scale = given & ~not_number & ((number != number.round(0)) | (number < lo) | (number > hi))
        code = (pl.when(not_number).then(pl.lit("not_a_number"))
                .when(off_scale).then(pl.lit("out_of_scale")).otherwise(pl.lit(None, dtype=pl.String)))
        typed_columns.append(pl.when(given & ~not_number & ~off_scale).then(number.cast(pl.Int64))
                             .otherwise(None).alias(item.code))
        parts.append(frame.with_columns(code.alias("code")).filter(pl.col("code").is_not_null()).select(
            pl.col(ROW), pl.lit(item.code).alias("field"), text.alias("value"), pl.col("code"),
            pl.lit(scale_text(item)).alias("param"),
        ))
    typed = frame.select(pl.col(ROW), *typed_columns)
    problems = pl.concat(parts, how="vertical") if parts else empty_problems()
    return typed, problems
