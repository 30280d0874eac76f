"""Adds ``responses`` to the ``cxm import`` group (the command lives in :mod:`cxm.surveys.importing.cli`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from cxm.customers.cli import import_app
    from cxm.surveys.importing.cli import import_responses

    import_app.command("responses")(import_responses)
