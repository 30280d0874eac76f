"""The JSON API: schema and docs, session and token authentication, scoped endpoints."""

import pytest
from django.test import Client

from cxm.org.services import api_token_create

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "cxm API"
    for path in ("/api/org-units", "/api/customers", "/api/customers/{customer_no}", "/api/transactions",
                 "/api/transactions/{txn_no}", "/api/me"):
        assert path in schema["paths"]


def test_api_docs_page_is_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unauthenticated_requests_are_refused(org_world, client):
    assert client.get("/api/customers").status_code == 401
    assert client.get("/api/customers", HTTP_AUTHORIZATION="Bearer cxm_not-a-real-key").status_code == 401


def test_session_authentication(org_world):
    c = Client()
    c.login(username="bm_x", password=org_world.password)
    body = c.get("/api/me").json()
    assert body["username"] == "bm_x"
    assert body["role"] == "branch_manager"
    assert body["org_units"] == ["B01", "B01-CS"]


def test_token_authentication_acts_as_the_token_user(org_world, client):
    body = client.get("/api/me", **bearer(org_world.users.cs_manager)).json()
    assert body["username"] == "csm_r1"


def test_revoked_token_is_refused(org_world, client):
    token, key = api_token_create(user=org_world.users.admin, name="old")
    token.revoked = True
    token.save()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_token_key_is_not_stored(org_world):
    token, key = api_token_create(user=org_world.users.admin, name="x")
    token.refresh_from_db()
    assert key not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_customer_list_is_scoped_and_paginated(org_world, client):
    body = client.get("/api/customers", **bearer(org_world.users.cs_manager)).json()
    assert body["count"] == 2
    assert sorted(item["customer_no"] for item in body["items"]) == ["C-X1", "C-Z1"]


def test_customer_list_unit_filter_cannot_widen_the_scope(org_world, client):
    body = client.get("/api/customers?unit=B02", **bearer(org_world.users.branch_manager)).json()
    assert body["count"] == 0


def test_analyst_gets_masked_personal_data(org_world, client):
    body = client.get("/api/customers/C-X1", **bearer(org_world.users.analyst)).json()
    assert body["name"] == "김*준"
    assert body["email"] == "" and body["phone"] == ""


def test_admin_gets_personal_data(org_world, client):
    body = client.get("/api/customers/C-X1", **bearer(org_world.users.admin)).json()
    assert body["name"] == "김서준"
    assert body["email"] == "c-x1@example.com"


def test_transaction_detail_has_lines_and_margin(org_world, client):
    body = client.get("/api/transactions/T-C-X1", **bearer(org_world.users.admin)).json()
    assert body["amount"] == 3000 and body["margin"] == 1200
    assert body["lines"] == [{"sku": "P001", "quantity": 3, "amount": 3000, "cost": 1800}]


def test_transaction_list_filters_by_customer_and_dates(org_world, client):
    auth = bearer(org_world.users.admin)
    assert client.get("/api/transactions?customer_no=C-Y1", **auth).json()["count"] == 1
    assert client.get("/api/transactions?start=2025-03-05", **auth).json()["count"] == 0
    assert client.get("/api/transactions?start=2025-03-04&end=2025-03-04", **auth).json()["count"] == 3


def test_org_units_are_listed_in_tree_order_within_scope(org_world, client):
    body = client.get("/api/org-units", **bearer(org_world.users.cs_manager)).json()
    assert [u["code"] for u in body] == ["R1", "B01", "B01-CS", "B03"]
    assert body[1]["parent"] == "R1"


def test_org_unit_outside_scope_is_not_found(org_world, client):
    assert client.get("/api/org-units/B02", **bearer(org_world.users.branch_manager)).status_code == 404


def test_analyst_cannot_confirm_a_masked_name_by_searching(org_world, client):
    auth = bearer(org_world.users.analyst)
    assert client.get("/api/customers?q=이부산", **auth).json()["count"] == 0
    assert client.get("/api/customers?q=C-Y1", **auth).json()["count"] == 1


def test_api_docs_are_served_without_any_cdn(client):
    html = client.get("/api/docs").content.decode()
    assert "https://" not in html and "http://" not in html
    assert "/static/ninja/" in html
