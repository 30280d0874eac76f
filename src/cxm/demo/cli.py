"""``cxm demo``: load the seeded demo company."""

from __future__ import annotations

import typer


def demo(
    seed: int = typer.Option(42, help="Random seed; the same seed gives the same company."),
    customers: int = typer.Option(20_000, help="Number of customers."),
    reset: bool = typer.Option(False, help="Delete existing data first."),
) -> None:
    """Generate the demo company into the database and print a login for each role."""
    raise typer.Exit(code=1)
