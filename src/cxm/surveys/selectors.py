"""Read use cases of the survey store."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import SurveyLink


# The short survey sent after a case is closed (cxm.voc.follow_up): its answers belong to
# the cases, not to a measurement wave, so the CSI and model pages leave its waves out.
FOLLOW_UP_QUESTIONNAIRE = "case-follow-up"


def open_survey_links() -> QuerySet[SurveyLink]:
    """Active public links of the measurement waves open today, branch by branch (tree
    order). A case follow-up wave's link only carries personal invitations."""
    today = timezone.localdate()
    return (SurveyLink.objects.select_related("wave", "org_unit")
            .filter(is_active=True, wave__opens_on__lte=today, wave__closes_on__gte=today)
            .exclude(wave__questionnaire__code=FOLLOW_UP_QUESTIONNAIRE)
            .order_by("wave__opens_on", "org_unit__path"))


def wave_list() -> QuerySet:
    """Measurement waves that have answers, oldest first (waves are company-wide; their
    answers are scoped). Case follow-up waves are not measurement waves."""
    from .models import Wave

    return (Wave.objects.select_related("questionnaire", "period").filter(responses__isnull=False)
            .exclude(questionnaire__code=FOLLOW_UP_QUESTIONNAIRE).distinct().order_by("opens_on"))


def scoped_responses(*, user, wave, unit_code: str | None = None) -> QuerySet:
    """The responses to ``wave`` that ``user`` may see, within the picked unit."""
    from cxm.org.access import restrict, within_picked_unit

    from .models import Response

    return within_picked_unit(restrict(Response.objects.filter(wave=wave), user), user, unit_code)


def answers_frame(qs: QuerySet, *fields: str):
    """The answers of the responses ``qs``, as a wide polars frame, and the values of ``fields``.

    Returns
    -------
    answers : polars.DataFrame
        One row per response, in the order of ``qs``; one column per answered item code
        (numbers, null = missing). An empty frame (no columns) when ``qs`` is empty.
    columns : list of tuple
        Per field of ``fields`` (a ``values_list`` lookup), its values in the same order.
    """
    import polars as pl
    from django.db.models import TextField
    from django.db.models.functions import Cast

    # The answers come back as JSON text and are decoded by polars in one pass: decoding
    # 200,000 small JSON objects one by one in Python is most of the cost otherwise.
    rows = list(qs.annotate(raw=Cast("answers", TextField())).values_list("raw", *fields))
    if not rows:
        return pl.DataFrame(), [()] * len(fields)
    texts, *columns = zip(*rows)
    return pl.Series("answers", texts).str.json_decode(infer_schema_length=None).struct.unnest(), columns


def wave_frame(*, user, wave, unit_code: str | None = None):
    """The answers to ``wave`` that ``user`` may see, as a wide polars frame (one row per respondent).

    Columns: every answered item code (numbers, null = missing) plus ``branch``.
    """
    import polars as pl

    answers, (branches,) = answers_frame(scoped_responses(user=user, wave=wave, unit_code=unit_code),
                                         "org_unit__code")
    return answers.with_columns(pl.Series("branch", branches)) if branches else answers
