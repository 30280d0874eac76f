"""What the file commands share: the error exit, reading a transaction file, the column options.

Not a command itself (``register_all`` passes over modules whose name starts with ``_``);
polars is imported inside the functions so ``cxm --help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

# The options several commands spell alike (same flag, same help).
TransactionsFile = Annotated[Path, typer.Argument(help="CSV (or .parquet) of transactions, one row each.")]
CustomerColumn = Annotated[str, typer.Option(help="Column of the customer id.")]
DateColumn = Annotated[str, typer.Option(help="Column of the transaction date (ISO date or YYYYMMDD).")]


def fail(message: str) -> typer.Exit:
    """Print ``error: MESSAGE`` to standard error; the caller raises the returned exit (code 2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def read_table(path: Path):
    """The file as a polars frame: ``.parquet`` by its suffix, anything else as CSV.

    A missing or unreadable file ends the command through :func:`fail`.
    """
    import polars as pl

    if not path.exists():
        raise fail(f"file not found: {path}")
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        return pl.read_csv(path, infer_schema_length=None)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as exc:
        raise fail(f"cannot read {path}: {exc}") from None


@contextmanager
def failing_on_bad_input(polars_message: str) -> Iterator[None]:
    """End the command (exit 2) on bad input met while analysing a frame.

    A ``ValueError`` (the analytics' own checks) is reported by its message; a polars error
    (e.g. a date that does not parse, which names the offending value) as
    ``POLARS_MESSAGE: <error>``.
    """
    import polars as pl

    try:
        yield
    except ValueError as exc:
        raise fail(str(exc)) from None
    except pl.exceptions.PolarsError as exc:
        raise fail(f"{polars_message}: {exc}") from None
