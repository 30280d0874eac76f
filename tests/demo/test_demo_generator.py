"""The generator: deterministic, the right sizes, consistent money, plausible people."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cxm.demo import catalog, truth
from cxm.demo.generator import (
    CHUNK_CUSTOMERS,
    DemoSpec,
    acquisition_profile,
    generate,
    generate_chunk,
    iter_chunks,
    reference_tables,
    seasonality,
)


def test_same_seed_gives_identical_frames():
    a, b = generate(DemoSpec(seed=7, n_customers=3_000)), generate(DemoSpec(seed=7, n_customers=3_000))
    assert a.customers.equals(b.customers)
    assert a.transactions.equals(b.transactions)
    assert a.lines.equals(b.lines)
    assert a.reference.employees.equals(b.reference.employees)


def test_different_seed_gives_a_different_company():
    a, b = generate(DemoSpec(seed=7, n_customers=3_000)), generate(DemoSpec(seed=8, n_customers=3_000))
    assert not a.customers["name"].equals(b.customers["name"])
    assert a.transactions.height != b.transactions.height or not a.transactions["amount"].equals(b.transactions["amount"])
    assert not a.reference.employees["name"].equals(b.reference.employees["name"])


def test_chunks_are_numbered_contiguously():
    spec = DemoSpec(seed=3, n_customers=CHUNK_CUSTOMERS + 500)
    chunks = list(iter_chunks(spec))
    assert [c.customers.height for c in chunks] == [CHUNK_CUSTOMERS, 500]
    assert chunks[1].transactions["txn_idx"][0] == chunks[0].transactions.height
    assert chunks[1].customers["customer_idx"][0] == CHUNK_CUSTOMERS
    # A chunk regenerated on its own is the same chunk (what bounded-memory loading relies on).
    again = generate_chunk(spec, 1, txn_offset=chunks[0].transactions.height)
    assert again.transactions.equals(chunks[1].transactions)


def test_default_demo_has_twenty_thousand_customers_and_about_ten_purchases_each(demo_data):
    assert demo_data.customers.height == 20_000
    assert 150_000 <= demo_data.transactions.height <= 250_000
    per_txn = demo_data.lines.group_by("txn_idx").len()["len"]
    assert per_txn.len() == demo_data.transactions.height
    assert per_txn.min() == 1 and per_txn.max() == 3


def test_transactions_lie_in_the_two_year_window_from_the_join_date(demo_data):
    t = demo_data.transactions
    assert t["occurred_on"].min() >= truth.START and t["occurred_on"].max() <= truth.END
    first = t.filter(pl.col("is_first")).join(demo_data.customers.select("customer_idx", "joined_on"), on="customer_idx")
    assert first.height == demo_data.customers.height
    assert (first["occurred_on"] == first["joined_on"]).all()
    later = t.join(demo_data.customers.select("customer_idx", "joined_on"), on="customer_idx")
    assert (later["occurred_on"] >= later["joined_on"]).all()


def test_money_is_integer_and_transactions_add_up_their_lines(demo_data):
    t, lines = demo_data.transactions, demo_data.lines
    for frame in (t, lines):
        assert frame["amount"].dtype == pl.Int64 and frame["cost"].dtype == pl.Int64
        assert frame["amount"].min() >= 0 and frame["cost"].min() > 0
    sums = lines.group_by("txn_idx").agg(pl.col("amount").sum().alias("a"), pl.col("cost").sum().alias("c"))
    joined = t.join(sums, on="txn_idx")
    assert joined.height == t.height
    assert (joined["amount"] == joined["a"]).all() and (joined["cost"] == joined["c"]).all()


def test_line_amount_is_quantity_times_price_less_discount(demo_data):
    products = demo_data.reference.products
    lines = demo_data.lines.join(products.select("product_idx", "unit_price", "unit_cost"), on="product_idx")
    assert lines["quantity"].min() >= 1
    assert (lines["amount"] == lines["quantity"] * lines["unit_price"] - lines["discount"]).all()
    assert (lines["cost"] == lines["quantity"] * lines["unit_cost"]).all()
    assert (lines["discount"] >= 0).all() and (lines["discount"] % 10 == 0).all()


def test_products_are_priced_in_whole_hundreds_of_won_above_cost():
    products = reference_tables(42).products
    assert 55 <= products.height <= 65
    assert (products["unit_price"] % 100 == 0).all()
    assert (products["unit_cost"] < products["unit_price"]).all() and (products["unit_cost"] > 0).all()
    assert products["sku"].is_unique().all()


def test_delivery_days_only_for_remote_orders(demo_data):
    t = demo_data.transactions
    store = t["channel_idx"] == catalog.STORE
    assert t.filter(store)["delivery_days"].null_count() == store.sum()
    remote = t.filter(~store)["delivery_days"]
    assert remote.null_count() == 0 and remote.min() >= 1


def test_customers_look_like_korean_members(demo_data):
    c = demo_data.customers
    assert c["customer_no"].is_unique().all() and demo_data.transactions["txn_no"].is_unique().all()
    persons, companies = c.filter(pl.col("kind") == "person"), c.filter(pl.col("kind") == "company")
    assert 0.04 < companies.height / c.height < 0.06
    # Kim, Lee and Park are the three commonest surnames, about 45 % of people together.
    top = persons["name"].str.slice(0, 1).value_counts(sort=True)["name"].head(3).to_list()
    assert top == ["김", "이", "박"]
    assert persons["name"].str.len_chars().is_between(2, 4).all()
    assert persons["phone"].str.contains(r"^010-\d{4}-\d{4}$").all()
    assert companies["phone"].str.contains(r"^0\d{1,2}-\d{3,4}-\d{4}$").all()
    emails = c.filter(pl.col("email") != "")["email"]
    assert emails.str.contains(r"^[a-z0-9.]+@example\.(com|net|org)$").all()
    assert set(persons["gender"].unique()) == {"F", "M"} and (companies["gender"] == "").all()
    assert persons["birth_year"].is_between(1930, 2010).all() and companies["birth_year"].null_count() == companies.height


def test_consent_to_email_or_sms_implies_marketing_consent(demo_data):
    c = demo_data.customers
    assert not (c["consent_email"] & ~c["consent_marketing"]).any()
    assert not (c["consent_sms"] & ~c["consent_marketing"]).any()
    assert not (c["consent_email"] & (c["email"] == "")).any()
    assert 0.5 < c["consent_marketing"].mean() < 0.7


def test_reference_tables_hold_the_company_tree_periods_and_staff():
    ref = reference_tables(42)
    kinds = ref.org_units.group_by("kind").len().sort("kind")
    assert dict(kinds.iter_rows()) == {"company": 1, "region": 3, "branch": 12, "team": 13}
    assert ref.periods.filter(pl.col("kind") == "month").height == 24
    assert ref.periods.filter(pl.col("kind") == "quarter").height == 9
    per_branch = ref.employees.filter(pl.col("unit_code").str.starts_with("B")).group_by("unit_code").len()["len"]
    assert per_branch.len() == 12 and (per_branch == 10).all()
    assert ref.employees["employee_no"].is_unique().all()


def test_seasonality_is_normalised_and_peaks_before_holidays():
    s = seasonality()
    assert s.shape == (truth.N_DAYS,) and s.mean() == pytest.approx(1.0)
    chuseok = (np.datetime64("2025-10-06") - np.datetime64(truth.START)).astype(int)
    before = s[chuseok - 9 : chuseok - 2].mean()
    assert before > 1.5 * s.mean() and s[chuseok] < 0.7
    assert acquisition_profile().sum() == pytest.approx(1.0)


def test_weekends_and_december_are_busier(demo_data):
    t = demo_data.transactions
    by_weekday = t.group_by(pl.col("occurred_on").dt.weekday()).len().sort("occurred_on")["len"].to_numpy()
    assert by_weekday[5] > 1.25 * by_weekday[1]  # Saturday vs Tuesday
    month = t.group_by(pl.col("occurred_on").dt.strftime("%Y-%m").alias("m")).len()
    count = dict(month.iter_rows())
    assert count["2025-12"] > 1.15 * count["2025-11"]
    assert count["2025-08"] < count["2025-09"]


def test_spec_rejects_an_empty_company():
    with pytest.raises(ValueError):
        DemoSpec(n_customers=0)
