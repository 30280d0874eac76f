"""The mystery-shopping roll-up against a case computed by hand (no Django).

The hand case ("three visits, two branches")::

    section S1: Y1 yes/no, weight 2          Q1 scale 1-5, weight 1, N/A allowed
    section S2: Y2 yes/no, weight 1, N/A allowed

    visit V1 (branch B01): Y1 yes, Q1 4,   Y2 no   -> (2*1 + 1*0.75 + 1*0) / 4 = 68.75
    visit V2 (branch B01): Y1 no,  Q1 N/A, Y2 yes  -> (2*0 + 1*1) / 3         = 33.33...
    visit V3 (branch B02): Y1 yes, Q1 2,   Y2 N/A  -> (2*1 + 1*0.25) / 3      = 75.0

    sections: V1 S1 = 2.75/3 = 91.67, S2 = 0;  V2 S1 = 0, S2 = 100;  V3 S1 = 75, S2 none
    B01 = (68.75 + 33.33) / 2 = 51.0417;  B02 = 75;  region R1 = (51.0417 + 75) / 2 = 63.0208
    (each branch once; the visit-weighted mean would be 59.03)
    pass rates: Y1 2/3; Q1 1/2 (4 passes, 2 fails, one N/A); Y2 1/2 (one N/A)
"""

from __future__ import annotations

import polars as pl
import pytest

from cxm.analytics.mystery import (
    branch_scores, branch_section_scores, item_rates, parse_checklist, rank_branches, rollup_tree, score_answers,
    visit_scores, visit_section_scores,
)

CHECKLIST = {
    "sections": [
        {"code": "S1", "items": [{"code": "Y1", "weight": 2},
                                 {"code": "Q1", "type": "scale", "scale": [1, 5], "na": True}]},
        {"code": "S2", "items": [{"code": "Y2", "na": True}]},
    ],
}
PATHS = {"B01": "HQ/R1/B01/", "B02": "HQ/R1/B02/"}


@pytest.fixture
def hand_case():
    items = parse_checklist(CHECKLIST).items_frame()
    answers = pl.DataFrame({
        "visit": [1, 1, 1, 2, 2, 2, 3, 3, 3],
        "item": ["Y1", "Q1", "Y2"] * 3,
        "value": [1.0, 4.0, 0.0, 0.0, None, 1.0, 1.0, 2.0, None],
    })
    visits = pl.DataFrame({"visit": [1, 2, 3], "branch": ["B01", "B01", "B02"], "period": ["P1"] * 3})
    return score_answers(answers, items), visits


def _by(frame: pl.DataFrame, key: str) -> dict:
    return {row[key]: row for row in frame.iter_rows(named=True)}


def test_hand_case_visit_scores_weight_items_and_leave_out_not_applicable(hand_case):
    scored, _ = hand_case
    got = _by(visit_scores(scored), "visit")
    assert got[1]["score"] == pytest.approx(68.75)
    assert got[2]["score"] == pytest.approx(100 / 3)
    assert got[3]["score"] == pytest.approx(75.0)
    assert (got[2]["n_items"], got[2]["n_na"]) == (2, 1)


def test_hand_case_section_scores_per_visit(hand_case):
    scored, _ = hand_case
    got = {(r["visit"], r["section"]): r["score"] for r in visit_section_scores(scored).iter_rows(named=True)}
    assert got[(1, "S1")] == pytest.approx(275 / 3)
    assert got[(1, "S2")] == 0.0 and got[(2, "S1")] == 0.0 and got[(2, "S2")] == 100.0
    assert got[(3, "S1")] == pytest.approx(75.0)
    assert got[(3, "S2")] is None  # only N/A in the section: no score, not zero


def test_hand_case_branch_and_region_scores_count_each_branch_once(hand_case):
    scored, visits = hand_case
    per_visit = visits.join(visit_scores(scored), on="visit")
    branches = branch_scores(per_visit)
    got = _by(branches, "branch")
    assert got["B01"]["score"] == pytest.approx((68.75 + 100 / 3) / 2)
    assert got["B01"]["n_visits"] == 2 and got["B02"]["score"] == pytest.approx(75.0)
    tree = _by(rollup_tree(branches, PATHS), "unit")
    assert tree["R1"]["score"] == pytest.approx(((68.75 + 100 / 3) / 2 + 75) / 2)  # 63.0208, not 59.03
    assert tree["HQ"]["score"] == pytest.approx(tree["R1"]["score"])
    assert (tree["R1"]["n_branches"], tree["R1"]["n_visits"]) == (2, 3)
    assert tree["B02"]["score"] == pytest.approx(75.0)


