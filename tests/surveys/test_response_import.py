"""Importing survey response files: formats, mapping, every refused cell, all or nothing, scope, audit."""

from __future__ import annotations

import pytest
from response_import_fixtures import (  # noqa: F401  (fixtures)
    HEADER,
    as_tuples,
    csv_file,
    english,
    good_rows,
    sav_file,
    survey_world,
    xlsx_file,
)

from cxm.core.exceptions import AccessDenied
from cxm.customers.importing import ImportFailed, ImportOptions
from cxm.surveys.importing.models import ImportedResponse, ResponseImport
from cxm.surveys.importing.services import responses_import
from cxm.surveys.models import Response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _import(world, path, *, user=None, wave=None, mapping=None, **options):
    return responses_import(file=path, wave=wave or world.wave, user=user or world.users.admin, mapping=mapping,
                            options=ImportOptions(**options) if options else None)


def _refused(world, path, **kwargs) -> list[tuple]:
    with pytest.raises(ImportFailed) as failed:
        _import(world, path, **kwargs)
    assert Response.objects.count() == 0 and ResponseImport.objects.count() == 0
    return as_tuples(failed.value)


# --- formats -------------------------------------------------------------------------------------


def test_a_utf8_csv_becomes_one_response_per_row_with_answers_attributes_and_comments(survey_world, csv_file):
    result = _import(survey_world, csv_file([HEADER, *good_rows()]))
    assert result.created == {"responses": 3}
    first = Response.objects.get(imported__respondent_id="r1")
    assert first.answers == {"A11": 5, "A12": 4, "B11": 3, "OVR": 6, "RET": 5, "REC": 9}
    assert (first.org_unit.code, first.segment, first.channel.code, first.customer.customer_no) == (
        "B01", "VIP", "STORE", "C-X1")
    assert first.comments == {"overall": "친절해요"}
    second = Response.objects.get(imported__respondent_id="r2")
    # An empty cell is a missing answer: the item is absent, not zero.
    assert second.answers == {"A11": 2, "B11": 1, "OVR": 2, "RET": 1, "REC": 3}
    assert second.channel is None and second.customer is None and second.comments == {}


def test_a_known_customer_brings_their_segment_when_the_file_gives_none(survey_world, csv_file):
    survey_world.customers["B01"].segment = "VIP"
    survey_world.customers["B01"].save()
    rows = [["respondent_id", "branch", "customer_no", "segment", "A11"], ["a", "B01", "C-X1", "", 4],
            ["b", "B01", "C-X1", "일반", 4], ["c", "B01", "", "", 4]]
    _import(survey_world, csv_file(rows))
    segments = dict(Response.objects.values_list("imported__respondent_id", "segment"))
    assert segments == {"a": "VIP", "b": "일반", "c": ""}


def test_a_utf8_csv_with_a_byte_order_mark_imports(survey_world, csv_file):
    _import(survey_world, csv_file([HEADER, *good_rows()], bom=True))
    assert sorted(ImportedResponse.objects.values_list("respondent_id", flat=True)) == ["r1", "r2", "r3"]


def test_a_cp949_csv_from_korean_excel_imports_with_its_hangul_intact(survey_world, csv_file):
    rows = [["응답자", "지점", "등급", *HEADER[5:11], "의견"],
            ["k1", "강남점", "우수고객", 5, 5, 5, 7, 5, 10, "배송이 빨라요"]]
    result = _import(survey_world, csv_file(rows, encoding="cp949"))
    assert ResponseImport.objects.get().encoding == "cp949"
    response = Response.objects.get()
    assert (response.org_unit.code, response.segment, response.comments) == ("B01", "우수고객", {"overall": "배송이 빨라요"})
    assert result.columns["branch"] == "지점"


def test_an_xlsx_workbook_imports_numbers_as_whole_answers(survey_world, xlsx_file):
    _import(survey_world, xlsx_file([HEADER, *good_rows()]))
    assert Response.objects.get(imported__respondent_id="r3").answers["REC"] == 10
    assert ResponseImport.objects.get().sheet == "응답"


