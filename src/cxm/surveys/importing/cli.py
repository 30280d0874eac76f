"""``cxm import responses FILE --wave CODE --user U``: the store command of the response import.

Registered on the ``cxm import`` group by :mod:`cxm.commands.import_responses`; heavy modules
(Django, polars) load inside the command, so ``cxm --help`` stays instant.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cxm.customers.cli import ImportEncoding, OutputFormat, parse_mapping


def import_responses(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="A .csv (UTF-8 or CP949), .xlsx or SPSS .sav file."),
    wave: str = typer.Option(..., "--wave", help="Code of the survey wave the answers belong to."),
    user: str = typer.Option(..., "--user", help="Import as this user (admin or CS manager; their org units apply)."),
    maps: list[str] = typer.Option(None, "--map", metavar="ITEM=COLUMN",
                                   help="Take ITEM (an item code or attribute such as branch) from this column, "
                                        "e.g. --map A11=Q1_1. Repeatable."),
    encoding: ImportEncoding = typer.Option(ImportEncoding.AUTO, "--encoding", case_sensitive=False,
                                            help="CSV encoding; auto = UTF-8 (with or without BOM), else CP949."),
    sheet: str = typer.Option(None, "--sheet", help="XLSX sheet name (default: the first sheet)."),
    output: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", case_sensitive=False,
                                        help="table for people; json for scripts."),
) -> None:
    """Import survey responses into a wave: one row per respondent, one column per item code; all or nothing."""
    from cxm.cli import acting_user, setup_django

    mapping = parse_mapping(maps)
    setup_django()
    from django.utils.translation import gettext as _

    from cxm.core.exceptions import ApplicationError
    from cxm.customers.cli import _print_failure
    from cxm.customers.importing import ImportFailed, ImportOptions
    from cxm.surveys.models import Wave

    from .services import responses_import

    target = Wave.objects.select_related("questionnaire").filter(code=wave).first()
    if target is None:
        raise typer.BadParameter(f"no survey wave {wave!r}", param_hint="--wave")
    acting = acting_user(user)
    try:
        result = responses_import(file=file, wave=target, user=acting, mapping=mapping,
                                  options=ImportOptions(encoding=encoding.value, sheet=sheet, source_name=file.name))
    except ImportFailed as failure:
        _print_failure(failure.message, failure.total, [i.as_dict() for i in failure.issues], output)
        raise typer.Exit(code=1) from None
    except ApplicationError as error:  # AccessDenied: the user may not import
        _print_failure(error.message, 0, [], output)
        raise typer.Exit(code=1) from None
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"ok": True, "wave": target.code, **result.as_dict()}, ensure_ascii=False, indent=2))
        return
    typer.echo(_("Imported %(count)d responses into wave %(wave)s from %(file)s.")
               % {"count": result.created["responses"], "wave": target.code, "file": file.name})
    if result.unused_columns:
        typer.echo(_("Columns not imported: %(columns)s") % {"columns": ", ".join(result.unused_columns)})
