"""Read use cases of the customer relationship analytics, always through the access rules.

Stored scores are read per run (an as-of date); anything computed on the fly (cohorts,
retention, the customer x product matrix) reads the transactions the user may see as a
polars frame (:mod:`cxm.crm.frames`) and runs :mod:`cxm.analytics` on it. ``unit_code`` is
the picked unit: its code (the API, the CLI) or the page scope's ``OrgUnit``, looked up once
per request (see :func:`cxm.org.access.within_picked_unit`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from django.db.models import Avg, Count, F, FilteredRelation, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from cxm.analytics import aggregate
from cxm.analytics.profitability import largest_not_most_profitable
from cxm.analytics.retention import cohort_matrix, retention_rates
from cxm.analytics.rfm import SEGMENT_GRID, SEGMENTS
from cxm.customers.models import Customer
from cxm.customers.selectors import customer_mask, customer_search, transaction_queryset
from cxm.org.access import PickedUnit, restrict, within_picked_unit
from cxm.org.models import OrgUnit

from .frames import frame_of, line_frame, transaction_frame
from .models import CrossSellRule, CustomerScore, ScoreRun

#: Score fields shown beside a customer in lists (annotated from the run's score row).
LIST_FIELDS = ("segment", "stage", "p_alive", "clv", "clv_margin", "r_score", "f_score", "m_score",
               "expected_purchases", "profitability", "monetary", "margin", "churn_probability")
ORDERINGS = {
    "customer_no": ("customer_no",),
    "-clv": ("-score_clv", "customer_no"),
    "clv": ("score_clv", "customer_no"),
    "-p_alive": ("-score_p_alive", "customer_no"),
    "p_alive": ("score_p_alive", "customer_no"),
    "-monetary": ("-score_monetary", "customer_no"),
    # customers without a churn score (no purchase yet) last either way
    "-churn_probability": (F("score_churn_probability").desc(nulls_last=True), "customer_no"),
    "churn_probability": (F("score_churn_probability").asc(nulls_last=True), "customer_no"),
}


# --- runs ----------------------------------------------------------------------------------------


def run_list() -> QuerySet[ScoreRun]:
    """Every scoring run, newest date first (model parameters: not personal, not scoped)."""
    return ScoreRun.objects.order_by("-as_of")


def run_get(*, as_of: date | str | None = None) -> ScoreRun | None:
    """The run at ``as_of`` (ISO text accepted), else the latest run; None when there is none."""
    if as_of:
        try:
            day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
        except ValueError:
            day = None
        run = ScoreRun.objects.filter(as_of=day).first() if day else None
        if run is not None:
            return run
    return run_list().first()


def run_previous(run: ScoreRun) -> ScoreRun | None:
    return ScoreRun.objects.filter(as_of__lt=run.as_of).order_by("-as_of").first()


# --- scores --------------------------------------------------------------------------------------


def score_queryset(*, user, run: ScoreRun | None, unit_code: PickedUnit = None) -> QuerySet[CustomerScore]:
    """The run's scores of the customers ``user`` may see (optionally in the picked unit)."""
    if run is None:
        return CustomerScore.objects.none()
    qs = restrict(CustomerScore.objects.filter(run=run), user)
    return within_picked_unit(qs, user, unit_code)


