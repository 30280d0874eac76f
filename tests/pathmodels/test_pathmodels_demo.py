"""On the demo company the default index model finds the planted drivers (cxm.demo.truth)."""

import pytest
from django.core.cache import cache

from cxm.demo import truth
from cxm.demo.loader import load_demo
from cxm.org.models import User
from cxm.pathmodels.reports import default_model, model_fit
from cxm.surveys.models import Response, Wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    load_demo(seed=42, n_customers=2_000, progress=False)


def test_delivery_is_the_strongest_driver_of_satisfaction_on_the_demo(demo):
    wave = Wave.objects.get(code=truth.SURVEY_WAVES[-1])
    admin = User.objects.get(username="admin")
    fit = model_fit(user=admin, wave=wave, model=default_model(wave.questionnaire.parsed()), n_boot=200, seed=1)
    drivers = {k.split("->")[0]: v for k, v in fit.report["paths"].items() if k.endswith("->Satisfaction")}
    assert max(drivers, key=drivers.get) == "Delivery"  # SURVEY_IMPORTANCE: C weighs 0.35
    assert fit.n_answers == Response.objects.filter(wave=wave).count()
    assert all(v["alpha"] > 0.7 for k, v in fit.report["reliability"].items() if k not in ("Satisfaction",))


def test_a_branch_manager_fits_on_their_branch_of_the_demo(demo):
    wave = Wave.objects.get(code=truth.SURVEY_WAVES[-1])
    manager = User.objects.get(username="branch_gangnam")
    fit = model_fit(user=manager, wave=wave, model=default_model(wave.questionnaire.parsed()), n_boot=0)
    assert fit.n_answers == Response.objects.filter(wave=wave, org_unit__code="B01").count()
