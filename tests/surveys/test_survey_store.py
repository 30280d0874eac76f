"""The survey store: versioned questionnaires, and the demo's survey waves with their planted truth."""

import polars as pl
import pytest

from cxm.core.exceptions import ApplicationError
from cxm.demo import truth
from cxm.demo.loader import load_demo
from cxm.org.access import restrict
from cxm.surveys.demo_steps import QUESTIONNAIRE
from cxm.surveys.models import Questionnaire, Response, SurveyLink, Wave
from cxm.surveys.services import questionnaire_export, questionnaire_import

pytestmark = pytest.mark.django_db


def test_importing_the_same_code_again_makes_a_new_version():
    first = questionnaire_import(code="csi", source=QUESTIONNAIRE)
    second = questionnaire_import(code="csi", source=QUESTIONNAIRE.read_text(encoding="utf-8"))
    assert (first.version, second.version) == (1, 2)
    assert first.title_ko == "한결마트 고객만족도 조사"
    assert [e.code for e in second.parsed().elements] == ["A", "B", "C", "D", "E"]


def test_export_then_import_keeps_the_definition():
    q = questionnaire_import(code="csi", source=QUESTIONNAIRE)
    again = questionnaire_import(code="csi", source=questionnaire_export(q))
    assert again.definition == q.definition
    assert "배송" in questionnaire_export(q)  # Korean stays readable, not escaped


def test_an_invalid_questionnaire_is_refused_with_the_offending_key():
    with pytest.raises(ApplicationError, match=r"elements\[0\]\.items"):
        questionnaire_import(code="bad", source="elements:\n  - {code: A, items: []}\noverall: {code: OVR}\n")
    assert not Questionnaire.objects.filter(code="bad").exists()


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(seed=42, n_customers=2_000, progress=False)
    rows = Response.objects.values_list("wave__code", "org_unit__parent__code", "customer_id", "answers")
    return pl.DataFrame([{"wave": w, "region": r, "identified": c is not None, **a} for w, r, c, a in rows],
                        infer_schema_length=None)


def test_demo_has_four_answered_waves_an_open_one_a_link_per_branch_and_about_150_answers_each(demo):
    assert list(Wave.objects.values_list("code", flat=True)) == [*truth.SURVEY_WAVES, truth.SURVEY_OPEN_WAVE]
    assert SurveyLink.objects.count() == 5 * 12
    assert not Response.objects.filter(wave__code=truth.SURVEY_OPEN_WAVE).exists()
    per_group = demo.group_by("wave", "region").len()
    assert demo.height == pytest.approx(4 * 12 * truth.SURVEY_RESPONSES_PER_BRANCH, rel=0.05)
    assert per_group.height == 4 * 3
    assert demo["identified"].mean() == pytest.approx(truth.SURVEY_IDENTIFIED_SHARE, abs=0.03)


def test_planted_slow_delivery_region_rates_delivery_lower(demo):
    delivery = demo.with_columns(pl.mean_horizontal(["C11", "C12", "C13"]).alias("C")).group_by("region").agg(pl.col("C").mean())
    by_region = dict(delivery.iter_rows())
    others = [v for k, v in by_region.items() if k != truth.SLOW_DELIVERY_REGION]
    expected = truth.SLOW_DELIVERY_SATISFACTION_SHIFT / 100 * 4  # -0.48 on the 1-5 scale
    # Rounding and clipping to 1..5 shrink the latent shift a little.
    assert by_region[truth.SLOW_DELIVERY_REGION] - sum(others) / len(others) == pytest.approx(expected, abs=0.12)


def test_planted_importance_makes_delivery_the_strongest_driver_of_overall(demo):
    scores = demo.select(
        *[pl.mean_horizontal([c for c in demo.columns if c[:1] == e and c[1:].isdigit()]).alias(e) for e in "ABCDE"],
        pl.col("OVR"),
    ).drop_nulls()
    corr = {e: scores.select(pl.corr(e, "OVR")).item() for e in "ABCDE"}
    assert max(corr, key=corr.get) == "C"


def test_planted_competitor_is_better_at_delivery_and_worse_at_product(demo):
    comp = demo.filter(pl.col("COMP_OVR").is_not_null())
    gap_a = comp.select((pl.col("A11") - pl.col("COMP_A11")).mean()).item()
    gap_c = comp.select((pl.col("C11") - pl.col("COMP_C11")).mean()).item()
    assert gap_a > 0.1 and gap_c < -0.1


def test_branch_manager_sees_only_their_branchs_responses(demo):
    from cxm.org.models import User

    manager = User.objects.get(username="branch_gangnam")
    visible = restrict(Response.objects.all(), manager)
    assert visible.count() > 0
    assert set(visible.values_list("org_unit__code", flat=True)) == {"B01"}
