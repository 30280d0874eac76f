"""Love turned to hate: a loyal, high-value customer's fresh complaint is flagged and goes to the
top of the queue; checked against a hand-made company of six buying customers.

Hand count (cxm.analytics.claims.love_to_hate, value quantile 0.8 with "lower" interpolation):
spends sorted are 2,000 / 3,000 / 3,000 / 3,000 / 900,000 / 1,000,000; the 0.8 quantile is
the element at index 0.8 x (6 - 1) = 4, i.e. 900,000. High value: VIP (1,000,000) and NEW
(900,000). Loyal (first purchase at least 365 days ago): VIP, SMALL and the three of org_world
(bought 2025-03-04), not NEW (60 days). So only VIP is flagged, and only on a complaint of the
last 30 days.
"""

from __future__ import annotations

import re
from datetime import timedelta

import polars as pl
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cxm.customers.models import Customer, Transaction
from cxm.voc import selectors, services
from cxm.voc.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def company(org_world):
    today = timezone.localdate()
    made = {}
    for no, spend, days_ago in (("VIP", 1_000_000, 730), ("NEW", 900_000, 60), ("SMALL", 2_000, 900)):
        customer = Customer.objects.create(customer_no=no, name=no, home_unit=org_world.x,
                                           joined_on=today - timedelta(days=days_ago))
        Transaction.objects.create(txn_no=f"T-{no}", customer=customer, branch=org_world.x,
                                   channel=org_world.channel, occurred_on=today - timedelta(days=days_ago),
                                   amount=spend, cost=spend // 2)
        made[no] = customer
    org_world.hand = made
    return org_world


def complaint(world, customer, *, subject, days_ago=0, kind=Case.Kind.COMPLAINT):
    return services.case_create(user=world.users.admin, kind=kind, channel=Case.Channel.CALL_CENTRE,
                                org_unit=world.x, subject=subject, customer=customer,
                                opened_at=timezone.now() - timedelta(days=days_ago, minutes=1))


def queue_rows(world) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(world.users.agent)
    html = client.get(reverse("voc:inbox"), {"view": "queue"}).content.decode()
    return re.findall(r'data-case="([^"]+)" data-sla="[^"]*" data-love-to-hate="(yes|no)"', html)


def test_only_the_loyal_high_value_customer_is_flagged(company):
    for no in ("VIP", "NEW", "SMALL"):
        complaint(company, company.hand[no], subject=no)
    complaint(company, company.customers["B01"], subject="X1")
    assert selectors.love_to_hate_customers() == {company.hand["VIP"].pk}


def test_the_flagged_complaint_goes_to_the_top_of_the_queue_before_overdue_cases(company):
    overdue = complaint(company, company.hand["SMALL"], subject="overdue")
    Case.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(hours=3))
    new_big = complaint(company, company.hand["NEW"], subject="new big spender")
    vip = complaint(company, company.hand["VIP"], subject="vip")
    rows = queue_rows(company)
    assert rows == [(vip.number, "yes"), (overdue.number, "no"), (new_big.number, "no")]


def test_an_old_complaint_or_an_inquiry_of_the_customer_is_not_flagged(company):
    vip = company.hand["VIP"]
    fresh = complaint(company, vip, subject="fresh")
    old = complaint(company, vip, subject="old", days_ago=40)
    inquiry = complaint(company, vip, subject="hours?", kind=Case.Kind.INQUIRY)
    flags = dict(queue_rows(company))
    assert flags == {fresh.number: "yes", old.number: "no", inquiry.number: "no"}


def test_without_a_fresh_complaint_nobody_is_flagged(company):
    complaint(company, company.hand["VIP"], subject="old", days_ago=31)
    assert selectors.love_to_hate_customers() == set()


def test_the_case_page_shows_the_flag(company):
    vip_case = complaint(company, company.hand["VIP"], subject="vip")
    other = complaint(company, company.hand["NEW"], subject="new")
    client = Client()
    client.force_login(company.users.agent)
    assert 'data-testid="love-to-hate"' in client.get(reverse("voc:detail", args=[vip_case.number])).content.decode()
    assert 'data-testid="love-to-hate"' not in client.get(reverse("voc:detail", args=[other.number])).content.decode()


def clv_values() -> pl.DataFrame:
    """A stand-in CLV source for the hook: NEW's CLV is the highest, VIP's the lowest."""
    ids = {c.customer_no: c.pk for c in Customer.objects.all()}
    since = timezone.localdate() - timedelta(days=800)  # everyone loyal
    rows = [(ids["VIP"], 1), (ids["NEW"], 10_000_000), (ids["SMALL"], 5)] + [
        (ids[no], 100) for no in ("C-X1", "C-Y1", "C-Z1")]
    return pl.DataFrame({"customer": [r[0] for r in rows], "value": [r[1] for r in rows],
                         "since": [since] * len(rows)})


def test_a_clv_source_replaces_spend_through_the_hook(company, settings):
    settings.CXM_LOVE_TO_HATE_VALUE = f"{__name__}.clv_values"
    for no in ("VIP", "NEW"):
        complaint(company, company.hand[no], subject=no)
    assert selectors.love_to_hate_customers() == {company.hand["NEW"].pk}


def test_a_deleted_transaction_refreshes_the_cached_customer_values(company):
    vip = company.hand["VIP"]
    complaint(company, vip, subject="vip")
    assert selectors.love_to_hate_customers() == {vip.pk}
    Transaction.objects.get(txn_no="T-VIP").delete()  # not the newest row: the highest id stays
    assert selectors.love_to_hate_customers() == set()


def test_a_transaction_edited_in_place_refreshes_the_cached_customer_values(company):
    vip = company.hand["VIP"]
    complaint(company, vip, subject="vip")
    assert selectors.love_to_hate_customers() == {vip.pk}
    sale = Transaction.objects.get(txn_no="T-VIP")
    sale.amount = 1_000  # now the smallest spender: below the 0.8 quantile (3,000)
    sale.save()
    assert selectors.love_to_hate_customers() == set()