def test_hand_case_section_roll_up_skips_branches_without_a_score(hand_case):
    scored, visits = hand_case
    sections = branch_section_scores(visit_section_scores(scored), visits)
    got = {(r["branch"], r["section"]): r for r in sections.iter_rows(named=True)}
    assert got[("B01", "S1")]["score"] == pytest.approx((275 / 3 + 0) / 2)
    assert got[("B01", "S2")]["score"] == pytest.approx(50.0)
    assert ("B02", "S2") not in got
    tree = {(r["unit"], r["section"]): r for r in rollup_tree(sections, PATHS, by=["period", "section"]).iter_rows(named=True)}
    assert tree[("R1", "S2")]["score"] == pytest.approx(50.0) and tree[("R1", "S2")]["n_branches"] == 1
    assert tree[("R1", "S1")]["score"] == pytest.approx((275 / 6 + 75) / 2)


def test_hand_case_item_pass_rates_and_mean_scores(hand_case):
    scored, _ = hand_case
    got = _by(item_rates(scored), "item")
    assert got["Y1"]["pass_rate"] == pytest.approx(2 / 3) and got["Y1"]["n"] == 3
    assert got["Q1"]["pass_rate"] == pytest.approx(0.5) and got["Q1"]["score"] == pytest.approx(50.0)
    assert (got["Q1"]["n"], got["Q1"]["n_na"]) == (2, 1)
    assert got["Y2"]["pass_rate"] == pytest.approx(0.5) and got["Y2"]["n_na"] == 1


def test_visit_with_every_answer_not_applicable_has_no_score():
    items = parse_checklist({"sections": [{"code": "S", "items": [{"code": "A", "na": True}]}]}).items_frame()
    scored = score_answers(pl.DataFrame({"visit": [7], "item": ["A"], "value": [None]},
                                        schema={"visit": pl.Int64, "item": pl.String, "value": pl.Float64}), items)
    assert visit_scores(scored)["score"].to_list() == [None]


def test_scale_item_passes_from_the_top_two_boxes():
    items = parse_checklist({"sections": [{"code": "S", "items": [
        {"code": "Q", "type": "scale", "scale": [1, 5]}]}]}).items_frame()
    scored = score_answers(pl.DataFrame({"visit": [1, 2, 3, 4, 5], "item": ["Q"] * 5,
                                         "value": [1.0, 2.0, 3.0, 4.0, 5.0]}), items)
    assert scored.sort("visit")["passed"].to_list() == [False, False, False, True, True]


def test_checklist_versions_score_each_visit_by_its_own_items():
    v1 = parse_checklist({"sections": [{"code": "S", "items": [{"code": "Q", "type": "scale", "scale": [1, 5]}]}]})
    v2 = parse_checklist({"sections": [{"code": "S", "items": [{"code": "Q", "type": "scale", "scale": [1, 3]}]}]})
    items = pl.concat([v1.items_frame().with_columns(checklist=pl.lit(1)),
                       v2.items_frame().with_columns(checklist=pl.lit(2))])
    answers = pl.DataFrame({"visit": [1, 2], "item": ["Q", "Q"], "value": [3.0, 3.0], "checklist": [1, 2]})
    got = _by(visit_scores(score_answers(answers, items)), "visit")
    assert (got[1]["score"], got[2]["score"]) == (50.0, 100.0)


def test_ranking_puts_the_best_first_and_ties_share_a_rank():
    frame = pl.DataFrame({"period": ["P"] * 4, "branch": ["A", "B", "C", "D"], "score": [80.0, 90.0, 80.0, 70.0],
                          "n_visits": [1, 1, 1, 1]})
    ranked = rank_branches(frame)
    assert list(zip(ranked["branch"], ranked["rank"])) == [("B", 1), ("A", 2), ("C", 2), ("D", 4)]


@pytest.mark.parametrize(("definition", "message"), [
    ({"sections": []}, "at least one section"),
    ({"sections": [{"code": "S", "items": []}]}, "section S: at least one item"),
    ({"sections": [{"code": "S", "items": [{"code": "A"}, {"code": "A"}]}]}, "item A: duplicate"),
    ({"sections": [{"code": "S", "items": [{"code": "A", "type": "stars"}]}]}, "item A: type"),
    ({"sections": [{"code": "S", "items": [{"code": "A", "weight": 0}]}]}, "item A: weight"),
    ({"sections": [{"code": "S", "items": [{"code": "A", "type": "scale", "scale": [5, 1]}]}]}, "item A: scale"),
])
def test_invalid_checklists_are_refused_naming_the_place(definition, message):
    with pytest.raises(ValueError, match=message):
        parse_checklist(definition)


def test_item_accepts_only_answers_on_its_scale():
    checklist = parse_checklist(CHECKLIST)
    y1, q1 = checklist.items[0], checklist.items[1]
    assert y1.accepts(1) and y1.accepts(0) and not y1.accepts(2) and not y1.accepts(None)
    assert q1.accepts(None) and q1.accepts(5) and not q1.accepts(6) and not q1.accepts(2.5)
