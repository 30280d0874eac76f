"""Files on a case: uploaded on the case page and the public form, checked (size, type), stored
privately, served only through the case's scoped view as a download, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cxm.voc import services
from cxm.voc.models import Case, CaseAttachment, CaseEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cache.clear()
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "media").rglob("*") if p.is_file()] if (root / "media").exists() else []


def open_case(world, unit):
    return services.case_create(user=world.users.admin, kind=Case.Kind.COMPLAINT, channel=Case.Channel.STORE,
                                org_unit=unit, subject="파손 상품")


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def upload(client, case, name, content):
    return client.post(reverse("voc:detail", args=[case.number]),
                       {"action": "attach", "file": SimpleUploadedFile(name, content)})


def test_agent_uploads_a_photo_which_is_stored_privately_and_logged(org_world, data_dir):
    case = open_case(org_world, org_world.x)
    resp = upload(signed_in(org_world.users.agent), case, "damage.png", PNG)
    assert resp.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert (attachment.original_name, attachment.size, attachment.content_type) == ("damage.png", len(PNG),
                                                                                    "image/png")
    assert attachment.uploaded_by == org_world.users.agent
    [path] = stored_files(data_dir)
    assert path.read_bytes() == PNG and path.name != "damage.png"  # a random stored name
    assert case.events.filter(kind=CaseEvent.Kind.ATTACHMENT, text="damage.png").exists()
    assert LogEntry.objects.get_for_object(attachment).filter(action=LogEntry.Action.CREATE).exists()


def test_download_is_an_attachment_with_nosniff_and_is_audited(org_world):
    case = open_case(org_world, org_world.x)
    upload(signed_in(org_world.users.agent), case, "영수증.pdf", b"%PDF-1.4 receipt")
    attachment = CaseAttachment.objects.get()
    resp = signed_in(org_world.users.branch_manager).get(reverse("voc:attachment", args=[case.number, attachment.pk]))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == b"%PDF-1.4 receipt"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%EC%98%81%EC%88%98%EC%A6%9D.pdf" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Type"] == "application/pdf"
    assert LogEntry.objects.get_for_object(attachment).filter(action=LogEntry.Action.ACCESS,
                                                              actor=org_world.users.branch_manager).exists()


def test_a_file_of_a_case_outside_scope_is_404(org_world):
    case = open_case(org_world, org_world.y)
    upload(signed_in(org_world.users.admin), case, "y.png", PNG)
    attachment = CaseAttachment.objects.get()
    url = reverse("voc:attachment", args=[case.number, attachment.pk])
    assert signed_in(org_world.users.branch_manager).get(url).status_code == 404
    assert signed_in(org_world.users.agent).get(url).status_code == 404
    assert signed_in(org_world.users.admin).get(url).status_code == 200


def test_an_analyst_sees_that_a_file_exists_but_cannot_download_it(org_world):
    # "analyst: read all, no personal data export" (domain spec 8): a customer's file may hold it
    case = open_case(org_world, org_world.x)
    upload(signed_in(org_world.users.agent), case, "영수증.pdf", b"%PDF-1.4 receipt")
    attachment = CaseAttachment.objects.get()
    analyst = signed_in(org_world.users.analyst)
    assert analyst.get(reverse("voc:attachment", args=[case.number, attachment.pk])).status_code == 404
    html = analyst.get(reverse("voc:detail", args=[case.number])).content.decode()
    assert 'data-testid="attachment-name"' in html and 'data-testid="attachment-link"' not in html


def test_a_file_cannot_be_fetched_through_another_visible_case(org_world):
    hidden = open_case(org_world, org_world.y)
    upload(signed_in(org_world.users.admin), hidden, "y.png", PNG)
    visible = open_case(org_world, org_world.x)
    attachment = CaseAttachment.objects.get()
    url = reverse("voc:attachment", args=[visible.number, attachment.pk])
    assert signed_in(org_world.users.agent).get(url).status_code == 404


def test_signed_out_users_get_no_file_and_there_is_no_public_media_url(org_world, data_dir):
    case = open_case(org_world, org_world.x)
    upload(signed_in(org_world.users.agent), case, "x.png", PNG)
    attachment = CaseAttachment.objects.get()
    resp = Client().get(reverse("voc:attachment", args=[case.number, attachment.pk]))
    assert resp.status_code == 302 and "/login/" in resp["Location"]
    assert Client().get(f"/media/{attachment.file.name}").status_code == 404
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - the storage refuses to make a URL


def test_a_too_large_file_is_refused_with_a_clear_message_and_nothing_is_written(org_world, settings, data_dir):
    settings.CXM_CASE_FILE_MAX_BYTES = 1024 * 1024
    case = open_case(org_world, org_world.x)
    resp = upload(signed_in(org_world.users.agent), case, "big.png", PNG + b"\x00" * (1024 * 1024))
    assert resp.status_code == 400
    assert "“big.png” is larger than 1 MB" in resp.content.decode()
    assert not CaseAttachment.objects.exists() and stored_files(data_dir) == []
    assert not case.events.filter(kind=CaseEvent.Kind.ATTACHMENT).exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("setup.exe", b"MZ\x90\x00", "Files of type “.exe” are not accepted"),
    ("page.html", b"<script>alert(1)</script>", "Files of type “.html” are not accepted"),
    ("fake.png", b"<svg onload=alert(1)>", "“fake.png” is not a valid .png file"),
    ("data.csv", b"a,b\x00\x01", "“data.csv” is not a valid .csv file"),
])
def test_a_file_of_a_type_not_allowed_is_refused_and_nothing_is_written(org_world, data_dir, name, content, message):
    case = open_case(org_world, org_world.x)
    resp = upload(signed_in(org_world.users.agent), case, name, content)
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not CaseAttachment.objects.exists() and stored_files(data_dir) == []


def test_korean_csv_in_cp949_and_xlsx_are_accepted(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent)
    assert upload(client, case, "목록.csv", "이름,금액\n김서준,3000\n".encode("cp949")).status_code == 302
    assert upload(client, case, "list.xlsx", b"PK\x03\x04rest-of-zip").status_code == 302
    assert sorted(CaseAttachment.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"]


def test_an_analyst_cannot_upload(org_world, data_dir):
    case = open_case(org_world, org_world.x)
    assert upload(signed_in(org_world.users.analyst), case, "x.png", PNG).status_code == 403
    assert not CaseAttachment.objects.exists() and stored_files(data_dir) == []


def test_the_public_form_takes_an_optional_file(org_world):
    resp = Client().post(reverse("voc_public:new"), {
        "branch": org_world.x.pk, "kind": "complaint", "subject": "깨진 계란", "description": "사진 첨부합니다",
        "contact": "010-1111-2222", "attachment": SimpleUploadedFile("egg.jpg", b"\xff\xd8\xff\xe0jpeg")})
    assert resp.status_code == 302
    case = Case.objects.get(subject="깨진 계란")
    attachment = case.attachments.get()
    assert attachment.uploaded_by is None and attachment.content_type == "image/jpeg"
    assert case.contact == "010-1111-2222"


def test_a_refused_file_on_the_public_form_files_no_case(org_world, data_dir):
    resp = Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("voc_public:new"), {
        "branch": org_world.x.pk, "kind": "complaint", "subject": "virus", "description": "x",
        "attachment": SimpleUploadedFile("run.exe", b"MZ")})
    assert resp.status_code == 400
    assert "not accepted" in resp.content.decode()
    assert not Case.objects.exists() and stored_files(data_dir) == []


def test_attachment_names_are_escaped_on_the_case_page(org_world):
    case = open_case(org_world, org_world.x)
    client = signed_in(org_world.users.agent)
    upload(client, case, "<img src=x onerror=alert(1)>.png", PNG)
    html = client.get(reverse("voc:detail", args=[case.number])).content.decode()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.png" in html
