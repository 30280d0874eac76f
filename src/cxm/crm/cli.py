"""Store commands of the customer analytics: ``cxm crm score|equity|show`` (as a user)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import typer

crm_app = typer.Typer(help="Customer scores (RFM, lifecycle, P(alive), CLV) and customer equity.",
                      no_args_is_help=True)


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


_USER = typer.Option(..., "--user", help="Act as this user (their access rules apply).")
_FORMAT = typer.Option(OutputFormat.TABLE, "--format", case_sensitive=False, help="table for people; json for scripts.")


def _date(value: str | None, option: str):
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


@crm_app.command("score")
def score(
    as_of: str = typer.Option(..., "--as-of", help="Score at this date (YYYY-MM-DD); later transactions are ignored."),
    user: str = _USER,
    output: OutputFormat = _FORMAT,
) -> None:
    """Compute every customer's scores at a date and replace that date's stored scores (admin or analyst)."""
    from cxm.cli import acting_user, setup_django

    day = _date(as_of, "--as-of")
    setup_django()
    from django.utils.translation import gettext as _

    from cxm.core.exceptions import ApplicationError
    from cxm.crm.services import scores_compute

    try:
        run = scores_compute(as_of=day, user=acting_user(user))
    except ApplicationError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from None
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"as_of": run.as_of.isoformat(), "n_customers": run.n_customers,
                               "n_buyers": run.n_buyers, "models": run.models_fit, "settings": run.settings,
                               "seconds": run.seconds}, ensure_ascii=False, indent=2))
        return
    typer.echo(_("Scored %(n)s customers as of %(date)s in %(seconds).1f s.")
               % {"n": f"{run.n_customers:,}", "date": run.as_of.isoformat(), "seconds": run.seconds})
    for fit in run.models_fit.values():
        if fit.get("params"):
            params = ", ".join(f"{k}={v:.4g}" for k, v in fit["params"].items())
            typer.echo(f"{fit['method']}: {params}; loglik={fit['loglik']:.2f}; n={fit['n']:,}; "
                       f"converged={fit['converged']}")
        elif fit.get("skipped"):
            typer.echo(f"- {fit['skipped']}")


class EquityBy(str, Enum):
    BRANCH = "branch"
    SEGMENT = "segment"


@crm_app.command("equity")
def equity(
    user: str = _USER,
    by: EquityBy = typer.Option(EquityBy.BRANCH, "--by", case_sensitive=False, help="Group by branch or RFM segment."),
    unit: str = typer.Option(None, "--unit", help="Only this org unit's subtree (code)."),
    as_of: str = typer.Option(None, "--as-of", help="A scored date (default: the latest)."),
    output: OutputFormat = _FORMAT,
) -> None:
    """Customer equity (sum of CLV) per branch or segment, over the customers the user may see."""
    from cxm.cli import acting_user, setup_django

    day = _date(as_of, "--as-of")
    setup_django()
    from django.utils.translation import gettext as _

    from cxm.customers.cli import format_table
    from cxm.crm import selectors

    acting = acting_user(user)
    run = selectors.run_get(as_of=day)
    if run is None or (day is not None and run.as_of != day):
        typer.echo(_("No scores for that date; compute them with `cxm crm score`."), err=True)
        raise typer.Exit(code=1)
    rows = selectors.customer_equity(user=acting, run=run, unit_code=unit, by=by.value)
    key = "branch_code" if by is EquityBy.BRANCH else "segment"
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"as_of": run.as_of.isoformat(), "by": by.value, "rows": [
            {"group": r[key], "customers": r["customers"], "equity": int(r["equity"] or 0),
             "equity_margin": int(r["equity_margin"] or 0)} for r in rows]}, ensure_ascii=False, indent=2))
        return
    header = (_("Branch") if by is EquityBy.BRANCH else _("RFM segment"), _("Customers"), _("Customer equity"),
              _("Customer equity (margin)"))
    typer.echo(format_table(header, [(str(r[key]), f"{r['customers']:,}", f"{int(r['equity'] or 0):,}",
                                      f"{int(r['equity_margin'] or 0):,}") for r in rows]))


@crm_app.command("show")
def show(
    customer_no: str = typer.Argument(..., help="Customer number."),
    user: str = _USER,
) -> None:
    """One customer's scores at every scored date (not found, exit 1, outside the user's scope)."""
    from cxm.cli import acting_user, setup_django

    setup_django()
    from cxm.customers.selectors import customer_get
    from cxm.crm.selectors import customer_scores

    acting = acting_user(user)
    customer = customer_get(user=acting, customer_no=customer_no)
    if customer is None:
        typer.echo(f"customer {customer_no} not found", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"customer_no\t{customer.customer_no}\nname\t{customer.display_name}")
    for s in customer_scores(user=acting, customer=customer):
        p_alive = "" if s.p_alive is None else f"{s.p_alive:.3f}"
        typer.echo(f"{s.as_of.isoformat()}\t{s.segment or '-'}\t{s.stage}\tp_alive={p_alive}\tclv={s.clv}")
