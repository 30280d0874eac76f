"""Each effect planted in the demo (cxm.demo.truth) is visible in the generated data."""

from __future__ import annotations

import polars as pl

from cxm.demo import catalog, truth


def _with_region(demo_data) -> pl.DataFrame:
    branches = demo_data.reference.branches.select("branch_idx", "region", pl.col("code").alias("branch"))
    return demo_data.transactions.join(branches, on="branch_idx")


def test_honam_deliveries_take_clearly_longer(demo_data):
    t = _with_region(demo_data).filter(pl.col("delivery_days").is_not_null())
    means = dict(t.group_by("region").agg(pl.col("delivery_days").mean()).iter_rows())
    slow = means.pop(truth.SLOW_DELIVERY_REGION)
    assert slow > max(means.values()) + 1.5


def test_several_of_the_largest_customers_lose_money(demo_data):
    per_customer = (
        demo_data.transactions.group_by("customer_idx")
        .agg(pl.col("amount").sum().alias("revenue"), (pl.col("amount") - pl.col("cost")).sum().alias("margin"))
        .join(demo_data.customers.select("customer_idx", "kind", "key_account"), on="customer_idx")
    )
    top10 = per_customer.sort("revenue", descending=True).head(10)
    assert (top10["kind"] == "company").all()
    assert (top10["margin"] < 0).sum() >= 3  # the largest are not always the most profitable
    assert (top10["margin"] > 0).sum() >= 2
    most_profitable = set(per_customer.sort("margin", descending=True).head(10)["customer_idx"])
    assert not set(top10.filter(pl.col("margin") < 0)["customer_idx"]) & most_profitable
    key = per_customer.filter(pl.col("key_account"))
    persons = per_customer.filter(pl.col("kind") == "person")
    assert key["margin"].sum() < 0 < persons["margin"].sum()


def test_the_churn_branch_keeps_fewer_customers_buying(demo_data):
    churn_idx = [b.code for b in catalog.BRANCHES].index(truth.CHURN_BRANCH)
    repeats = (
        demo_data.transactions.filter(~pl.col("is_first")).group_by("customer_idx").len()
        .rename({"len": "repeats"})
    )
    persons = (
        demo_data.customers.filter(pl.col("kind") == "person")
        .join(repeats, on="customer_idx", how="left")
        .with_columns(pl.col("repeats").fill_null(0), (pl.col("home_branch_idx") == churn_idx).alias("churn"))
    )
    stats = dict(persons.group_by("churn").agg(pl.col("repeats").mean()).iter_rows())
    assert stats[True] < 0.8 * stats[False]
    alive = dict(persons.group_by("churn").agg(pl.col("true_alive").mean()).iter_rows())
    assert alive[True] < alive[False] - 0.1


def test_online_and_app_share_grows_year_over_year(demo_data):
    t = demo_data.transactions.with_columns(
        (pl.col("day") >= 365).alias("second_year"),
        pl.col("channel_idx").is_in([catalog.ONLINE, catalog.APP]).alias("digital"),
    )
    share = dict(t.group_by("second_year").agg(pl.col("digital").mean()).iter_rows())
    assert share[True] > share[False] + 0.05
    assert 0.25 < share[False] < 0.45


def test_store_purchases_are_mostly_at_the_home_branch(demo_data):
    t = demo_data.transactions.join(demo_data.customers.select("customer_idx", "home_branch_idx"), on="customer_idx")
    store = t.filter(pl.col("channel_idx") == catalog.STORE)
    at_home = (store["branch_idx"] == store["home_branch_idx"]).mean()
    assert 0.85 < at_home < 0.97
    remote = t.filter(pl.col("channel_idx") != catalog.STORE)
    assert (remote["branch_idx"] == remote["home_branch_idx"]).all()
