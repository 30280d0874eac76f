"""Store commands for users and API tokens."""

from __future__ import annotations

import typer

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@users_app.command("list")
def users_list() -> None:
    """List users with their role and org units."""
    from cxm.cli import setup_django

    setup_django()
    from cxm.org.models import User

    for user in User.objects.order_by("username").prefetch_related("org_units"):
        units = ",".join(u.code for u in user.org_units.all()) or "*"
        typer.echo(f"{user.username}\t{user.role}\t{units}")


@token_app.command("create")
def token_create(
    username: str = typer.Argument(..., help="The user the token acts as."),
    name: str = typer.Option("cli", help="A name to recognise the token by."),
) -> None:
    """Create an API token; the key is printed once and only its hash is stored."""
    from cxm.cli import acting_user, setup_django

    setup_django()
    from cxm.org.services import api_token_create

    _, key = api_token_create(user=acting_user(username), name=name)
    typer.echo(key)
