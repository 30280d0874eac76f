"""The demo's cases carry the planted truth: delivery complaints cluster in the slow region."""

import pytest
from django.db.models import Count

from cxm.demo import truth
from cxm.demo.loader import load_demo
from cxm.voc.models import Case, Holiday, SlaPolicy

pytestmark = pytest.mark.django_db


def test_demo_cases_plant_delivery_complaints_in_the_slow_region(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(seed=42, n_customers=1_000, progress=False)
    assert Holiday.objects.count() > 50 and SlaPolicy.objects.count() == 16
    per_region = {r["org_unit__parent__code"]: r["n"] for r in Case.objects.filter(category__code__startswith="DELIVERY")
                  .values("org_unit__parent__code").annotate(n=Count("id"))}
    branches = {r["org_unit__parent__code"]: r["n"] for r in Case.objects.values("org_unit__parent__code")
                .annotate(n=Count("org_unit", distinct=True))}
    rate = {region: per_region[region] / branches[region] for region in per_region}
    slow = rate.pop(truth.SLOW_DELIVERY_REGION)
    assert slow > 2 * max(rate.values())
    assert Case.objects.filter(status=Case.Status.IN_PROGRESS).exists()