def scored_customers(*, user, run: ScoreRun | None, unit_code: PickedUnit = None, query: str = "",
                     segment: str = "", stage: str = "", profitability: str = "",
                     min_p_alive: float | None = None, max_p_alive: float | None = None,
                     min_churn: float | None = None, max_churn: float | None = None,
                     order: str = "customer_no") -> QuerySet[Customer]:
    """Customers ``user`` may see, with their scores of ``run`` as ``score_<field>`` annotations.

    Customers without a score in the run (joined later) have empty scores; any score
    filter leaves them out. The name search follows :func:`customer_search` (number only
    for roles that see masked names).
    """
    qs = customer_search(user=user, unit_code=unit_code, query=query)
    if run is None:
        # no scores yet: every score is empty (the templates show "–")
        empty = {f"score_{f}": Value(None, output_field=CustomerScore._meta.get_field(f)) for f in LIST_FIELDS}
        return qs.annotate(**empty).order_by(*ORDERINGS["customer_no"])
    # as_of too: (as_of, customer) is the unique index, one lookup per customer (with run_id alone
    # SQLite may walk the run's whole index for every customer)
    qs = qs.annotate(sc=FilteredRelation("scores", condition=Q(scores__run=run, scores__as_of=run.as_of)))
    qs = qs.annotate(**{f"score_{f}": F(f"sc__{f}") for f in LIST_FIELDS})
    if segment:
        qs = qs.filter(sc__segment=segment)
    if stage:
        qs = qs.filter(sc__stage=stage)
    if profitability:
        qs = qs.filter(sc__profitability=profitability)
    if min_p_alive is not None:
        qs = qs.filter(sc__p_alive__gte=min_p_alive)
    if max_p_alive is not None:
        qs = qs.filter(sc__p_alive__lt=max_p_alive)
    if min_churn is not None:
        qs = qs.filter(sc__churn_probability__gte=min_churn)
    if max_churn is not None:
        qs = qs.filter(sc__churn_probability__lt=max_churn)
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["customer_no"]))


def customer_scores(*, user, customer: Customer) -> list[CustomerScore]:
    """Every stored score of one customer, oldest date first ([] outside the user's scope)."""
    return list(restrict(CustomerScore.objects.filter(customer=customer), user).order_by("as_of"))


# --- the RFM grid, segments, equity ----------------------------------------------------------------


def rfm_grid(*, user, run: ScoreRun | None, unit_code: PickedUnit = None) -> dict:
    """Customers per (R, F) score cell, with each cell's segment name.

    Returns ``{"counts": 5x5 list [r-1][f-1], "segments": SEGMENT_GRID, "total": n}``.
    """
    counts = np.zeros((5, 5), dtype=int)
    rows = (score_queryset(user=user, run=run, unit_code=unit_code).filter(r_score__isnull=False)
            .order_by().values("r_score", "f_score").annotate(n=Count("id")))
    for row in rows:
        counts[row["r_score"] - 1, row["f_score"] - 1] = row["n"]
    return {"counts": counts.tolist(), "segments": [list(r) for r in SEGMENT_GRID], "total": int(counts.sum())}


def segment_summary(*, user, run: ScoreRun | None, unit_code: PickedUnit = None) -> list[dict]:
    """Every RFM segment in :data:`SEGMENTS` order, with zeros for an empty one: the rows of
    :func:`customer_equity` by segment (without the customers who have not bought yet)."""
    rows = {r["segment"]: r for r in customer_equity(user=user, run=run, unit_code=unit_code, by="segment")}
    return [rows.get(s, {"segment": s, "customers": 0, "revenue": 0, "equity": 0, "equity_margin": 0,
                         "mean_clv": None, "p_alive": None}) for s in SEGMENTS]


def segment_migration(*, user, run: ScoreRun | None, previous: ScoreRun | None,
                      unit_code: PickedUnit = None) -> list[dict]:
    """Customers moving from each segment at ``previous`` to each segment at ``run`` (stored scores)."""
    if run is None or previous is None:
        return []
    schema = {"customer_id": pl.Int64, "segment": pl.String}
    before = frame_of(score_queryset(user=user, run=previous, unit_code=unit_code).order_by()
                      .values_list("customer_id", "segment"), schema)
    after = frame_of(score_queryset(user=user, run=run, unit_code=unit_code).order_by()
                     .values_list("customer_id", "segment"), schema)
    pairs = (after.filter(pl.col("segment") != "").join(before, on="customer_id", how="left", suffix="_from")
             .with_columns(pl.col("segment_from").fill_null("")).group_by("segment_from", "segment").len())
    cells = {(f, t): n for f, t, n in pairs.iter_rows()}  # at most 9 x 8 cells
    return [{"from": f, "counts": [cells.get((f, t), 0) for t in SEGMENTS]} for f in [*SEGMENTS, ""]]


