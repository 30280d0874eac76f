"""The Django admin reads unscoped, unmasked rows: it is for administrators only."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _staff_client(user):
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_staff_branch_manager_is_kept_out_of_the_admin(org_world):
    client = _staff_client(org_world.users.branch_manager)
    response = client.get("/admin/customers/customer/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_administrator_gets_in(org_world):
    client = _staff_client(org_world.users.admin)
    assert client.get("/admin/").status_code == 200
