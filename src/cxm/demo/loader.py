"""Loading the generated demo company into the store, fast.

Small tables go through the ORM (``bulk_create``). Customers, transactions and lines are
streamed chunk by chunk through a :class:`cxm.core.bulk.BulkWriter`, which uses each database's fast
path:

- **SQLite**: ``executemany`` on the raw DB-API cursor, in batches of
  :data:`cxm.core.bulk.BATCH_ROWS`, all inside the one transaction of the load (a transaction per
  statement would fsync each time);
- **PostgreSQL**: ``COPY ... FROM STDIN`` through psycopg 3's ``cursor.copy()``, the data
  serialised to CSV by polars (in Rust, not row by row in Python).

Primary keys are assigned here (after reading the tables' current maximum), so lines can
refer to their transaction without a round trip; the sequences are moved past them at
the end.

For the big tables, secondary indexes (and on PostgreSQL the foreign-key constraints) are
dropped for the load and re-created afterwards inside the same transaction
(:meth:`cxm.core.bulk.BulkWriter.deferred_indexes`): building an index once over sorted data is much
cheaper than updating it for every row, and re-adding a foreign key validates all rows
with one join instead of one trigger call per row. Both databases have transactional DDL,
so a failed load leaves the schema as it was.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from cxm.core.bulk import bulk_writer, refresh_statistics
from cxm.core.exceptions import ApplicationError

from . import catalog
from .generator import DemoSpec, reference_tables
from .steps import DemoContext, registered_steps


# --- the load ----------------------------------------------------------------------------------
@dataclass
class DemoResult:
    """What a load did.

    Attributes
    ----------
    loaded : bool
        False when ``if_empty`` found customers and nothing was done.
    counts : dict
        Rows written per table.
    logins : list of DemoLogin
        The demo accounts (also when nothing was loaded).
    seconds : float
        Wall time of the load.
    """

    loaded: bool
    spec: DemoSpec
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[catalog.DemoLogin] = field(default_factory=list)
    seconds: float = 0.0
    context: DemoContext | None = None


def discover_steps() -> None:
    """Import the base steps and every installed app's ``demo_steps`` module."""
    from . import base_steps  # noqa: F401  (registers the base steps)

    autodiscover_modules("demo_steps")


def store_has_data(using: str = "default") -> bool:
    """Whether the store already holds an org tree, customers or transactions."""
    from cxm.customers.models import Customer, Transaction
    from cxm.org.models import OrgUnit

    return any(m.objects.using(using).exists() for m in (OrgUnit, Customer, Transaction))


def reset_demo(ctx: DemoContext) -> None:
    """Delete existing data: every step's reset hook, later steps first."""
    for step in reversed(registered_steps()):
        if step.reset is not None:
            step.reset(ctx)


def load_demo(
    *,
    seed: int = 42,
    n_customers: int = 20_000,
    reset: bool = False,
    if_empty: bool = False,
    progress: bool | None = None,
    connection=default_connection,
) -> DemoResult:
    """Generate the demo company and load it into the store, in one transaction.

    Parameters
    ----------
    seed : int
        Main seed; the same seed gives the same company.
    n_customers : int
        Number of customers (transactions follow, about ten per customer).
    reset : bool
        Delete existing data first (all steps' reset hooks).
    if_empty : bool
        Do nothing if customers exist already (so ``make demo`` starts fast the second time).
    progress : bool, optional
        Show a progress bar on stderr; default: when stderr is a terminal.
    connection
        Django connection to load into.

    Returns
    -------
    DemoResult

    Raises
    ------
    ApplicationError
        If the store holds data and neither ``reset`` nor ``if_empty`` was given.
    """
    from auditlog.context import disable_auditlog

    from cxm.customers.models import Customer

    spec = DemoSpec(seed=seed, n_customers=n_customers)
    logins = list(catalog.DEMO_LOGINS)
    if if_empty and not reset and Customer.objects.using(connection.alias).exists():
        return DemoResult(loaded=False, spec=spec, logins=logins)
    if not reset and store_has_data(connection.alias):
        raise ApplicationError(
            _("The store already holds data: load the demo with --reset to replace it, or --if-empty to keep it."),
            extra={"reset": False},
        )
    if progress is None:
        progress = sys.stderr.isatty()
    discover_steps()
    started = time.perf_counter()
    ctx = DemoContext(spec=spec, reference=reference_tables(seed), writer=bulk_writer(connection), progress=progress)
    # Seeding is a system load: no per-row audit entries (the auditlog signals are off).
    with disable_auditlog(), transaction.atomic(using=connection.alias):
        if reset:
            reset_demo(ctx)
        for step in registered_steps():
            step.run(ctx)
    refresh_statistics(connection)
    return DemoResult(
        loaded=True, spec=spec, counts=dict(ctx.counts), logins=ctx.logins or logins,
        seconds=time.perf_counter() - started, context=ctx,
    )
