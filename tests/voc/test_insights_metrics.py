"""Case metrics against hand counts: claim rates, recurrence, resolution times, SLA, Pareto, FCR;
and their scope (page and API) for a branch manager.

Branch X (B01) in 2025, all times KST::

    orders   T-C-X1 03-04 C-X1 (fixture) · 03-10 C-X1 · 04-02 walk-in · 04-20 C-X2     -> 4 orders, 2 customers
    claims   A 2024-12-01 C-X1 delivery, closed 2025-01-10 (before the period)
             B 2025-03-05 C-X1 delivery, resolved +10 h (due +24 h), root cause people
             C 2025-04-03 C-X1 price,    resolved +30 h (due +12 h), root cause procedure
    others   D 2025-05-02 inquiry, resolved +15 min at first contact (due +72 h)
             E 2025-05-03 inquiry, open, due passed;  F 2025-06-01 inquiry, open, due in the future

so in 2025: 2 claims -> 500 per 1,000 orders and 1,000 per 1,000 customers; B recurs (A was
closed 54 days before) -> recurrence 1/2 with a 90-day window, 0 with 30 days; resolution hours
[0.25, 10, 30] -> median 10, p90 26 (linear interpolation, as numpy.percentile); SLA 2 of 3; one
open case past due; FCR 1 of 3.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone as dt_timezone

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from cxm.customers.models import Customer, Transaction
from cxm.org.models import Period
from cxm.voc.models import Case, CaseCategory
from cxm.voc.selectors_metrics import (MetricScope, case_metrics, claim_rate, claim_rate_by_unit, claim_recurrence,
                                       pareto)

pytestmark = pytest.mark.django_db

KST = dt_timezone(timedelta(hours=9))
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def at(y, m, d, h=10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=KST)


def make_case(unit, number, *, kind=Case.Kind.COMPLAINT, opened, resolved_after=None, due_after=None,
              customer=None, category=None, root_cause="", fcr=False, status=None, closed=None, text=""):
    resolved = opened + resolved_after if resolved_after is not None else None
    return Case.objects.create(
        number=number, kind=kind, channel=Case.Channel.CALL_CENTRE, org_unit=unit, customer=customer,
        category=category, subject=text[:60] or number, description=text, opened_at=opened,
        due_at=opened + due_after if due_after is not None else None, resolved_at=resolved,
        closed_at=closed or resolved, root_cause=root_cause, first_contact_resolution=fcr,
        status=status or (Case.Status.CLOSED if resolved else Case.Status.IN_PROGRESS))


@pytest.fixture
def world(org_world):
    w = org_world
    x = w.x
    c1 = w.customers["B01"]
    c2 = Customer.objects.create(customer_no="C-X2", name="최강남", home_unit=x, joined_on=date(2025, 1, 5))
    for no, cust, day in [("T-X2", c1, date(2025, 3, 10)), ("T-X3", None, date(2025, 4, 2)), ("T-X4", c2, date(2025, 4, 20))]:
        Transaction.objects.create(txn_no=no, customer=cust, branch=x, channel=w.channel, occurred_on=day,
                                   amount=1000, cost=600)
    delivery = CaseCategory.objects.create(code="DELIVERY", name_ko="배송", name_en="Delivery")
    price = CaseCategory.objects.create(code="PRICE", name_ko="가격", name_en="Price")
    make_case(x, "A", opened=at(2024, 12, 1), resolved_after=timedelta(days=40), customer=c1, category=delivery)
    make_case(x, "B", opened=at(2025, 3, 5), resolved_after=timedelta(hours=10), due_after=timedelta(hours=24),
              customer=c1, category=delivery, root_cause="people")
    make_case(x, "C", opened=at(2025, 4, 3), resolved_after=timedelta(hours=30), due_after=timedelta(hours=12),
              customer=c1, category=price, root_cause="procedure")
    make_case(x, "D", kind=Case.Kind.INQUIRY, opened=at(2025, 5, 2), resolved_after=timedelta(minutes=15),
              due_after=timedelta(hours=72), fcr=True)
    make_case(x, "E", kind=Case.Kind.INQUIRY, opened=at(2025, 5, 3), due_after=timedelta(hours=8))
    make_case(x, "F", kind=Case.Kind.INQUIRY, opened=at(2025, 6, 1), due_after=timedelta(days=3650))
    # Branch Y: a claim of its own that X's manager must never count.
    make_case(w.y, "Y1", opened=at(2025, 3, 6), resolved_after=timedelta(hours=1), due_after=timedelta(hours=2),
              category=delivery, root_cause="people", fcr=True)
    Period.objects.create(code="2025", kind="year", start=YEAR[0], end=YEAR[1], label_ko="2025년", label_en="2025")
    w.delivery, w.price = delivery, price
    return w


def scope(world, user=None, unit="B01", **kw) -> MetricScope:
    return MetricScope(user=user or world.users.admin, unit_code=unit, start=YEAR[0], end=YEAR[1],
                       now=at(2025, 12, 31), **kw)


def test_claim_rate_per_1000_orders_and_customers_matches_the_hand_count(world):
    rate = claim_rate(scope(world))
    assert (rate["claims"], rate["orders"], rate["customers"]) == (2, 4, 2)
    assert rate["per_1000_orders"] == pytest.approx(500.0)
    assert rate["per_1000_customers"] == pytest.approx(1000.0)


def test_claim_rate_by_unit_counts_each_region_with_distinct_customers(world):
    rows = {r["code"]: r for r in claim_rate_by_unit(scope(world, unit="HQ"))}
    r1, r2 = rows["R1"], rows["R2"]  # R1: X (4 orders, 2 customers) and Z (1, 1); R2: Y (1, 1)
    assert (r1["claims"], r1["orders"], r1["customers"]) == (2, 5, 3)
    assert (r2["claims"], r2["orders"], r2["customers"]) == (1, 1, 1)
    assert r1["per_1000_orders"] == pytest.approx(400.0) and r1["per_1000_customers"] == pytest.approx(2000 / 3)
    assert [r["code"] for r in claim_rate_by_unit(scope(world, unit="HQ"))] == ["R2", "R1"]


def test_monthly_claim_rate_counts_walk_ins_as_orders_but_not_customers(world):
    monthly = {r["month"]: r for r in claim_rate(scope(world))["monthly"]}
    april = monthly[date(2025, 4, 1)]
    assert (april["claims"], april["orders"], april["customers"]) == (1, 2, 1)
    assert april["per_1000_orders"] == pytest.approx(500.0) and april["per_1000_customers"] == pytest.approx(1000.0)


def test_recurrence_counts_a_claim_after_a_closed_claim_of_the_same_customer_and_category(world):
    assert claim_recurrence(scope(world, window_days=90)) == {"claims": 2, "recurrent": 1, "rate": 0.5,
                                                              "window_days": 90}


def test_recurrence_window_shorter_than_the_gap_finds_none(world):
    assert claim_recurrence(scope(world, window_days=30))["recurrent"] == 0


def test_recurrence_without_a_period_counts_every_claim_open_and_anonymous_ones_too(world):
    make_case(world.x, "G", opened=at(2025, 7, 1))  # open, no customer: cannot recur, but is a claim
    everything = MetricScope(user=world.users.admin, unit_code="B01", window_days=90)
    # A, B, C and G; B recurs (A closed 54 days before it)
    assert claim_recurrence(everything) == {"claims": 4, "recurrent": 1, "rate": 0.25, "window_days": 90}


def test_resolution_time_median_p90_and_histogram(world):
    res = case_metrics(scope(world))["resolution"]
    hours = [0.25, 10.0, 30.0]
    assert res["n"] == 3
    assert res["median"] == pytest.approx(np.percentile(hours, 50))
    assert res["p90"] == pytest.approx(np.percentile(hours, 90))  # 26.0
    assert {b["bin"]: b["n"] for b in res["histogram"] if b["n"]} == {"0-4": 1, "8-24": 1, "24-48": 1}
    by_cat = {r["category"]: r["n"] for r in res["by_category"]}
    assert by_cat == {"배송": 1, "가격": 1, "": 1}


def test_sla_attainment_and_open_cases_past_due(world):
    sla = case_metrics(scope(world))["sla"]
    assert (sla["resolved"], sla["within_due"], sla["open"], sla["open_in_breach"]) == (3, 2, 2, 1)
    assert sla["rate"] == pytest.approx(2 / 3)


def test_first_contact_resolution_rate_and_by_channel(world):
    fcr = case_metrics(scope(world))["fcr"]
    assert (fcr["resolved"], fcr["fcr"]) == (3, 1)
    assert fcr["by_channel"][0]["channel"] == "call_centre" and fcr["by_channel"][0]["rate"] == pytest.approx(1 / 3)


def test_case_type_filter_narrows_resolution_and_fcr(world):
    m = case_metrics(scope(world, kind=Case.Kind.INQUIRY))
    assert m["resolution"]["n"] == 1 and m["fcr"]["rate"] == 1.0
    assert m["claim_rate"]["claims"] == 2  # claims are complaints whatever the filter


def test_pareto_sorts_descending_with_cumulative_share_and_vital_few(org_world):
    y = org_world.y
    cats = {code: CaseCategory.objects.create(code=code, name_ko=code.lower(), name_en=code.lower())
            for code in ("DEL", "PRI", "SRV", "IMG")}
    plan = ["DEL"] * 5 + ["PRI"] * 3 + ["SRV", "IMG"]
    causes = ["people"] * 6 + ["procedure"] * 3 + [""]
    for i, (code, cause) in enumerate(zip(plan, causes)):
        make_case(y, f"P{i}", opened=at(2025, 2, 1 + i), category=cats[code], root_cause=cause)
    result = pareto(MetricScope(user=org_world.users.admin, unit_code="B02", start=YEAR[0], end=YEAR[1]))
    rows = result["categories"]
    assert [(r["label"], r["n"]) for r in rows] == [("del", 5), ("pri", 3), ("img", 1), ("srv", 1)]
    assert [r["cumulative"] for r in rows] == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert [r["vital"] for r in rows] == [True, True, False, False]
    assert [(r["key"], r["n"]) for r in result["root_causes"]] == [("people", 6), ("procedure", 3)]
    assert result["unclassified"] == 1


# --- scope: page and API -----------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_branch_manager_metrics_never_count_the_other_branch(world):
    m = case_metrics(scope(world, user=world.users.branch_manager, unit=None))
    assert m["claim_rate"]["claims"] == 2
    assert m["pareto"]["claims"] == 2
    assert m["fcr"]["resolved"] == 3  # Y1 (resolved, first contact) is not in X's numbers


def test_branch_manager_cannot_pick_the_other_branch_through_the_selector(world):
    m = case_metrics(scope(world, user=world.users.branch_manager, unit="B02"))
    assert m["claim_rate"]["claims"] == 0 and m["fcr"]["resolved"] == 0


def test_metrics_page_shows_the_branch_numbers_for_its_manager(world):
    client = signed_in(world.users.branch_manager)
    client.post(reverse("web:set_scope"), {"unit": "B02", "period": "2025"})  # B02 is ignored: not visible
    response = client.get(reverse("voc_insights:metrics"))
    assert response.status_code == 200
    assert response.context["scope"].unit.code == "B01"
    m = response.context["m"]
    assert (m["claim_rate"]["claims"], m["claim_rate"]["orders"]) == (2, 4)
    assert 'data-kpi="claims-per-1000-orders"' in response.content.decode()


def test_metrics_api_answers_404_for_a_unit_outside_the_callers_scope(world):
    client = signed_in(world.users.branch_manager)
    assert client.get("/api/cases/metrics", {"unit": "B02", "period": "2025"}).status_code == 404
    mine = client.get("/api/cases/metrics", {"unit": "B01", "period": "2025"})
    assert mine.status_code == 200
    assert mine.json()["claim_rate"]["claims"] == 2


def test_metrics_api_for_the_admin_counts_both_branches(world):
    body = signed_in(world.users.admin).get("/api/cases/metrics", {"period": "2025"}).json()
    assert body["claim_rate"]["claims"] == 3
    assert body["recurrence"]["recurrent"] == 1