def test_an_spss_file_resolves_coded_branch_and_segment_through_value_labels_and_keeps_them(
        survey_world, sav_file):
    path = sav_file(
        {"ID": ["s1", "s2"], "BRANCH": [1, 2], "SEG": [1, 2], "A11": [5, None], "OVR": [7, 1]},
        # Branch 1 is labelled with a code, branch 2 with a branch's Korean name.
        value_labels={"BRANCH": {1: "B01", 2: "일산점"}, "SEG": {1: "VIP", 2: "일반"},
                      "A11": {1: "매우 불만족", 5: "매우 만족"}},
        column_labels={"A11": "상품 신선도", "OVR": "전반적 만족도"},
    )
    _import(survey_world, path, mapping={"branch": "BRANCH", "segment": "SEG"})
    by_id = {r.imported.respondent_id: r for r in Response.objects.select_related("org_unit", "imported")}
    assert (by_id["s1"].org_unit.code, by_id["s1"].segment, by_id["s1"].answers) == ("B01", "VIP", {"A11": 5, "OVR": 7})
    assert (by_id["s2"].org_unit.code, by_id["s2"].segment, by_id["s2"].answers) == ("B03", "일반", {"OVR": 1})
    record = ResponseImport.objects.get()
    assert record.file_format == "sav"
    assert record.value_labels["A11"] == {"1": "매우 불만족", "5": "매우 만족"}
    assert record.value_labels["BRANCH"] == {"1": "B01", "2": "일산점"}
    assert record.column_labels == {"A11": "상품 신선도", "OVR": "전반적 만족도"}


def test_an_spss_value_label_naming_no_branch_is_reported_as_the_label(survey_world, sav_file):
    path = sav_file({"branch": [1, 9], "A11": [5, 5]}, value_labels={"branch": {1: "B01", 9: "없는점"}})
    assert _refused(survey_world, path) == [(3, "branch", "없는점", "unknown_branch")]


# --- mapping -----------------------------------------------------------------------------------


def test_columns_named_otherwise_are_mapped_explicitly(survey_world, csv_file):
    path = csv_file([["Q1", "Q2", "store"], [4, 5, "B01"]])
    result = _import(survey_world, path, mapping={"A11": "Q1", "COMP_A11": "Q2"})
    assert Response.objects.get().answers == {"A11": 4, "COMP_A11": 5}
    assert result.columns == {"branch": "store", "A11": "Q1", "COMP_A11": "Q2"}


def test_competitor_items_are_prefix_plus_code_on_the_items_scale(survey_world, csv_file):
    path = csv_file([["branch", "OVR", "COMP_OVR", "COMP_A11"], ["B01", 7, 7, 6]])
    assert _refused(survey_world, path) == [(2, "COMP_A11", "6", "out_of_scale")]


def test_an_unknown_mapping_target_is_reported_at_its_column(survey_world, csv_file):
    path = csv_file([["branch", "A11", "Q9"], ["B01", 4, 5]])
    assert _refused(survey_world, path, mapping={"Z99": "Q9"}) == [(1, "Q9", "Z99", "unknown_field")]


def test_a_file_without_any_item_column_is_refused_at_the_header(survey_world, csv_file):
    assert _refused(survey_world, csv_file([["branch", "Q1"], ["B01", 4]])) == [(1, None, None, "no_item_columns")]


# --- every bad cell, with its row and column -----------------------------------------------------


def test_an_answer_outside_the_items_scale_is_refused(survey_world, csv_file):
    rows = [["branch", "A11", "OVR", "REC"], ["B01", 6, 7, 0], ["B01", 3.5, 0, 11]]
    assert _refused(survey_world, csv_file(rows)) == [
        (2, "A11", "6", "out_of_scale"), (3, "A11", "3.5", "out_of_scale"), (3, "OVR", "0", "out_of_scale"),
        (3, "REC", "11", "out_of_scale")]


def test_the_out_of_scale_reason_names_the_scale(survey_world, csv_file):
    with pytest.raises(ImportFailed) as failed:
        _import(survey_world, csv_file([["branch", "OVR"], ["B01", 8]]))
    assert "1–7" in failed.value.issues[0].reason


def test_an_answer_that_is_not_a_number_is_refused(survey_world, csv_file):
    rows = [["branch", "A11", "A12"], ["B01", "좋음", "nan"]]
    assert _refused(survey_world, csv_file(rows)) == [(2, "A11", "좋음", "not_a_number"),
                                                       (2, "A12", "nan", "not_a_number")]


def test_an_unknown_branch_is_refused(survey_world, csv_file):
    assert _refused(survey_world, csv_file([["branch", "A11"], ["B01", 4], ["B99", 4]])) == [
        (3, "branch", "B99", "unknown_branch")]


