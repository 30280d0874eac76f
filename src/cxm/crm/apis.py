"""API endpoints of the customer relationship analytics: scores, equity, RFM grid, cohorts. Scoped like the pages."""


from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from cxm.customers.models import Customer
from cxm.customers.selectors import customer_get, customer_present
from cxm.org.access import can_view_personal_data

from . import selectors
from .models import CustomerScore, ScoreRun

router = Router(tags=["crm"])


class RunOut(Schema):
    as_of: date
    computed_at: datetime
    computed_by: str | None
    n_customers: int
    n_buyers: int
    models: dict
    settings: dict

    @staticmethod
    def resolve_computed_by(obj: ScoreRun) -> str | None:
        return obj.computed_by.username if obj.computed_by_id else None

    @staticmethod
    def resolve_models(obj: ScoreRun) -> dict:
        return obj.models_fit


@router.get("/crm/runs", response=list[RunOut], summary="Scoring runs (fitted models, settings), newest first")
def runs(request):
    return list(selectors.run_list().select_related("computed_by"))


def _run_or_404(as_of: date | None) -> ScoreRun:
    run = selectors.run_get(as_of=as_of)
    if run is None or (as_of is not None and run.as_of != as_of):
        raise Http404
    return run


class ScoredCustomerOut(Schema):
    # a customer of selectors.scored_customers: the scores are read from its score_<field> annotations
    customer_no: str
    name: str
    home_unit: str = Field(validation_alias="home_unit.code")
    segment: str | None = Field(validation_alias="score_segment")
    stage: str | None = Field(validation_alias="score_stage")
    r_score: int | None = Field(validation_alias="score_r_score")
    f_score: int | None = Field(validation_alias="score_f_score")
    m_score: int | None = Field(validation_alias="score_m_score")
    p_alive: float | None = Field(validation_alias="score_p_alive")
    expected_purchases: float | None = Field(validation_alias="score_expected_purchases")
    clv: int | None = Field(validation_alias="score_clv")
    clv_margin: int | None = Field(validation_alias="score_clv_margin")
    revenue: int | None = Field(validation_alias="score_monetary")
    margin: int | None = Field(validation_alias="score_margin")
    profitability: str | None = Field(validation_alias="score_profitability")
    churn_probability: float | None = Field(validation_alias="score_churn_probability")

    @staticmethod
    def resolve_name(obj: Customer, context) -> str:
        # Analysts see masked names (selectors.customer_present), as on the pages.
        return customer_present(obj, personal=can_view_personal_data(context["request"].auth)).display_name


class ScoreFilter(Schema):
    as_of: date | None = None
    unit: str | None = None
    q: str | None = None
    segment: str | None = None
    stage: str | None = None
    profitability: str | None = None
    min_p_alive: float | None = None
    max_p_alive: float | None = None
    min_churn: float | None = None
    max_churn: float | None = None
    order: Literal["customer_no", "-clv", "clv", "-p_alive", "p_alive", "-monetary", "-churn_probability",
                   "churn_probability"] = "customer_no"


@router.get("/crm/scores", response=list[ScoredCustomerOut], summary="Customers with their scores (one run)")
@paginate(PageNumberPagination, page_size=100)
def scores(request, filters: Query[ScoreFilter]):
    run = _run_or_404(filters.as_of)
    return selectors.scored_customers(
        user=request.auth, run=run, unit_code=filters.unit, query=filters.q or "", segment=filters.segment or "",
        stage=filters.stage or "", profitability=filters.profitability or "", min_p_alive=filters.min_p_alive,
        max_p_alive=filters.max_p_alive, min_churn=filters.min_churn, max_churn=filters.max_churn,
        order=filters.order,
    ).select_related("home_unit")


class ScoreOut(Schema):
    as_of: date
    recency_days: int | None
    frequency: int
    monetary: int
    r_score: int | None
    f_score: int | None
    m_score: int | None
    segment: str
    stage: str
    btyd_frequency: float | None
    btyd_recency: float | None
    btyd_t: float | None
    monetary_value: float | None
    p_alive: float | None
    expected_purchases: float | None
    expected_spend: float | None
    clv: int | None
    clv_margin: int | None
    cost: int
    margin: int
    profitability: str
    churn_probability: float | None
    churn_drivers: str


class CustomerScoresOut(Schema):
    customer_no: str
    name: str
    scores: list[ScoreOut]


@router.get("/crm/scores/{customer_no}", response=CustomerScoresOut,
            summary="One customer's scores at every scored date (404 outside scope)")
def customer_scores(request, customer_no: str):
    customer = customer_get(user=request.auth, customer_no=customer_no)
    if customer is None:
        raise Http404
    history: list[CustomerScore] = selectors.customer_scores(user=request.auth, customer=customer)
    return {"customer_no": customer.customer_no, "name": customer.display_name, "scores": history}


