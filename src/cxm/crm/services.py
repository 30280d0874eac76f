"""Write use cases of the customer relationship analytics: compute and store the scores.

:func:`scores_compute` reads the store's transactions as one polars frame, runs the pure
analytics of :mod:`cxm.analytics` on it (RFM and the BTYD summary through the ibis layer
on DuckDB, lifecycle, profitability, BG/NBD + Gamma-Gamma fitted on the store, discounted
CLV) and replaces the as-of date's scores in one transaction.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cxm.analytics import aggregate
from cxm.analytics.btyd import BetaGeoModel, GammaGammaModel, discounted_clv
from cxm.analytics.lifecycle import lifecycle_stages
from cxm.analytics.profitability import profitability_classes
from cxm.analytics.rfm import rfm_scores
from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.customers.models import Customer, Transaction
from cxm.org.access import restrict, sees_all_units

from .churnrisk import churn_risk, crosssell_rules
from .frames import complaint_frame, customer_frame, purchase_frame, recommend_frame, transaction_frame
from .models import CrossSellRule, CustomerScore, ScoreRun

#: BTYD time unit: weeks (the demo's truth is in weeks); a month is 365.25 / 12 / 7 weeks.
WEEK_DAYS = 7.0
MONTH_WEEKS = 365.25 / 12 / WEEK_DAYS
#: Below these counts the models are not fitted (their estimates would be noise).
MIN_BTYD_BUYERS = 30
MIN_SPEND_BUYERS = 10


@dataclass(frozen=True)
class ScoreSettings:
    """How the scores are computed; stored with the run."""

    horizon_months: int = 12
    annual_discount_rate: float = 0.10
    inactive_days: int = 180
    lost_days: int = 365
    client_purchases: int = 5
    break_even_band: float = 0.02
    #: churn = no purchase in the next ``churn_horizon_days`` (the classifier's label and trend window)
    churn_horizon_days: int = 90
    #: a cross-sell rule is kept from this many customers up (anonymous counts, see CrossSellRule)
    crosssell_min_count: int = 5

    @property
    def monthly_discount_rate(self) -> float:
        return (1.0 + self.annual_discount_rate) ** (1.0 / 12.0) - 1.0

    def as_dict(self) -> dict:
        return {"time_unit": "week", "horizon_months": self.horizon_months,
                "annual_discount_rate": self.annual_discount_rate,
                "monthly_discount_rate": self.monthly_discount_rate, "inactive_days": self.inactive_days,
                "lost_days": self.lost_days, "client_purchases": self.client_purchases,
                "break_even_band": self.break_even_band, "churn_horizon_days": self.churn_horizon_days,
                "crosssell_min_count": self.crosssell_min_count}


def can_compute_scores(user) -> bool:
    """Scores are fitted on the whole customer base, so only the all-units roles compute them."""
    return sees_all_units(user)


def score_frame(transactions: pl.DataFrame, customers: pl.DataFrame, *, as_of: date,
                settings: ScoreSettings = ScoreSettings(),
                recommend: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """Every score of every customer at ``as_of``, from the frames of :mod:`cxm.crm.frames`.

    Pure computation (no database): the service stores what this returns, and tests compare
    it with the analytics run directly. ``recommend`` (``customer``, ``answered_on``,
    ``recommend`` 0-10) makes promoting clients advocates.

    Returns
    -------
    (polars.DataFrame, dict)
        One row per customer of ``customers`` (columns named as :class:`CustomerScore`'s
        database columns, without ids) and the fitted models' numbers for the run record.
    """
    tx = transactions.filter(pl.col("occurred_on") <= as_of)
    people = customers.filter(pl.col("joined_on") <= as_of).select("customer_id")
    # Buyers who joined "later" than they bought still count: the transactions decide.
    people = pl.concat([people, tx.select("customer_id").unique()]).unique().sort("customer_id")
    fits: dict = {}

    rfm = rfm_scores(aggregate.rfm_inputs(tx, customer="customer_id", date="occurred_on", amount="amount",
                                          as_of=as_of), customer="customer_id") if tx.height else None
    stages = lifecycle_stages(people.rename({"customer_id": "customer"}),
                              tx.select(pl.col("customer_id").alias("customer"), pl.col("occurred_on").alias("date")),
                              as_of=as_of, recommend=recommend if recommend is not None and recommend.height else None,
                              inactive_days=settings.inactive_days, lost_days=settings.lost_days,
                              client_purchases=settings.client_purchases)
    out = people.join(stages.select(pl.col("customer").alias("customer_id"), "stage"), on="customer_id", how="left")
    if rfm is not None:
        out = out.join(rfm.select("customer_id", pl.col("recency").alias("recency_days"), "frequency",
                                  pl.col("monetary").round().cast(pl.Int64).alias("monetary"),
                                  "r_score", "f_score", "m_score", "segment"), on="customer_id", how="left")
        classes = profitability_classes(tx.select(pl.col("customer_id").alias("customer"), "amount", "cost"),
                                        break_even_band=settings.break_even_band)
        out = out.join(classes.select(pl.col("customer").alias("customer_id"), pl.col("cost").cast(pl.Int64),
                                      pl.col("margin").cast(pl.Int64), pl.col("class").alias("profitability")),
                       on="customer_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Int64).alias("recency_days"), pl.lit(None, pl.Int64).alias("frequency"),
                               pl.lit(None, pl.Int64).alias("monetary"), pl.lit(None, pl.Int8).alias("r_score"),
                               pl.lit(None, pl.Int8).alias("f_score"), pl.lit(None, pl.Int8).alias("m_score"),
                               pl.lit(None, pl.String).alias("segment"), pl.lit(None, pl.Int64).alias("cost"),
                               pl.lit(None, pl.Int64).alias("margin"), pl.lit(None, pl.String).alias("profitability"))

    btyd = _btyd_scores(tx, as_of=as_of, settings=settings, fits=fits)
    out = out.join(btyd, on="customer_id", how="left")
    out = out.with_columns(
        pl.col("frequency").fill_null(0), pl.col("monetary").fill_null(0), pl.col("cost").fill_null(0),
        pl.col("margin").fill_null(0), pl.col("segment").fill_null(""), pl.col("profitability").fill_null(""),
        pl.col("r_score").cast(pl.Int16), pl.col("f_score").cast(pl.Int16), pl.col("m_score").cast(pl.Int16),
    ).with_columns(
        # CLV in margin terms: the expected spend times the customer's own margin rate so far.
        pl.when(pl.col("monetary") > 0).then(pl.col("clv") * pl.col("margin") / pl.col("monetary"))
        .otherwise(None).round().cast(pl.Int64).alias("clv_margin"),
        pl.col("clv").round().cast(pl.Int64),
    )
    columns = ["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "segment",
               "stage", "btyd_frequency", "btyd_recency", "btyd_t", "monetary_value", "p_alive",
               "expected_purchases", "expected_spend", "clv", "clv_margin", "cost", "margin", "profitability"]
    # (churn_probability and churn_drivers are joined by scores_compute: see churnrisk.churn_risk)
    fits["n_buyers"] = int(tx.select(pl.col("customer_id").n_unique()).item()) if tx.height else 0
    return out.select(columns).sort("customer_id"), fits


def btyd_summary_weeks(transactions: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The BTYD summary at ``as_of`` (lifetimes' daily conventions, via the ibis layer) in weeks.

    Columns: ``customer_id``, ``frequency`` (repeat purchase days), ``recency`` and ``T`` in
    weeks, ``monetary_value`` (mean repeat spend, KRW).
    """
    summary = aggregate.btyd_summary_inputs(transactions, customer="customer_id", date="occurred_on",
                                            calibration_end=as_of, amount="amount", freq="D")
    return summary.with_columns(pl.col("recency") / WEEK_DAYS, pl.col("T") / WEEK_DAYS)


