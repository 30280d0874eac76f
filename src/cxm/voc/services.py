"""Case use cases: open, assign, move through the workflow, note. Scoped, audited, no lost updates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.org.access import restrict
from cxm.org.models import OrgUnit, User

from .calendar import BusinessCalendar
from .models import Case, CaseEvent, Holiday, SlaPolicy

S = Case.Status
#: The workflow. Closing needs a resolved case; reopening goes back to "in progress".
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}
#: Roles that work cases (analysts read them).
WORKER_ROLES = frozenset({User.Role.ADMIN, User.Role.CS_MANAGER, User.Role.AGENT, User.Role.BRANCH_MANAGER})


class StaleCase(ApplicationError):
    """Someone else changed the case since it was read: reload and try again."""


def business_calendar() -> BusinessCalendar:
    return BusinessCalendar.with_holidays(Holiday.objects.values_list("day", flat=True))


def sla_due(*, kind: str, severity: str, opened_at: datetime, calendar: BusinessCalendar | None = None):
    """When a case must be resolved by: its policy's business hours after opening (None without a policy)."""
    policy = SlaPolicy.objects.filter(kind=kind, severity=severity).first()
    if policy is None:
        return None
    return (calendar or business_calendar()).add_working_minutes(opened_at, policy.business_hours * 60)


def next_case_number(opened_at: datetime) -> str:
    """``V<year>-<6 digits>``: the next free number of the year the case was opened in."""
    prefix = f"V{opened_at:%Y}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{int(last.removeprefix(prefix)) + 1 if last else 1:06d}"


def _save_numbered(build: Callable[[str], Case], *, opened_at: datetime, actor=None) -> Case:
    """Validate and save the case ``build(number)`` makes, under the next free number.

    Two cases opened at once may draw the same number; the unique constraint refuses the
    second and it draws again (inside a savepoint, so the outer transaction goes on).
    """
    for _attempt in range(3):
        case = build(next_case_number(opened_at))
        case.full_clean(validate_unique=False)  # the number's uniqueness is the database's to enforce
        try:
            with transaction.atomic(), acting_as(actor):
                case.save()
            return case
        except IntegrityError:
            continue
    raise ApplicationError(_("Could not number the case; please try again."))


@transaction.atomic
def case_open(*, kind: str, channel: str, org_unit: OrgUnit, subject: str, opened_at: datetime,
              severity: str = Case.Severity.MEDIUM, actor=None, event_at: datetime | None = None,
              event_text: str = "", upload=None, apply_rules: bool = True, **fields) -> Case:
    """Write a new case: numbered, with its SLA due time, its "created" timeline entry, then
    the attached file (``upload``, already checked) and the assignment rules.

    Every way of opening a case ends here (:func:`case_create`, the closed loop, the public
    form); the callers check who may open what.

    Parameters
    ----------
    actor
        The user opening the case (None for the closed loop and the public form): the audit
        log's actor, the timeline entries' and the assignment rules' actor.
    event_at, event_text
        The time (default now) and text of the "created" entry.
    apply_rules
        False when the caller settles the owner itself (a case resolved during the contact).
    **fields
        Further :class:`Case` fields (description, customer, category, contact_name, contact,
        survey_response).
    """
    case = _save_numbered(
        lambda number: Case(number=number, kind=kind, channel=channel, org_unit=org_unit, subject=subject,
                            severity=severity, opened_at=opened_at,
                            due_at=sla_due(kind=kind, severity=severity, opened_at=opened_at), **fields),
        opened_at=opened_at, actor=actor,
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED, actor=actor, at=event_at or timezone.now(),
                             to_status=case.status, text=event_text)
    if upload is not None:
        from .attachments import attachment_add

        attachment_add(case=case, upload=upload, user=actor)
    if apply_rules:
        from .assignment import apply_assignment_rules

        apply_assignment_rules(case, actor=actor)
    return case


