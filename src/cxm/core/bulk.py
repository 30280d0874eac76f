"""Bulk writes into the store through each database's fastest path.

- **SQLite**: ``executemany`` on the raw DB-API cursor, in batches of
  :data:`BATCH_ROWS`, inside the caller's transaction (a transaction per statement would
  fsync each time);
- **PostgreSQL**: ``COPY ... FROM STDIN`` through psycopg 3's ``cursor.copy()``, the data
  serialised to CSV by polars (in Rust, not row by row in Python).

Callers assign primary keys themselves (:meth:`BulkWriter.max_id`) and move the
sequences past them afterwards (:meth:`BulkWriter.reset_sequences`).
:meth:`BulkWriter.deferred_indexes` drops secondary indexes (and on PostgreSQL foreign
keys) for a large load and re-creates them inside the same transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import polars as pl
from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import models

#: Rows per ``executemany`` / ``COPY`` batch: big enough to amortise the call, small enough
#: that the Python row tuples of one batch stay a few tens of MB.
BATCH_ROWS = 50_000

#: SQLite page cache during the load (KiB, negative = size, not pages): the index builds
#: sort in it. Counted in the process's memory, so kept well below the 2 GB budget.
SQLITE_CACHE_KIB = 262_144


class BulkWriter:
    """Insert polars frames into model tables through a database's fastest path.

    Frames carry database column names (``customer_id``, not ``customer``) and must
    include the primary key. Date columns are written as ISO dates, datetime columns as
    UTC timestamps, booleans as booleans.

    Parameters
    ----------
    connection : django.db.backends.base.base.BaseDatabaseWrapper
        The Django connection; must be inside a transaction (``atomic``) while writing.
    batch_rows : int
        Rows per round trip.
    """

    vendor = "generic"

    def __init__(self, connection=default_connection, *, batch_rows: int = BATCH_ROWS) -> None:
        self.connection = connection
        self.batch_rows = batch_rows

    # --- shared helpers ---
    def table(self, model: type[models.Model]) -> str:
        return self.connection.ops.quote_name(model._meta.db_table)

    def _columns(self, model: type[models.Model], frame: pl.DataFrame) -> list[str]:
        known = {f.column for f in model._meta.concrete_fields}
        unknown = [c for c in frame.columns if c not in known]
        if unknown:
            raise ValueError(f"{model.__name__} has no column(s) {unknown}")
        return list(frame.columns)

    def _insert_sql(self, model: type[models.Model], frame: pl.DataFrame, placeholder: str) -> str:
        columns = self._columns(model, frame)
        return "INSERT INTO {} ({}) VALUES ({})".format(
            self.table(model),
            ", ".join(self.connection.ops.quote_name(c) for c in columns),
            ", ".join([placeholder] * len(columns)),
        )

    def max_id(self, model: type[models.Model]) -> int:
        """The largest primary key in ``model``'s table (0 when empty)."""
        with self.connection.cursor() as cur:
            cur.execute(f"SELECT MAX({self.connection.ops.quote_name(model._meta.pk.column)}) FROM {self.table(model)}")
            value = cur.fetchone()[0]
        return int(value or 0)

    def new_ids(self, model: type[models.Model], n: int) -> pl.Series:
        """``n`` fresh primary keys for ``model``, ascending, that no other writer will take.

        Here the ids after the largest one: the caller's transaction must hold the table's
        write lock (SQLite's database lock, taken by any earlier write of the transaction).
        """
        first = self._last_id(model) + 1
        return pl.int_range(first, first + n, dtype=pl.Int64, eager=True)

    def _last_id(self, model: type[models.Model]) -> int:
        return self.max_id(model)

    def reset_sequences(self, models_: Sequence[type[models.Model]]) -> None:
        """Move the id sequences past the ids written (PostgreSQL; no-op elsewhere)."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(models_))
        with self.connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    def _prepare(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Dates to ISO text, datetimes to the backend's timestamp text."""
        exprs = []
        for name, dtype in frame.schema.items():
            if dtype == pl.Date:
                exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
            elif isinstance(dtype, pl.Datetime):
                utc = pl.col(name).dt.convert_time_zone("UTC")
                # Microseconds only where there are any, as Django writes them (str(datetime)).
                exprs.append(pl.when(utc.dt.microsecond() == 0)
                             .then(utc.dt.strftime(self._timestamp_format.format(fraction="")))
                             .otherwise(utc.dt.strftime(self._timestamp_format.format(fraction="%.6f")))
                             .alias(name))
        return frame.with_columns(exprs) if exprs else frame

    _timestamp_format = "%Y-%m-%d %H:%M:%S{fraction}"

    def write(self, model: type[models.Model], frame: pl.DataFrame) -> int:
        """Insert all rows of ``frame`` into ``model``'s table; returns the row count."""
        if frame.height == 0:
            return 0
        sql = self._insert_sql(model, frame, "%s")
        frame = self._prepare(frame)
        with self.connection.cursor() as cur:
            for batch in frame.iter_slices(self.batch_rows):
                cur.executemany(sql, list(_rows(batch)))
        return frame.height

    @contextmanager
    def deferred_indexes(self, models_: Sequence[type[models.Model]]) -> Iterator[None]:
        """Nothing to defer in the generic writer."""
        yield


def _rows(frame: pl.DataFrame) -> Iterator[tuple]:
    # Column lists zipped are a little faster than DataFrame.iter_rows() (measured).
    return zip(*(s.to_list() for s in frame.get_columns()), strict=True)


