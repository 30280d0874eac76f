"""Regressions found in the review of the second half of issue 4 (surveys): anonymous waves keep
no respondent id and no time that ties an answer to an invitation, small branches stay unnamed
on comments; the CSI cache follows a questionnaire edited in place."""

from __future__ import annotations

import pytest
from response_import_fixtures import csv_file, english, survey_world  # noqa: F401  (fixtures)

from cxm.customers.importing import ImportFailed
from cxm.surveys.importing.models import ImportedResponse
from cxm.surveys.importing.services import responses_import
from cxm.surveys.models import Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()  # the CSI results and the public form's rate limit live there
    yield
    cache.clear()


def _import(world, path, wave):
    return responses_import(file=path, wave=wave, user=world.users.admin)


def test_an_anonymous_wave_stores_no_respondent_id(survey_world, csv_file):
    rows = [["respondent_id", "branch", "A11"], ["EMP-0042", "B01", 4], ["EMP-0043", "B01", 2]]
    _import(survey_world, csv_file(rows), survey_world.anonymous_wave)
    stored = list(ImportedResponse.objects.values_list("respondent_id", flat=True))
    assert len(stored) == 2
    assert not any("EMP-004" in s for s in stored)
    assert Response.objects.filter(imported__respondent_id__contains="EMP").count() == 0


def test_an_anonymous_wave_still_refuses_a_respondent_imported_before(survey_world, csv_file):
    wave = survey_world.anonymous_wave
    _import(survey_world, csv_file([["respondent_id", "branch", "A11"], ["EMP-0042", "B01", 4]], name="a.csv"), wave)
    with pytest.raises(ImportFailed) as failed:
        _import(survey_world, csv_file([["respondent_id", "branch", "A11"], ["EMP-0099", "B01", 4],
                                        ["EMP-0042", "B01", 5]], name="b.csv"), wave)
    issue = failed.value.issues[0]
    assert (issue.row, issue.value, issue.code) == (3, "EMP-0042", "respondent_exists")
    assert Response.objects.count() == 1


def test_an_identified_wave_keeps_the_files_respondent_id(survey_world, csv_file):
    _import(survey_world, csv_file([["respondent_id", "branch", "A11"], ["r1", "B01", 4]]), survey_world.wave)
    assert ImportedResponse.objects.get().respondent_id == "r1"


def _rated(open_survey, per_unit, seed=3):
    """Random but complete answers to the demo questionnaire, ``n`` for each ``(unit, n)``."""
    import datetime as dt

    import numpy as np

    rng = np.random.default_rng(seed)
    codes = [i["code"] for e in open_survey.questionnaire.definition["elements"] for i in e["items"]]
    Response.objects.bulk_create([
        Response(wave=open_survey.wave, org_unit=unit, segment="VIP" if i % 2 else "일반",
                 submitted_at=dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone.utc),
                 answers={**{c: int(rng.integers(1, 6)) for c in codes}, "OVR": int(rng.integers(1, 8)),
                          "RET": int(rng.integers(1, 6)), "REC": int(rng.integers(0, 11))})
        for unit, n in per_unit for i in range(n)])


def test_the_csi_cache_follows_a_questionnaire_edited_in_place(open_survey):
    from cxm.surveys.reports import wave_result

    q = open_survey.questionnaire
    _rated(open_survey, [(open_survey.world.x, 40)])
    admin = open_survey.world.users.admin
    before = wave_result(user=admin, wave=open_survey.wave, bootstrap=0)
    dropped = q.definition["elements"][-1]["code"]
    assert dropped in before.report["elements"]
    q.definition = {**q.definition, "elements": q.definition["elements"][:-1]}
    q.save()  # what the admin site's change form does: same id, same version
    wave = type(open_survey.wave).objects.select_related("questionnaire").get(pk=open_survey.wave.pk)
    after = wave_result(user=admin, wave=wave, bootstrap=0)
    assert dropped not in after.report["elements"]


def _anonymous_comments(open_survey, per_unit):
    import datetime as dt

    wave = open_survey.wave
    wave.anonymous = True
    wave.save()
    Response.objects.bulk_create([
        Response(wave=wave, org_unit=unit, submitted_at=dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone.utc),
                 answers={"OVR": 4}, comments={"overall": f"{unit.code} comment {i}"})
        for unit, n in per_unit for i in range(n)])
    return wave


