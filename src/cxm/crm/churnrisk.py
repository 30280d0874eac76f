"""Churn risk and cross-sell rules of a scoring run: pure computation on the store's frames.

:func:`churn_risk` is :func:`cxm.analytics.churn.churn_scores` done step by step (the same
public pieces, the same defaults, so the probabilities are identical -- tests compare them),
because the service also needs the fitted classifier: its coefficients are stored with the
run and each customer's strongest risk drivers are stored with the score. The time-based
holdout (:func:`cxm.analytics.churn.holdout_validate`) is stored with the run as well.

:func:`crosssell_rules` fits "bought next" rules (:class:`cxm.analytics.crosssell.CrossSell`,
``sequential=True``, product = SKU) once per run; the rules are the run's cache.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import polars as pl

from cxm.analytics.churn import (ChurnClassifier, churn_features, churn_frame, feature_columns,
                                 holdout_validate)
from cxm.analytics.crosssell import CrossSell

#: P(alive) bands of the "churn seen per P(alive) band" table (upper bound of the last is inclusive).
P_ALIVE_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: At most this many features named as a customer's churn drivers.
TOP_DRIVERS = 2

CHURN_SCHEMA = {"customer_id": pl.Int64, "churn_probability": pl.Float64, "churn_drivers": pl.String}
KEYS = dict(customer="customer_id", date="occurred_on", amount="amount")


def _driver_name(name: str) -> str:
    # the logistic pipeline adds "missingindicator_<feature>" columns; they speak for the feature
    return name.removeprefix("missingindicator_")


def customer_drivers(classifier: ChurnClassifier, features: pl.DataFrame, *, top: int = TOP_DRIVERS) -> pl.Series:
    """Per row of ``features``: the features whose term raises the churn logit most ("a,b").

    A term is coefficient x transformed (log, imputed, standardised) value, i.e. how far the
    customer's value moves the log-odds from an average customer's. Only positive terms count;
    empty text when none is positive. Logistic model only.
    """
    pipe = classifier.model_
    with classifier._threads():
        z = pipe[:-1].transform(features.select(classifier.feature_names_in_).cast(pl.Float64).to_numpy())
    names = np.array([_driver_name(n) for n in pipe[:-1].get_feature_names_out(classifier.feature_names_in_)])
    terms = z * pipe[-1].coef_[0]
    order = np.argsort(-terms, axis=1, kind="stable")[:, :top]
    picked = np.where(np.take_along_axis(terms, order, axis=1) > 0, names[order], "")
    cols = [pl.Series(f"d{k}", picked[:, k], dtype=pl.String) for k in range(picked.shape[1])]
    frame = pl.DataFrame(cols)
    # a feature and its missing indicator may both rank: name it once
    out = frame.select(pl.concat_list(pl.all()).list.eval(pl.element().filter(pl.element() != "")).list.unique(
        maintain_order=True).list.join(",").alias("churn_drivers"))
    return out.to_series()


def _bands(test: pl.DataFrame, predicted: np.ndarray, p_alive: pl.DataFrame | None) -> list[dict]:
    """Observed churn per P(alive) band of the holdout customers, beside the classifier's mean risk."""
    if p_alive is None or p_alive.height == 0:
        return []
    frame = (test.select("customer_id", "churned").with_columns(pl.Series("predicted", predicted, dtype=pl.Float64))
             .join(p_alive.select("customer_id", "p_alive"), on="customer_id", how="inner")
             .filter(pl.col("p_alive").is_not_null() & pl.col("p_alive").is_not_nan()))
    if frame.height == 0:
        return []
    edges = np.asarray(P_ALIVE_EDGES)
    band = np.clip(np.searchsorted(edges, frame["p_alive"].to_numpy(), side="right") - 1, 0, edges.size - 2)
    stats = (frame.with_columns(pl.Series("band", band, dtype=pl.Int64)).group_by("band")
             .agg(pl.len().alias("n"), pl.col("p_alive").mean().alias("mean_p_alive"),
                  pl.col("churned").cast(pl.Float64).mean().alias("observed_churn"),
                  pl.col("predicted").mean().alias("mean_predicted")).sort("band"))
    return [{"low": float(edges[r["band"]]), "high": float(edges[r["band"] + 1]), "n": int(r["n"]),
             "mean_p_alive": r["mean_p_alive"], "observed_churn": r["observed_churn"],
             "mean_predicted": r["mean_predicted"]} for r in stats.iter_rows(named=True)]


