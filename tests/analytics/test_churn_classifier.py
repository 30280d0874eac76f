"""ChurnClassifier: scikit-learn conventions, agreement with statsmodels' Logit, the time holdout."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone

from cxm.analytics.churn import ChurnClassifier, holdout_validate
from cxm.analytics.exceptions import NotFittedError


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(5)
    n = 3_000
    x = pl.DataFrame({"recency_days": rng.gamma(2.0, 40.0, n), "frequency": rng.poisson(4.0, n).astype(float) + 1,
                      "count_trend": rng.uniform(-1, 1, n)})
    z = -1.0 + 0.02 * x["recency_days"].to_numpy() - 0.3 * x["frequency"].to_numpy() - 0.8 * x["count_trend"].to_numpy()
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-z))
    return x, y


def test_unregularised_logistic_coefficients_agree_with_statsmodels_logit(xy):
    sm = pytest.importorskip("statsmodels.api")
    x, y = xy
    clf = ChurnClassifier(C=1e8, log_transform=False).fit(x, y)
    arr = x.to_numpy()
    z = (arr - arr.mean(axis=0)) / arr.std(axis=0)  # StandardScaler: population standard deviation
    ref = sm.Logit(y.astype(float), sm.add_constant(z)).fit(disp=0)
    assert list(clf.coefficients_) == ["recency_days", "frequency", "count_trend"]
    assert list(clf.coefficients_.values()) == pytest.approx(ref.params[1:], rel=1e-4)
    assert clf.intercept_ == pytest.approx(ref.params[0], rel=1e-4)
    assert clf.churn_probability(x) == pytest.approx(ref.predict(sm.add_constant(z)), abs=1e-4)


def test_classifier_follows_sklearn_conventions(xy):
    x, y = xy
    clf = ChurnClassifier(model="gbm", max_iter=30)
    assert clone(clf).get_params() == clf.get_params()
    with pytest.raises(NotFittedError):
        clf.predict_proba(x)
    clf.fit(x, y)
    proba = clf.predict_proba(x)
    assert proba.shape == (x.height, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(clf.classes_) == [False, True] and clf.n_train_ == x.height
    assert clf.feature_names_in_ == list(x.columns)
    assert set(clf.importances_) == set(x.columns)
    assert max(clf.importances_, key=clf.importances_.get) == "recency_days"  # the strongest planted driver


def test_predict_reorders_polars_columns_by_name(xy):
    x, y = xy
    clf = ChurnClassifier().fit(x, y)
    shuffled = x.select("count_trend", "recency_days", "frequency")
    assert clf.churn_probability(shuffled) == pytest.approx(clf.churn_probability(x))


def test_missing_values_get_an_indicator_in_the_logistic_model(xy):
    x, y = xy
    holes = x.with_columns(pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.col("frequency"))
                           .alias("frequency"))
    clf = ChurnClassifier().fit(holes, y)
    assert "missingindicator_frequency" in clf.coefficients_
    assert np.isfinite(clf.churn_probability(holes)).all()


def test_a_single_class_cannot_be_fitted(xy):
    x, _ = xy
    with pytest.raises(ValueError, match="both"):
        ChurnClassifier().fit(x, np.zeros(x.height, dtype=bool))


def _hand_sets(rows, t0, h):
    """Reference in plain Python: customers seen by t, and churned = no purchase in (t, t + h]."""
    def at(t):
        seen = {c for c, d in rows if d <= t}
        bought = {c for c, d in rows if t < d <= t + dt.timedelta(days=h)}
        return len(seen), sum(c not in bought for c in seen) / len(seen)
    return at(t0), at(t0 + dt.timedelta(days=h))


def test_holdout_trains_at_t0_and_tests_on_the_next_horizon():
    rng = np.random.default_rng(3)
    n = 4_000
    cust = rng.integers(0, 600, n)
    day = [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 366, n)]
    # a customer-level propensity so that the model has something to learn
    day = [d if c % 3 else min(d, dt.date(2024, 5, 1)) for c, d in zip(cust, day)]
    tx = pl.DataFrame({"c": cust, "d": day})
    t0, h = dt.date(2024, 6, 30), 60
    res = holdout_validate(tx, customer="c", date="d", cutoff=t0, horizon_days=h)
    (n_train, rate_train), (n_test, rate_test) = _hand_sets(list(zip(cust.tolist(), day)), t0, h)
    assert (res.train_cutoff, res.test_cutoff) == (t0, dt.date(2024, 8, 29))
    assert (res.n_train, res.n_test) == (n_train, n_test)
    assert res.train_churn_rate == pytest.approx(rate_train) and res.test_churn_rate == pytest.approx(rate_test)
    assert sum(b.n for b in res.calibration) == n_test and len(res.calibration) == 10
    assert res.auc > 0.7


def test_holdout_needs_data_through_t0_plus_two_horizons():
    tx = pl.DataFrame({"c": [1, 2, 1], "d": ["2024-01-01", "2024-01-05", "2024-03-01"]})
    with pytest.raises(ValueError, match="2024-03-31"):
        holdout_validate(tx, customer="c", date="d", cutoff="2024-01-31", horizon_days=30)


def _synthetic_tx(seed=3, n=4_000, customers=600):
    rng = np.random.default_rng(seed)
    cust = rng.integers(0, customers, n)
    day = [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 366, n)]
    day = [d if c % 3 else min(d, dt.date(2024, 5, 1)) for c, d in zip(cust, day)]
    return pl.DataFrame({"c": cust, "d": day})


def test_churn_scores_fit_one_horizon_back_and_score_the_features_at_as_of():
    from cxm.analytics.churn import churn_features, churn_frame, churn_scores, feature_columns

    tx = _synthetic_tx()
    scores = churn_scores(tx, customer="c", date="d", as_of="2024-12-31", horizon_days=60)
    train = churn_frame(tx, customer="c", date="d", cutoff="2024-11-01", horizon_days=60)
    now = churn_features(tx, customer="c", date="d", cutoff="2024-12-31", trend_days=60)
    clf = ChurnClassifier().fit(train.select(feature_columns(train)), train["churned"])
    assert scores["c"].to_list() == now["c"].to_list()
    assert scores["churn_probability"].to_numpy() == pytest.approx(clf.churn_probability(now.select(feature_columns(now))))


def test_contractual_holdout_labels_cancellations_of_active_contracts():
    tx = _synthetic_tx()
    rng = np.random.default_rng(8)
    ended = [None if u < 0.5 else dt.date(2024, 6, 1) + dt.timedelta(days=int(k))
             for u, k in zip(rng.random(600), rng.integers(0, 200, 600))]
    contracts = pl.DataFrame({"c": np.arange(600), "ended_on": ended})
    res = holdout_validate(tx, customer="c", date="d", cutoff="2024-06-30", horizon_days=60, contracts=contracts)
    seen = set(tx.filter(pl.col("d") <= dt.date(2024, 6, 30))["c"].to_list())
    active = contracts.filter(pl.col("ended_on").is_null() | (pl.col("ended_on") > dt.date(2024, 6, 30)))
    active = active.filter(pl.col("c").is_in(list(seen)))
    cancelled = active.filter(pl.col("ended_on") <= dt.date(2024, 8, 29))
    assert res.n_train == active.height
    assert res.train_churn_rate == pytest.approx(cancelled.height / active.height)
