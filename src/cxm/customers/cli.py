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
