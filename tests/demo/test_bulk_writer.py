"""The bulk writer (cxm.core.bulk) beyond the demo load: timestamps, fresh ids, database errors."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from cxm.core.bulk import bulk_writer
from cxm.customers.models import Customer

pytestmark = pytest.mark.django_db


def _customers(ids, numbers, unit_id, created) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame({
        "id": ids, "customer_no": numbers, "kind": ["person"] * n, "name": ["벌크"] * n, "email": [""] * n,
        "phone": [""] * n, "gender": [""] * n, "birth_year": [None] * n, "home_unit_id": [unit_id] * n,
        "segment": [""] * n, "attributes": ["{}"] * n, "consent_marketing": [False] * n, "consent_email": [False] * n,
        "consent_sms": [False] * n, "joined_on": [dt.date(2026, 1, 2)] * n, "created_at": created,
        "updated_at": created,
    }, schema_overrides={"id": pl.Int64, "birth_year": pl.Int64, "home_unit_id": pl.Int64,
                         "created_at": pl.Datetime("us", "UTC"), "updated_at": pl.Datetime("us", "UTC")})


def test_written_timestamps_keep_their_microseconds(org_world):
    writer = bulk_writer(connection)
    created = [dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC), dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)]
    writer.write(Customer, _customers(writer.new_ids(Customer, 2), ["BW-1", "BW-2"], org_world.x.pk, created))
    stored = dict(Customer.objects.filter(customer_no__startswith="BW-").values_list("customer_no", "created_at"))
    assert stored == {"BW-1": created[0], "BW-2": created[1]}
    # and a whole second is found by the ORM's own lookup (the text Django writes on SQLite)
    assert Customer.objects.filter(created_at=created[1]).values_list("customer_no", flat=True).get() == "BW-2"


def test_new_ids_never_reuse_a_deleted_id_and_the_orm_continues_after_them(org_world):
    gone = Customer.objects.create(customer_no="GONE", name="삭제", home_unit=org_world.x, joined_on="2026-01-02").pk
    Customer.objects.filter(pk=gone).delete()
    writer = bulk_writer(connection)
    ids = writer.new_ids(Customer, 3)
    assert ids.to_list() == sorted(ids.to_list()) and ids.n_unique() == 3 and ids.min() > gone
    now = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    writer.write(Customer, _customers(ids, ["N-1", "N-2", "N-3"], org_world.x.pk, [now] * 3))
    writer.reset_sequences([Customer])
    after = Customer.objects.create(customer_no="N-4", name="다음", home_unit=org_world.x, joined_on="2026-01-02")
    assert after.pk > ids.max()


def test_a_clashing_row_raises_djangos_integrity_error(org_world):
    writer = bulk_writer(connection)
    now = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    taken = org_world.customers["B01"].customer_no
    with pytest.raises(IntegrityError), transaction.atomic():
        writer.write(Customer, _customers(writer.new_ids(Customer, 1), [taken], org_world.x.pk, [now]))
