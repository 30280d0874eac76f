"""A small open survey: the demo questionnaire, a wave open today, a link for branch X."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cxm.surveys.demo_steps import QUESTIONNAIRE
from cxm.surveys.models import Invitation, SurveyLink, Wave
from cxm.surveys.services import questionnaire_import


@pytest.fixture
def open_survey(org_world):
    today = timezone.localdate()
    q = questionnaire_import(code="retail-csi", source=QUESTIONNAIRE)
    wave = Wave.objects.create(code="W-NOW", questionnaire=q, opens_on=today - timedelta(days=7),
                               closes_on=today + timedelta(days=7))
    link = SurveyLink.objects.create(wave=wave, org_unit=org_world.x, token="link-x-token")
    invitation = Invitation.objects.create(link=link, customer=org_world.customers["B01"], token="invite-token")
    return SimpleNamespace(world=org_world, questionnaire=q, wave=wave, link=link, invitation=invitation)
