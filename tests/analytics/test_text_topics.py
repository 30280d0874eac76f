"""NMF topics over TF-IDF: planted themes recovered, trend, link to satisfaction.

The corpus is generated (cxm.analytics.text.synthetic) with three planted themes --
delivery delay, unfriendly staff, price -- so the right answer is known. The Welch
t-statistics are checked against the textbook formula written out with numpy, and the
Holm adjustment against a hand computation.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

from cxm.analytics.exceptions import ConvergenceWarning, NotFittedError
from cxm.analytics.text.synthetic import planted_comments
from cxm.analytics.text.tokenize import Tokenizer
from cxm.analytics.stats import holm
from cxm.analytics.text.topics import TopicModel

SIGNATURES = {"delivery": {"배송", "늦다"}, "staff": {"직원", "불친절"}, "price": {"가격", "비싸다"}}


@pytest.fixture(scope="module")
def corpus():
    frame = planted_comments(600, seed=3, themes={"delivery": 1.0, "staff": 1.0, "price": 1.0},
                             score_means={"delivery": 72.0, "staff": 70.0, "price": 40.0}, rising="delivery")
    docs = Tokenizer().tokenize_many(frame.get_column("text"))
    return frame, docs


@pytest.fixture(scope="module")
def model(corpus):
    return TopicModel(k=3, seed=0).fit(corpus[1])


def _topic_of_theme(model, theme):
    hits = [t.id for t in model.topics_ if SIGNATURES[theme] <= set(t.terms[:5])]
    return hits


def test_each_planted_theme_has_its_own_topic(model):
    found = {theme: _topic_of_theme(model, theme) for theme in SIGNATURES}
    assert all(len(ids) == 1 for ids in found.values()), found
    assert len({ids[0] for ids in found.values()}) == 3


def test_documents_are_assigned_to_their_theme_topic(model, corpus):
    frame, _ = corpus
    expected = {theme: _topic_of_theme(model, theme)[0] for theme in SIGNATURES}
    truth = np.array([expected[t] for t in frame.get_column("theme").to_list()])
    purity = float(np.mean(model.doc_topic_ == truth))
    assert purity >= 0.95


def test_labels_are_the_top_terms(model):
    for topic in model.topics_:
        assert topic.label == " · ".join(topic.terms[:3])


def test_topics_are_numbered_by_size(model):
    sizes = [t.size for t in model.topics_]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(model.doc_topic_)


def test_same_seed_gives_the_same_topics(corpus, model):
    again = TopicModel(k=3, seed=0).fit(corpus[1])
    np.testing.assert_array_equal(again.components_, model.components_)
    np.testing.assert_array_equal(again.doc_topic_, model.doc_topic_)


def test_new_documents_are_predicted_into_the_matching_topic(model):
    tokens = Tokenizer().tokenize_many(["배송이 너무 늦어요", "직원이 불친절했습니다", "가격이 너무 비싸요"])
    predicted = model.predict(tokens).tolist()
    assert predicted == [_topic_of_theme(model, t)[0] for t in ("delivery", "staff", "price")]


def test_document_without_known_terms_has_no_topic(model):
    assert model.predict([[], ["전혀모르는말"]]).tolist() == [-1, -1]


def test_trend_finds_the_rising_theme(model, corpus):
    frame, _ = corpus
    trend = model.trend(frame.get_column("date"), every="1q")
    delivery = _topic_of_theme(model, "delivery")[0]
    share = trend.filter(pl.col("topic") == delivery).sort("period").get_column("share").to_list()
    assert len(share) == 4 and share[-1] > share[0] + 0.1


def test_trend_counts_every_document_once_and_shares_sum_to_one(model, corpus):
    frame, _ = corpus
    trend = model.trend(frame.get_column("date").cast(pl.String), every="1mo")
    assert trend.get_column("n").sum() == len(frame)
    sums = trend.group_by("period").agg(pl.col("share").sum()).get_column("share").to_numpy()
    np.testing.assert_allclose(sums, 1.0)
    assert trend.height == 12 * 3


def test_planted_low_score_topic_comes_first_with_a_significant_gap(model, corpus):
    frame, _ = corpus
    result = model.satisfaction(frame.get_column("score").to_numpy())
    low = result.rows[0]
    assert low.topic == _topic_of_theme(model, "price")[0]
    assert low.difference < -20 and low.p_adjusted < 1e-6
    assert result.nobs == len(frame)


def test_satisfaction_t_matches_welch_formula(model, corpus):
    frame, _ = corpus
    y = frame.get_column("score").to_numpy()
    row = model.satisfaction(y).rows[0]
    a, b = y[model.doc_topic_ == row.topic], y[model.doc_topic_ != row.topic]
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))  # Welch-Satterthwaite
    assert row.t == pytest.approx(t, rel=1e-10) and row.df == pytest.approx(df, rel=1e-10)
    assert row.mean == pytest.approx(a.mean()) and row.mean_rest == pytest.approx(b.mean())


def test_satisfaction_leaves_out_missing_scores(model, corpus):
    y = corpus[0].get_column("score").to_numpy().copy()
    y[:10] = np.nan
    assert model.satisfaction(y).nobs == len(y) - 10


def test_holm_adjustment_matches_hand_computation():
    # sorted p: 0.01, 0.03, 0.04 -> 3*0.01 = 0.03, 2*0.03 = 0.06, max(0.06, 1*0.04) = 0.06
    np.testing.assert_allclose(holm(np.array([0.01, 0.04, 0.03, np.nan]))[:3], [0.03, 0.06, 0.06])


def test_summary_has_one_row_per_topic(model):
    summary = model.summary()
    assert summary.height == 3 and summary.get_column("share").sum() == pytest.approx(1.0)


def test_methods_before_fit_raise_not_fitted():
    with pytest.raises(NotFittedError):
        TopicModel().predict([["배송"]])


def test_more_topics_than_terms_is_rejected():
    with pytest.raises(ValueError, match="k=5"):
        TopicModel(k=5, min_df=1).fit([["배송", "늦다"], ["가격"]])


def test_empty_vocabulary_is_rejected():
    with pytest.raises(ValueError, match="no terms"):
        TopicModel(k=2).fit([[], []])


def test_dates_must_match_documents(model):
    with pytest.raises(ValueError, match="2 dates"):
        model.trend(["2026-01-01", "2026-02-01"])


def test_too_few_iterations_warn_with_convergence_warning(corpus):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        TopicModel(k=3, max_iter=1, tol=1e-12).fit(corpus[1])
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