def test_a_branch_name_shared_by_two_units_is_refused_as_ambiguous(survey_world, csv_file):
    from cxm.org.models import OrgUnit

    OrgUnit.objects.create(code="B09", name_ko="강남점", name_en="Gangnam 2", kind="branch", parent=survey_world.r2)
    rows = [["branch", "A11"], ["B01", 4], ["강남점", 4]]
    assert _refused(survey_world, csv_file(rows)) == [(3, "branch", "강남점", "ambiguous_branch")]


def test_an_org_unit_that_is_not_a_branch_is_refused(survey_world, csv_file):
    assert _refused(survey_world, csv_file([["branch", "A11"], ["R1", 4]])) == [(2, "branch", "R1", "unit_not_branch")]


def test_a_branch_outside_the_importing_users_scope_is_refused(survey_world, csv_file):
    rows = [["branch", "A11"], ["B01", 4], ["B02", 4]]
    assert _refused(survey_world, csv_file(rows), user=survey_world.users.cs_manager) == [
        (3, "branch", "B02", "unit_not_visible")]


def test_the_same_branch_is_accepted_for_a_user_who_sees_it(survey_world, csv_file):
    rows = [["branch", "A11"], ["B01", 4], ["B03", 4]]
    assert _import(survey_world, csv_file(rows), user=survey_world.users.cs_manager).created == {"responses": 2}


def test_an_unknown_customer_number_is_refused(survey_world, csv_file):
    assert _refused(survey_world, csv_file([["branch", "customer_no", "A11"], ["B01", "C-NOPE", 4]])) == [
        (2, "customer_no", "C-NOPE", "unknown_customer")]


def test_a_customer_outside_the_users_scope_is_reported_like_an_unknown_one(survey_world, csv_file):
    rows = [["branch", "customer_no", "A11"], ["B01", "C-Y1", 4]]
    assert _refused(survey_world, csv_file(rows), user=survey_world.users.cs_manager) == [
        (2, "customer_no", "C-Y1", "unknown_customer")]


def test_a_customer_number_in_an_anonymous_wave_is_refused(survey_world, csv_file):
    rows = [["branch", "customer_no", "A11"], ["B01", "", 4], ["B01", "C-X1", 4]]
    assert _refused(survey_world, csv_file(rows), wave=survey_world.anonymous_wave) == [
        (3, "customer_no", "C-X1", "customer_in_anonymous_wave")]


def test_an_anonymous_wave_takes_responses_without_customers(survey_world, csv_file):
    _import(survey_world, csv_file([["branch", "A11"], ["B01", 4]]), wave=survey_world.anonymous_wave)
    assert Response.objects.get().customer is None


def test_a_respondent_id_repeated_in_the_file_is_refused_at_the_repeat(survey_world, csv_file):
    rows = [["respondent_id", "branch", "A11"], ["r1", "B01", 4], ["r2", "B01", 4], ["r1", "B03", 5]]
    assert _refused(survey_world, csv_file(rows)) == [(4, "respondent_id", "r1", "duplicate_in_file")]


def test_a_respondent_id_already_imported_into_the_wave_is_refused(survey_world, csv_file):
    _import(survey_world, csv_file([["respondent_id", "branch", "A11"], ["r1", "B01", 4]], name="first.csv"))
    with pytest.raises(ImportFailed) as failed:
        _import(survey_world, csv_file([["respondent_id", "branch", "A11"], ["r2", "B01", 4], ["r1", "B01", 4]]))
    assert as_tuples(failed.value) == [(3, "respondent_id", "r1", "respondent_exists")]
    assert Response.objects.count() == 1


def test_the_same_respondent_id_may_be_used_in_another_wave(survey_world, csv_file):
    path = csv_file([["respondent_id", "branch", "A11"], ["r1", "B01", 4]])
    _import(survey_world, path)
    _import(survey_world, path, wave=survey_world.anonymous_wave)
    assert Response.objects.count() == 2


def test_an_unknown_channel_is_refused(survey_world, csv_file):
    assert _refused(survey_world, csv_file([["branch", "channel", "A11"], ["B01", "FAX", 4]])) == [
        (2, "channel", "FAX", "unknown_channel")]


# --- all or nothing, access, audit ---------------------------------------------------------------


