"""Uploading questionnaire YAML: versions, problems with their line, the YAML download, who may."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from response_import_fixtures import DEFINITION, english  # noqa: F401  (fixtures)

from cxm.core.exceptions import AccessDenied
from cxm.surveys.importing.questionnaires import QuestionnaireInvalid, locate, questionnaire_upload
from cxm.surveys.models import Questionnaire

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/surveys/manage/"
GOOD = yaml.safe_dump(DEFINITION, allow_unicode=True, sort_keys=False)
BAD_SCALE = """\
scale: [1, 5]
elements:
  - code: A
    items:
      - {code: A11}
      - {code: A12, scale: [5, 1]}
overall: {code: OVR}
"""


def _client(world, username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=username, password=world.password)
    return client


def _upload(client: Client, text: str, code: str = "csi", name: str = "q.yaml"):
    return client.post(URL, {"code": code, "file": SimpleUploadedFile(name, text.encode("utf-8"))})


# --- the service -----------------------------------------------------------------------------------


def test_an_upload_stores_version_1_and_the_same_code_again_version_2(org_world):
    first = questionnaire_upload(user=org_world.users.cs_manager, code="csi", text=GOOD)
    second = questionnaire_upload(user=org_world.users.admin, code="csi", text=GOOD.encode("utf-8"))
    assert (first.version, second.version) == (1, 2)
    assert second.title_ko == "테스트 설문" and second.definition == DEFINITION


def test_a_scale_problem_is_reported_with_its_line_and_key(org_world):
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text=BAD_SCALE)
    problem = refused.value.problem
    assert (problem.line, problem.path) == (6, "elements[0].items[1].scale")
    assert "min must be below max" in problem.detail
    assert not Questionnaire.objects.exists()


def test_a_yaml_syntax_error_is_reported_with_its_line_and_column(org_world):
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text="scale: [1, 5]\nelements: [\n  code: A\n")
    assert refused.value.problem.line == 4 and "not valid YAML" in refused.value.problem.detail


def test_an_unknown_key_is_reported_at_the_key_itself(org_world):
    text = "elements:\n  - code: A\n    colour: red\n    items: [{code: A11}]\noverall: {code: OVR}\n"
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text=text)
    assert (refused.value.problem.line, refused.value.problem.path) == (3, "elements[0].colour")


def test_a_repeated_item_code_is_reported_at_its_second_occurrence(org_world):
    text = "elements:\n  - code: A\n    items:\n      - {code: A11}\n      - {code: A11}\noverall: {code: OVR}\n"
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text=text)
    assert refused.value.problem.line == 5


def test_a_missing_required_key_is_named_without_a_line(org_world):
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text="elements:\n  - code: A\n    items: [{code: A11}]\n")
    assert refused.value.problem.line is None and str(refused.value.problem).startswith("overall:")


def test_a_file_that_is_not_utf8_is_refused_with_its_line(org_world):
    with pytest.raises(QuestionnaireInvalid) as refused:
        questionnaire_upload(user=org_world.users.admin, code="csi", text="scale: [1, 5]\ntitle: 설문\n".encode("cp949"))
    assert refused.value.problem.line == 2


def test_locate_goes_as_deep_as_the_path_exists():
    assert locate(BAD_SCALE, "elements[0].items[1]") == 6
    assert locate(BAD_SCALE, "elements[0].expectation") == 3  # missing key: its parent's line
    assert locate(BAD_SCALE, "loyalty") is None


@pytest.mark.parametrize("role", ["agent", "branch_manager", "analyst"])
def test_roles_that_do_not_maintain_surveys_may_not_upload(org_world, role):
    with pytest.raises(AccessDenied):
        questionnaire_upload(user=getattr(org_world.users, role), code="csi", text=GOOD)


def test_an_upload_is_audited_with_its_actor(org_world):
    from auditlog.models import LogEntry

    q = questionnaire_upload(user=org_world.users.cs_manager, code="csi", text=GOOD)
    assert LogEntry.objects.get_for_object(q).get().actor == org_world.users.cs_manager


# --- the page ----------------------------------------------------------------------------------------


def test_the_page_uploads_a_questionnaire_and_lists_it_with_a_download_link(org_world):
    client = _client(org_world, "csm_r1")
    assert _upload(client, GOOD).status_code == 302
    assert _upload(client, GOOD).status_code == 302
    html = client.get(URL).content.decode()
    assert "Stored questionnaire csi, version 2." in html
    table = html.split('data-testid="questionnaire-table"')[1]
    for version in (1, 2):
        assert f'href="{reverse("survey_manage:questionnaire_download", args=["csi", version])}"' in table


def test_the_download_is_the_versions_yaml_and_imports_again_unchanged(org_world):
    client = _client(org_world, "admin")
    _upload(client, GOOD)
    response = client.get("/surveys/manage/questionnaires/csi/v1.yaml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="csi-v1.yaml"'
    text = response.content.decode("utf-8")
    assert "테스트 설문" in text and yaml.safe_load(text) == DEFINITION
    assert _upload(client, text).status_code == 302
    assert Questionnaire.objects.get(code="csi", version=2).definition == DEFINITION


def test_the_page_shows_the_line_and_key_of_a_problem(org_world):
    response = _upload(_client(org_world, "admin"), BAD_SCALE)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<dd class="mono" data-testid="problem-line">6</dd>' in html
    assert '<dd class="mono" data-testid="problem-path">elements[0].items[1].scale</dd>' in html
    assert not Questionnaire.objects.exists()


def test_the_page_refuses_a_code_that_is_not_a_slug(org_world):
    response = _upload(_client(org_world, "admin"), GOOD, code="retail csi!")
    assert response.status_code == 400 and not Questionnaire.objects.exists()


@pytest.mark.parametrize("username", ["agent_x", "bm_x", "analyst"])
def test_the_page_and_downloads_do_not_exist_for_other_roles(org_world, username):
    questionnaire_upload(user=org_world.users.admin, code="csi", text=GOOD)
    client = _client(org_world, username)
    assert client.get(URL).status_code == 404
    assert client.get("/surveys/manage/questionnaires/csi/v1.yaml").status_code == 404
    assert _upload(client, GOOD).status_code == 404


def test_the_navigation_offers_questionnaires_to_survey_maintainers_only(org_world):
    assert 'href="/surveys/manage/"' in _client(org_world, "csm_r1").get("/").content.decode()
    assert 'href="/surveys/manage/"' not in _client(org_world, "agent_x").get("/").content.decode()
