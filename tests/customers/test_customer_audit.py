"""Every create, update and delete of a customer is audited: who, when, what changed."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.test import Client

from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.customers.models import Customer
from cxm.customers.services import customer_create, customer_delete, customer_update

pytestmark = pytest.mark.django_db


def entries(customer_pk):
    return list(LogEntry.objects.filter(content_type__model="customer", object_pk=str(customer_pk)).order_by("id"))


def test_create_records_actor_and_fields(org_world):
    user = org_world.users.branch_manager
    c = customer_create(user=user, customer_no="C-NEW", name="정하늘", home_unit=org_world.x,
                        joined_on=date(2025, 5, 1), consent_marketing=True)
    [entry] = entries(c.pk)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == user
    assert entry.timestamp is not None
    assert entry.changes_dict["name"] == ["None", "정하늘"]


def test_update_records_old_and_new_values(org_world):
    user = org_world.users.cs_manager
    c = org_world.customers["B01"]
    customer_update(user=user, customer=c, consent_marketing=True, segment="VIP")
    entry = entries(c.pk)[-1]
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == user
    assert entry.changes_dict["consent_marketing"] == ["False", "True"]
    assert entry.changes_dict["segment"] == ["", "VIP"]


def test_delete_is_recorded(org_world):
    user = org_world.users.admin
    c = customer_create(user=user, customer_no="C-DEL", name="삭제", home_unit=org_world.y, joined_on=date(2025, 1, 1))
    pk = c.pk
    customer_delete(user=user, customer=c)
    assert [e.action for e in entries(pk)] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert entries(pk)[-1].actor == user


def test_branch_manager_cannot_change_another_branchs_customer(org_world):
    other = org_world.customers["B02"]
    before = len(entries(other.pk))
    with pytest.raises(AccessDenied):
        customer_update(user=org_world.users.branch_manager, customer=other, segment="X")
    other.refresh_from_db()
    assert other.segment == "" and len(entries(other.pk)) == before


def test_branch_manager_cannot_move_a_customer_out_of_scope(org_world):
    with pytest.raises(AccessDenied):
        customer_update(user=org_world.users.branch_manager, customer=org_world.customers["B01"],
                        home_unit=org_world.y)
    assert Customer.objects.get(customer_no="C-X1").home_unit == org_world.x


def test_analyst_cannot_write_customers(org_world):
    with pytest.raises(AccessDenied):
        customer_create(user=org_world.users.analyst, customer_no="C-A", name="분석", home_unit=org_world.x,
                        joined_on=date(2025, 1, 1))
    assert not Customer.objects.filter(customer_no="C-A").exists()


def test_change_through_the_admin_site_is_audited_with_the_signed_in_user(org_world):
    admin = org_world.users.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    c = org_world.customers["B01"]
    form = client.get(f"/admin/customers/customer/{c.pk}/change/")
    assert form.status_code == 200
    data = {
        "customer_no": c.customer_no, "kind": c.kind, "name": "김서준(수정)", "email": c.email, "phone": c.phone,
        "gender": "", "birth_year": "", "home_unit": c.home_unit_id, "segment": "", "attributes": "{}",
        "joined_on": "2025-01-02",
    }
    response = client.post(f"/admin/customers/customer/{c.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    entry = entries(c.pk)[-1]
    assert entry.actor == admin
    assert entry.changes_dict["name"] == ["김서준", "김서준(수정)"]


def test_customer_with_transactions_is_not_deleted(org_world):
    c = org_world.customers["B01"]
    with pytest.raises(ApplicationError):
        customer_delete(user=org_world.users.admin, customer=c)
    assert Customer.objects.filter(pk=c.pk).exists()
