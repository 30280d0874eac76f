"""The closed loop (domain spec 3): an unhappy survey answer opens a case for the branch, once.

An answer to a case's follow-up survey (:mod:`cxm.voc.follow_up`) never opens a case: it is
recorded on the case it follows up (flagged when still unhappy), so the loop cannot loop.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cxm.analytics.scoring import item_scores

from .models import Case
from .services import case_open

#: An overall satisfaction below this (on 0-100) opens a case; so does an NPS detractor (0-6).
DEFAULT_THRESHOLD = 40.0
DETRACTOR_MAX = 6


def _threshold() -> float:
    return float(getattr(settings, "CXM_CLOSED_LOOP_THRESHOLD", DEFAULT_THRESHOLD))


def needs_follow_up(response) -> bool:
    """True for an overall answer below the threshold or a recommend answer of 0-6 on 0-10."""
    q = response.wave.questionnaire.parsed()
    answers = response.answers
    overall = answers.get(q.overall.code)
    if overall is not None and float(item_scores(overall, *q.overall.scale)) < _threshold():
        return True
    rec = q.recommend
    if rec is not None and rec.scale == (0.0, 10.0) and answers.get(rec.code) is not None:
        return answers[rec.code] <= DETRACTOR_MAX
    return False


@transaction.atomic
def closed_loop_case(response) -> Case | None:
    """Open the follow-up case of an unhappy answer, once (a second call returns the same case).

    A follow-up survey's answer goes back to its case instead, and None is returned.
    """
    from .follow_up import follow_up_of, record_follow_up_answer

    follow_up = follow_up_of(response)
    if follow_up is not None:
        if follow_up.answered_at is None:
            record_follow_up_answer(follow_up, response, unhappy=needs_follow_up(response))
        return None
    if not needs_follow_up(response):
        return None
    existing = Case.objects.filter(survey_response=response).first()
    if existing is not None:
        return existing
    comments = "\n".join(f"[{k}] {v}" for k, v in (response.comments or {}).items())
    return case_open(kind=Case.Kind.COMPLAINT, channel=Case.Channel.SURVEY, org_unit=response.org_unit,
                     customer=response.customer, severity=Case.Severity.MEDIUM,
                     subject=_("Unhappy survey answer (%(wave)s)") % {"wave": response.wave}, description=comments,
                     opened_at=response.submitted_at, survey_response=response, event_at=response.submitted_at,
                     event_text=_("Opened by the closed loop from a survey answer."))