def _fit_record(model) -> dict:
    r = model.result()
    return {"method": r.method, "params": r.params, "loglik": r.loglik, "n": r.n, "converged": r.converged}


def _btyd_scores(tx: pl.DataFrame, *, as_of: date, settings: ScoreSettings, fits: dict) -> pl.DataFrame:
    empty = pl.DataFrame(schema={"customer_id": pl.Int64, "btyd_frequency": pl.Float64, "btyd_recency": pl.Float64,
                                 "btyd_t": pl.Float64, "monetary_value": pl.Float64, "p_alive": pl.Float64,
                                 "expected_purchases": pl.Float64, "expected_spend": pl.Float64, "clv": pl.Float64})
    if tx.height == 0:
        fits["bgnbd"] = {"skipped": "no transactions"}
        return empty
    s = btyd_summary_weeks(tx, as_of=as_of)
    x, t_x, T = (s[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    m = s["monetary_value"].to_numpy().astype(float)
    out = s.select("customer_id", pl.col("frequency").alias("btyd_frequency"), pl.col("recency").alias("btyd_recency"),
                   pl.col("T").alias("btyd_t"), "monetary_value")
    if s.height < MIN_BTYD_BUYERS or (x > 0).sum() < 2:
        fits["bgnbd"] = {"skipped": f"{s.height} buyers; at least {MIN_BTYD_BUYERS} are needed"}
        return out.join(empty.drop("btyd_frequency", "btyd_recency", "btyd_t", "monetary_value"), on="customer_id",
                        how="left")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is recorded in the run instead
        bg = BetaGeoModel().fit(x, t_x, T)
    fits["bgnbd"] = _fit_record(bg)
    horizon = settings.horizon_months * MONTH_WEEKS
    cols = {"p_alive": bg.conditional_probability_alive(x, t_x, T),
            "expected_purchases": bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)}
    spenders = (x > 0) & (m > 0)
    gg = None
    if spenders.sum() >= MIN_SPEND_BUYERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gg = GammaGammaModel().fit(x[spenders], m[spenders])
        fits["gammagamma"] = _fit_record(gg)
        if gg.params_["q"] <= 1:
            fits["gammagamma"]["skipped"] = "q <= 1: no finite mean spend"
            gg = None
    else:
        fits["gammagamma"] = {"skipped": f"{int(spenders.sum())} repeat buyers; at least {MIN_SPEND_BUYERS} are needed"}
    if gg is not None:
        m_safe = np.where(spenders, m, 0.0)  # a non-positive mean spend carries no information
        x_safe = np.where(spenders, x, 0.0)
        cols["expected_spend"] = gg.conditional_expected_average_profit(x_safe, m_safe)
        if np.array_equal(x_safe, x):
            cols["clv"] = discounted_clv(bg, gg, x, t_x, T, m_safe, periods=settings.horizon_months,
                                         period_length=MONTH_WEEKS, discount_rate=settings.monthly_discount_rate)
        else:  # the purchase model sees every repeat purchase; the spend model only the informative ones
            cols["clv"] = _clv_with_purchase_history(bg, gg, x, t_x, T, m_safe, spenders, settings)
    else:
        cols["expected_spend"] = np.full(x.size, np.nan)
        cols["clv"] = np.full(x.size, np.nan)
    out = out.with_columns(*(pl.Series(k, v, dtype=pl.Float64) for k, v in cols.items()))
    return out.with_columns(pl.col("expected_spend").fill_nan(None), pl.col("clv").fill_nan(None))


def _clv_with_purchase_history(bg, gg, x, t_x, T, m, spenders, settings: ScoreSettings) -> np.ndarray:
    """Discounted CLV where the purchase model uses every repeat purchase and the spend model only
    customers with a positive mean repeat spend (the others get the population mean spend)."""
    spend = gg.conditional_expected_average_profit(np.where(spenders, x, 0.0), m)
    ends = MONTH_WEEKS * np.arange(0, settings.horizon_months + 1, dtype=float)
    cumulative = np.vstack([np.zeros(x.size) if e == 0 else
                            bg.conditional_expected_number_of_purchases_up_to_time(e, x, t_x, T) for e in ends])
    factors = (1.0 + settings.monthly_discount_rate) ** -np.arange(1, settings.horizon_months + 1, dtype=float)
    return spend * (factors @ np.diff(cumulative, axis=0))


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@transaction.atomic
def scores_compute(*, as_of: date, user=None, settings: ScoreSettings = ScoreSettings()) -> ScoreRun:
    """Compute every customer's scores at ``as_of`` and replace that date's stored scores.

    Parameters
    ----------
    as_of : date
        The date the scores describe; transactions after it are ignored.
    user : User, optional
        Who asks: an all-units role (admin, analyst), since the models are fitted on the
        whole customer base. ``None`` is a system run (the demo loader, a scheduled job).
    settings : ScoreSettings
        Horizon, discount rate and the lifecycle / profitability thresholds.

    Raises
    ------
    AccessDenied
        If ``user`` may not compute scores.
    """
    if user is not None and not can_compute_scores(user):
        raise AccessDenied(_("Your role may not compute customer scores."))
    started = time.perf_counter()
    txns = Transaction.objects.all() if user is None else restrict(Transaction.objects.all(), user)
    people = Customer.objects.all() if user is None else restrict(Customer.objects.all(), user)
    tx = transaction_frame(txns, end=as_of)
    customers = customer_frame(people, end=as_of)
    if customers.height == 0 and tx.height == 0:
        raise ApplicationError(_("There are no customers to score on %(date)s.") % {"date": as_of.isoformat()})
    recommend = recommend_frame(end=as_of, customers=people)
    scores, fits = score_frame(tx, customers, as_of=as_of, settings=settings, recommend=recommend)
    n_buyers = fits.pop("n_buyers")
    churn, churn_record = churn_risk(tx, as_of=as_of,  # tx already ends on as_of
                                     horizon_days=settings.churn_horizon_days,
                                     **churn_side_frames(user=user, people=people, as_of=as_of, recommend=recommend),
                                     p_alive_at_test=lambda day: p_alive_at(
                                         tx, day=day, params=(fits.get("bgnbd") or {}).get("params")))
    scores = scores.join(churn, on="customer_id", how="left").with_columns(pl.col("churn_drivers").fill_null(""))
    rules, rules_record = crosssell_rules(purchase_frame(txns, end=as_of), min_count=settings.crosssell_min_count)

    ScoreRun.objects.filter(as_of=as_of).delete()  # its scores and rules go with it (one statement, no signals)
    run = ScoreRun.objects.create(as_of=as_of, computed_by=user, n_customers=scores.height, n_buyers=n_buyers,
                                  models_fit=_json_safe(fits), settings=settings.as_dict(),
                                  churn=_json_safe(churn_record), crosssell=rules_record)
    _write_scores(run, scores)
    _write_rules(run, rules)
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["seconds"])
    return run