class SqliteWriter(BulkWriter):
    """SQLite: ``executemany`` on the raw ``sqlite3`` cursor (skips Django's per-call wrapping)."""

    vendor = "sqlite"

    def write(self, model: type[models.Model], frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        sql = self._insert_sql(model, frame, "?")  # the raw sqlite3 cursor's paramstyle
        frame = self._prepare(frame)
        self.connection.ensure_connection()
        raw = self.connection.connection.cursor()
        try:
            with self.connection.wrap_database_errors:  # sqlite3's errors as Django's (IntegrityError...)
                for batch in frame.iter_slices(self.batch_rows):
                    raw.executemany(sql, _rows(batch))
        finally:
            raw.close()
        return frame.height

    def _last_id(self, model: type[models.Model]) -> int:
        # Past sqlite_sequence too: an AUTOINCREMENT table never reuses the ids of deleted rows.
        with self.connection.cursor() as cur:
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
            row = cur.fetchone()
        return max(self.max_id(model), int(row[0]) if row else 0)

    @contextmanager
    def deferred_indexes(self, models_: Sequence[type[models.Model]]) -> Iterator[None]:
        """Drop the non-unique indexes of ``models_`` and re-create them on exit.

        Unique indexes (primary keys, ``unique=True``) stay, so uniqueness is checked as
        rows arrive. Foreign keys stay enforced: SQLite checks them cheaply by primary key.
        """
        tables = [m._meta.db_table for m in models_]
        with self.connection.cursor() as cur:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                tables,
            )
            indexes = [(name, sql) for name, sql in cur.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
            cur.execute("PRAGMA cache_size")
            old_cache = cur.fetchone()[0]
            cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            for name, _ in indexes:
                cur.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            with self.connection.cursor() as cur:
                for _, sql in indexes:
                    cur.execute(sql)
                cur.execute(f"PRAGMA cache_size = {int(old_cache)}")


class PostgresWriter(BulkWriter):
    """PostgreSQL: ``COPY FROM STDIN`` in CSV, written by polars."""

    vendor = "postgresql"
    _timestamp_format = "%Y-%m-%d %H:%M:%S{fraction}+00"

    def write(self, model: type[models.Model], frame: pl.DataFrame) -> int:
        if frame.height == 0:
            return 0
        columns = self._columns(model, frame)
        frame = self._prepare(frame)
        qn = self.connection.ops.quote_name
        # CSV: an unquoted empty field is NULL, a quoted "" the empty string; polars writes
        # exactly that with its default quoting.
        sql = f"COPY {self.table(model)} ({', '.join(qn(c) for c in columns)}) FROM STDIN WITH (FORMAT csv)"
        with self.connection.cursor() as cur, self.connection.wrap_database_errors:  # psycopg's errors as Django's
            with cur.cursor.copy(sql) as copy:
                for batch in frame.iter_slices(self.batch_rows):
                    buf = io.BytesIO()
                    batch.write_csv(buf, include_header=False)
                    copy.write(buf.getbuffer())
        return frame.height

    def new_ids(self, model: type[models.Model], n: int) -> pl.Series:
        """``n`` values of ``model``'s id sequence: safe beside concurrent inserts, no lock needed."""
        with self.connection.cursor() as cur:
            # The sequence's name first: looked up in the same query, it would be looked up per row (7x slower).
            cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.table(model), model._meta.pk.column])
            sequence = cur.fetchone()[0]
            cur.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, n])
            ids = cur.fetchone()[0] or []
        return pl.Series("id", ids, dtype=pl.Int64).sort()

    @contextmanager
    def deferred_indexes(self, models_: Sequence[type[models.Model]]) -> Iterator[None]:
        """Drop foreign keys and plain indexes of ``models_``; re-create them on exit.

        What PostgreSQL's manual recommends for populating a database ("Populating a
        Database": remove indexes and foreign-key constraints, COPY, re-create). Primary
        keys and unique constraints stay. ``SET CONSTRAINTS ALL IMMEDIATE`` first fires the
        deferred checks already queued in this transaction: ``ALTER TABLE`` refuses to run
        while a table has pending trigger events.
        """
        fkeys: list[tuple[str, str, str]] = []
        indexes: list[tuple[str, str]] = []
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model in models_:
                table = model._meta.db_table
                cur.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                fkeys += [(table, name, definition) for name, definition in cur.fetchall()]
                cur.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                    "ORDER BY c.relname",
                    [table],
                )
                indexes += list(cur.fetchall())
            for table, name, _ in fkeys:
                cur.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _ in indexes:
                cur.execute(f"DROP INDEX {qn(name)}")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        try:
            yield
        finally:
            with self.connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Index builds sort in maintenance_work_mem (server memory, for this transaction only).
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for _, definition in indexes:
                    cur.execute(definition)
                for table, name, definition in fkeys:
                    cur.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
                for model in models_:
                    cur.execute(f"ANALYZE {self.table(model)}")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")


def bulk_writer(connection=default_connection, *, batch_rows: int = BATCH_ROWS) -> BulkWriter:
    """The fastest writer for ``connection``'s database."""
    cls = {"sqlite": SqliteWriter, "postgresql": PostgresWriter}.get(connection.vendor, BulkWriter)
    return cls(connection, batch_rows=batch_rows)


def refresh_statistics(connection=default_connection) -> None:
    """Update the query planner's statistics after a bulk load.

    Without them a fresh SQLite file has none at all, and the planner may pick a poor index
    (a join of 20,000 scores through the wrong one takes a minute instead of milliseconds).
    SQLite samples (``analysis_limit``) so that this stays fast at millions of rows.
    """
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit = 1000")
        cur.execute("ANALYZE")
