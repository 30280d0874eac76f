"""Branch manager X never sees branch Y's customers' scores or equity: pages, API, CLI; analysts see masked names.

Y's generated customers are named "와이부산<i>" and numbered GY..., X's "김엑스<i>" / GX...
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from cxm.cli import app
from cxm.crm.models import CustomerScore
from cxm.org.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def bm_client(scored):
    client = Client()
    client.force_login(scored.world.users.branch_manager)
    return client


@pytest.fixture
def analyst_client(scored):
    client = Client()
    client.force_login(scored.world.users.analyst)
    return client


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _x_count() -> int:
    return CustomerScore.objects.filter(customer__home_unit__code__in=["B01", "B01-CS"]).count()


# --- pages ------------------------------------------------------------------------------------


def test_page_customer_list_shows_scores_of_own_branch_only(scored, bm_client):
    page = html(bm_client.get(reverse("web:customer_list"), {"order": "-clv"}))
    assert "GX" in page and "GY" not in page and "와이부산" not in page
    assert 'data-testid="rfm-segment"' in page and 'data-testid="clv"' in page


def test_page_customer_list_filters_by_segment_within_scope(scored, bm_client):
    segment = CustomerScore.objects.filter(customer__home_unit=scored.world.x).values_list("segment", flat=True)[0]
    page = html(bm_client.get(reverse("web:customer_list"), {"segment": segment}))
    shown = re.findall(r'data-testid="rfm-segment" data-value="([^"]*)"', page)
    assert shown and set(shown) == {segment}
    assert not re.search(r"\bGY\d{3}\b", page) and "와이부산" not in page  # nobody of branch Y


def test_page_customer_360_shows_scores_and_the_reserved_slot(scored, bm_client):
    page = html(bm_client.get(reverse("web:customer_detail", args=["GX000"])))
    assert 'data-testid="customer-scores"' in page and 'data-testid="score-history"' in page
    assert 'data-testid="churn-risk-slot"' in page and 'data-testid="cross-sell-slot"' in page
    assert bm_client.get(reverse("web:customer_detail", args=["GY000"])).status_code == 404


def test_page_rfm_grid_counts_only_own_branch(scored, bm_client):
    page = html(bm_client.get(reverse("crm:rfm")))
    counts = [int(n.replace(",", "")) for n in re.findall(r'data-cell="\d\d">([\d,]+)<', page)]
    assert sum(counts) == _x_count() > 0


def test_page_equity_lists_only_own_branch(scored, bm_client):
    page = html(bm_client.get(reverse("crm:clv")))
    assert re.findall(r'data-branch="([^"]+)"', page) == ["B01"]


def test_page_profitability_and_cohorts_leave_out_other_branches(scored, bm_client):
    page = html(bm_client.get(reverse("crm:profitability")))
    assert "GX" in page and "GY" not in page and "와이부산" not in page
    html(bm_client.get(reverse("crm:cohorts")))


def test_page_unit_picker_cannot_widen_the_scope(scored, bm_client):
    bm_client.post(reverse("web:set_scope"), {"unit": "B02"})
    page = html(bm_client.get(reverse("crm:clv")))
    assert "data-branch=\"B02\"" not in page


def test_branch_manager_cannot_compute_scores_from_the_page(scored, bm_client):
    assert bm_client.post(reverse("crm:compute"), {"as_of": "2025-12-31"}).status_code == 404
    assert 'data-testid="compute-form"' not in html(bm_client.get(reverse("crm:rfm")))


def test_analyst_computes_scores_from_the_page(scored, analyst_client):
    response = analyst_client.post(reverse("crm:compute"), {"as_of": "2025-06-30"})
    assert response.status_code == 302
    assert CustomerScore.objects.filter(as_of="2025-06-30").exists()


# --- masked names -----------------------------------------------------------------------------


def test_the_compute_form_proposes_the_last_transaction_the_user_sees(scored, analyst_client):
    from datetime import timedelta

    from cxm.customers.selectors import transaction_date_range
    from cxm.org.models import User

    late = scored.as_of + timedelta(days=3)  # GT-LATE, a sale of branch X after the as-of date
    assert f'value="{late.isoformat()}"' in html(analyst_client.get(reverse("crm:rfm")))
    busan = User.objects.create_user(username="bm_y", role=User.Role.BRANCH_MANAGER)
    busan.org_units.set([scored.world.y])
    assert transaction_date_range(user=scored.world.users.branch_manager)[1] == late
    assert transaction_date_range(user=busan)[1] == scored.as_of


def test_analyst_sees_masked_names_in_the_scored_lists(scored, analyst_client):
    for url in (reverse("web:customer_list") + "?order=-clv", reverse("crm:profitability")):
        page = html(analyst_client.get(url))
        assert "김엑스" not in page and "와이부산" not in page
        assert re.search(r"김\*+\d", page) or re.search(r"와\*+\d", page) or re.search(r"박\*+\d", page)


def test_analyst_sees_masked_names_in_the_api(scored, analyst_client):
    names = [c["name"] for c in analyst_client.get("/api/crm/scores", {"order": "-clv"}).json()["items"]]
    assert names and all("*" in n for n in names)
    assert "*" in analyst_client.get("/api/crm/scores/GX001").json()["name"]


# --- API ----------------------------------------------------------------------------------------


def test_api_scores_hide_other_branch(scored, bm_client):
    body = bm_client.get("/api/crm/scores", {"order": "-clv"}).json()
    assert body["count"] == _x_count()
    assert all(c["home_unit"] == "B01" for c in body["items"])
    assert bm_client.get("/api/crm/scores/GY001").status_code == 404
    assert bm_client.get("/api/crm/scores", {"unit": "B02"}).json()["count"] == 0


def test_api_equity_and_grid_with_token_cover_own_branch_only(scored, client):
    _, key = api_token_create(user=scored.world.users.branch_manager, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    rows = client.get("/api/crm/equity", **auth).json()
    assert [r["branch"] for r in rows] == ["B01"]
    assert rows[0]["equity"] == sum(CustomerScore.objects.filter(customer__home_unit=scored.world.x)
                                    .values_list("clv", flat=True))
    grid = client.get("/api/crm/rfm-grid", **auth).json()
    assert grid["total"] == _x_count()
    cohorts = client.get("/api/crm/cohorts", **auth).json()
    assert sum(r["cohort_size"] for r in cohorts if r["months_since"] == 0) == \
        len({c for c in CustomerScore.objects.filter(customer__home_unit=scored.world.x).values_list("customer", flat=True)})


def test_api_unknown_score_date_is_not_found(scored, bm_client):
    assert bm_client.get("/api/crm/equity", {"as_of": "2020-01-01"}).status_code == 404


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_equity_as_branch_manager_lists_own_branch_only(scored):
    result = CliRunner().invoke(app, ["crm", "equity", "--user", "bm_x", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["group"] for r in json.loads(result.output)["rows"]] == ["B01"]


def test_cli_show_other_branch_customer_is_not_found(scored):
    runner = CliRunner()
    assert runner.invoke(app, ["crm", "show", "GX001", "--user", "bm_x"]).exit_code == 0
    result = runner.invoke(app, ["crm", "show", "GY001", "--user", "bm_x"])
    assert result.exit_code == 1 and "와이부산" not in result.output


def test_cli_score_refuses_a_branch_manager_and_runs_for_an_analyst(scored):
    runner = CliRunner()
    refused = runner.invoke(app, ["crm", "score", "--as-of", "2025-09-30", "--user", "bm_x"])
    assert refused.exit_code == 1 and not CustomerScore.objects.filter(as_of="2025-09-30").exists()
    done = runner.invoke(app, ["crm", "score", "--as-of", "2025-09-30", "--user", "analyst", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["n_customers"] == CustomerScore.objects.filter(as_of="2025-09-30").count()
