"""The fit and compare use cases behind the pages: model checks, data checks, the difference interval."""

import math

import pytest
from django.utils import translation

from cxm.analytics.questionnaire import load_questionnaire
from cxm.pathmodels.diagram import diagram_layout
from cxm.pathmodels.reports import (ModelError, default_model, min_responses, model_check, model_fit,
                                    preset_model, waves_compare)
from cxm.surveys.demo_steps import QUESTIONNAIRE


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(QUESTIONNAIRE)


def test_the_default_model_maps_elements_to_satisfaction_to_loyalty(questionnaire):
    model = default_model(questionnaire)
    assert model["constructs"]["Delivery"] == {"mode": "A", "indicators": ["C11", "C12", "C13"]}
    assert model["constructs"]["Satisfaction"]["indicators"] == ["OVR"]
    assert model["constructs"]["Loyalty"]["indicators"] == ["RET", "REC"]
    assert model["paths"][-1] == "Satisfaction -> Loyalty" and len(model["paths"]) == 6


def test_the_default_model_in_korean_names_constructs_by_the_korean_labels(questionnaire):
    assert list(default_model(questionnaire, language="ko")["constructs"])[:2] == ["상품", "매장 서비스"]


def test_the_index_uses_each_items_own_scale(questionnaire):
    spec = model_check(default_model(questionnaire), questionnaire)
    bounds = dict(zip(spec.indicators, map(tuple, spec.bounds()), strict=True))
    assert bounds["A11"] == (1, 5) and bounds["OVR"] == (1, 7) and bounds["REC"] == (0, 10)


def test_ten_times_the_most_arrows_into_one_construct(questionnaire):
    assert min_responses(model_check(default_model(questionnaire), questionnaire)) == 50
    small = {"constructs": {"P": ["A11", "A12"], "S": ["OVR"]}, "paths": ["P -> S"]}
    assert min_responses(model_check(small, questionnaire)) == 30
    formative = {"constructs": {"P": {"mode": "B", "indicators": ["A11", "A12", "A13", "B11"]}, "S": ["OVR"]},
                 "paths": ["P -> S"]}
    assert min_responses(model_check(formative, questionnaire)) == 40


@pytest.mark.parametrize("model, words", [
    ({"constructs": {}, "paths": []}, "no constructs"),
    ({"constructs": {"P": ["A11", "NOPE"], "S": ["OVR"]}, "paths": ["P -> S"]}, "Item NOPE"),
    ({"constructs": {"P": ["A11", "OVR"], "S": ["OVR"]}, "paths": ["P -> S"]}, "used by two constructs"),
    ({"constructs": {"P": ["A11"], "S": ["OVR"], "L": ["RET"]}, "paths": ["P -> S"]}, "Construct L is in no path"),
    ({"constructs": {"P": ["A11"], "S": ["OVR"]}, "paths": ["P -> P", "P -> S"]}, "to itself"),
    ({"constructs": {"P": ["A11"], "S": ["OVR"], "L": ["RET"]}, "paths": ["P -> S", "S -> L", "L -> P"]},
     "P → S → L → P"),
])
def test_bad_models_are_refused_with_a_reason(questionnaire, model, words):
    with translation.override("en"), pytest.raises(ModelError) as caught:
        model_check(model, questionnaire)
    assert words in caught.value.message


def test_a_preset_keeps_only_the_items_of_the_questionnaire(questionnaire):
    model, dropped = preset_model("acsi", questionnaire)
    assert all(not body["indicators"] for body in model["constructs"].values())
    assert "SAT_OVERALL" in dropped and "Satisfaction -> Loyalty" in model["paths"]


def test_the_diagram_puts_sources_left_of_their_targets_and_arcs_over_skipped_columns():
    d = diagram_layout(names=["A", "B", "S", "L"], paths=[("A", "S"), ("B", "S"), ("S", "L"), ("A", "L")],
                       coefficients={"A->S": 0.4, "B->S": -0.2, "S->L": 0.8, "A->L": 0.1}, r2={"S": 0.5, "L": 0.6},
                       index={"A": 70, "B": 60, "S": 65, "L": 66})
    x = {n.name: n.x for n in d.nodes}
    assert x["A"] == x["B"] < x["S"] < x["L"]
    edges = {e.key: e for e in d.edges}
    assert edges["B->S"].negative and edges["S->L"].width > edges["A->S"].width > edges["B->S"].width
    for key in ("A->S", "B->S", "S->L"):
        x1, x2 = (float(p.split(",")[0]) for p in edges[key].d.replace("M", "").split(" L"))
        assert x1 < x2
    assert " Q" in edges["A->L"].d  # skips S's column: a curve, not a line through S
    top = min(n.y for n in d.nodes)
    assert edges["A->L"].ly < top and d.height > top + d.box_h  # room made for the arc above the boxes


@pytest.mark.django_db
def test_a_wave_compared_with_itself_shows_no_change(pm_waves):
    admin = pm_waves.world.users.admin
    model = default_model(pm_waves.parsed)
    result = waves_compare(user=admin, wave_a=pm_waves.w2, wave_b=pm_waves.w2, model=model, n_boot=300, seed=4)
    for d in result.index + result.paths:
        assert d.diff == 0 and d.ci[0] < 0 < d.ci[1] and d.significant is False and d.overlap


@pytest.mark.django_db
def test_the_difference_interval_agrees_with_the_normal_theory_interval(pm_waves):
    """For independent samples, var(b - a) = se_a² + se_b²: the percentile interval of the
    differences of draws has about the width 2 × 1.96 × sqrt(se_a² + se_b²) (Efron & Tibshirani 1993, ch. 13)."""
    admin = pm_waves.world.users.admin
    result = waves_compare(user=admin, wave_a=pm_waves.w1, wave_b=pm_waves.w2, model=default_model(pm_waves.parsed),
                           n_boot=1000, seed=11)
    se_a = {k: v["se"] for k, v in result.a.report["bootstrap_detail"]["index"].items()}
    se_b = {k: v["se"] for k, v in result.b.report["bootstrap_detail"]["index"].items()}
    for d in result.index:
        width = 2 * 1.959964 * math.sqrt(se_a[d.name] ** 2 + se_b[d.name] ** 2)
        assert d.ci[1] - d.ci[0] == pytest.approx(width, rel=0.15)
        assert d.ci[0] < d.diff < d.ci[1]
    delivery = next(d for d in result.index if d.name == "Delivery")
    assert delivery.significant and delivery.overlap is False


@pytest.mark.django_db
def test_mean_replacement_keeps_the_incomplete_answers(pm_waves):
    admin = pm_waves.world.users.admin
    model = default_model(pm_waves.parsed)
    listwise = model_fit(user=admin, wave=pm_waves.w1, model=model, n_boot=0)
    filled = model_fit(user=admin, wave=pm_waves.w1, model=model, n_boot=0, missing="mean")
    assert (listwise.n, listwise.n_dropped, filled.n, filled.n_dropped) == (145, 5, 150, 0)
