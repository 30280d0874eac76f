"""Read use cases of the survey store."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import SurveyLink


def open_survey_links() -> QuerySet[SurveyLink]:
    """Active public links of the waves open today, branch by branch (tree order)."""
    today = timezone.localdate()
    return (SurveyLink.objects.select_related("wave", "org_unit")
            .filter(is_active=True, wave__opens_on__lte=today, wave__closes_on__gte=today)
            .order_by("wave__opens_on", "org_unit__path"))
