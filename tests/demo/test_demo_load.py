"""Loading the demo into the store (SQLite, and PostgreSQL with ``--db=postgres``)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from django.db import connection
from django.db.models import Count, F, Sum
from typer.testing import CliRunner

from cxm.core.exceptions import ApplicationError
from cxm.customers.models import Channel, Customer, Product, Transaction, TransactionLine
from cxm.demo import catalog, steps
from cxm.demo.generator import DemoSpec, generate
from cxm.core.bulk import PostgresWriter, SqliteWriter, bulk_writer
from cxm.demo.loader import load_demo
from cxm.org.access import restrict
from cxm.org.models import Employee, OrgUnit, Period, User

pytestmark = pytest.mark.django_db

SMALL = 500


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 costs ~0.25 s a hash by design; the accounts are what is tested, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_demo():
    return load_demo(seed=42, n_customers=SMALL, progress=False)


def test_load_writes_every_generated_row(small_demo):
    data = generate(DemoSpec(seed=42, n_customers=SMALL))
    assert Customer.objects.count() == SMALL == small_demo.counts["customer"]
    assert Transaction.objects.count() == data.transactions.height == small_demo.counts["transaction"]
    assert TransactionLine.objects.count() == data.lines.height
    assert OrgUnit.objects.count() == data.reference.org_units.height
    assert Channel.objects.count() == 4 and Product.objects.count() == len(catalog.PRODUCTS)
    # Calendar periods from the reference; survey waves come from the surveys step.
    assert Period.objects.exclude(kind=Period.Kind.WAVE).count() == data.reference.periods.height
    assert Employee.objects.count() == data.reference.employees.height
    assert Transaction.objects.aggregate(s=Sum("amount"))["s"] == data.transactions["amount"].sum()


def test_stored_transactions_equal_the_sum_of_their_lines(small_demo):
    mismatched = (
        Transaction.objects.annotate(line_amount=Sum("lines__amount"), line_cost=Sum("lines__cost"), n=Count("lines"))
        .exclude(amount=F("line_amount"), cost=F("line_cost"))
    )
    assert not mismatched.exists()


def test_stored_rows_keep_their_generated_values(small_demo):
    data = generate(DemoSpec(seed=42, n_customers=SMALL))
    row = data.customers.filter(pl.col("kind") == "company").row(0, named=True)
    stored = Customer.objects.select_related("home_unit").get(customer_no=row["customer_no"])
    assert (stored.name, stored.email, stored.gender, stored.birth_year) == (row["name"], row["email"], "", None)
    assert stored.home_unit.code == catalog.BRANCHES[row["home_branch_idx"]].code
    assert stored.joined_on == row["joined_on"] and stored.attributes["industry"]
    txn = data.transactions.filter(pl.col("delivery_days").is_null()).row(0, named=True)
    stored_txn = Transaction.objects.select_related("channel").get(txn_no=txn["txn_no"])
    assert stored_txn.delivery_days is None and stored_txn.channel.code == "STORE"
    assert stored_txn.amount == txn["amount"] and stored_txn.occurred_on == txn["occurred_on"]


def test_org_tree_paths_nest_branches_under_regions(small_demo):
    assert OrgUnit.objects.get(code="B11").path == "HQ/HNM/B11/"
    assert OrgUnit.objects.get(code="B01-CS").parent.code == "B01"
    assert OrgUnit.objects.filter(kind="branch").count() == 12


def test_every_role_has_a_demo_login_with_its_scope(small_demo):
    for login in catalog.DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.role == login.role and user.is_active
        assert user.check_password(login.password) and len(login.password) >= 10
        assert sorted(user.org_units.values_list("code", flat=True)) == sorted(login.units)
    assert {login.role for login in catalog.DEMO_LOGINS} == set(User.Role.values)
    assert User.objects.get(username="admin").is_superuser
    assert Employee.objects.get(user__username="branch_gangnam").org_unit.code == "B01"


def test_the_gangnam_manager_sees_exactly_the_gangnam_customers(small_demo):
    manager = User.objects.get(username="branch_gangnam")
    visible = restrict(Customer.objects.all(), manager)
    assert visible.exists()
    assert set(visible.values_list("home_unit__code", flat=True)) == {"B01"}
    assert visible.count() == Customer.objects.filter(home_unit__code="B01").count()


def test_the_fast_path_of_the_database_is_used_and_indexes_come_back(database_kind):
    writer = bulk_writer(connection)
    assert isinstance(writer, {"sqlite": SqliteWriter, "postgres": PostgresWriter}[database_kind])
    tables = [m._meta.db_table for m in (Customer, Transaction, TransactionLine)]
    with connection.cursor() as cursor:
        before = {t: connection.introspection.get_constraints(cursor, t) for t in tables}
    load_demo(seed=1, n_customers=200, progress=False)
    with connection.cursor() as cursor:
        after = {t: connection.introspection.get_constraints(cursor, t) for t in tables}
    assert {t: sorted(c) for t, c in after.items()} == {t: sorted(c) for t, c in before.items()}
    # New rows after the load get fresh ids: the sequences were moved past the loaded ones.
    branch = OrgUnit.objects.get(code="B01")
    new = Customer.objects.create(customer_no="X1", name="새 고객", home_unit=branch, joined_on="2026-11-01")
    assert new.id == Customer.objects.order_by("-id").values_list("id", flat=True)[1] + 1


def test_load_refuses_a_store_that_holds_data(small_demo):
    with pytest.raises(ApplicationError):
        load_demo(seed=42, n_customers=SMALL, progress=False)


def test_if_empty_leaves_existing_customers_alone(small_demo):
    result = load_demo(seed=7, n_customers=100, if_empty=True, progress=False)
    assert not result.loaded and Customer.objects.count() == SMALL
    assert [lg.username for lg in result.logins] == [lg.username for lg in catalog.DEMO_LOGINS]


def test_reset_replaces_the_data(small_demo):
    result = load_demo(seed=7, n_customers=100, reset=True, progress=False)
    assert result.loaded and Customer.objects.count() == 100
    assert Transaction.objects.count() == result.counts["transaction"]
    assert User.objects.filter(username__in=[lg.username for lg in catalog.DEMO_LOGINS]).count() == len(catalog.DEMO_LOGINS)


def test_registered_steps_and_chunk_hooks_run_with_ids():
    seen: dict[str, object] = {}

    @steps.register("test_survey", order=100)
    def survey_step(ctx):
        seen["customers"] = ctx.customers
        seen["rng"] = ctx.rng("test_survey").random()
        seen["branch"] = ctx.ids["org_unit"]["B01"]

    @steps.on_chunk("test_hook")
    def hook(ctx, chunk, ids):
        stored = dict(Transaction.objects.filter(id__in=ids.transaction_id[:5].tolist()).values_list("id", "txn_no"))
        seen.setdefault("txn_no", []).extend(stored[i] for i in ids.transaction_id[:5].tolist())
        seen["expected"] = chunk.transactions["txn_no"].head(5).to_list()

    try:
        load_demo(seed=3, n_customers=150, progress=False)
    finally:
        steps.unregister("test_survey")
        steps.unregister("test_hook")
    summary = seen["customers"]
    assert summary.height == 150 and summary["n_transactions"].min() >= 1
    assert summary["revenue"].sum() == Transaction.objects.aggregate(s=Sum("amount"))["s"]
    assert np.array_equal(np.sort(summary["id"].to_numpy()), np.sort(np.array(Customer.objects.values_list("id", flat=True))))
    assert seen["txn_no"] == seen["expected"]
    assert seen["branch"] == OrgUnit.objects.get(code="B01").id
    assert "test_survey" not in [s.name for s in steps.registered_steps()]


def test_cxm_demo_prints_a_login_for_each_role():
    from cxm.cli import app

    result = CliRunner().invoke(app, ["demo", "--customers", "100", "--scale", "2", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert Customer.objects.count() == 200
    for login in catalog.DEMO_LOGINS:
        assert login.username in result.output and login.password in result.output
    again = CliRunner().invoke(app, ["demo", "--customers", "100", "--if-empty", "--no-progress"])
    assert again.exit_code == 0 and Customer.objects.count() == 200
    refused = CliRunner().invoke(app, ["demo", "--customers", "100", "--no-progress"])
    assert refused.exit_code == 1


def test_the_load_leaves_planner_statistics_behind(small_demo, database_kind):
    # a fresh SQLite file has none, and its planner then joins the scores through the wrong index
    with connection.cursor() as cur:
        if database_kind == "sqlite":
            cur.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'customers_customer'")
        else:
            cur.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'customers_customer'")
        assert cur.fetchone()[0] > 0
