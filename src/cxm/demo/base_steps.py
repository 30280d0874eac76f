"""The base demo steps, registered like any later issue's steps (see :mod:`cxm.demo.steps`).

========  =====  ===============================================================
Step      Order  Writes
========  =====  ===============================================================
reference 10     org units, channels, products, periods, departments (ORM)
employees 20     about ten employees per branch, head office, call centre (ORM)
users     30     one demo login per role with its org-unit scope (ORM)
customers 50     customers, transactions, lines: streamed by the bulk writer
========  =====  ===============================================================
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
from django.contrib.auth.hashers import make_password
from tqdm import tqdm

from cxm.customers.models import Channel, Customer, Product, Transaction, TransactionLine
from cxm.org.models import Department, Employee, OrgUnit, Period, User

from . import catalog
from .generator import Chunk, iter_chunks
from .steps import ChunkIds, DemoContext, chunk_hooks, register


# --- reference -----------------------------------------------------------------------------------
def _reset_reference(ctx: DemoContext) -> None:
    Period.objects.all().delete()
    Product.objects.all().delete()
    Channel.objects.all().delete()
    # Leaves first: the parent foreign key protects a unit that still has children.
    for kind in (OrgUnit.Kind.TEAM, OrgUnit.Kind.BRANCH, OrgUnit.Kind.REGION, OrgUnit.Kind.COMPANY):
        OrgUnit.objects.filter(kind=kind).delete()


@register("reference", order=10, reset=_reset_reference)
def reference_step(ctx: DemoContext) -> None:
    """Org tree (level by level, parents need ids), channels, products, periods, departments."""
    ref = ctx.reference
    units = ref.org_units.to_dicts()
    ids: dict[str, int] = {}
    paths: dict[str, str] = {}
    pending = units
    while pending:  # four levels; bulk_create bypasses save(), so the path is set here
        level = [u for u in pending if u["parent_code"] is None or u["parent_code"] in ids]
        objs = []
        for u in level:
            path = (paths[u["parent_code"]] if u["parent_code"] else "") + u["code"] + "/"
            paths[u["code"]] = path
            objs.append(OrgUnit(code=u["code"], name_ko=u["name_ko"], name_en=u["name_en"], kind=u["kind"],
                                parent_id=ids.get(u["parent_code"]) if u["parent_code"] else None, path=path))
        OrgUnit.objects.bulk_create(objs)
        ids.update(OrgUnit.objects.filter(code__in=[u["code"] for u in level]).values_list("code", "id"))
        pending = [u for u in pending if u["code"] not in ids]
    ctx.ids["org_unit"] = ids
    ctx.add_count("org_unit", len(units))

    Channel.objects.bulk_create([Channel(**row) for row in ref.channels.drop("channel_idx").to_dicts()])
    ctx.ids["channel"] = dict(Channel.objects.values_list("code", "id"))
    Product.objects.bulk_create([Product(**row) for row in ref.products.drop("product_idx").to_dicts()])
    ctx.ids["product"] = dict(Product.objects.values_list("sku", "id"))
    Period.objects.bulk_create([Period(**row) for row in ref.periods.to_dicts()])
    ctx.ids["period"] = dict(Period.objects.values_list("code", "id"))
    Department.objects.bulk_create(
        [Department(code=d["code"], name_ko=d["name_ko"], name_en=d["name_en"], org_unit_id=ids[d["unit_code"]])
         for d in ref.departments.to_dicts()]
    )
    ctx.ids["department"] = dict(Department.objects.values_list("code", "id"))
    for table, n in (("channel", ref.channels.height), ("product", ref.products.height),
                     ("period", ref.periods.height), ("department", ref.departments.height)):
        ctx.add_count(table, n)


# --- employees -----------------------------------------------------------------------------------
def _reset_employees(ctx: DemoContext) -> None:
    Employee.objects.all().delete()
    Department.objects.all().delete()


@register("employees", order=20, reset=_reset_employees)
def employees_step(ctx: DemoContext) -> None:
    rows = ctx.reference.employees.to_dicts()
    Employee.objects.bulk_create(
        [
            Employee(employee_no=e["employee_no"], name=e["name"], department_id=ctx.ids["department"][e["department_code"]],
                     org_unit_id=ctx.ids["org_unit"][e["unit_code"]], position=e["position"], hired_on=e["hired_on"],
                     left_on=e["left_on"])
            for e in rows
        ]
    )
    ctx.ids["employee"] = dict(Employee.objects.values_list("employee_no", "id"))
    ctx.add_count("employee", len(rows))


# --- users ---------------------------------------------------------------------------------------
def _reset_users(ctx: DemoContext) -> None:
    # Only the demo accounts: other accounts are people, not demo data (their scopes go
    # with the org units).
    User.objects.filter(username__in=[login.username for login in catalog.DEMO_LOGINS]).delete()


@register("users", order=30, reset=_reset_users)
def users_step(ctx: DemoContext) -> None:
    """One login per role; each is linked to the employee holding that position, if any."""
    employees = ctx.reference.employees.filter(pl.col("first_in_slot"))
    # Argon2 is slow by design (~0.25 s and 100 MB a hash); it releases the GIL, so hash in
    # two threads (two cores; more would only add 100 MB each to the peak memory).
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(make_password, [login.password for login in catalog.DEMO_LOGINS]))
    users = []
    links: list[str | None] = []
    for login, password_hash in zip(catalog.DEMO_LOGINS, hashes, strict=True):  # six accounts
        employee_no, name = None, ("관리자", "시스템")
        if login.employee is not None:
            unit, position = login.employee
            row = employees.filter((pl.col("unit_code") == unit) & (pl.col("position") == position)).row(0, named=True)
            employee_no, name = row["employee_no"], (row["name"][1:], row["name"][:1])
        links.append(employee_no)
        users.append(
            User(username=login.username, password=password_hash, role=login.role,
                 first_name=name[0], last_name=name[1], email=f"{login.username}@hangyeol.example.com",
                 is_staff=login.is_superuser, is_superuser=login.is_superuser, is_active=True)
        )
    User.objects.bulk_create(users)
    user_ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id"))
    User.org_units.through.objects.bulk_create(
        [User.org_units.through(user_id=user_ids[login.username], orgunit_id=ctx.ids["org_unit"][code])
         for login in catalog.DEMO_LOGINS for code in login.units]
    )
    for login, employee_no in zip(catalog.DEMO_LOGINS, links, strict=True):
        if employee_no is not None:
            Employee.objects.filter(employee_no=employee_no).update(user_id=user_ids[login.username])
    ctx.ids["user"] = user_ids
    ctx.logins = list(catalog.DEMO_LOGINS)
    ctx.add_count("user", len(users))


# --- customers, transactions, lines --------------------------------------------------------------
def _reset_customers(ctx: DemoContext) -> None:
    """Delete lines, transactions and customers with plain SQL (the ORM would load every row)."""
    writer = ctx.writer
    with writer.connection.cursor() as cur:
        for model in (TransactionLine, Transaction, Customer):
            cur.execute(f"DELETE FROM {writer.table(model)}")


def _lookup(ids: dict[str, int], keys: list[str]) -> np.ndarray:
    """Primary keys in the generator's index order."""
    return np.array([ids[k] for k in keys], dtype=np.int64)