def churn_risk(transactions: pl.DataFrame, *, as_of: date, horizon_days: int,
               satisfaction: pl.DataFrame | None = None, complaints: pl.DataFrame | None = None,
               p_alive_at_test=None) -> tuple[pl.DataFrame, dict]:
    """Every buyer's P(churn in the next ``horizon_days``) at ``as_of`` and the run's churn record.

    Parameters
    ----------
    transactions : polars.DataFrame
        :func:`cxm.crm.frames.transaction_frame` up to ``as_of`` (it must reach ``as_of``).
    satisfaction, complaints : polars.DataFrame, optional
        Side frames of :func:`cxm.analytics.churn.churn_features` keyed ``customer_id`` /
        ``occurred_on`` (satisfaction with a ``score``); None or empty leaves the feature out.
    p_alive_at_test : callable, optional
        ``day -> frame(customer_id, p_alive)``: BG/NBD P(alive) at the holdout's test cutoff,
        for the "churn seen per P(alive) band" table.

    Returns
    -------
    (polars.DataFrame, dict)
        ``customer_id``, ``churn_probability``, ``churn_drivers`` per buyer; and the record
        stored as :attr:`cxm.crm.models.ScoreRun.churn` (``skipped`` says why nothing was fitted).
    """
    h = int(horizon_days)
    side = {"satisfaction": satisfaction if satisfaction is not None and satisfaction.height else None,
            "complaints": complaints if complaints is not None and complaints.height else None}
    kw = dict(KEYS, horizon_days=h, trend_days=h, **side)
    record: dict = {"horizon_days": h, "model": "logistic", "satisfaction": side["satisfaction"] is not None,
                    "complaints": side["complaints"] is not None}
    empty = pl.DataFrame(schema=CHURN_SCHEMA)
    fit_cutoff = as_of - timedelta(days=h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # imputer / solver notes: the fit is judged by the holdout instead
        try:
            # what churn_scores does: fit where the labels end on as_of, score the features at as_of
            train = churn_frame(transactions, cutoff=fit_cutoff, **kw)
            feats = feature_columns(train)
            clf = ChurnClassifier().fit(train.select(feats), train["churned"])
        except ValueError as exc:
            return empty, {**record, "skipped": str(exc)}
        now = churn_features(transactions, customer="customer_id", date="occurred_on", amount="amount",
                             cutoff=as_of, trend_days=h, **side)
        probability = clf.churn_probability(now.select(feats))
        drivers = customer_drivers(clf, now.select(feats))
        record.update(fit_cutoff=fit_cutoff.isoformat(), n_train=train.height, features=feats,
                      train_churn_rate=float(train["churned"].mean()),
                      coefficients=dict(clf.drivers(), intercept=clf.intercept_))
        try:
            validation = holdout_validate(transactions, cutoff=as_of - timedelta(days=2 * h), **kw)
        except ValueError as exc:
            record["validation"] = {"skipped": str(exc)}
        else:
            record["validation"] = validation.to_dict()
            # the holdout's test cutoff (as_of - 2h + h) is the fit's cutoff: the same frame
            test = (train if validation.test_cutoff == fit_cutoff
                    else churn_frame(transactions, cutoff=validation.test_cutoff, **kw))
            predicted = validation.classifier.churn_probability(test.select(list(validation.features)))
            p_alive = p_alive_at_test(validation.test_cutoff) if p_alive_at_test is not None else None
            record["p_alive_bands"] = _bands(test, predicted, p_alive)
    scores = now.select("customer_id").with_columns(
        pl.Series("churn_probability", probability, dtype=pl.Float64), drivers)
    return scores, record


def crosssell_rules(purchases: pl.DataFrame, *, min_count: int) -> tuple[pl.DataFrame | None, dict]:
    """"Bought next" rules over every customer's products (``customer_id``, ``sku``, ``occurred_on``).

    Returns the rules (:data:`cxm.analytics.crosssell.RULE_COLUMNS`, product = SKU) and the
    record stored as :attr:`cxm.crm.models.ScoreRun.crosssell`.
    """
    record: dict = {"sequential": True, "min_count": int(min_count), "product": "sku"}
    if purchases.height == 0:
        return None, {**record, "skipped": "no transaction lines"}
    model = CrossSell(min_count=min_count, sequential=True).fit(purchases, customer="customer_id", product="sku",
                                                               date="occurred_on")
    record.update(n_baskets=model.n_baskets_, n_products=int(model.products_.len()), n_rules=model.rules_.height)
    return model.rules_, record
