"""Database look-ups of an import, in chunks, as frames.

Shared by every import (customers, products, transactions, survey responses): the codes of
a file are looked up once per distinct value, a chunk of keys per query, and what was found
comes back as a frame that :func:`.validate.check_reference` joins onto the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import polars as pl

from cxm.org.access import restrict
from cxm.org.models import OrgUnit

#: Keys per lookup query (well under SQLite's 32,766 bound parameters).
LOOKUP_CHUNK = 1000


def chunks(values: list[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def distinct(frame: pl.DataFrame, column: str) -> list[Any]:
    """The distinct non-null values of ``frame[column]``, sorted (so the queries are reproducible)."""
    return frame.get_column(column).drop_nulls().unique().sort().to_list()


def lookup(queryset_for: Callable[[list[Any]], Any], keys: list[Any], fields: tuple[str, ...]) -> list[tuple]:
    """``queryset_for(chunk).values_list(*fields)`` over all chunks of ``keys``, concatenated."""
    rows: list[tuple] = []
    for chunk in chunks(keys):
        rows.extend(queryset_for(chunk).values_list(*fields))
    return rows


def units_frame(found: Mapping[str, tuple[int, str]], user) -> pl.DataFrame:
    """The org units found for a file's keys, whether ``user`` may see them, and their kind.

    Parameters
    ----------
    found : dict of str to (int, str)
        Key as written in the file (a code, or a name) -> the unit's ``(id, kind)``.
    user : User
        The importing user; visibility goes through :func:`cxm.org.access.restrict`.

    Returns
    -------
    polars.DataFrame
        ``key, id, __kind, __kind_label`` (translated, lower case), ``__visible``: the
        ``known`` frame of :func:`.validate.check_reference`.
    """
    ids = [unit_id for unit_id, _ in found.values()]
    visible = {i for (i,) in lookup(lambda chunk: restrict(OrgUnit.objects.filter(id__in=chunk), user), ids, ("id",))}
    labels = dict(OrgUnit.Kind.choices)
    return pl.DataFrame(
        {"key": list(found), "id": ids, "__kind": [k for _, k in found.values()],
         "__kind_label": [str(labels.get(k, k)).lower() for _, k in found.values()],
         "__visible": [i in visible for i in ids]},
        schema={"key": pl.String, "id": pl.Int64, "__kind": pl.String, "__kind_label": pl.String,
                "__visible": pl.Boolean},
    )
