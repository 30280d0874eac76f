"""Keywords per group: weighted log-odds with an informative Dirichlet prior.

Reference: Monroe, Colaresi & Quinn (2008), "Fightin' words", Political Analysis 16(4),
eqs. 16 and 20-22. The expected values below are computed by hand from those formulas.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxm.analytics.exceptions import NotFittedError
from cxm.analytics.text.keywords import KeywordContrast, count_terms

# Tiny corpus. Group A: 2 x late, 1 x box (n_A = 3); group B: 1 x box, 1 x kind (n_B = 2).
# Corpus totals: late 2, box 2, kind 1; N = 5.
DOCS = [["late", "box"], ["late"], ["box", "kind"]]
GROUPS = ["A", "A", "B"]


def test_count_terms_builds_the_group_by_term_table():
    labels, vocab, counts, n_docs = count_terms(DOCS, GROUPS)
    assert labels.tolist() == ["A", "B"] and vocab.tolist() == ["box", "kind", "late"]
    assert counts.tolist() == [[1, 0, 2], [1, 1, 0]] and n_docs.tolist() == [2, 1]


def test_log_odds_with_corpus_prior_matches_hand_computation():
    # Prior = corpus counts: alpha_late = 2, alpha_box = 2, alpha_kind = 1, alpha0 = 5.
    # "late" in A vs rest (B): y_i = 2, n_i = 3, y_j = 0, n_j = 2
    #   delta = log((2+2)/(3+5-2-2)) - log((0+2)/(2+5-0-2)) = log(4/4) - log(2/5)
    #   var   = 1/(2+2) + 1/(0+2) = 0.75
    delta_late_a = math.log(4 / 4) - math.log(2 / 5)
    z_late_a = delta_late_a / math.sqrt(0.75)
    # "box" in A: y_i = 1, y_j = 1, alpha = 2
    #   delta = log(3/(3+5-1-2)) - log(3/(2+5-1-2)) = log(3/5) - log(3/4); var = 1/3 + 1/3
    z_box_a = (math.log(3 / 5) - math.log(3 / 4)) / math.sqrt(2 / 3)
    # "kind" in B: y_i = 1, n_i = 2, y_j = 0, n_j = 3, alpha = 1
    #   delta = log(2/(2+5-1-1)) - log(1/(3+5-0-1)) = log(2/5) - log(1/7); var = 1/2 + 1/1
    z_kind_b = (math.log(2 / 5) - math.log(1 / 7)) / math.sqrt(1.5)
    model = KeywordContrast().fit(DOCS, GROUPS)
    vocab = model.vocabulary_.tolist()
    assert model.method_ == "log-odds"
    assert model.delta_[0, vocab.index("late")] == pytest.approx(delta_late_a, abs=1e-12)
    assert model.zscores_[0, vocab.index("late")] == pytest.approx(z_late_a, abs=1e-12)
    assert model.zscores_[0, vocab.index("box")] == pytest.approx(z_box_a, abs=1e-12)
    assert model.zscores_[1, vocab.index("kind")] == pytest.approx(z_kind_b, abs=1e-12)


def test_log_odds_with_scaled_prior_matches_hand_computation():
    # alpha0 = 10: alpha_w = 10 * y_w / 5 -> alpha_late = 4.
    # "late" in A: delta = log((2+4)/(3+10-2-4)) - log((0+4)/(2+10-0-4)) = log(6/7) - log(4/8)
    #              var = 1/6 + 1/4
    z = (math.log(6 / 7) - math.log(4 / 8)) / math.sqrt(1 / 6 + 1 / 4)
    model = KeywordContrast(alpha0=10).fit(DOCS, GROUPS)
    assert model.zscores_[0, model.vocabulary_.tolist().index("late")] == pytest.approx(z, abs=1e-12)


def test_two_groups_get_mirror_scores_for_the_same_term():
    model = KeywordContrast().fit(DOCS, GROUPS)
    np.testing.assert_allclose(model.zscores_[0], -model.zscores_[1], atol=1e-12)


def test_planted_group_term_ranks_first():
    rng = np.random.default_rng(7)
    common = ["상품", "매장", "직원", "가격", "주문", "좋다", "배송"]
    docs, groups = [], []
    for unit in ["B01", "B02", "B03"]:
        for _ in range(200):
            doc = list(rng.choice(common, size=4))
            if unit == "B02" and rng.random() < 0.4:
                doc.append("늦다")  # planted in B02 only
            docs.append(doc)
            groups.append(unit)
    top = KeywordContrast().fit(docs, groups).top(3)
    assert top["B02"][0].term == "늦다"
    assert top["B02"][0].count == sum(d.count("늦다") for d, g in zip(docs, groups) if g == "B02")
    assert top["B01"][0].term != "늦다" and top["B03"][0].term != "늦다"


def test_top_is_sorted_by_score_and_carries_counts():
    top = KeywordContrast().fit(DOCS, GROUPS).top(10)
    scores = [k.score for k in top["A"]]
    assert scores == sorted(scores, reverse=True)
    assert [(k.term, k.count) for k in top["A"]][0] == ("late", 2)


def test_positive_only_drops_terms_under_represented_in_the_group():
    top = KeywordContrast().fit(DOCS, GROUPS).top(10, positive_only=True)
    assert [k.term for k in top["B"]] == ["kind", "box"]


def test_single_group_falls_back_to_frequency_per_thousand_tokens():
    model = KeywordContrast().fit(DOCS)
    top = model.top(1)["all"][0]
    assert model.method_ == "frequency"
    assert (top.term, top.count) in {("box", 2), ("late", 2)} and top.score == pytest.approx(2 / 5 * 1000)


def test_min_count_drops_rare_terms():
    model = KeywordContrast(min_count=2).fit(DOCS, GROUPS)
    assert model.vocabulary_.tolist() == ["box", "late"]


def test_summary_lists_every_group_term_pair():
    frame = KeywordContrast().fit(DOCS, GROUPS).summary()
    assert frame.height == 6 and frame.columns == ["group", "term", "count", "delta", "variance", "score"]


def test_top_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        KeywordContrast().top()


def test_group_labels_must_match_documents():
    with pytest.raises(ValueError, match="2 group labels for 3 documents"):
        KeywordContrast().fit(DOCS, ["A", "B"])


def test_missing_group_label_is_rejected_with_its_row():
    with pytest.raises(ValueError, match="document 1"):
        KeywordContrast().fit(DOCS, ["A", None, "B"])


def test_non_positive_alpha0_is_rejected():
    with pytest.raises(ValueError, match="-1"):
        KeywordContrast(alpha0=-1).fit(DOCS, GROUPS)


def test_fewer_than_two_terms_is_rejected():
    with pytest.raises(ValueError, match="at least 2"):
        KeywordContrast().fit([["late"], ["late"]], ["A", "B"])