_BRANCH = {"branch_code": "customer__home_unit__code", "branch_name_ko": "customer__home_unit__name_ko",
           "branch_name_en": "customer__home_unit__name_en", "branch_path": "customer__home_unit__path"}


def customer_equity(*, user, run: ScoreRun | None, unit_code: PickedUnit = None, by: str = "branch") -> list[dict]:
    """Customer equity (sum of CLV) per home branch or per RFM segment.

    Rows: the group (``branch_code``, ``branch_name_ko``, ``branch_name_en``, ``branch_path``
    or ``segment``), ``customers``, ``revenue`` (sum, KRW), ``equity`` (sum of CLV, KRW),
    ``equity_margin`` (sum of margin CLV), ``mean_clv``, ``p_alive`` (mean); branches in tree
    order, segments with customers in :data:`SEGMENTS` order, then ``""`` (no purchase yet).
    """
    qs = score_queryset(user=user, run=run, unit_code=unit_code).order_by()
    measures = dict(customers=Count("id"), revenue=Coalesce(Sum("monetary"), 0), equity=Coalesce(Sum("clv"), 0),
                    equity_margin=Coalesce(Sum("clv_margin"), 0), mean_clv=Avg("clv"), p_alive=Avg("p_alive"))
    if by == "segment":
        rows = {r["segment"]: r for r in qs.values("segment").annotate(**measures)}
        return [rows[s] for s in [*SEGMENTS, ""] if s in rows]
    if by != "branch":
        raise ValueError(f"by must be 'branch' or 'segment'; got {by!r}")
    out = []
    for row in qs.values(*_BRANCH.values()).annotate(**measures).order_by("customer__home_unit__path"):
        for key, field in _BRANCH.items():
            row[key] = row.pop(field)
        out.append(row)
    return out


def clv_values(*, user, run: ScoreRun | None, unit_code: PickedUnit = None) -> np.ndarray:
    """Every visible customer's CLV at the run (KRW, customers with a CLV only), for the histogram."""
    values = (score_queryset(user=user, run=run, unit_code=unit_code).filter(clv__isnull=False)
              .values_list("clv", flat=True))
    return np.fromiter(values, dtype=float)


def stage_counts(*, user, run: ScoreRun | None, unit_code: PickedUnit = None) -> dict[str, int]:
    return dict(score_queryset(user=user, run=run, unit_code=unit_code).order_by().values_list("stage")
                .annotate(n=Count("id")).values_list("stage", "n"))


# --- profitability -------------------------------------------------------------------------------


def profitability_view(*, user, run: ScoreRun | None, unit_code: PickedUnit = None, top: int = 10) -> dict:
    """The stored profitability of the run's customers: classes, the whale curve, the largest customers.

    Returns ``{"classes": {class: customers}, "curve": (share of customers, cumulative share of
    margin) arrays, "points": revenue/margin/class arrays of the 1,000 largest customers,
    "largest": the ``top`` largest customers by revenue (masked for the user),
    "check": :func:`cxm.analytics.profitability.largest_not_most_profitable`}``.
    """
    qs = score_queryset(user=user, run=run, unit_code=unit_code).exclude(profitability="")
    frame = pl.DataFrame(list(qs.values_list("customer_id", "monetary", "margin", "profitability")),
                         schema={"customer": pl.Int64, "revenue": pl.Int64, "margin": pl.Int64, "class": pl.String},
                         orient="row")
    if frame.height == 0:
        return {"classes": {}, "curve": None, "points": None, "largest": [], "check": None}
    classes = dict(frame.group_by("class").len().iter_rows())
    # Whale curve: customers from the most to the least profitable, cumulative margin as a share of the total.
    ranked = frame.sort("margin", descending=True)
    total = float(ranked["margin"].sum())
    cum = ranked["margin"].cast(pl.Float64).cum_sum().to_numpy()
    share = np.arange(1, ranked.height + 1) / ranked.height
    keep = np.unique(np.linspace(0, ranked.height - 1, min(ranked.height, 400)).astype(int))
    curve = {"x": (100 * share[keep]).tolist(), "y": (100 * cum[keep] / total).tolist() if total else None,
             "peak_share": float(cum.max() / total) if total > 0 else None}
    big = frame.sort("revenue", descending=True).head(1000)
    points = {"revenue": big["revenue"].to_list(), "margin": big["margin"].to_list(), "class": big["class"].to_list()}
    head = frame.sort("revenue", descending=True).head(top)
    customers = {c.id: c for c in customer_mask(Customer.objects.filter(id__in=head["customer"].to_list())
                                                .select_related("home_unit"), user=user)}
    largest = [{**row, "customer": customers.get(row["customer"])} for row in head.iter_rows(named=True)]
    return {"classes": classes, "curve": curve, "points": points, "largest": largest,
            "check": largest_not_most_profitable(frame, top=top)}


