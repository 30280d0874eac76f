"""API endpoints of the customer base: customers and transactions, scoped by the access rules."""


from datetime import date

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from cxm.org.access import can_view_personal_data

from . import selectors
from .models import Customer, Transaction

router = Router(tags=["customers"])


def _present(obj: Customer, context) -> Customer:
    return selectors.customer_present(obj, personal=can_view_personal_data(context["request"].auth))


class CustomerOut(Schema):
    customer_no: str
    kind: str
    name: str
    email: str
    phone: str
    gender: str
    birth_year: int | None
    home_unit: str
    segment: str
    consent_marketing: bool
    consent_email: bool
    consent_sms: bool
    joined_on: date

    # Analysts read all units but never personal data: selectors.customer_present masks.
    @staticmethod
    def resolve_name(obj: Customer, context) -> str:
        return _present(obj, context).display_name

    @staticmethod
    def resolve_email(obj: Customer, context) -> str:
        return _present(obj, context).display_email

    @staticmethod
    def resolve_phone(obj: Customer, context) -> str:
        return _present(obj, context).display_phone

    @staticmethod
    def resolve_home_unit(obj: Customer) -> str:
        return obj.home_unit.code


class CustomerFilter(Schema):
    unit: str | None = None
    q: str | None = None
    segment: str | None = None


@router.get("/customers", response=list[CustomerOut], summary="Customers the caller may see")
@paginate(PageNumberPagination, page_size=50)
def customer_list(request, filters: Query[CustomerFilter]):
    # customer_search matches names only for roles that may see them (no unmasking by search).
    qs = selectors.customer_search(user=request.auth, unit_code=filters.unit, query=filters.q or "")
    if filters.segment:
        qs = qs.filter(segment=filters.segment)
    return qs


@router.get("/customers/{customer_no}", response=CustomerOut, summary="One customer (404 outside scope)")
def customer_detail(request, customer_no: str):
    customer = selectors.customer_get(user=request.auth, customer_no=customer_no)
    if customer is None:
        raise Http404
    return customer


class TransactionLineOut(Schema):
    sku: str
    quantity: int
    amount: int
    cost: int

    @staticmethod
    def resolve_sku(obj) -> str:
        return obj.product.sku


class TransactionOut(Schema):
    txn_no: str
    customer_no: str | None
    branch: str
    channel: str
    occurred_on: date
    amount: int
    cost: int
    margin: int
    delivery_days: int | None

    @staticmethod
    def resolve_customer_no(obj: Transaction) -> str | None:
        return obj.customer.customer_no if obj.customer_id else None

    @staticmethod
    def resolve_branch(obj: Transaction) -> str:
        return obj.branch.code

    @staticmethod
    def resolve_channel(obj: Transaction) -> str:
        return obj.channel.code


class TransactionDetailOut(TransactionOut):
    lines: list[TransactionLineOut]

    @staticmethod
    def resolve_lines(obj: Transaction):
        return list(obj.lines.select_related("product").order_by("id"))


class TransactionFilter(Schema):
    unit: str | None = None
    customer_no: str | None = None
    channel: str | None = None
    start: date | None = None
    end: date | None = None


@router.get("/transactions", response=list[TransactionOut], summary="Transactions the caller may see")
@paginate(PageNumberPagination, page_size=100)
def transaction_list(request, filters: Query[TransactionFilter]):
    return selectors.transaction_search(
        user=request.auth, unit_code=filters.unit, start=filters.start, end=filters.end,
        channel_code=filters.channel, customer_no=filters.customer_no,
    )


@router.get("/transactions/{txn_no}", response=TransactionDetailOut, summary="One transaction with its lines")
def transaction_detail(request, txn_no: str):
    txn = selectors.transaction_queryset(user=request.auth).filter(txn_no=txn_no).first()
    if txn is None:
        raise Http404
    return txn
