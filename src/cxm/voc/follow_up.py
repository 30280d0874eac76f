"""The follow-up survey of a closed case (the second half of the closed loop, domain spec 3).

After a case is closed, the agent can send the customer (a customer record, or the contact
left on the public form) a personal link to a short follow-up questionnaire
(``surveys/questionnaires/case_follow_up.yaml``). The invitation belongs to a follow-up wave
of the month it was sent in (``CASE-FU-YYYY-MM``, open for two months) and to the case's
branch; the answer comes back to the case: shown on the case page and in its timeline.

Decision (documented): a follow-up answer never opens a new case, even when it is unhappy:
the customer is talking about a case we already have, so the answer is recorded on that
case with a mark "still unhappy", and its owner decides whether to reopen it (a reopen is
an ordinary, audited transition). This keeps the closed loop from looping.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import ApplicationError
from cxm.surveys.models import Invitation, Questionnaire, Response, SurveyLink, Wave
from cxm.surveys.selectors import FOLLOW_UP_QUESTIONNAIRE

from .models import Case, CaseEvent, CaseFollowUp
from .services import _check_worker, _visible_case

QUESTIONNAIRE_CODE = FOLLOW_UP_QUESTIONNAIRE


def follow_up_questionnaire() -> Questionnaire:
    """The latest version of the follow-up questionnaire (imported from its YAML the first time)."""
    latest = Questionnaire.objects.filter(code=QUESTIONNAIRE_CODE).aggregate(v=Max("version"))["v"]
    if latest is not None:
        return Questionnaire.objects.get(code=QUESTIONNAIRE_CODE, version=latest)
    from pathlib import Path

    from cxm.surveys.services import questionnaire_import

    source = Path(__file__).resolve().parents[1] / "surveys" / "questionnaires" / "case_follow_up.yaml"
    return questionnaire_import(code=QUESTIONNAIRE_CODE, source=source)


def follow_up_wave(today: date) -> Wave:
    """The follow-up wave of ``today``'s month (open from the 1st for two months)."""
    start = today.replace(day=1)
    end_month = start.month + 2
    end = date(start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    wave, _created = Wave.objects.get_or_create(
        code=f"CASE-FU-{start:%Y-%m}",
        defaults={"questionnaire": follow_up_questionnaire(), "opens_on": start,
                  "closes_on": date.fromordinal(end.toordinal() - 1)})
    return wave


def can_follow_up(case: Case) -> bool:
    """A closed case with someone to send to (a customer record or a contact)."""
    return case.status == Case.Status.CLOSED and (case.customer_id is not None or bool(case.contact.strip()))


@transaction.atomic
def case_follow_up_send(*, user, case_id: int) -> CaseFollowUp:
    """Make the follow-up invitation of a closed case (one unanswered invitation at a time).

    The link (``/s/<token>/``) is shown on the case page to be sent by the agent's usual
    channel (SMS, e-mail). A second call while the first link is unanswered returns it.
    """
    _check_worker(user)
    case = _visible_case(user, case_id)
    if case.status != Case.Status.CLOSED:
        raise ApplicationError(_("A follow-up survey can be sent only after the case is closed."))
    if not can_follow_up(case):
        raise ApplicationError(_("This case has no customer and no contact to send a follow-up survey to."))
    pending = (CaseFollowUp.objects.filter(case=case, invitation__used_at__isnull=True)
               .select_related("invitation").first())
    if pending is not None:
        return pending
    now = timezone.now()
    wave = follow_up_wave(timezone.localdate())
    link = SurveyLink.objects.filter(wave=wave, org_unit=case.org_unit).first()
    if link is None:
        # Invitations need an active link; its own token is never shown (only invitations are sent).
        link = SurveyLink.objects.create(wave=wave, org_unit=case.org_unit, token=secrets.token_urlsafe(32))
    invitation = Invitation.objects.create(link=link, customer=case.customer, token=secrets.token_urlsafe(32),
                                           sent_at=now)
    with acting_as(user):
        follow_up = CaseFollowUp.objects.create(case=case, invitation=invitation, sent_by=user, sent_at=now)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.FOLLOW_UP, actor=user, at=now,
                             text=_("Follow-up survey link made."))
    return follow_up


def follow_up_of(response: Response) -> CaseFollowUp | None:
    """The case follow-up whose invitation ``response`` answered (None for an ordinary answer)."""
    if response.invitation_id is None:
        return None
    return CaseFollowUp.objects.select_related("case").filter(invitation_id=response.invitation_id).first()


def record_follow_up_answer(follow_up: CaseFollowUp, response: Response, *, unhappy: bool) -> CaseEvent:
    """Put the follow-up answer on the case's timeline (no new case; see the module docstring)."""
    q = response.wave.questionnaire.parsed()
    overall = response.answers.get(q.overall.code)
    parts = [_("Follow-up survey answered: overall %(score)s of %(max)s.")
             % {"score": overall if overall is not None else "–", "max": f"{q.overall.scale[1]:g}"}]
    if unhappy:
        parts.append(_("The customer is still unhappy: consider reopening the case."))
    parts += [str(text) for text in (response.comments or {}).values() if str(text).strip()]
    follow_up.answered_at = response.submitted_at
    follow_up.save(update_fields=["answered_at"])
    return CaseEvent.objects.create(case=follow_up.case, kind=CaseEvent.Kind.FOLLOW_UP, actor=None,
                                    at=response.submitted_at, text="\n".join(parts))