@register("customers", order=50, reset=_reset_customers)
def customers_step(ctx: DemoContext) -> None:
    """Stream customers, transactions and lines chunk by chunk (bounded memory).

    Ids are assigned from the tables' current maximum; chunk hooks
    (:func:`cxm.demo.steps.on_chunk`) see each chunk with its ids. Leaves a per-customer
    summary in ``ctx.customers``.
    """
    writer = ctx.writer
    ref = ctx.reference
    branch_pk = _lookup(ctx.ids["org_unit"], ref.branches["code"].to_list())
    channel_pk = _lookup(ctx.ids["channel"], ref.channels["code"].to_list())
    product_pk = _lookup(ctx.ids["product"], ref.products["sku"].to_list())
    customer_base = writer.max_id(Customer)
    txn_base = writer.max_id(Transaction)
    line_next = writer.max_id(TransactionLine) + 1
    hooks = chunk_hooks()
    summaries: list[pl.DataFrame] = []
    big = (Customer, Transaction, TransactionLine)
    bar = tqdm(total=ctx.spec.n_customers, unit=" customers", unit_scale=True, file=sys.stderr,
               disable=not ctx.progress, desc="demo", dynamic_ncols=True)
    try:
        with writer.deferred_indexes(big):
            for chunk in iter_chunks(ctx.spec):
                c, t, ln = chunk.customers, chunk.transactions, chunk.lines
                ids = ChunkIds(
                    customer_id=customer_base + 1 + c["customer_idx"].to_numpy(),
                    transaction_id=txn_base + 1 + t["txn_idx"].to_numpy(),
                    line_id=np.arange(line_next, line_next + ln.height, dtype=np.int64),
                )
                line_next += ln.height
                writer.write(Customer, c.select(
                    pl.Series("id", ids.customer_id),
                    "customer_no", "kind", "name", "email", "phone", "gender", "birth_year",
                    pl.Series("home_unit_id", branch_pk[c["home_branch_idx"].to_numpy()]),
                    "segment", "attributes", "consent_marketing", "consent_email", "consent_sms", "joined_on",
                    # Created when they joined, 09:00 in Seoul (00:00 UTC).
                    pl.col("joined_on").cast(pl.Datetime("us", "UTC")).alias("created_at"),
                    pl.col("joined_on").cast(pl.Datetime("us", "UTC")).alias("updated_at"),
                ))
                writer.write(Transaction, t.select(
                    pl.Series("id", ids.transaction_id),
                    "txn_no",
                    pl.Series("customer_id", customer_base + 1 + t["customer_idx"].to_numpy()),
                    pl.Series("branch_id", branch_pk[t["branch_idx"].to_numpy()]),
                    pl.Series("channel_id", channel_pk[t["channel_idx"].to_numpy()]),
                    "occurred_on", "amount", "cost", "delivery_days",
                ))
                writer.write(TransactionLine, ln.select(
                    pl.Series("id", ids.line_id),
                    pl.Series("transaction_id", txn_base + 1 + ln["txn_idx"].to_numpy()),
                    pl.Series("product_id", product_pk[ln["product_idx"].to_numpy()]),
                    "quantity", "amount", "cost",
                ))
                for hook in hooks:
                    hook(ctx, chunk, ids)
                summaries.append(_summary(chunk, ids))
                ctx.add_count("customer", c.height)
                ctx.add_count("transaction", t.height)
                ctx.add_count("transaction_line", ln.height)
                bar.update(c.height)
                bar.set_postfix(transactions=f"{ctx.counts['transaction']:,}", refresh=False)
            bar.set_description("demo: indexes")
        writer.reset_sequences(big)
    finally:
        bar.close()
    ctx.customers = pl.concat(summaries)


def _summary(chunk: Chunk, ids: ChunkIds) -> pl.DataFrame:
    """Per-customer facts later steps need (who bought what, how much, how delivered)."""
    per_customer = chunk.transactions.group_by("customer_idx").agg(
        pl.len().alias("n_transactions"),
        pl.col("amount").sum().alias("revenue"),
        (pl.col("amount") - pl.col("cost")).sum().alias("margin"),
        pl.col("day").min().alias("first_day"),
        pl.col("day").max().alias("last_day"),
        pl.col("delivery_days").count().alias("n_delivered"),
        pl.col("delivery_days").mean().alias("mean_delivery_days"),
    )
    return (
        chunk.customers.select(
            pl.Series("id", ids.customer_id), "customer_idx", "customer_no", "kind", "segment", "home_branch_idx",
            "joined_on", "key_account", "true_lambda", "true_p", "true_nu", "true_alive",
        )
        .join(per_customer, on="customer_idx", how="left")
        .sort("customer_idx")
    )