class EquityQuery(Schema):
    as_of: date | None = None
    unit: str | None = None
    by: Literal["branch", "segment"] = "branch"


class EquityOut(Schema):
    branch: str | None = None
    segment: str | None = None
    customers: int
    equity: int
    equity_margin: int
    mean_clv: float | None
    p_alive: float | None


@router.get("/crm/equity", response=list[EquityOut], summary="Customer equity (sum of CLV) per branch or segment")
def equity(request, query: Query[EquityQuery]):
    run = _run_or_404(query.as_of)
    rows = selectors.customer_equity(user=request.auth, run=run, unit_code=query.unit, by=query.by)
    if query.by == "branch":
        return [{**r, "branch": r["branch_code"]} for r in rows]
    return rows


class GridOut(Schema):
    as_of: date
    counts: list[list[int]]
    segments: list[list[str]]
    total: int


@router.get("/crm/rfm-grid", response=GridOut, summary="Customers per R x F score cell (rows R 1-5, columns F 1-5)")
def rfm_grid(request, as_of: date | None = None, unit: str | None = None):
    run = _run_or_404(as_of)
    return {"as_of": run.as_of, **selectors.rfm_grid(user=request.auth, run=run, unit_code=unit)}


class CohortOut(Schema):
    cohort: date
    months_since: int
    active: int
    cohort_size: int
    share: float


@router.get("/crm/cohorts", response=list[CohortOut],
            summary="Cohort retention table (acquisition month x months since) of the visible transactions")
def cohorts(request, unit: str | None = None, end: date | None = None):
    table = selectors.cohort_table(user=request.auth, unit_code=unit, end=end)
    return table.to_dicts()


# --- churn risk and cross-sell -------------------------------------------------------------------


class ChurnRunOut(Schema):
    as_of: date
    churn: dict


@router.get("/crm/churn", response=ChurnRunOut,
            summary="The churn classifier of a run: holdout validation (AUC, Brier, lift, calibration), "
                    "coefficients, churn seen per P(alive) band")
def churn_run(request, as_of: date | None = None):
    # fitted company-wide; model numbers only, no customer
    run = _run_or_404(as_of)
    return {"as_of": run.as_of, "churn": run.churn}


class CustomerChurnOut(Schema):
    customer_no: str
    as_of: date
    churn_probability: float | None
    drivers: list[str]
    p_alive: float | None
    horizon_days: int | None


def _customer_or_404(request, customer_no: str) -> Customer:
    customer = customer_get(user=request.auth, customer_no=customer_no)
    if customer is None:
        raise Http404
    return customer


@router.get("/crm/churn/{customer_no}", response=CustomerChurnOut,
            summary="One customer's churn risk at a run (404 outside scope)")
def customer_churn(request, customer_no: str, as_of: date | None = None):
    customer = _customer_or_404(request, customer_no)
    run = _run_or_404(as_of)
    score = selectors.customer_score_at(user=request.auth, customer=customer, run=run)
    if score is None:
        raise Http404
    return {"customer_no": customer.customer_no, "as_of": run.as_of, "churn_probability": score.churn_probability,
            "drivers": [d for d in score.churn_drivers.split(",") if d], "p_alive": score.p_alive,
            "horizon_days": (run.churn or {}).get("horizon_days")}


class RecommendationOut(Schema):
    sku: str
    name: str
    because_sku: str
    because_name: str
    count: int
    support: float
    confidence: float
    lift: float


@router.get("/crm/recommendations/{customer_no}", response=list[RecommendationOut],
            summary="Products similar customers bought next that this customer lacks (404 outside scope)")
def recommendations(request, customer_no: str, as_of: date | None = None, top: int = 5):
    customer = _customer_or_404(request, customer_no)
    run = _run_or_404(as_of)
    rows = selectors.customer_recommendations(user=request.auth, customer=customer, run=run,
                                              top=max(1, min(top, 50)))
    return [{"sku": r["product"].sku, "name": r["product"].name, "because_sku": r["antecedent"].sku,
             "because_name": r["antecedent"].name, "count": r["count"], "support": r["support"],
             "confidence": r["confidence"], "lift": r["lift"]} for r in rows]


class RuleOut(Schema):
    antecedent: str
    consequent: str
    count: int
    antecedent_count: int
    consequent_count: int
    support: float
    confidence: float
    lift: float

    @staticmethod
    def resolve_antecedent(obj) -> str:
        return obj.antecedent.sku

    @staticmethod
    def resolve_consequent(obj) -> str:
        return obj.consequent.sku


@router.get("/crm/rules", response=list[RuleOut],
            summary="The run's strongest \"bought next\" rules (anonymous counts, the same for every branch)")
def rules(request, as_of: date | None = None, top: int = 30, min_count: int = 1):
    run = _run_or_404(as_of)
    return selectors.strongest_rules(run=run, top=max(1, min(top, 500)), min_count=min_count)
