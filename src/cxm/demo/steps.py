"""The demo's extension points: loading steps and chunk hooks.

A demo load is a sequence of registered **steps**, run in ``order``. The base steps
(:mod:`cxm.demo.base_steps`) use the same registry: ``reference`` (10: org tree, channels,
products, periods, departments), ``employees`` (20), ``users`` (30) and ``customers``
(50: customers, transactions and lines, streamed). A later issue adds its data by
registering a step in a module ``<app>/demo_steps.py`` (found by autodiscovery, like
``admin.py``)::

    from cxm.demo.steps import DemoContext, register

    def _reset(ctx: DemoContext) -> None:
        Case.objects.all().delete()

    @register("cases", order=110, reset=_reset)
    def cases(ctx: DemoContext) -> None:
        rng = ctx.rng("cases")              # own, reproducible random stream
        customers = ctx.customers           # one row per customer, with ids and summaries
        branch_id = ctx.ids["org_unit"]["B01"]
        ...

A step that needs every transaction (not only the per-customer summary) registers a
**chunk hook** with :func:`on_chunk`; the customers step calls it for each generated chunk,
with the database ids, so nothing has to be held for a million customers.

Reset hooks run in reverse step order before a ``--reset`` load, so that later steps'
rows (which refer to customers and org units) are deleted first.

This module imports neither Django nor the database: steps receive the writer in the
context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from .catalog import DemoLogin
from .generator import DemoSpec, Reference, rng_for

if TYPE_CHECKING:
    from .generator import Chunk


@dataclass
class ChunkIds:
    """Database ids of one chunk's rows, aligned with the chunk's frames."""

    customer_id: np.ndarray
    transaction_id: np.ndarray
    line_id: np.ndarray


@dataclass
class DemoContext:
    """What a step receives.

    Attributes
    ----------
    spec : DemoSpec
        Seed and size of the load.
    reference : Reference
        The small generated tables (org units, channels, products, periods, departments,
        employees).
    writer : Any
        The bulk writer of the connection (:class:`cxm.core.bulk.BulkWriter`).
    ids : dict
        ``ids[table][natural key] -> primary key`` for the small tables: ``"org_unit"``
        (by code), ``"channel"`` (code), ``"product"`` (sku), ``"department"`` (code),
        ``"employee"`` (employee_no), ``"user"`` (username), ``"period"`` (code).
    customers : polars.DataFrame or None
        After the customers step: one row per customer with ``id``, the generated columns
        (``customer_idx, customer_no, kind, segment, home_branch_idx, joined_on`` and the
        ``true_*`` truth) and a summary of their transactions: ``n_transactions, revenue,
        margin, first_day, last_day, n_delivered, mean_delivery_days``.
    logins : list of DemoLogin
        The demo accounts created (printed by ``cxm demo``).
    counts : dict
        Rows written per table.
    progress : bool
        Whether steps may show a progress bar.
    """

    spec: DemoSpec
    reference: Reference
    writer: Any
    progress: bool = False
    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    customers: pl.DataFrame | None = None
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str, *index: int) -> np.random.Generator:
        """An independent random stream for ``name``, reproducible from the demo seed."""
        return rng_for(self.spec.seed, name, *index)

    def add_count(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + int(n)


StepFn = Callable[[DemoContext], None]
ChunkHook = Callable[[DemoContext, "Chunk", ChunkIds], None]


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: StepFn
    reset: StepFn | None = None


_STEPS: dict[str, Step] = {}
_CHUNK_HOOKS: dict[str, ChunkHook] = {}


def register(name: str, order: int, *, reset: StepFn | None = None) -> Callable[[StepFn], StepFn]:
    """Register the decorated function as demo step ``name``, run in ascending ``order``.

    Parameters
    ----------
    name : str
        Unique step name; registering the same name again replaces the step (module
        reloads in development must not duplicate it).
    order : int
        Position in the load; base steps use 10-50, later issues 100 and up.
    reset : callable, optional
        ``reset(ctx)`` deletes the step's rows; run in reverse order before a reset load.
    """

    def decorator(fn: StepFn) -> StepFn:
        _STEPS[name] = Step(name=name, order=order, run=fn, reset=reset)
        return fn

    return decorator


def on_chunk(name: str) -> Callable[[ChunkHook], ChunkHook]:
    """Register ``fn(ctx, chunk, ids)``, called by the customers step after each chunk is written."""

    def decorator(fn: ChunkHook) -> ChunkHook:
        _CHUNK_HOOKS[name] = fn
        return fn

    return decorator


def unregister(name: str) -> None:
    """Remove step or chunk hook ``name`` (tests register temporary ones)."""
    _STEPS.pop(name, None)
    _CHUNK_HOOKS.pop(name, None)


def registered_steps() -> list[Step]:
    """All steps in load order (ties broken by name, so the order is deterministic)."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def chunk_hooks() -> list[ChunkHook]:
    return [_CHUNK_HOOKS[k] for k in sorted(_CHUNK_HOOKS)]
