"""POST /api/models/fit: the `cxm pls --format json` report of a wave's answers in the caller's scope."""

import json

import polars as pl
import pytest
from django.test import Client
from typer.testing import CliRunner

from cxm.cli import app
from cxm.org.services import api_token_create
from cxm.surveys.models import Response
from cxm.surveys.selectors import wave_frame

pytestmark = pytest.mark.django_db

MODEL = {
    "constructs": {"Product": ["A11", "A12", "A13"], "Delivery": ["C11", "C12", "C13"], "Image": ["E11", "E12"],
                   "Satisfaction": ["OVR"], "Loyalty": {"mode": "A", "indicators": ["RET", "REC"]}},
    "paths": ["Product -> Satisfaction", "Delivery -> Satisfaction", "Image -> Satisfaction",
              "Satisfaction -> Loyalty"],
}


def post(user, body):
    _, key = api_token_create(user=user, name="t")
    return Client(HTTP_ACCEPT_LANGUAGE="en").post("/api/models/fit", json.dumps(body), content_type="application/json",
                                                  HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_api_matches_the_cli_on_the_same_answers(pm_waves, tmp_path):
    """The same answers written to a CSV and fitted by `cxm pls` give the same JSON, key for key."""
    admin = pm_waves.world.users.admin
    body = post(admin, {"wave": "PM-W2", "model": MODEL, "bootstrap": 100, "seed": 7}).json()
    items = [i for block in MODEL["constructs"].values() for i in (block if isinstance(block, list) else block["indicators"])]
    frame = wave_frame(user=admin, wave=pm_waves.w2).select(items).drop_nulls()
    frame.write_csv(tmp_path / "w2.csv")
    model_file = tmp_path / "model.json"  # JSON is YAML
    model_file.write_text(json.dumps({**MODEL, "scale": {**{i: [1, 5] for i in items}, "OVR": [1, 7], "REC": [0, 10]}}))
    result = CliRunner().invoke(app, ["pls", str(tmp_path / "w2.csv"), "--model", str(model_file), "--bootstrap", "100",
                                      "--seed", "7", "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout[result.stdout.index("{"):])
    assert set(body) == set(cli) | {"wave", "n_answers", "n_dropped"}
    assert body["n"] == cli["n"] == 150
    for key in ("paths", "r2", "index", "iterations"):
        assert body[key] == pytest.approx(cli[key], abs=1e-9)
    assert body["bootstrap"]["Delivery->Satisfaction"]["ci"] == pytest.approx(
        cli["bootstrap"]["Delivery->Satisfaction"]["ci"], abs=1e-9)
    assert body["reliability"]["Product"] == pytest.approx(cli["reliability"]["Product"], abs=1e-9)


def test_a_branch_manager_gets_only_their_branchs_answers(pm_waves):
    body = post(pm_waves.world.users.branch_manager, {"wave": "PM-W1", "bootstrap": 0}).json()
    assert body["n_answers"] == Response.objects.filter(wave=pm_waves.w1, org_unit__code="B01").count() == 80
    assert body["n"] == 75 and body["n_dropped"] == 5
    # Picking the other branch gives nothing, never more.
    response = post(pm_waves.world.users.branch_manager, {"wave": "PM-W1", "unit": "B02", "bootstrap": 0})
    assert response.status_code == 400 and "Only 0 answers" in response.json()["message"]


def test_the_default_model_uses_the_questionnaire(pm_waves):
    body = post(pm_waves.world.users.admin, {"wave": "PM-W1", "bootstrap": 0}).json()
    assert list(body["index"]) == ["Product", "Service at the store", "Delivery", "After-sales", "Image",
                                   "Satisfaction", "Loyalty"]
    assert "bootstrap" not in body


def test_a_cycle_answers_400_with_the_message(pm_waves):
    model = {**MODEL, "paths": [*MODEL["paths"], "Loyalty -> Product"]}
    response = post(pm_waves.world.users.admin, {"wave": "PM-W1", "model": model})
    assert response.status_code == 400
    assert "must be a DAG" in response.json()["message"]


def test_an_unknown_wave_is_not_found(pm_waves):
    assert post(pm_waves.world.users.admin, {"wave": "nope"}).status_code == 404


def test_the_default_model_endpoint_lists_the_preset_items_the_questionnaire_lacks(pm_waves):
    _, key = api_token_create(user=pm_waves.world.users.analyst, name="t")
    body = Client().get("/api/models/default/PM-W1?preset=ecsi", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert "Image -> Expectation" in body["paths"] and "IMAG1" in body["dropped_items"]