def test_one_bad_cell_among_many_good_rows_writes_nothing(survey_world, csv_file):
    rows = [HEADER, *good_rows() * 1, *[[f"x{i}", "B01", "", "", "", 3, 3, 3, 4, 3, 7, ""] for i in range(50)]]
    rows[30][6] = 9  # A12 on row 31
    assert _refused(survey_world, csv_file(rows)) == [(31, "A12", "9", "out_of_scale")]
    assert ImportedResponse.objects.count() == 0


def test_every_problem_of_a_file_is_reported_at_once(survey_world, csv_file):
    rows = [["respondent_id", "branch", "A11", "OVR"], ["r1", "B99", "x", 9], ["r1", "B01", 4, 4]]
    assert _refused(survey_world, csv_file(rows)) == [
        (2, "branch", "B99", "unknown_branch"), (2, "A11", "x", "not_a_number"), (2, "OVR", "9", "out_of_scale"),
        (3, "respondent_id", "r1", "duplicate_in_file")]


def test_a_respondent_imported_meanwhile_makes_the_database_refuse_the_whole_file(survey_world, csv_file,
                                                                                monkeypatch):
    import datetime as dt

    from cxm.customers.importing import ImportFailed
    from cxm.surveys.importing import services

    checks = services._check_references

    def import_r1_after_the_checks(typed, *, wave, user):
        out = checks(typed, wave=wave, user=user)
        record = ResponseImport.objects.create(wave=wave, user=user, file_format="csv", rows=1)
        response = Response.objects.create(wave=wave, org_unit=survey_world.x, submitted_at=dt.datetime.now(dt.UTC))
        ImportedResponse.objects.create(response=response, batch=record, wave=wave, row=2, respondent_id="r1")
        return out

    monkeypatch.setattr(services, "_check_references", import_r1_after_the_checks)
    with pytest.raises(ImportFailed) as failed:
        _import(survey_world, csv_file([HEADER, *good_rows()]))
    assert "The database refused the import" in failed.value.message
    assert (Response.objects.count(), ResponseImport.objects.count()) == (1, 1)


def test_a_role_that_may_not_import_is_refused(survey_world, csv_file):
    with pytest.raises(AccessDenied):
        _import(survey_world, csv_file([HEADER, *good_rows()]), user=survey_world.users.agent)
    assert Response.objects.count() == 0


def test_the_import_is_recorded_and_audited_with_who_when_file_and_rows(survey_world, csv_file):
    from auditlog.models import LogEntry

    _import(survey_world, csv_file([HEADER, *good_rows()], name="2026Q1.csv"))
    record = ResponseImport.objects.get()
    assert (record.user, record.source_name, record.rows, record.file_format, record.wave) == (
        survey_world.users.admin, "2026Q1.csv", 3, "csv", survey_world.wave)
    assert record.imported_at is not None
    assert record.columns["A11"] == "A11" and record.columns["customer_no"] == "customer_no"
    assert record.responses.count() == 3
    entry = LogEntry.objects.get_for_object(record).get()
    assert entry.actor == survey_world.users.admin and entry.action == LogEntry.Action.CREATE


def test_imported_responses_are_read_by_the_csi_engine_like_form_answers(survey_world, csv_file):
    import numpy as np

    from cxm.surveys.reports import wave_result

    rng = np.random.default_rng(7)
    answers = rng.integers(1, 6, size=(40, 3))
    overall = rng.integers(1, 8, size=40)
    rows = [["branch", "A11", "A12", "B11", "OVR"],
            *[["B01" if i % 2 else "B03", *map(int, a), int(o)] for i, (a, o) in enumerate(zip(answers, overall))]]
    _import(survey_world, csv_file(rows))
    result = wave_result(user=survey_world.users.admin, wave=survey_world.wave, bootstrap=50)
    assert result.n == 40
    # Overall satisfaction on 0-100, computed by hand from the file: (x - 1) / (7 - 1) * 100.
    assert result.report["overall"] == pytest.approx(((overall - 1) / 6 * 100).mean())
    by_branch = wave_result(user=survey_world.users.admin, wave=survey_world.wave, unit_code="B01", bootstrap=50)
    assert by_branch.n == 20


def test_deleting_the_responses_and_the_wave_takes_the_import_records_along(survey_world, csv_file):
    # What the demo's reset does (responses first, then the waves): imports must not block it.
    _import(survey_world, csv_file([HEADER, *good_rows()]))
    Response.objects.all().delete()
    assert ImportedResponse.objects.count() == 0
    survey_world.wave.delete()
    assert ResponseImport.objects.count() == 0
