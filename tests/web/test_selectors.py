"""The read models behind the dashboard and the lists, on the fixture shop (see conftest)."""

from __future__ import annotations

from datetime import date

import pytest

from cxm.customers import selectors
from cxm.customers.models import Transaction
from cxm.web import charts

pytestmark = pytest.mark.django_db

Y2024 = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}


def test_monthly_revenue_by_branch_groups_by_month_and_branch(shop):
    rows = selectors.monthly_revenue_by_branch(user=shop.users.admin, **Y2024)
    assert [(r["month"], r["branch_code"], r["revenue"], r["transactions"], r["active_customers"]) for r in rows] == [
        (date(2024, 1, 1), "B01", 10_000, 1, 1),
        (date(2024, 2, 1), "B01", 50_000, 2, 2),
        (date(2024, 3, 1), "B02", 55_000, 2, 1),  # the walk-in sale is revenue, not a customer
    ]
    assert rows[0]["branch_name_ko"] == "강남점" and rows[0]["branch_name_en"] == "Gangnam"


def test_monthly_totals_count_a_customer_of_two_branches_once(shop):
    Transaction.objects.create(txn_no="T9", customer=shop.c001, branch=shop.b02, channel=shop.store,
                               occurred_on=date(2024, 2, 28), amount=1_000, cost=500)
    by_branch = [r for r in selectors.monthly_revenue_by_branch(user=shop.users.admin, **Y2024)
                 if r["month"] == date(2024, 2, 1)]
    assert sum(r["active_customers"] for r in by_branch) == 3
    february = selectors.monthly_revenue(user=shop.users.admin, **Y2024)[1]
    assert (february["month"], february["revenue"], february["active_customers"]) == (date(2024, 2, 1), 51_000, 2)


def test_branch_manager_gets_only_their_branch_in_every_read_model(shop):
    user = shop.users.branch_manager
    assert {r["branch_code"] for r in selectors.monthly_revenue_by_branch(user=user, **Y2024)} == {"B01"}
    assert [r["branch_code"] for r in selectors.revenue_by_branch(user=user, **Y2024)] == ["B01"]
    assert selectors.transaction_summary(user=user, **Y2024)["revenue"] == 60_000
    # Asking for the other branch explicitly gives nothing, never the other branch.
    assert selectors.transaction_summary(user=user, unit_code="B02", **Y2024)["transactions"] == 0
    assert selectors.monthly_revenue(user=user, unit_code="B02", **Y2024) == []


def test_summary_of_an_empty_range_is_zero_not_an_error(shop):
    summary = selectors.transaction_summary(user=shop.users.admin, start=date(2030, 1, 1), end=date(2030, 1, 31))
    assert summary == {"revenue": 0, "cost": 0, "transactions": 0, "active_customers": 0, "average_order_value": 0}


def test_average_order_value_rounds_half_up_to_whole_won(shop):
    Transaction.objects.all().delete()
    for i, amount in enumerate((1, 2)):
        Transaction.objects.create(txn_no=f"R{i}", branch=shop.b01, channel=shop.store,
                                   occurred_on=date(2024, 5, 1), amount=amount, cost=0)
    assert selectors.transaction_summary(user=shop.users.admin)["average_order_value"] == 2  # 1.5 -> 2


def test_revenue_by_branch_in_tree_order(shop):
    rows = selectors.revenue_by_branch(user=shop.users.cs_manager, **Y2024)
    assert [(r["branch_code"], r["revenue"], r["active_customers"]) for r in rows] == [
        ("B01", 60_000, 2), ("B02", 55_000, 1)]


def test_transaction_search_filters_and_orders_newest_first(shop):
    qs = selectors.transaction_search(user=shop.users.admin, start=date(2024, 1, 1), channel=shop.store)
    assert list(qs.values_list("txn_no", flat=True)) == ["T5", "T4", "T3", "T1"]
    assert selectors.transaction_totals(qs) == {"revenue": 95_000, "transactions": 4,
                                                "first": date(2024, 1, 15), "last": date(2024, 3, 6)}


def test_customer_ids_visible_drops_other_branches(shop):
    ids = {shop.c001.id, shop.c101.id}
    assert selectors.customer_ids_visible(user=shop.users.branch_manager, ids=ids) == {shop.c001.id}
    assert selectors.customer_ids_visible(user=shop.users.admin, ids=ids) == ids


def test_chart_for_a_single_branch_has_no_menu_and_zero_months(shop):
    user = shop.users.branch_manager
    months = charts.month_range(date(2024, 1, 1), date(2024, 4, 30))
    figure = charts.monthly_revenue_figure(
        months=months,
        totals=selectors.monthly_revenue(user=user, **Y2024),
        by_branch=selectors.monthly_revenue_by_branch(user=user, **Y2024),
    )
    assert figure["layout"].get("updatemenus", []) == []
    bar, line = figure["data"]
    assert bar["y"] == [10_000, 50_000, 0, 0] and line["y"] == [1, 2, 0, 0]
    assert line["yaxis"] == "y2" and bar["visible"] is True
    assert figure["layout"]["yaxis2"]["dtick"] == 1  # whole customers, not 0.5 of one


def test_chart_is_none_without_sales(shop):
    assert charts.monthly_revenue_figure(months=charts.month_range(date(2030, 1, 1), date(2030, 3, 1)),
                                         totals=[], by_branch=[]) is None


def test_month_range_crosses_years():
    assert charts.month_range(date(2023, 11, 20), date(2024, 2, 3)) == [
        date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)]


@pytest.mark.parametrize("who, unit", [("admin", None), ("admin", "B02"), ("admin", "R1"), ("branch_manager", None),
                                       ("branch_manager", "B02")])
def test_transaction_date_range_equals_the_first_and_last_date_of_the_scoped_transactions(shop, who, unit):
    # the per-branch index look-ups give what a plain min/max over the visible rows gives
    from django.db.models import Max, Min

    user = getattr(shop.users, who)
    plain = selectors.transaction_queryset(user=user, unit_code=unit).aggregate(first=Min("occurred_on"),
                                                                                last=Max("occurred_on"))
    assert selectors.transaction_date_range(user=user, unit_code=unit) == (plain["first"], plain["last"])
    if who == "admin" and unit is None:
        assert plain["first"] is not None


def test_transaction_date_range_without_transactions_is_none(shop):
    Transaction.objects.all().delete()
    assert selectors.transaction_date_range(user=shop.users.admin) == (None, None)
