"""Entering and correcting visits: form validation, the service's own checks, audit, escaping,
and checklists in and out as YAML."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.mystery import services
from cxm.mystery.models import Checklist, Visit

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture
def csm(mystery_world) -> Client:
    client = Client()
    assert client.login(username=mystery_world.users.cs_manager.username, password=mystery_world.password)
    return client


def form_data(world, **overrides) -> dict:
    data = {"checklist": "store", "branch": world.world.x.pk, "visited_on": "2026-03-02", "period": "",
            "shopper_name": "최민준", "agency": "평가원", "notes": "", "item_G1": "1", "item_G2": "4",
            "item_C1": "na"}
    data.update(overrides)
    return data


def test_valid_entry_saves_the_visit_in_the_quarter_of_its_date_and_shows_its_score(mystery_world, csm):
    response = csm.post(reverse("mystery:create"), form_data(mystery_world))
    assert response.status_code == 302
    visit = Visit.objects.latest("id")
    assert visit.period == mystery_world.q1 and visit.answers == {"G1": 1, "G2": 4, "C1": None}
    assert visit.created_by == mystery_world.users.cs_manager
    page = csm.get(response["Location"]).content.decode()
    assert re.search(r'data-testid="visit-score">91.7<', page)  # (2 + 0.75) / 3, C1 not applicable


def test_missing_answer_is_refused_and_nothing_is_saved(mystery_world, csm):
    before = Visit.objects.count()
    data = form_data(mystery_world)
    del data["item_G2"]
    response = csm.post(reverse("mystery:create"), data)
    assert response.status_code == 400 and Visit.objects.count() == before
    assert re.search(r'survey__item field--error" data-item="item_G2"', response.content.decode())


def test_not_applicable_is_refused_where_the_item_does_not_allow_it(mystery_world, csm):
    response = csm.post(reverse("mystery:create"), form_data(mystery_world, item_G1="na"))
    assert response.status_code == 400
    assert re.search(r'survey__item field--error" data-item="item_G1"', response.content.decode())


def test_answer_off_the_scale_is_refused(mystery_world, csm):
    response = csm.post(reverse("mystery:create"), form_data(mystery_world, item_G2="6"))
    assert response.status_code == 400


def test_date_outside_the_chosen_period_is_refused(mystery_world, csm):
    response = csm.post(reverse("mystery:create"),
                        form_data(mystery_world, period=mystery_world.q4.pk, visited_on="2026-03-02"))
    assert response.status_code == 400
    assert "2025" in response.content.decode().split('data-testid="visit-form-errors"')[1]


def test_date_without_a_quarter_needs_a_period(mystery_world, csm):
    response = csm.post(reverse("mystery:create"), form_data(mystery_world, visited_on="2024-05-05"))
    assert response.status_code == 400 and not Visit.objects.filter(visited_on=date(2024, 5, 5)).exists()


def test_notes_with_markup_are_shown_as_text(mystery_world, csm):
    response = csm.post(reverse("mystery:create"), form_data(mystery_world, notes=f"계산대 대기 {PAYLOAD}"))
    html = csm.get(response["Location"]).content.decode()
    assert "<script>window.pwned" not in html and '<img src=x' not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_correcting_a_visit_changes_its_answers(mystery_world, csm):
    visit = mystery_world.visits.x2
    response = csm.post(reverse("mystery:edit", args=[visit.pk]),
                        form_data(mystery_world, visited_on="2026-02-10", item_G1="1", item_G2="3", item_C1="1"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.answers == {"G1": 1, "G2": 3, "C1": 1} and visit.shopper_name == "최민준"


# --- service checks (the pages are not the only way in) ----------------------------------------


def test_service_refuses_a_branch_outside_the_users_scope(mystery_world):
    w = mystery_world
    with pytest.raises(AccessDenied):
        services.visit_create(user=w.users.cs_manager, checklist=w.checklist, branch=w.world.y, period=w.q1,
                              visited_on=date(2026, 1, 5), shopper_name="A", answers={"G1": 1, "G2": 4, "C1": 1})


def test_service_refuses_roles_that_only_read(mystery_world):
    w = mystery_world
    for user in (w.users.analyst, w.users.branch_manager, w.users.agent):
        with pytest.raises(AccessDenied):
            services.visit_create(user=user, checklist=w.checklist, branch=w.world.x, period=w.q1,
                                  visited_on=date(2026, 1, 5), shopper_name="A", answers={"G1": 1, "G2": 4, "C1": 1})


def test_service_refuses_unknown_items_and_a_team_as_branch(mystery_world):
    w = mystery_world
    with pytest.raises(ApplicationError, match="Z9"):
        services.visit_create(user=w.users.admin, checklist=w.checklist, branch=w.world.x, period=w.q1,
                              visited_on=date(2026, 1, 5), shopper_name="A",
                              answers={"G1": 1, "G2": 4, "C1": 1, "Z9": 1})
    with pytest.raises(ApplicationError):
        services.visit_create(user=w.users.admin, checklist=w.checklist, branch=w.world.x_team, period=w.q1,
                              visited_on=date(2026, 1, 5), shopper_name="A", answers={"G1": 1, "G2": 4, "C1": 1})


# --- audit --------------------------------------------------------------------------------------


def entries(visit_pk: int) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type__model="visit", object_pk=str(visit_pk)).order_by("id"))


def test_every_visit_change_is_audited_with_its_actor_and_old_answers(mystery_world):
    w = mystery_world
    user = w.users.cs_manager
    visit = services.visit_create(user=user, checklist=w.checklist, branch=w.world.x, period=w.q1,
                                  visited_on=date(2026, 1, 5), shopper_name="A", answers={"G1": 1, "G2": 4, "C1": 1})
    services.visit_update(user=user, visit_id=visit.pk, branch=w.world.x, period=w.q1, visited_on=date(2026, 1, 6),
                          shopper_name="A", answers={"G1": 0, "G2": 4, "C1": 1})
    services.visit_delete(user=w.users.admin, visit_id=visit.pk)
    log = entries(visit.pk)
    assert [e.action for e in log] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]
    assert [e.actor for e in log] == [user, user, w.users.admin]
    old, new = log[1].changes_dict["answers"]
    assert '"G1": 1' in old and '"G1": 0' in new
    assert "visited_on" in log[1].changes_dict


def test_a_refused_change_leaves_no_audit_entry(mystery_world):
    w = mystery_world
    before = len(entries(w.visits.y1.pk))
    with pytest.raises(AccessDenied):
        services.visit_update(user=w.users.cs_manager, visit_id=w.visits.y1.pk, branch=w.world.x, period=w.q1,
                              visited_on=date(2026, 1, 6), shopper_name="A", answers={"G1": 0, "G2": 4, "C1": 1})
    assert len(entries(w.visits.y1.pk)) == before


# --- YAML ---------------------------------------------------------------------------------------


def test_checklist_export_imports_again_as_the_next_version_with_the_same_definition(mystery_world):
    text = services.checklist_export(mystery_world.checklist)
    assert "먼저 인사했다" in text  # Korean kept readable
    again = services.checklist_import(source=text)
    assert (again.code, again.version) == ("store", 2)
    assert again.definition()["sections"] == mystery_world.checklist.definition()["sections"]
    assert yaml.safe_load(text)["sections"][1]["items"][0] == {
        "code": "C1", "text": {"ko": "포인트 적립을 안내했다", "en": "Offered membership points"}, "na": True}


def test_invalid_checklist_yaml_is_refused_naming_the_item(mystery_world):
    before = Checklist.objects.count()
    with pytest.raises(ApplicationError, match="item B1: type"):
        services.checklist_import(source="code: bad\nsections:\n  - code: S\n    items:\n      - {code: B1, type: stars}\n")
    assert Checklist.objects.count() == before


def test_admin_imports_a_checklist_file_and_exports_it(mystery_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = mystery_world.users.admin
    admin.is_staff = admin.is_superuser = True  # as the demo's administrator
    admin.save()
    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile("c.yaml", services.checklist_export(mystery_world.checklist).encode(),
                                content_type="application/yaml")
    response = client.post(reverse("admin:mystery_checklist_import"), {"file": upload, "code": "store-b"})
    assert response.status_code == 302
    imported = Checklist.objects.get(code="store-b")
    exported = client.post(reverse("admin:mystery_checklist_changelist"),
                           {"action": "export_yaml", "_selected_action": [imported.pk]})
    assert exported["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(exported.content.decode())["code"] == "store-b"