def product_margin_matrix(*, user, unit_code: PickedUnit = None, customer_ids: list[int]) -> pl.DataFrame:
    """Customer x product-category margins (KRW) of the given customers' visible transaction lines.

    Long form from :func:`cxm.analytics.aggregate.margin_matrix` (ibis on DuckDB):
    ``customer_id``, ``category``, ``lines``, ``revenue``, ``cost``, ``margin``.
    """
    lines = line_frame(transaction_queryset(user=user, unit_code=unit_code), customer_ids=customer_ids)
    if lines.height == 0:
        return pl.DataFrame(schema={"customer_id": pl.Int64, "category": pl.String, "lines": pl.Int64,
                                    "revenue": pl.Float64, "cost": pl.Float64, "margin": pl.Float64})
    return aggregate.margin_matrix(lines, customer="customer_id", product="category", amount="amount", cost="cost")


# --- retention (computed from the visible transactions) -------------------------------------------


def visible_transactions(*, user, unit_code: PickedUnit = None, end: date | None = None) -> pl.DataFrame:
    """The known customers' transactions ``user`` may see (picked unit, up to ``end``) as a frame."""
    return transaction_frame(transaction_queryset(user=user, unit_code=unit_code), end=end)


def cohort_table(*, user, unit_code: PickedUnit = None, end: date | None = None,
                 frame: pl.DataFrame | None = None) -> pl.DataFrame:
    """Cohort retention (acquisition month x months since) of the transactions ``user`` may see.

    Long form from :func:`cxm.analytics.aggregate.cohort_counts` (ibis on DuckDB):
    ``cohort``, ``months_since``, ``active``, ``cohort_size``, ``share``. ``frame`` is
    :func:`visible_transactions` when the caller has read it already.
    """
    tx = visible_transactions(user=user, unit_code=unit_code, end=end) if frame is None else frame
    if tx.height == 0:
        return pl.DataFrame(schema={"cohort": pl.Date, "months_since": pl.Int64, "active": pl.Int64,
                                    "cohort_size": pl.Int64, "share": pl.Float64})
    return aggregate.cohort_counts(tx, customer="customer_id", date="occurred_on")


def cohort_wide(table: pl.DataFrame) -> pl.DataFrame:
    return cohort_matrix(table) if table.height else pl.DataFrame()


def retention_by_month(*, user, unit_code: PickedUnit = None, end: date | None = None,
                       frame: pl.DataFrame | None = None) -> pl.DataFrame:
    """Monthly customer retention and churn rate of the visible transactions (all branches together)."""
    tx = visible_transactions(user=user, unit_code=unit_code, end=end) if frame is None else frame
    if tx.height == 0:
        return pl.DataFrame()
    return retention_rates(tx, customer="customer_id", date="occurred_on", period="month")


# --- churn risk and cross-sell --------------------------------------------------------------------