def churn_side_frames(*, user, people, as_of: date, recommend: pl.DataFrame) -> dict:
    """The churn classifier's side data: satisfaction and complaints per customer, where they exist.

    ``satisfaction`` is the customer's answers to the recommend item (0-10) up to each cutoff
    (:func:`cxm.analytics.churn.churn_features` averages them); ``complaints`` is one row per
    complaint case of a known customer. Both keyed ``customer_id`` / ``occurred_on``.
    """
    from cxm.voc.models import Case

    cases = Case.objects.filter(customer__in=people)
    if user is not None:
        cases = restrict(cases, user)
    satisfaction = recommend.select(pl.col("customer").alias("customer_id"), pl.col("answered_on").alias("occurred_on"),
                                     pl.col("recommend").alias("score"))
    return {"satisfaction": satisfaction, "complaints": complaint_frame(cases, end=as_of)}


def p_alive_at(transactions: pl.DataFrame, *, day: date, params: dict | None) -> pl.DataFrame | None:
    """BG/NBD P(alive) of every buyer at ``day`` from their history up to ``day`` (None without a model).

    ``params`` are the run's fitted BG/NBD parameters: the population's buying and dropout
    rates barely move in one churn horizon, and reusing them spares a second fit of the demo's
    20,000 customers; each customer's own history is cut at ``day``.
    """
    tx = transactions.filter(pl.col("occurred_on") <= day)
    if tx.height == 0 or not params:
        return None
    s = btyd_summary_weeks(tx, as_of=day)
    x, t_x, T = (s[c].to_numpy().astype(float) for c in ("frequency", "recency", "T"))
    bg = BetaGeoModel.from_params(params)
    return s.select("customer_id").with_columns(
        pl.Series("p_alive", bg.conditional_probability_alive(x, t_x, T), dtype=pl.Float64))


