"""The ``cxm`` command.

Two kinds of subcommand: file commands that run on ``cxm.analytics`` alone (added by later
issues, no Django set-up) and store commands that set Django up first (``demo``,
``import``, ``serve``, ...). Heavy imports stay inside the commands so ``cxm --help`` is
instant.
"""

from __future__ import annotations

import os
import sys

import typer

app = typer.Typer(help="cxm: customer satisfaction and relationship management.", no_args_is_help=True)


def setup_django() -> None:
    """Configure Django for a store command (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxm.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # a second setup would re-point logging at the current stderr
        django.setup()
    from django.utils import translation

    translation.activate(cli_language())


def cli_language() -> str:
    """The language of CLI messages: ``CXM_LANGUAGE``, else the locale (ko/en), else Korean."""
    from django.conf import settings

    supported = {code for code, _ in settings.LANGUAGES}
    for var in ("CXM_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        lang = os.environ.get(var, "")[:2].lower()
        if lang in supported:
            return lang
    return settings.LANGUAGE_CODE


def acting_user(username: str):
    """The user a store command acts as: the CLI goes through the same access rules as the web."""
    from cxm.org.models import User

    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise typer.BadParameter(f"no active user {username!r}", param_hint="--user") from None


def _register() -> None:
    from cxm.commands import register_all
    from cxm.crm.cli import crm_app
    from cxm.customers.cli import customers_app, import_app
    from cxm.demo.cli import demo
    from cxm.org.cli import token_app, users_app
    from cxm.web.cli import manage, migrate, serve

    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("migrate")(migrate)
    app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)
    app.add_typer(import_app, name="import")
    app.add_typer(customers_app, name="customers")
    app.add_typer(crm_app, name="crm")
    app.add_typer(users_app, name="users")
    app.add_typer(token_app, name="token")
    register_all(app)


_register()


def main() -> None:
    app(prog_name="cxm")


if __name__ == "__main__":
    sys.exit(main())