def churn_view(*, user, run: ScoreRun | None, unit_code: PickedUnit = None, top: int = 20) -> dict:
    """The churn tab: the run's classifier record and the visible customers' stored risk.

    Returns ``{"record": run.churn, "probabilities": the visible customers' P(churn) array,
    "highest": the ``top`` customers at highest risk (score rows with ``customer`` masked for
    the user)}``. The model record (validation, coefficients, the P(alive) bands) is fitted
    company-wide and holds no personal data, so it is shown to every role.
    """
    if run is None:
        return {"record": {}, "probabilities": np.array([]), "highest": []}
    qs = score_queryset(user=user, run=run, unit_code=unit_code).filter(churn_probability__isnull=False)
    probabilities = np.fromiter(qs.values_list("churn_probability", flat=True), dtype=float)
    head = list(qs.select_related("customer__home_unit").order_by("-churn_probability", "customer_id")[:top])
    customers = {c.id: c for c in customer_mask([row.customer for row in head], user=user)}
    for row in head:
        row.customer = customers[row.customer_id]
    return {"record": run.churn or {}, "probabilities": probabilities, "highest": head}


def customer_score_at(*, user, customer: Customer, run: ScoreRun | None) -> CustomerScore | None:
    """The customer's score row of ``run`` (None outside the user's scope or without a score)."""
    if run is None:
        return None
    return restrict(CustomerScore.objects.filter(run=run, customer=customer), user).first()


def owned_products(*, user, customer: Customer) -> list[str]:
    """SKUs the customer bought in the transactions ``user`` may see (sorted)."""
    qs = (transaction_queryset(user=user).filter(customer=customer, lines__isnull=False).order_by()
          .values_list("lines__product__sku", flat=True).distinct())
    return sorted(qs)


def customer_recommendations(*, user, customer: Customer, run: ScoreRun | None, top: int = 5) -> list[dict]:
    """Products customers bought next after products this customer has, and which this customer lacks.

    The run's stored "bought next" rules (fitted company-wide on anonymous customer counts,
    see :class:`cxm.crm.models.CrossSellRule`) from the products the customer bought in the
    transactions ``user`` may see. Like :meth:`cxm.analytics.crosssell.CrossSell.recommend`
    (lift above 1): per product the best rule by confidence, then lift, support, SKUs;
    ranked the same way. Rows: ``product`` (Product), ``antecedent`` (Product), ``count``,
    ``support``, ``confidence``, ``lift``.
    """
    if run is None:
        return []
    owned = owned_products(user=user, customer=customer)
    if not owned:
        return []
    rules = (CrossSellRule.objects.filter(run=run, antecedent__sku__in=owned, lift__gt=1.0)
             .exclude(consequent__sku__in=owned).select_related("antecedent", "consequent")
             .order_by("-confidence", "-lift", "-support", "consequent__sku", "antecedent__sku"))
    out: list[dict] = []
    seen: set[int] = set()
    for rule in rules.iterator():  # at most (owned x products) rules, best first: stop at ``top`` products
        if rule.consequent_id in seen:
            continue
        seen.add(rule.consequent_id)
        out.append({"product": rule.consequent, "antecedent": rule.antecedent, "count": rule.count,
                    "support": rule.support, "confidence": rule.confidence, "lift": rule.lift})
        if len(out) == top:
            break
    return out


def strongest_rules(*, run: ScoreRun | None, top: int = 30, min_confidence: float = 0.0,
                    min_count: int = 1) -> list[CrossSellRule]:
    """The run's strongest "bought next" rules by lift, then confidence and count (not scoped: counts only).

    ``min_count`` hides rules of few customers, whose lift is large but noisy.
    """
    if run is None:
        return []
    return list(CrossSellRule.objects.filter(run=run, confidence__gte=min_confidence, count__gte=min_count)
                .select_related("antecedent", "consequent")
                .order_by("-lift", "-confidence", "-count", "antecedent__sku", "consequent__sku")[:top])
