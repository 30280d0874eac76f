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
    threads: int = typer.Option(8, help="Worker threads."),
    reload: bool = typer.Option(False, help="Development: Django's auto-reloading server instead."),
) -> None:
    """Serve the web application with waitress (static files included, through whitenoise)."""
    from cxm.cli import setup_django

    setup_django()
    if reload:
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}")
        return
    import threading

    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    from cxm.voc.selectors_text import warm_up

    # the text-mining page's analyser loads in the background while the server starts
    threading.Thread(target=warm_up, name="cxm-warm-up", daemon=True).start()
    typer.echo(f"cxm: serving on http://{host}:{port}/ (Ctrl-C to stop)")
    waitress_serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="cxm")


def manage(ctx: typer.Context) -> None:
    """Run any Django management command: ``cxm manage createsuperuser``."""
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cxm manage", *ctx.args])
