"""Case metrics for the picked unit and period (issue 7): claim rate and recurrence, resolution
times, SLA attainment, Pareto of categories and root causes, first-contact resolution.

Every read goes through :func:`cxm.org.access.restrict` and :func:`within_picked_unit`; each
metric is one values query (plus a grouped one for orders) turned into a polars frame, and
the arithmetic is vectorised polars (no Python loop over rows). Results are plain dicts and
lists, ready for the templates, the charts and the JSON API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

import numpy as np
import polars as pl
from django.db.models import Case as DbCase
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cxm.analytics.claims import rates_per_1000, recurrence
from cxm.customers.models import Transaction
from cxm.org.access import restrict, within_picked_unit
from cxm.org.models import OrgUnit

from .models import Case, CaseCategory
from .selectors import OPEN_STATUSES

__all__ = ["MetricScope", "PeriodScope", "RESOLUTION_BINS", "case_metrics", "claim_rate", "claim_rate_by_unit",
           "claim_recurrence", "complaints", "first_contact", "pareto", "resolution_times", "sla_attainment",
           "unit_groups"]

UTC = "UTC"
#: Resolution-time histogram: upper bin edges in hours (the last bin is open-ended).
RESOLUTION_BINS: tuple[float, ...] = (4, 8, 24, 48, 72, 120, 168)
#: Pareto: the "vital few" are the categories that make up this share of all claims.
PARETO_SHARE = 0.8


@dataclass(frozen=True)
class PeriodScope:
    """Who asks, for which unit (code, ``None`` = all their units) and which dates (inclusive;
    ``None`` = open-ended): what the metrics and the text-mining pages share."""

    user: object
    unit_code: str | None = None
    start: date | None = None
    end: date | None = None

    def bounds(self, start: date | None = None, end: date | None = None) -> tuple[datetime | None, datetime | None]:
        """The period (or ``start``..``end`` when given) as aware datetimes ``[from, to)`` in the
        company's time zone."""
        tz = timezone.get_current_timezone()
        start, end = start or self.start, end or self.end
        return (datetime.combine(start, time.min, tz) if start else None,
                datetime.combine(end + timedelta(days=1), time.min, tz) if end else None)


@dataclass(frozen=True)
class MetricScope(PeriodScope):
    """A :class:`PeriodScope` with the case type (``""`` = all types), the recurrence window
    and the time that "now" is."""

    kind: str = ""
    window_days: int = 90
    now: datetime = field(default_factory=timezone.now)


# --- reads -------------------------------------------------------------------------------------


def _cases(scope: MetricScope) -> QuerySet[Case]:
    return within_picked_unit(restrict(Case.objects.all(), scope.user), scope.user, scope.unit_code)


def _opened_in(qs: QuerySet, scope: MetricScope, field: str = "opened_at") -> QuerySet:
    lo, hi = scope.bounds()
    if lo is not None:
        qs = qs.filter(**{f"{field}__gte": lo})
    if hi is not None:
        qs = qs.filter(**{f"{field}__lt": hi})
    return qs


def _of_kind(qs: QuerySet[Case], kind: str) -> QuerySet[Case]:
    return qs.filter(kind=kind) if kind else qs


