"""The import page: for administrators and CS managers, all or nothing, problems listed by cell."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cxm.customers.models import Customer

pytestmark = pytest.mark.django_db

GOOD = "고객번호,고객명,가입일,지점\nC-N1,최민지,2025-02-01,B01\nC-N2,한도윤,2025-02-03,B01\n"
BAD = "고객번호,고객명,가입일,지점\nC-N1,최민지,2025-02-30,B01\nC-N2,<script>alert(1)</script>,2025-02-03,B02\n"
MAPPING = "customer_no=고객번호\nname=고객명\njoined_on=가입일\nhome_unit=지점"


def _client(org_world, username):
    client = Client()
    assert client.login(username=username, password=org_world.password)
    return client


def _post(client, content: str, encoding="utf-8"):
    upload = SimpleUploadedFile("customers.csv", content.encode(encoding), content_type="text/csv")
    return client.post(reverse("web:import_file"), {
        "entity": "customers", "file": upload, "encoding": "auto", "sheet": "", "mapping": MAPPING,
    })


def test_cs_manager_imports_a_korean_cp949_file(org_world):
    client = _client(org_world, "csm_r1")
    response = _post(client, GOOD, encoding="cp949")
    assert response.status_code == 302
    assert sorted(Customer.objects.filter(customer_no__startswith="C-N").values_list("name", flat=True)) == [
        "최민지", "한도윤"]
    page = client.get(response["Location"]).content.decode()
    assert "customers.csv" in page


def test_a_bad_file_writes_nothing_and_lists_row_column_reason(org_world):
    client = _client(org_world, "csm_r1")
    before = Customer.objects.count()
    response = _post(client, BAD)
    assert response.status_code == 400
    html = response.content.decode()
    assert Customer.objects.count() == before
    assert 'data-testid="import-issue-table"' in html
    assert "2025-02-30" in html and "가입일" in html
    # B02 is outside the CS manager's region; the customer's text is shown inert.
    assert "지점" in html and "B02" in html
    assert "<script>alert(1)</script>" not in html


def test_a_malformed_mapping_is_a_form_error(org_world):
    client = _client(org_world, "csm_r1")
    upload = SimpleUploadedFile("c.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(reverse("web:import_file"), {"entity": "customers", "file": upload,
                                                        "encoding": "auto", "mapping": "customer_no"})
    assert response.status_code == 400
    assert not Customer.objects.filter(customer_no__startswith="C-N").exists()


@pytest.mark.parametrize("username", ["bm_x", "agent_x", "analyst"])
def test_roles_that_may_not_import_do_not_find_the_page(org_world, username):
    client = _client(org_world, username)
    assert client.get(reverse("web:import_file")).status_code == 404
    assert _post(client, GOOD).status_code == 404
    assert "/import/" not in client.get(reverse("web:dashboard")).content.decode()


def test_import_needs_csrf(org_world):
    client = Client(enforce_csrf_checks=True)
    client.login(username="csm_r1", password=org_world.password)
    assert _post(client, GOOD).status_code == 403
