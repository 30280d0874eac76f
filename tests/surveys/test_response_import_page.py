"""The response import page and the ``cxm import responses`` command."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from response_import_fixtures import (  # noqa: F401  (fixtures)
    HEADER,
    csv_file,
    english,
    good_rows,
    sav_file,
    survey_world,
)
from typer.testing import CliRunner

from cxm.cli import app
from cxm.surveys.importing.models import ResponseImport
from cxm.surveys.models import Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/surveys/manage/responses/import/"


def _client(world, username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=username, password=world.password)
    return client


def _post(client: Client, path, **fields):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    data = {"wave": "W1", "encoding": "auto", "sheet": "", "mapping": "", "file": upload, **fields}
    return client.post(URL, data)


def test_the_page_is_mounted_where_the_issue_says():
    assert reverse("survey_manage:response_import") == URL


def test_the_page_offers_the_waves_to_import_into(survey_world):
    html = _client(survey_world, "csm_r1").get(URL).content.decode()
    assert 'value="W1"' in html and 'value="ANON"' in html


@pytest.mark.parametrize("username", ["agent_x", "bm_x", "analyst"])
def test_roles_that_may_not_import_do_not_see_the_page(survey_world, username):
    assert _client(survey_world, username).get(URL).status_code == 404


def test_the_page_needs_a_login(survey_world):
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_uploading_a_good_file_imports_it_and_lists_the_import(survey_world, csv_file):
    client = _client(survey_world, "admin")
    response = _post(client, csv_file([HEADER, *good_rows()], name="wave1.csv"))
    assert response.status_code == 302
    assert Response.objects.filter(wave__code="W1").count() == 3
    page = client.get(URL).content.decode()
    assert "Imported wave1.csv: 3 responses into W1." in page
    assert "wave1.csv" in page.split('data-testid="response-import-table"')[1]


def test_a_bad_file_lists_every_problem_with_row_and_column_and_writes_nothing(survey_world, csv_file):
    rows = [["branch", "A11", "OVR"], ["B01", 4, 4], ["B02", 9, 4]]
    response = _post(_client(survey_world, "csm_r1"), csv_file(rows))
    assert response.status_code == 400
    table = response.content.decode().split('data-testid="import-issue-table"')[1]
    assert table.index(">B02<") < table.index("outside the units you may import into")
    assert ">9<" in table and "Outside the item&#x27;s scale 1–5" in table
    assert Response.objects.count() == 0 and ResponseImport.objects.count() == 0


def test_the_mapping_box_maps_items_to_columns(survey_world, csv_file):
    path = csv_file([["지점코드", "Q1"], ["B01", 5]])
    response = _post(_client(survey_world, "admin"), path, mapping="A11=Q1\nbranch=지점코드")
    assert response.status_code == 302
    assert Response.objects.get().answers == {"A11": 5}


def test_an_spss_file_uploads_through_the_page(survey_world, sav_file):
    path = sav_file({"branch": [1], "A11": [4]}, value_labels={"branch": {1: "B01"}})
    assert _post(_client(survey_world, "admin"), path).status_code == 302
    assert ResponseImport.objects.get().value_labels == {"branch": {"1": "B01"}}


def test_a_file_text_is_escaped_in_the_issue_table(survey_world, csv_file):
    response = _post(_client(survey_world, "admin"), csv_file([["branch", "A11"], ["<script>x</script>", 4]]))
    html = response.content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_customer_import_page_links_to_the_response_import(survey_world):
    html = _client(survey_world, "admin").get(reverse("web:import_file")).content.decode()
    assert f'href="{URL}"' in html


# --- the command ---------------------------------------------------------------------------------


def test_the_command_imports_a_file_into_a_wave(survey_world, csv_file):
    path = csv_file([["Q1", "branch"], [4, "B01"], [5, "B03"]])
    result = CliRunner().invoke(app, ["import", "responses", str(path), "--wave", "W1", "--user", "csm_r1",
                                      "--map", "A11=Q1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] and data["created"] == {"responses": 2} and data["columns"]["A11"] == "Q1"
    assert ResponseImport.objects.get().user.username == "csm_r1"


def test_the_command_reports_bad_cells_and_exits_with_1(survey_world, csv_file):
    path = csv_file([["branch", "A11"], ["B01", "x"], ["B02", 4]])
    result = CliRunner().invoke(app, ["import", "responses", str(path), "--wave", "W1", "--user", "csm_r1",
                                      "--format", "json"])
    assert result.exit_code == 1
    issues = [(i["row"], i["column"], i["value"], i["code"]) for i in json.loads(result.output)["issues"]]
    assert issues == [(2, "A11", "x", "not_a_number"), (3, "branch", "B02", "unit_not_visible")]
    assert Response.objects.count() == 0


def test_the_command_prints_a_table_for_people(survey_world, csv_file):
    path = csv_file([["branch", "A11"], ["B99", 4]])
    result = CliRunner(env={"CXM_LANGUAGE": "en"}).invoke(
        app, ["import", "responses", str(path), "--wave", "W1", "--user", "admin"])
    assert result.exit_code == 1
    assert "B99" in result.output and "Unknown branch" in result.output


def test_the_command_refuses_an_unknown_wave(survey_world, csv_file):
    result = CliRunner().invoke(app, ["import", "responses", str(csv_file([HEADER, *good_rows()])), "--wave", "NOPE",
                                      "--user", "admin"])
    assert result.exit_code != 0 and Response.objects.count() == 0


def test_the_command_takes_a_cp949_file_with_an_explicit_encoding(survey_world, csv_file):
    path = csv_file([["지점", "A11", "의견"], ["B01", 3, "보통이에요"]], encoding="cp949")
    result = CliRunner().invoke(app, ["import", "responses", str(path), "--wave", "W1", "--user", "admin",
                                      "--encoding", "cp949"])
    assert result.exit_code == 0, result.output
    assert Response.objects.get().comments == {"overall": "보통이에요"}