def _frame(qs: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One query's rows as a typed polars frame (the database does the filtering)."""
    return pl.DataFrame(list(qs.values_list(*schema)), schema=schema, orient="row")


def _local_date(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(str(timezone.get_current_timezone())).dt.date()


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- claim rate --------------------------------------------------------------------------------


def complaints(scope: MetricScope) -> pl.DataFrame:
    """The complaints the claim metrics need, in one read: those opened in the period, and the
    earlier ones of known customers closed within the recurrence window before it (only the
    recurrence reads those; see :func:`_opened_in_period`)."""
    lo, hi = scope.bounds()
    in_period = Q()
    if lo is not None:
        in_period &= Q(opened_at__gte=lo)
    if hi is not None:
        in_period &= Q(opened_at__lt=hi)
    earlier = Q(customer__isnull=False, closed_at__isnull=False)
    if lo is not None:
        earlier &= Q(closed_at__gte=lo - timedelta(days=scope.window_days))
    if hi is not None:
        earlier &= Q(closed_at__lt=hi)
    qs = _cases(scope).filter(kind=Case.Kind.COMPLAINT)
    if lo is not None or hi is not None:  # (an empty Q() would drop out of the "or": no period is every claim)
        qs = qs.filter(in_period | earlier)
    return _frame(qs, {
        "id": pl.Int64, "customer_id": pl.Int64, "category_id": pl.Int64, "org_unit_id": pl.Int64,
        "root_cause": pl.String, "opened_at": pl.Datetime("us", UTC), "closed_at": pl.Datetime("us", UTC)})


def _opened_in_period(frame: pl.DataFrame, scope: MetricScope) -> pl.DataFrame:
    """The rows of :func:`complaints` opened in the period (the claims of the period)."""
    lo, hi = scope.bounds()
    mask = pl.lit(True)
    if lo is not None:
        mask &= pl.col("opened_at") >= lo.astimezone(dt_timezone.utc)
    if hi is not None:
        mask &= pl.col("opened_at") < hi.astimezone(dt_timezone.utc)
    return frame.filter(mask)


def _transactions(scope: MetricScope) -> QuerySet[Transaction]:
    txns = within_picked_unit(restrict(Transaction.objects.all(), scope.user), scope.user, scope.unit_code)
    if scope.start:
        txns = txns.filter(occurred_on__gte=scope.start)
    if scope.end:
        txns = txns.filter(occurred_on__lte=scope.end)
    return txns


def claim_rate(scope: MetricScope, claims: pl.DataFrame | None = None) -> dict:
    """Claims (complaints) per 1,000 orders and per 1,000 active customers, in total and per month.

    Orders are the transactions of the unit's branches in the period; active customers the
    distinct identified customers among them (walk-ins are orders but not customers).
    ``claims`` is :func:`complaints` when the caller has read it already. The rates are
    :func:`cxm.analytics.claims.rates_per_1000` of the counts.
    """
    claims = _opened_in_period(complaints(scope) if claims is None else claims, scope)
    txns = _transactions(scope)
    # Orders are many: the database counts them per month (rather than claim_rates over every
    # order); distinct customers over the whole period cannot be summed from months, so they
    # are one more count.
    monthly_orders = pl.DataFrame(
        list(txns.annotate(month=TruncMonth("occurred_on")).values_list("month")
             .annotate(orders=Count("id"), customers=Count("customer", distinct=True)).order_by("month")),
        schema={"month": pl.Date, "orders": pl.Int64, "customers": pl.Int64}, orient="row")
    totals = txns.aggregate(orders=Count("id"), customers=Count("customer", distinct=True))
    monthly_claims = (claims.with_columns(_local_date("opened_at").dt.truncate("1mo").alias("month"))
                      .group_by("month").agg(pl.len().cast(pl.Int64).alias("claims")))
    monthly = rates_per_1000(monthly_orders.join(monthly_claims, on="month", how="full", coalesce=True)).sort("month")
    counts = {"claims": claims.height, "orders": totals["orders"], "customers": totals["customers"]}
    total = rates_per_1000(pl.DataFrame([counts], schema=dict.fromkeys(counts, pl.Int64)))
    return {**total.row(0, named=True), "monthly": monthly.to_dicts()}


def claim_recurrence(scope: MetricScope, claims: pl.DataFrame | None = None) -> dict:
    """Claims whose customer and category had a claim closed in the ``window_days`` before.

    The denominator is every claim opened in the period (anonymous claims cannot recur);
    earlier claims are read only as far back as they can matter (closed within the window
    before the period). ``claims`` is :func:`complaints` when the caller has read it already.
    """
    frame = complaints(scope) if claims is None else claims
    flags = recurrence(frame.select("id", pl.col("customer_id").alias("customer"),
                                    pl.col("category_id").alias("category"), "opened_at", "closed_at"),
                       window_days=scope.window_days)
    period = _opened_in_period(frame.join(flags, on="id"), scope)
    recurrent = int(period["recurrent"].sum()) if period.height else 0
    return {"claims": period.height, "recurrent": recurrent, "rate": _share(recurrent, period.height),
            "window_days": scope.window_days}


# --- resolution, SLA, FCR ------------------------------------------------------------------------


def _category_names() -> dict[int, str]:
    return {c.id: c.name for c in CaseCategory.objects.all()}


def resolution_times(scope: MetricScope) -> dict:
    """Hours from opening to resolution of the cases opened in the period and resolved:
    a histogram (:data:`RESOLUTION_BINS`), median and 90th percentile, and the same per category.

    Percentiles interpolate linearly between order statistics (numpy's default, "linear").
    """
    frame = _frame(_of_kind(_opened_in(_cases(scope), scope), scope.kind).filter(resolved_at__isnull=False), {
        "category_id": pl.Int64, "opened_at": pl.Datetime("us", UTC), "resolved_at": pl.Datetime("us", UTC)})
    hours = frame.with_columns(((pl.col("resolved_at") - pl.col("opened_at")).dt.total_seconds() / 3600)
                               .alias("hours"))
    edges = (0.0, *RESOLUTION_BINS)
    labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:])] + [f"{edges[-1]:g}+"]
    # bin i holds [edge_i, edge_i+1): the number of upper edges at or below the value
    index = np.searchsorted(np.asarray(RESOLUTION_BINS, dtype=float), hours["hours"].to_numpy(), side="right")
    counts = dict(zip(labels, np.bincount(index, minlength=len(labels)).tolist()))
    histogram = [{"bin": label, "low": lo, "high": hi, "n": int(counts.get(label, 0))}
                 for label, lo, hi in zip(labels, edges, (*RESOLUTION_BINS, None))]
    names = _category_names()
    by_category = (hours.group_by("category_id")
                   .agg(pl.len().alias("n"), pl.col("hours").median().alias("median"),
                        pl.col("hours").quantile(0.9, interpolation="linear").alias("p90"),
                        pl.col("hours").mean().alias("mean"))
                   .sort(["n", "category_id"], descending=[True, False]))
    rows = [{**r, "category": names.get(r["category_id"], "")} for r in by_category.to_dicts()]
    col = hours["hours"]
    return {"n": hours.height, "median": col.median(), "p90": col.quantile(0.9, interpolation="linear"),
            "histogram": histogram, "by_category": rows}