def _write_rules(run: ScoreRun, rules: pl.DataFrame | None) -> None:
    from cxm.customers.models import Product

    if rules is None or rules.height == 0:
        return
    ids = pl.DataFrame(list(Product.objects.values_list("sku", "id")), schema={"sku": pl.String, "pid": pl.Int64},
                       orient="row")
    frame = (rules.join(ids.rename({"sku": "antecedent", "pid": "antecedent_id"}), on="antecedent")
             .join(ids.rename({"sku": "consequent", "pid": "consequent_id"}), on="consequent"))
    fields = ("antecedent_id", "consequent_id", "count", "antecedent_count", "consequent_count", "support",
              "confidence", "lift")
    # at most products^2 rows (3,540 for the demo's 60 products): the ORM's bulk insert is enough
    CrossSellRule.objects.bulk_create(
        [CrossSellRule(run=run, **dict(zip(fields, row))) for row in frame.select(fields).iter_rows()],
        batch_size=2000)


def _write_scores(run: ScoreRun, scores: pl.DataFrame) -> None:
    from cxm.core.bulk import bulk_writer  # the store's fastest bulk insert (COPY on PostgreSQL)

    writer = bulk_writer(connection)
    if connection.vendor == "postgresql":
        # ids come from max(id) below: keep concurrent runs from taking the same ones
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {writer.table(CustomerScore)} IN EXCLUSIVE MODE")
    first = writer.max_id(CustomerScore) + 1
    frame = scores.with_columns(
        pl.int_range(first, first + scores.height, dtype=pl.Int64).alias("id"),
        pl.lit(run.id, pl.Int64).alias("run_id"),
        pl.lit(run.as_of, pl.Date).alias("as_of"),
    )
    writer.write(CustomerScore, frame)
    writer.reset_sequences([CustomerScore])
