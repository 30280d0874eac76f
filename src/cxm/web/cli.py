"""Store commands that run the web application: migrate, serve, and a manage.py passthrough."""

from __future__ import annotations

import typer


def migrate() -> None:
    """Create or update the database schema."""
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the web application (static files included, through whitenoise)."""
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import call_command

    args = [f"{host}:{port}"]
    if not reload:
        args.append("--noreload")
    call_command("runserver", *args)


def manage(ctx: typer.Context) -> None:
    """Run any Django management command: ``cxm manage createsuperuser``."""
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cxm manage", *ctx.args])
