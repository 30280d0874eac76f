"""``cxm demo``: load the seeded demo company and print a login for each role."""

from __future__ import annotations

import typer


def demo(
    seed: int = typer.Option(42, help="Random seed; the same seed gives the same company."),
    customers: int = typer.Option(20_000, min=1, help="Number of customers."),
    scale: float = typer.Option(
        1.0, min=0.0001, help="Multiply the number of customers (50 -> 1,000,000 customers, about 10,000,000 transactions)."
    ),
    reset: bool = typer.Option(False, "--reset", help="Delete existing data first."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if customers exist already."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar (only on a terminal)."),
) -> None:
    """Generate the demo company into the database and print a login for each role."""
    import sys

    from cxm.cli import setup_django

    setup_django()
    from django.utils.translation import gettext as _

    from cxm.core.exceptions import ApplicationError
    from cxm.demo.loader import load_demo

    n_customers = max(1, round(customers * scale))
    try:
        result = load_demo(seed=seed, n_customers=n_customers, reset=reset, if_empty=if_empty,
                           progress=progress and sys.stderr.isatty())
    except ApplicationError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from None
    if result.loaded:
        typer.echo(
            _("Demo company loaded in %(seconds).1f s: %(customers)s customers, %(transactions)s transactions, "
              "%(lines)s lines.")
            % {
                "seconds": result.seconds,
                "customers": f"{result.counts.get('customer', 0):,}",
                "transactions": f"{result.counts.get('transaction', 0):,}",
                "lines": f"{result.counts.get('transaction_line', 0):,}",
            }
        )
    else:
        typer.echo(_("Customers exist already; the demo was not loaded again (use --reset to replace the data)."))
    print_logins(result.logins)


def print_logins(logins) -> None:
    """Print the demo accounts as a table: username, password, role, scope."""
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.table import Table

    from cxm.org.access import ALL_UNITS_ROLES
    from cxm.org.models import OrgUnit, User

    names = {u.code: u.name for u in OrgUnit.objects.filter(code__in={c for lg in logins for c in lg.units})}
    table = Table(title=_("Demo logins"), title_justify="left")
    for header in (_("Username"), _("Password"), _("Role"), _("Scope")):
        table.add_column(header)
    for login in logins:
        if login.role in ALL_UNITS_ROLES:
            scope = _("all units")
        else:
            scope = ", ".join(f"{names.get(code, code)} ({code})" for code in login.units)
        table.add_row(login.username, login.password, str(User.Role(login.role).label), scope)
    console = Console(soft_wrap=True)
    console.print(table)
    console.print(_("Sign in at http://127.0.0.1:8000/ with one of these accounts."))
    from cxm.surveys.selectors import open_survey_links

    for link in open_survey_links()[:1]:
        console.print(_("A customer survey open now (%(unit)s, no account needed): %(url)s")
                      % {"unit": link.org_unit.name, "url": f"http://127.0.0.1:8000/s/{link.token}/"})
