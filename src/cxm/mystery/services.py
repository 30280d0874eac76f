"""Use cases of mystery shopping: checklists in and out as YAML, visits entered and corrected.

Who may enter visits: administrators and CS managers, for the branches in their scope. The
analyst reads everything but enters nothing (domain.md 8: "read all"); branch managers and
agents read their own units' visits only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.org.access import can_import, restrict
from cxm.org.models import OrgUnit, Period

from .models import Checklist, ChecklistItem, ChecklistSection, Visit


def can_enter_visits(user) -> bool:
    """Administrators and CS managers enter visits (the same people who load data: ``can_import``)."""
    return can_import(user)


# --- checklists ----------------------------------------------------------------------------------


@transaction.atomic
def checklist_import(*, source: str | Path, code: str | None = None) -> Checklist:
    """Store a checklist YAML (text or file) as the next version of its code.

    The definition is validated by :func:`cxm.analytics.mystery.parse_checklist` first; an
    invalid one raises :class:`ApplicationError` naming the offending section or item.
    ``code`` overrides the ``code`` in the file.
    """
    from cxm.analytics.mystery import SCALE, parse_checklist

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        raw = yaml.safe_load(text)
        parsed = parse_checklist(raw)
    except (yaml.YAMLError, ValueError) as exc:
        raise ApplicationError(str(exc)) from None
    code = code or parsed.code
    if not code:
        raise ApplicationError("code: a checklist needs a code")
    version = (Checklist.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    lo, hi = raw.get("scale", [1, 5])
    checklist = Checklist.objects.create(
        code=code, version=version, title_ko=parsed.title.get("ko") or code, title_en=parsed.title.get("en", ""),
        default_scale_min=int(lo), default_scale_max=int(hi))
    for s_order, section in enumerate(parsed.sections):
        row = ChecklistSection.objects.create(checklist=checklist, code=section.code, order=s_order,
                                              title_ko=section.title.get("ko") or section.code,
                                              title_en=section.title.get("en", ""))
        ChecklistItem.objects.bulk_create([
            ChecklistItem(section=row, code=item.code, order=i_order, text_ko=item.text.get("ko") or item.code,
                          text_en=item.text.get("en", ""),
                          kind=ChecklistItem.Kind.SCALE if item.kind == SCALE else ChecklistItem.Kind.YES_NO,
                          scale_min=int(item.scale[0]) if item.kind == SCALE else 0,
                          scale_max=int(item.scale[1]) if item.kind == SCALE else 1,
                          weight=item.weight, allows_na=item.allows_na)
            for i_order, item in enumerate(section.items)
        ])
    return checklist


def checklist_export(checklist: Checklist) -> str:
    """The checklist as YAML (Korean kept readable), ready to edit and import again."""
    return yaml.safe_dump(checklist.definition(), allow_unicode=True, sort_keys=False)


# --- visits --------------------------------------------------------------------------------------


def _clean_answers(checklist: Checklist, answers: dict[str, float | None]) -> dict[str, float | int | None]:
    """Every item answered on its scale (``None`` only where N/A is allowed); nothing else."""
    parsed = checklist.parsed()
    known = {item.code: item for item in parsed.items}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise ApplicationError(_("Unknown checklist items: %(codes)s") % {"codes": ", ".join(unknown)})
    cleaned: dict[str, float | int | None] = {}
    for code, item in known.items():
        if code not in answers:
            raise ApplicationError(_("Item %(code)s has no answer.") % {"code": code}, {"item": code})
        value = answers[code]
        if not item.accepts(value):
            raise ApplicationError(_("Item %(code)s: %(value)s is not a valid answer.") % {
                "code": code, "value": "N/A" if value is None else value}, {"item": code})
        cleaned[code] = None if value is None else (int(value) if float(value).is_integer() else float(value))
    return cleaned


def _check_place(*, user, branch: OrgUnit, period: Period, visited_on: date) -> None:
    if not can_enter_visits(user) or not restrict(OrgUnit.objects.filter(pk=branch.pk), user).exists():
        raise AccessDenied(_("You may not enter visits for this branch."))
    if branch.kind != OrgUnit.Kind.BRANCH:
        raise ApplicationError(_("Visits are made to branches."))
    if not period.start <= visited_on <= period.end:
        raise ApplicationError(_("The visit date is outside the period %(period)s.") % {"period": str(period)})


@transaction.atomic
def visit_create(*, user, checklist: Checklist, branch: OrgUnit, period: Period, visited_on: date,
                 shopper_name: str, answers: dict[str, float | None], agency: str = "", notes: str = "") -> Visit:
    """Enter a visit after checking the user's scope, the period and every answer (audited)."""
    _check_place(user=user, branch=branch, period=period, visited_on=visited_on)
    if not shopper_name.strip():
        raise ApplicationError(_("The shopper's name is required."))
    visit = Visit(checklist=checklist, branch=branch, period=period, visited_on=visited_on,
                  shopper_name=shopper_name.strip(), agency=agency.strip(), notes=notes,
                  answers=_clean_answers(checklist, answers), created_by=user)
    with acting_as(user):  # the audit entry names the user outside a request too (CLI, jobs)
        visit.save()
    return visit


@transaction.atomic
def visit_update(*, user, visit_id: int, branch: OrgUnit, period: Period, visited_on: date, shopper_name: str,
                 answers: dict[str, float | None], agency: str = "", notes: str = "") -> Visit:
    """Correct a visit (same checks as entering it; the old values stay in the audit log)."""
    visit = restrict(Visit.objects.select_for_update(), user).filter(pk=visit_id).first()
    if visit is None:
        raise AccessDenied(_("You may not change this visit."))
    _check_place(user=user, branch=visit.branch, period=period, visited_on=visited_on)
    _check_place(user=user, branch=branch, period=period, visited_on=visited_on)
    if not shopper_name.strip():
        raise ApplicationError(_("The shopper's name is required."))
    visit.branch, visit.period, visit.visited_on = branch, period, visited_on
    visit.shopper_name, visit.agency, visit.notes = shopper_name.strip(), agency.strip(), notes
    visit.answers = _clean_answers(visit.checklist, answers)
    with acting_as(user):
        visit.save()
    return visit


@transaction.atomic
def visit_delete(*, user, visit_id: int) -> None:
    """Delete a visit entered by mistake (audited)."""
    visit = restrict(Visit.objects.all(), user).filter(pk=visit_id).first()
    if visit is None or not can_enter_visits(user):
        raise AccessDenied(_("You may not change this visit."))
    with acting_as(user):
        visit.delete()
