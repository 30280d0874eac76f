"""Store commands for the customer base: import files, list customers (as a user)."""

from __future__ import annotations

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
    from cxm.customers.selectors import customer_list

    acting = acting_user(user)
    for c in customer_list(user=acting, unit_code=unit)[:limit]:
        typer.echo(f"{c.customer_no}\t{c.display_name}\t{c.home_unit.code}")
