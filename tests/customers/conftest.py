"""Fixtures for the import tests: a shop on top of ``org_world`` and writers of test files.

Files are generated in ``tmp_path`` (no binary fixtures in the repository): CSV through the
csv module in any encoding, XLSX through openpyxl with real date cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

Rows = Sequence[Sequence[object]]


@pytest.fixture
def english():
    """Messages in English, whatever the project's default language (the msgids are English)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def shop(org_world):
    """``org_world`` plus a second channel and product, and a customer in the team-less branch Z."""
    from cxm.customers.models import Channel, Product

    online = Channel.objects.create(code="ONLINE", name_ko="온라인", name_en="Online", kind="online")
    coffee = Product.objects.create(sku="P002", name_ko="커피", name_en="Coffee", unit_price=4500, unit_cost=1500)
    org_world.online = online
    org_world.coffee = coffee
    return org_world


@pytest.fixture
def csv_file(tmp_path) -> Callable[..., Path]:
    """Write rows (header first) as CSV; ``encoding`` and ``bom`` as Excel would."""

    def write(rows: Rows, *, name: str = "data.csv", encoding: str = "utf-8", bom: bool = False) -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        data = buffer.getvalue().encode(encoding)
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write


@pytest.fixture
def xlsx_file(tmp_path) -> Callable[..., Path]:
    """Write an XLSX workbook: ``sheets`` maps sheet name -> rows (header first).

    ``datetime.date`` values become real Excel date cells.
    """
    import openpyxl

    def write(sheets: dict[str, Rows], *, name: str = "data.xlsx") -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


@pytest.fixture
def counts() -> Callable[[], dict[str, int]]:
    """A snapshot of every table an import may write, to show that a refused file wrote nothing."""
    from auditlog.models import LogEntry

    from cxm.customers.models import Customer, Product, Transaction, TransactionLine

    def snapshot() -> dict[str, int]:
        return {
            "customers": Customer.objects.count(), "products": Product.objects.count(),
            "transactions": Transaction.objects.count(), "lines": TransactionLine.objects.count(),
            "log_entries": LogEntry.objects.count(),
        }

    return snapshot


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def refused(counts) -> Callable[..., Any]:
    """``refused(run, **kwargs)``: call the import ``run``, expect it refused, check that
    nothing was written, and return the :class:`ImportFailed`."""
    from cxm.customers.importing import ImportFailed

    def check(run: Callable[..., Any], **kwargs: Any) -> ImportFailed:
        before = counts()
        with pytest.raises(ImportFailed) as excinfo:
            run(**kwargs)
        assert counts() == before
        return excinfo.value

    return check


@pytest.fixture
def only_issue() -> Callable[[Any], Any]:
    """``only_issue(failure)``: the single issue of a refused file (lists them all if there are more)."""

    def single(failure):
        assert len(failure.issues) == 1, [(i.row, i.column, i.reason) for i in failure.issues]
        return failure.issues[0]

    return single


@pytest.fixture
def failing_bulk_create(monkeypatch) -> Callable[..., None]:
    """``failing_bulk_create(model, before=None)``: from now on ``bulk_create`` of ``model``
    raises ``RuntimeError`` (after calling ``before()``, to look at the database then)."""
    from django.db.models import QuerySet

    original = QuerySet.bulk_create

    def arm(model, before: Callable[[], None] | None = None) -> None:
        def failing(self, objs, *args, **kwargs):
            if self.model is model:
                if before is not None:
                    before()
                raise RuntimeError(f"bulk_create of {model.__name__} failed")
            return original(self, objs, *args, **kwargs)

        monkeypatch.setattr(QuerySet, "bulk_create", failing)

    return arm