def sla_attainment(scope: MetricScope) -> dict:
    """Share of the period's resolved cases with a due time that were resolved by it, and the
    open cases past due now (in the unit, whenever opened)."""
    frame = _frame(_of_kind(_opened_in(_cases(scope), scope), scope.kind)
                   .filter(resolved_at__isnull=False, due_at__isnull=False),
                   {"resolved_at": pl.Datetime("us", UTC), "due_at": pl.Datetime("us", UTC)})
    met = int(frame.select((pl.col("resolved_at") <= pl.col("due_at")).sum()).item()) if frame.height else 0
    open_qs = _of_kind(_cases(scope), scope.kind).filter(status__in=OPEN_STATUSES)
    breach = open_qs.aggregate(open=Count("id"), breach=Count("id", filter=Q(due_at__lt=scope.now)))
    return {"resolved": frame.height, "within_due": met, "rate": _share(met, frame.height),
            "open": breach["open"], "open_in_breach": breach["breach"]}


def first_contact(scope: MetricScope) -> dict:
    """First-contact resolution: the share of resolved cases settled in the first contact,
    in total and per channel."""
    frame = _frame(_of_kind(_opened_in(_cases(scope), scope), scope.kind).filter(resolved_at__isnull=False),
                   {"channel": pl.String, "first_contact_resolution": pl.Boolean})
    labels = dict(Case.Channel.choices)
    by_channel = (frame.group_by("channel")
                  .agg(pl.len().alias("resolved"), pl.col("first_contact_resolution").sum().alias("fcr"))
                  .with_columns((pl.col("fcr") / pl.col("resolved")).alias("rate"))
                  .sort(["resolved", "channel"], descending=[True, False]))
    fcr = int(frame["first_contact_resolution"].sum()) if frame.height else 0
    return {"resolved": frame.height, "fcr": fcr, "rate": _share(fcr, frame.height),
            "by_channel": [{**r, "label": str(labels.get(r["channel"], r["channel"]))}
                           for r in by_channel.to_dicts()]}


# --- Pareto --------------------------------------------------------------------------------------


def _pareto_table(counts: pl.DataFrame) -> list[dict]:
    """Sort descending, add the cumulative share and mark the vital few (up to and including
    the bar at which the cumulative share reaches 80 %)."""
    total = counts["n"].sum()
    if not total:
        return []
    table = (counts.sort(["n", "label"], descending=[True, False])
             .with_columns((pl.col("n") / total).alias("share"), (pl.col("n").cum_sum() / total).alias("cumulative")))
    # vital: the cumulative share before this bar was still under 80 %
    table = table.with_columns((pl.col("cumulative").shift(1, fill_value=0.0) < PARETO_SHARE).alias("vital"))
    return table.to_dicts()