def can_work_cases(user) -> bool:
    """Whether ``user``'s role works cases (analysts only read them)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and
                (user.role in WORKER_ROLES or user.is_superuser))


def _check_worker(user) -> None:
    if not can_work_cases(user):
        raise AccessDenied(_("Your role may not change cases."))


def _visible_case(user, case_id: int) -> Case:
    case = restrict(Case.objects.select_for_update(), user).filter(pk=case_id).first()
    if case is None:
        raise AccessDenied(_("Case not found."))
    return case


def _event(case: Case, kind: str, user, **fields) -> None:
    CaseEvent.objects.create(case=case, kind=kind, actor=user, at=timezone.now(), **fields)


@transaction.atomic
def case_create(*, user, kind: str, channel: str, org_unit: OrgUnit, subject: str, description: str = "",
                customer=None, category=None, severity: str = Case.Severity.MEDIUM,
                opened_at: datetime | None = None, resolved_during_contact: bool = False, resolution: str = "",
                root_cause: str = "") -> Case:
    """Open a case for a unit ``user`` may see, with its SLA due time.

    The most specific assignment rule is applied (:mod:`cxm.voc.assignment`). With
    ``resolved_during_contact`` the case was settled while the customer was still on the
    line: it is owned by ``user``, resolved at once (the same rules as resolving: a
    resolution, and a root cause for a complaint) and counts as a first-contact resolution;
    no rule is applied then.
    """
    _check_worker(user)
    if not restrict(OrgUnit.objects.filter(pk=org_unit.pk), user).exists():
        raise AccessDenied(_("Org unit not found."))
    opened_at = opened_at or timezone.now()
    if resolved_during_contact:
        resolution = resolution.strip()
        if not resolution:
            raise ApplicationError(_("Write the resolution before resolving the case."))
        if kind == Case.Kind.COMPLAINT and not root_cause:
            raise ApplicationError(_("Name the root cause (people, procedure, facilities) of a complaint."))
    case = case_open(kind=kind, channel=channel, org_unit=org_unit, subject=subject, description=description,
                     customer=customer, category=category, severity=severity, opened_at=opened_at, actor=user,
                     apply_rules=not resolved_during_contact)
    if resolved_during_contact:
        case.owner, case.status = user, S.RESOLVED
        case.resolution, case.root_cause = resolution, root_cause
        case.resolved_at = max(opened_at, timezone.now())
        case.first_contact_resolution = True
        case.version += 1
        case.full_clean()
        with acting_as(user):
            case.save()
        _event(case, CaseEvent.Kind.TRANSITION, user, from_status=S.NEW, to_status=S.RESOLVED,
               text=_("Resolved during this contact."))
    return case


@transaction.atomic
def case_transition(*, user, case_id: int, version: int, to: str, resolution: str = "", root_cause: str = "",
                    verdict: str = "", note: str = "", first_contact_resolution: bool | None = None) -> Case:
    """Move a case along the workflow.

    ``version`` is the version the user saw: if the case changed since, :class:`StaleCase`
    is raised and nothing is written (no lost update). Resolving needs a resolution (and a
    root cause for complaints); closing needs a resolved case. ``first_contact_resolution``,
    when given on resolving, records whether the case was settled in the contact that opened it.
    """
    _check_worker(user)
    case = _visible_case(user, case_id)
    if case.version != version:
        raise StaleCase(_("This case was changed by someone else meanwhile. Reload it and try again."))
    if to not in TRANSITIONS[case.status]:
        raise ApplicationError(
            _("A case cannot go from “%(from)s” to “%(to)s”.") % {"from": case.get_status_display(),
                                                                  "to": S(to).label})
    now = timezone.now()
    previous = case.status
    if to == S.RESOLVED:
        resolution = resolution.strip() or case.resolution
        if not resolution:
            raise ApplicationError(_("Write the resolution before resolving the case."))
        if case.kind == Case.Kind.COMPLAINT and not (root_cause or case.root_cause):
            raise ApplicationError(_("Name the root cause (people, procedure, facilities) of a complaint."))
        case.resolution, case.root_cause = resolution, root_cause or case.root_cause
        case.resolved_at = now
        if first_contact_resolution is not None:
            case.first_contact_resolution = first_contact_resolution
    if to == S.CLOSED:
        case.closed_at = now
        case.verdict = verdict or case.verdict
    if previous in (S.RESOLVED, S.CLOSED) and to == S.IN_PROGRESS:
        case.reopened += 1
        case.resolved_at = case.closed_at = None
    case.status = to
    case.version += 1
    case.full_clean()
    with acting_as(user):
        case.save()
    _event(case, CaseEvent.Kind.TRANSITION, user, from_status=previous, to_status=to, text=note)
    return case


@transaction.atomic
def case_assign(*, user, case_id: int, version: int, owner: User) -> Case:
    """Give a case to ``owner``, who must be able to see its unit."""
    _check_worker(user)
    case = _visible_case(user, case_id)
    if case.version != version:
        raise StaleCase(_("This case was changed by someone else meanwhile. Reload it and try again."))
    if not restrict(Case.objects.filter(pk=case.pk), owner).exists():
        raise ApplicationError(_("The new owner cannot see this case's unit."))
    previous = case.status
    case.owner = owner
    if case.status == S.NEW:
        case.status = S.ASSIGNED
    case.version += 1
    with acting_as(user):
        case.save()
    _event(case, CaseEvent.Kind.ASSIGNED, user, from_status=previous, to_status=case.status, text=owner.username)
    return case


@transaction.atomic
def case_note(*, user, case_id: int, text: str) -> CaseEvent:
    """Add an internal note to a case's timeline (notes never go to the customer)."""
    _check_worker(user)
    case = _visible_case(user, case_id)
    if not text.strip():
        raise ApplicationError(_("A note cannot be empty."))
    return CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, actor=user, at=timezone.now(),
                                    text=text.strip())