def _comments_page(user, wave, unit=""):
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    if unit:
        client.post(reverse("web:set_scope"), {"unit": unit, "period": ""})
    response = client.get(reverse("survey_results:comments", args=[wave.code]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="comments"'):]  # the comments card (not the unit picker)


def test_an_anonymous_waves_comment_of_a_tiny_branch_does_not_name_the_branch(open_survey):
    w = open_survey.world
    wave = _anonymous_comments(open_survey, [(w.x, 10), (w.z, 2)])
    html = _comments_page(w.users.admin, wave)
    assert "B03 comment 0" in html and "B01 comment 0" in html
    assert "Gangnam" in html and "Ilsan" not in html


def test_an_anonymous_waves_comments_are_withheld_when_the_picked_unit_is_tiny(open_survey):
    w = open_survey.world
    wave = _anonymous_comments(open_survey, [(w.x, 10), (w.z, 2)])
    html = _comments_page(w.users.admin, wave, unit="B03")
    assert "B03 comment" not in html
    assert "at least 5 people answered" in html
    assert "B01 comment 0" in _comments_page(w.users.admin, wave, unit="B01")


def test_an_identified_waves_comments_name_every_branch(open_survey):
    w = open_survey.world
    Response.objects.create(wave=open_survey.wave, org_unit=w.z, answers={"OVR": 4}, comments={"overall": "hello"},
                            submitted_at=__import__("django.utils.timezone").utils.timezone.now())
    assert "Ilsan" in _comments_page(w.users.admin, open_survey.wave)


ANSWERS = {"A11": "4", "A12": "4", "A13": "4", "B11": "4", "B12": "4", "B13": "4", "C11": "4", "C12": "4",
           "C13": "4", "D11": "4", "D12": "4", "E11": "4", "E12": "4", "OVR": "6", "RET": "4", "REC": "9"}


def test_an_anonymous_waves_used_invitation_keeps_no_time_of_the_answer(open_survey):
    from django.test import Client

    from cxm.surveys.models import Invitation

    open_survey.wave.anonymous = True
    open_survey.wave.save()
    assert Client().post("/s/invite-token/", ANSWERS).status_code == 302
    invitation = Invitation.objects.get(token="invite-token")
    response = Response.objects.get()
    assert invitation.used_at is not None
    assert abs((response.submitted_at - invitation.used_at).total_seconds()) > 3600  # not side by side
    # ... and the invitation still admits one answer only
    assert Client().post("/s/invite-token/", ANSWERS).status_code != 302 and Response.objects.count() == 1


def test_an_identified_waves_invitation_records_when_it_was_used(open_survey):
    from django.test import Client

    from cxm.surveys.models import Invitation

    assert Client().post("/s/invite-token/", ANSWERS).status_code == 302
    invitation = Invitation.objects.get(token="invite-token")
    assert abs((Response.objects.get().submitted_at - invitation.used_at).total_seconds()) < 60


def test_an_anonymous_waves_tiny_branch_cannot_be_found_by_subtracting_shown_figures(open_survey):
    from cxm.surveys.reports import wave_result

    w = open_survey.world
    _rated(open_survey, [(w.x, 40), (w.z, 3), (w.y, 40)])  # Z (B03, in R1 with X) has 3 answers
    wave = open_survey.wave
    wave.anonymous = True
    wave.save()
    admin = w.users.admin
    whole = wave_result(user=admin, wave=wave, bootstrap=0)
    region = {g["group"]: g for g in whole.breakdowns["region"]}["R1"]
    branch_x = {g["group"]: g for g in whole.breakdowns["branch"]}["B01"]
    # R1 minus B01 would be B03's three answers: R1 holds B01's answers only
    assert whole.n == 80 and region["n"] == branch_x["n"] == 40 and region["csi"] == branch_x["csi"]
    r1 = wave_result(user=admin, wave=wave, unit_code="R1", bootstrap=0)
    x = wave_result(user=admin, wave=wave, unit_code="B01", bootstrap=0)
    assert r1.n == x.n == 40 and r1.report["csi"] == x.report["csi"]
    assert wave_result(user=admin, wave=wave, unit_code="B03", bootstrap=0).report is None
    assert set(whole.breakdowns) == {"branch", "region"}  # no segment or channel cut across units


def test_an_identified_wave_counts_every_answer_and_every_breakdown(open_survey):
    from cxm.surveys.reports import DIMENSIONS, wave_result

    w = open_survey.world
    _rated(open_survey, [(w.x, 40), (w.z, 3), (w.y, 40)])
    whole = wave_result(user=w.users.admin, wave=open_survey.wave, bootstrap=0)
    assert whole.n == 83 and set(whole.breakdowns) == set(DIMENSIONS)


def test_the_csi_page_of_an_anonymous_wave_offers_units_only_and_says_why(open_survey):
    from django.test import Client

    w = open_survey.world
    _rated(open_survey, [(w.x, 40), (w.y, 40)])
    open_survey.wave.anonymous = True
    open_survey.wave.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(w.users.admin)
    response = client.get("/surveys/csi/", {"wave": open_survey.wave.code, "by": "segment"})
    assert response.context["dimension"] == "branch"
    assert [k for k, _label in response.context["dimensions"]] == ["branch", "region"]
    assert 'data-testid="anonymous-note"' in response.content.decode()
