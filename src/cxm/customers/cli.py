"""Store commands for the customer base: import files, list customers (as a user)."""

from __future__ import annotations

import json
import unicodedata
from enum import Enum
from pathlib import Path

import typer

import_app = typer.Typer(help="Import customers, products and transactions from CSV or XLSX.", no_args_is_help=True)
customers_app = typer.Typer(help="Customers, as the acting user may see them.", no_args_is_help=True)


@customers_app.command("list")
def customers_list(
    user: str = typer.Option(..., "--user", help="Act as this user (their access rules apply)."),
    unit: str = typer.Option(None, "--unit", help="Only this org unit's subtree (code)."),
    limit: int = typer.Option(50, help="At most this many rows."),
) -> None:
    """List the customers the acting user may see."""
    from cxm.cli import acting_user, setup_django

    setup_django()
    from cxm.customers.selectors import customer_mask, customer_queryset

    acting = acting_user(user)
    for c in customer_mask(customer_queryset(user=acting, unit_code=unit)[:limit], user=acting):
        typer.echo(f"{c.customer_no}\t{c.display_name}\t{c.home_unit.code}")


@customers_app.command("show")
def customers_show(
    customer_no: str = typer.Argument(..., help="Customer number."),
    user: str = typer.Option(..., "--user", help="Act as this user (their access rules apply)."),
) -> None:
    """Show one customer, if the acting user may see it (else: not found, exit code 1)."""
    from cxm.cli import acting_user, setup_django

    setup_django()
    from cxm.customers.selectors import customer_get

    customer = customer_get(user=acting_user(user), customer_no=customer_no)
    if customer is None:
        typer.echo(f"customer {customer_no} not found", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"customer_no\t{customer.customer_no}")
    typer.echo(f"name\t{customer.display_name}")
    typer.echo(f"home_unit\t{customer.home_unit.code}")
    typer.echo(f"segment\t{customer.segment}")
    typer.echo(f"joined_on\t{customer.joined_on.isoformat()}")


# --- cxm import customers|products|transactions ---------------------------------------------
# Only the import commands live below; heavy modules (polars, the models) load inside them.


class ImportEncoding(str, Enum):
    AUTO = "auto"
    UTF8 = "utf-8"
    CP949 = "cp949"


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


_FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A .csv or .xlsx file.")
_USER = typer.Option(..., "--user", help="Import as this user (admin or CS manager; their org units apply).")
_MAP = typer.Option(None, "--map", metavar="FIELD=COLUMN",
                    help="Take FIELD from the column with this header, e.g. --map customer_no=고객번호. Repeatable.")
_ENCODING = typer.Option(ImportEncoding.AUTO, "--encoding", case_sensitive=False,
                         help="CSV encoding; auto = UTF-8 (with or without BOM), else CP949.")
_SHEET = typer.Option(None, "--sheet", help="XLSX sheet name (default: the first sheet).")
_FORMAT = typer.Option(OutputFormat.TABLE, "--format", case_sensitive=False,
                       help="table for people; json for scripts (a stable contract).")


@import_app.command("customers")
def import_customers(file: Path = _FILE, user: str = _USER, maps: list[str] = _MAP,
                     encoding: ImportEncoding = _ENCODING, sheet: str = _SHEET,
                     output: OutputFormat = _FORMAT) -> None:
    """Import new customers (customer_no, name, home_unit, joined_on, ...), all or nothing."""
    _run_import("customers", file, user, maps, encoding, sheet, output)


@import_app.command("products")
def import_products(file: Path = _FILE, user: str = _USER, maps: list[str] = _MAP,
                    encoding: ImportEncoding = _ENCODING, sheet: str = _SHEET,
                    output: OutputFormat = _FORMAT) -> None:
    """Import new products (sku, name_ko, unit_price, unit_cost, ...), all or nothing."""
    _run_import("products", file, user, maps, encoding, sheet, output)


@import_app.command("transactions")
def import_transactions(file: Path = _FILE, user: str = _USER, maps: list[str] = _MAP,
                        encoding: ImportEncoding = _ENCODING, sheet: str = _SHEET,
                        output: OutputFormat = _FORMAT) -> None:
    """Import new transactions, one row per line (txn_no, branch, channel, date, sku, quantity, amount, ...)."""
    _run_import("transactions", file, user, maps, encoding, sheet, output)


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """``["customer_no=고객번호", ...]`` -> ``{"customer_no": "고객번호"}`` (split at the first ``=``)."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        target, sep, column = pair.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise typer.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        mapping[target.strip()] = column.strip()
    return mapping


def _run_import(entity: str, file: Path, username: str, maps: list[str] | None, encoding: ImportEncoding,
                sheet: str | None, output: OutputFormat) -> None:
    from cxm.cli import acting_user, setup_django

    mapping = parse_mapping(maps)
    setup_django()
    from django.utils.translation import gettext as _

    from cxm.core.exceptions import ApplicationError
    from cxm.customers import importing
    from cxm.customers.importing import ImportFailed, ImportOptions

    run = {"customers": importing.customers_import, "products": importing.products_import,
           "transactions": importing.transactions_import}[entity]
    acting = acting_user(username)
    try:
        result = run(file=file, user=acting, mapping=mapping,
                     options=ImportOptions(encoding=encoding.value, sheet=sheet, source_name=file.name))
    except ImportFailed as failure:
        _print_failure(failure.message, failure.total, [i.as_dict() for i in failure.issues], output)
        raise typer.Exit(code=1) from None
    except ApplicationError as error:  # e.g. AccessDenied: the user may not import
        _print_failure(error.message, 0, [], output)
        raise typer.Exit(code=1) from None

    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"ok": True, **result.as_dict()}, ensure_ascii=False, indent=2))
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in result.created.items())
    typer.echo(_("Imported %(counts)s from %(file)s (%(rows)d rows read).")
               % {"counts": counts, "file": file.name, "rows": result.rows_read})
    if result.unused_columns:
        typer.echo(_("Columns not imported: %(columns)s") % {"columns": ", ".join(result.unused_columns)})


def _print_failure(message: str, total: int, issues: list[dict], output: OutputFormat) -> None:
    from django.utils.translation import gettext as _

    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"ok": False, "message": message, "total": total, "issues": issues},
                              ensure_ascii=False, indent=2))
        return
    if issues:
        header = (_("row"), _("column"), _("value"), _("reason"))
        rows = [("" if i["row"] is None else str(i["row"]), i["column"] or "", _clip(i["value"] or ""), i["reason"])
                for i in issues]
        typer.echo(format_table(header, rows))
        if total > len(issues):
            typer.echo(_("Showing the first %(shown)d of %(total)d problems.") % {"shown": len(issues), "total": total})
    typer.echo(message, err=not issues)


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _display_width(text: str) -> int:
    # Hangul and other wide characters take two terminal cells.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A plain-text table whose columns line up in a terminal, Korean text included."""
    widths = [max(_display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = [c + " " * (w - _display_width(c)) for c, w in zip(cells[:-1], widths[:-1])]
        return "  ".join([*padded, cells[-1]]).rstrip()

    rule = tuple("-" * w for w in widths)
    return "\n".join([line(header), line(rule), *(line(r) for r in rows)])
