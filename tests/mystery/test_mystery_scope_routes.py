"""Nobody sees or enters mystery-shopping visits outside their scope, by page or by API.

The numbers are the hand case of ``conftest.py`` (B01 = 58.33, B02 = 50, B03 = 93.75 in 2026-Q1).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cxm.org.services import api_token_create

pytestmark = pytest.mark.django_db


def client_for(world, user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=world.password)
    return client


def ranking(html: str) -> list[str]:
    return re.findall(r'<tr data-branch="([^"]+)"', html)


def test_admin_results_rank_every_branch_with_hand_computed_scores(mystery_world):
    html = client_for(mystery_world, mystery_world.users.admin).get(reverse("mystery:results")).content.decode()
    assert ranking(html) == ["B03", "B01", "B02"]
    scores = re.findall(r'data-testid="branch-score">([^<]+)<', html)
    assert scores == ["93.8", "58.3", "50.0"]
    assert re.search(r'data-unit="R1"><td>[^<]+</td><td class="num" data-testid="unit-score">76.0<', html)


def test_branch_manager_results_show_only_their_branch(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    html = client.get(reverse("mystery:results")).content.decode()
    assert ranking(html) == ["B01"]
    assert "이부산평가" not in html and "부산점" not in html


def test_branch_manager_cannot_open_another_branch_or_its_visit(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    v = mystery_world.visits
    assert client.get(reverse("mystery:branch", args=["B01"])).status_code == 200
    assert client.get(reverse("mystery:visit", args=[v.x1.pk])).status_code == 200
    assert client.get(reverse("mystery:branch", args=["B02"])).status_code == 404
    assert client.get(reverse("mystery:visit", args=[v.y1.pk])).status_code == 404


def test_branch_manager_reads_but_cannot_enter_or_correct_visits(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    page = client.get(reverse("mystery:visit", args=[mystery_world.visits.x1.pk])).content.decode()
    assert 'data-testid="visit-edit"' not in page
    assert client.get(reverse("mystery:create")).status_code == 404
    assert client.get(reverse("mystery:edit", args=[mystery_world.visits.x1.pk])).status_code == 404


def test_analyst_reads_every_branch_but_enters_nothing(mystery_world):
    client = client_for(mystery_world, mystery_world.users.analyst)
    assert client.get(reverse("mystery:branch", args=["B02"])).status_code == 200
    assert client.get(reverse("mystery:create")).status_code == 404


def test_cs_manager_enters_visits_only_for_branches_in_their_region(mystery_world):
    client = client_for(mystery_world, mystery_world.users.cs_manager)  # scope: R1 = B01, B03
    form = client.get(reverse("mystery:create")).content.decode()
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', form.split('name="branch"')[1].split("</select>")[0])
    assert sorted(name for _pk, name in options) == sorted(["강남점", "일산점"])
    data = {"checklist": "store", "branch": mystery_world.world.y.pk, "visited_on": "2026-02-02",
            "shopper_name": "최민준", "item_G1": "1", "item_G2": "4", "item_C1": "1"}
    response = client.post(reverse("mystery:create"), data)
    assert response.status_code == 400
    assert mystery_world.world.y.mystery_visits.count() == 1  # unchanged


def test_cs_manager_cannot_open_a_visit_outside_their_region(mystery_world):
    client = client_for(mystery_world, mystery_world.users.cs_manager)
    assert client.get(reverse("mystery:visit", args=[mystery_world.visits.y1.pk])).status_code == 404
    assert client.get(reverse("mystery:edit", args=[mystery_world.visits.y1.pk])).status_code == 404


def test_agent_of_a_branch_sees_its_visits_read_only(mystery_world):
    client = client_for(mystery_world, mystery_world.users.agent)
    assert ranking(client.get(reverse("mystery:results")).content.decode()) == ["B01"]
    assert client.get(reverse("mystery:create")).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(mystery_world):
    response = Client().get(reverse("mystery:results"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- API ---------------------------------------------------------------------------------------


def test_api_results_with_session_are_scoped_to_the_branch(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    body = client.get("/api/mystery/results").json()
    assert [b["code"] for b in body["branches"]] == ["B01"]
    assert body["score"] == pytest.approx((100 + 50 / 3) / 2)
    assert body["period"] == "2026-Q1" and body["periods"] == ["2025-Q4", "2026-Q1"]


def test_api_results_for_admin_roll_up_the_tree(mystery_world):
    body = client_for(mystery_world, mystery_world.users.admin).get("/api/mystery/results").json()
    units = {u["code"]: u for u in body["units"]}
    b01, b02, b03 = (100 + 50 / 3) / 2, 50.0, 93.75
    assert units["R1"]["score"] == pytest.approx((b01 + b03) / 2)
    assert units["R2"]["score"] == pytest.approx(b02)
    assert units["HQ"]["score"] == pytest.approx((b01 + b02 + b03) / 3) and units["HQ"]["n_visits"] == 4
    items = {i["item"]: i for i in body["items"]}
    assert items["C1"]["pass_rate"] == pytest.approx(2 / 3) and items["C1"]["n_na"] == 1
    assert [t["period"] for t in body["trend"]] == ["2025-Q4", "2026-Q1"]
    assert body["trend"][0]["score"] == pytest.approx(68.75)
    heat = {r["code"]: r["scores"] for r in body["heatmap"]}
    assert body["sections"] == ["GRT", "CHK"]
    assert heat["B01"] == [pytest.approx(((2 + 1) / 3 * 100 + 0.5 / 3 * 100) / 2), 100.0]


def test_branch_manager_gets_no_region_or_company_score_made_of_their_branch_alone(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    assert client.get("/api/mystery/results").json()["units"] == []
    assert 'data-testid="unit-table"' not in client.get(reverse("mystery:results")).content.decode()
    csm = client_for(mystery_world, mystery_world.users.cs_manager)
    assert [u["code"] for u in csm.get("/api/mystery/results").json()["units"]] == ["R1"]


def test_api_unit_filter_cannot_widen_the_scope(mystery_world):
    client = client_for(mystery_world, mystery_world.users.branch_manager)
    body = client.get("/api/mystery/results?unit=B02").json()
    assert body["branches"] == [] and body["n_visits"] == 0


def test_api_with_token_hides_other_branch_visits(mystery_world, client):
    _, key = api_token_create(user=mystery_world.users.branch_manager, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = client.get("/api/mystery/visits", **auth).json()
    assert {v["branch"] for v in listed} == {"B01"} and len(listed) == 3
    assert client.get(f"/api/mystery/visits/{mystery_world.visits.y1.pk}", **auth).status_code == 404
    one = client.get(f"/api/mystery/visits/{mystery_world.visits.x2.pk}", **auth).json()
    assert one["answers"] == {"G1": 0, "G2": 3, "C1": None} and one["score"] == pytest.approx(50 / 3)


def test_api_without_credentials_is_refused(mystery_world, client):
    assert client.get("/api/mystery/results").status_code == 401


def test_only_those_who_commission_visits_learn_who_the_shoppers_are(mystery_world, client):
    # branch staff who knew the shopper would recognise them on the next visit
    visit = mystery_world.visits.x1
    manager = client_for(mystery_world, mystery_world.users.branch_manager)
    assert "김하늘" not in manager.get(reverse("mystery:visit", args=[visit.pk])).content.decode()
    assert "김하늘" not in manager.get(reverse("mystery:branch", args=["B01"])).content.decode()
    _, key = api_token_create(user=mystery_world.users.branch_manager, name="t")
    one = client.get(f"/api/mystery/visits/{visit.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert one["shopper_name"] == "" and one["agency"] == ""
    admin = client_for(mystery_world, mystery_world.users.admin)
    assert "김하늘" in admin.get(reverse("mystery:visit", args=[visit.pk])).content.decode()
    _, key = api_token_create(user=mystery_world.users.admin, name="t")
    assert client.get(f"/api/mystery/visits/{visit.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()["shopper_name"] == "김하늘"
