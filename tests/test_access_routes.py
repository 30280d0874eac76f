"""A branch manager of branch X cannot read branch Y's customers by any route: page, API, CLI.

The same rows are checked through every interface, because the rule lives in one place
(``cxm.org.access``) and each interface must go through it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from cxm.cli import app
from cxm.org.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def bm_client(org_world):
    client = Client()
    assert client.login(username="bm_x", password=org_world.password)
    return client


def test_page_customer_list_shows_only_own_branch(org_world, bm_client):
    html = bm_client.get(reverse("web:customer_list")).content.decode()
    assert "C-X1" in html
    assert "C-Y1" not in html and "이부산" not in html


def test_page_customer_detail_of_other_branch_is_not_found(org_world, bm_client):
    assert bm_client.get(reverse("web:customer_detail", args=["C-X1"])).status_code == 200
    assert bm_client.get(reverse("web:customer_detail", args=["C-Y1"])).status_code == 404


def test_page_transactions_show_only_own_branch(org_world, bm_client):
    html = bm_client.get(reverse("web:transaction_list")).content.decode()
    assert "T-C-X1" in html and "T-C-Y1" not in html


def test_page_unit_filter_cannot_widen_the_scope(org_world, bm_client):
    html = bm_client.get(reverse("web:customer_list") + "?unit=B02").content.decode()
    assert "C-Y1" not in html


def test_api_with_session_hides_other_branch(org_world, bm_client):
    listed = [c["customer_no"] for c in bm_client.get("/api/customers").json()["items"]]
    assert listed == ["C-X1"]
    assert bm_client.get("/api/customers/C-Y1").status_code == 404
    assert bm_client.get("/api/transactions/T-C-Y1").status_code == 404


def test_api_with_token_hides_other_branch(org_world, client):
    _, key = api_token_create(user=org_world.users.branch_manager, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = [c["customer_no"] for c in client.get("/api/customers", **auth).json()["items"]]
    assert listed == ["C-X1"]
    assert client.get("/api/customers/C-Y1", **auth).status_code == 404
    assert client.get("/api/customers?unit=B02", **auth).json()["count"] == 0


def test_cli_list_hides_other_branch(org_world):
    result = CliRunner().invoke(app, ["customers", "list", "--user", "bm_x"])
    assert result.exit_code == 0, result.output
    assert "C-X1" in result.output and "C-Y1" not in result.output


def test_cli_show_of_other_branch_is_not_found(org_world):
    runner = CliRunner()
    assert runner.invoke(app, ["customers", "show", "C-X1", "--user", "bm_x"]).exit_code == 0
    result = runner.invoke(app, ["customers", "show", "C-Y1", "--user", "bm_x"])
    assert result.exit_code == 1
    assert "이부산" not in result.output


def test_cli_refuses_an_unknown_acting_user(org_world):
    result = CliRunner().invoke(app, ["customers", "list", "--user", "nobody"])
    assert result.exit_code != 0