def pareto(scope: MetricScope, claims: pl.DataFrame | None = None) -> dict:
    """Claims of the period by category and by root cause, largest first, with cumulative shares.

    Claims without a category or root cause (not yet classified) are counted apart.
    ``claims`` is :func:`complaints` when the caller has read it already.
    """
    frame = _opened_in_period(complaints(scope) if claims is None else claims, scope)
    names = _category_names()
    causes = dict(Case.RootCause.choices)
    by_cat = frame.filter(pl.col("category_id").is_not_null()).group_by("category_id").len("n")
    by_cat = by_cat.with_columns(pl.col("category_id").replace_strict(names, default="", return_dtype=pl.String)
                                 .alias("label")).select("label", pl.col("category_id").cast(pl.String).alias("key"), "n")
    by_cause = (frame.filter(pl.col("root_cause") != "").group_by("root_cause").len("n")
                .select(pl.col("root_cause").replace_strict({k: str(v) for k, v in causes.items()}, default=None,
                                                            return_dtype=pl.String).fill_null(pl.col("root_cause"))
                        .alias("label"), pl.col("root_cause").alias("key"), "n"))
    return {"claims": frame.height,
            "categories": _pareto_table(by_cat), "uncategorised": int(frame["category_id"].is_null().sum()),
            "root_causes": _pareto_table(by_cause), "unclassified": int((frame["root_cause"] == "").sum())}


def unit_groups(*, user, unit_code: str | None) -> tuple[dict[int, str], dict[str, tuple[str, str]]]:
    """Unit id -> group code, and group code -> (Korean name, English name), for breakdowns.

    The groups are the children of the picked unit (a region's branches, the company's
    regions); with "all my units" and several subtrees, their tops. Rows filed at the
    picked unit itself form its own group.
    """
    units = list(within_picked_unit(restrict(OrgUnit.objects.all(), user), user, unit_code)
                 .order_by("path").values("id", "code", "path", "parent_id", "name_ko", "name_en"))
    ids = {u["id"] for u in units}
    tops = [u for u in units if u["parent_id"] not in ids]
    if len(tops) == 1:  # one top (the picked unit): its children are the groups
        candidates = [tops[0]] + [u for u in units if u["parent_id"] == tops[0]["id"]]
    else:
        candidates = tops
    candidates.sort(key=lambda u: len(u["path"]), reverse=True)  # deepest prefix first
    mapping = {u["id"]: next(c["code"] for c in candidates if u["path"].startswith(c["path"]))
               for u in units}  # units, not rows
    names = {c["code"]: (c["name_ko"], c["name_en"]) for c in candidates}
    return mapping, names


def claim_rate_by_unit(scope: MetricScope, claims: pl.DataFrame | None = None) -> list[dict]:
    """Claim rates of each sub-unit of the picked unit (see :func:`unit_groups`), largest
    rate per 1,000 orders first. Distinct customers are counted per sub-unit in the database
    (a customer who buys in two branches of a region counts once for the region).
    ``claims`` is :func:`complaints` when the caller has read it already."""
    mapping, names = unit_groups(user=scope.user, unit_code=scope.unit_code)
    if not mapping:
        return []
    group_of = DbCase(*[When(branch_id__in=[u for u, g in mapping.items() if g == code], then=Value(code))
                        for code in names], default=Value(""), output_field=CharField())
    orders = pl.DataFrame(list(_transactions(scope).annotate(grp=group_of).values_list("grp")
                               .annotate(orders=Count("id"), customers=Count("customer", distinct=True))
                               .order_by("grp")),
                          schema={"code": pl.String, "orders": pl.Int64, "customers": pl.Int64}, orient="row")
    claims = _opened_in_period(complaints(scope) if claims is None else claims, scope)
    per_group = (claims.select(pl.col("org_unit_id").replace_strict(mapping, default="", return_dtype=pl.String)
                               .alias("code")).group_by("code").len("claims"))
    counts = (pl.DataFrame({"code": list(names)}, schema={"code": pl.String})
              .join(orders, on="code", how="left").join(per_group, on="code", how="left")
              .with_columns(pl.col("claims").cast(pl.Int64)))
    table = (rates_per_1000(counts)
             .filter((pl.col("orders") > 0) | (pl.col("claims") > 0))
             .sort(["per_1000_orders", "code"], descending=[True, False], nulls_last=True))
    return [{**r, "name_ko": names[r["code"]][0], "name_en": names[r["code"]][1]} for r in table.to_dicts()]


def case_metrics(scope: MetricScope) -> dict:
    """Every metric of the page for ``scope`` (see the functions above)."""
    claims = complaints(scope)  # read once for the four claim metrics
    return {"claim_rate": claim_rate(scope, claims), "by_unit": claim_rate_by_unit(scope, claims),
            "recurrence": claim_recurrence(scope, claims), "resolution": resolution_times(scope),
            "sla": sla_attainment(scope), "pareto": pareto(scope, claims), "fcr": first_contact(scope)}


def picked_unit(*, user, unit_code: str | None) -> OrgUnit | None:
    """The picked unit if ``user`` may see it (None for "all my units" and for hidden codes)."""
    if not unit_code:
        return None
    return restrict(OrgUnit.objects.all(), user).filter(code=unit_code).first()
