"""Answering a survey through its public link (no account), once per invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxm.core.exceptions import ApplicationError

from .models import Invitation, Response, SurveyLink


@dataclass(frozen=True)
class Entry:
    """How a respondent came in: the branch's link, and their invitation if they have one."""

    link: SurveyLink
    invitation: Invitation | None = None


def survey_entry(token: str) -> Entry | None:
    """The link or invitation behind ``token`` (None for an unknown or inactive one)."""
    invitation = Invitation.objects.select_related("link__wave__questionnaire", "link__org_unit").filter(
        token=token).first()
    if invitation is not None:
        return Entry(invitation.link, invitation) if invitation.link.is_active else None
    link = SurveyLink.objects.select_related("wave__questionnaire", "org_unit").filter(token=token, is_active=True).first()
    return Entry(link) if link is not None else None


def survey_is_open(entry: Entry) -> bool:
    wave = entry.link.wave
    return wave.opens_on <= timezone.localdate() <= wave.closes_on


def _used_at(wave) -> datetime:
    """When an invitation counts as used. In an anonymous wave not the moment of the answer:
    the invitation names the customer and the answer is stored at that moment, so the two
    times side by side would tie the answer to the person. The wave's first day says only
    "used" (which is all the one-answer rule needs)."""
    if wave.anonymous:
        return datetime.combine(wave.opens_on, time.min, timezone.get_current_timezone())
    return timezone.now()


@transaction.atomic
def response_submit(*, entry: Entry, answers: dict[str, int], comments: dict[str, str], language: str,
                    competitor_name: str = "", channel=None) -> Response:
    """Store one response. An invitation admits one response; anonymous waves link no one."""
    if not survey_is_open(entry):
        raise ApplicationError(_("This survey is closed."))
    invitation = None
    if entry.invitation is not None:
        # Lock the invitation so that two tabs submitting at once cannot both use it.
        invitation = Invitation.objects.select_for_update().get(pk=entry.invitation.pk)
        if invitation.used_at is not None:
            raise ApplicationError(_("This invitation has already been used. Thank you for your answers."))
        invitation.used_at = _used_at(entry.link.wave)
        invitation.save(update_fields=["used_at"])
    wave = entry.link.wave
    customer = None if wave.anonymous or invitation is None else invitation.customer
    response = Response.objects.create(
        wave=wave, org_unit=entry.link.org_unit, channel=channel, customer=customer,
        invitation=None if wave.anonymous else invitation,
        segment=(customer.segment if customer else ""), language=language, submitted_at=timezone.now(),
        answers=answers, comments=comments, competitor_name=competitor_name,
    )
    # The closed loop: an unhappy answer opens a case for the branch, in the same transaction.
    from cxm.voc.closed_loop import closed_loop_case

    closed_loop_case(response)
    return response
