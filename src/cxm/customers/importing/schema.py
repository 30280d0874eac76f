"""The target fields of each importable entity, their types, and how file columns map onto them.

A field lists a few *aliases*, the usual Korean and English headers of that column, so that a
file straight out of a Korean ERP or Excel sheet often imports without any mapping. Aliases
are specific on purpose (no "구분" or "type"): a wrong guess would turn an unrelated column
into errors. An explicit mapping (``--map field=Column``) always wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .issues import ImportIssue, make_issue


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    EMAIL = "email"


#: Accepted yes/no spellings (compared in lower case).
BOOLEAN_VALUES: dict[str, bool] = {
    "true": True, "false": False, "yes": True, "no": False, "1": True, "0": False, "y": True, "n": False,
    "t": True, "f": False, "예": True, "아니오": False, "아니요": False,
}

INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Field:
    """One target field.

    Attributes
    ----------
    name : str
        The field name (also the default column header).
    kind : Kind
        How the cell text is typed and checked.
    required : bool
        A column must exist and every row needs a value.
    max_length : int, optional
        For text: the longest value the database holds.
    min_value, max_value : int, optional
        For integers: inclusive bounds. ``max_value=None`` means the 64-bit limit.
    thousands : bool
        For integers: accept thousands separators ("12,000").
    choices : dict of str to str, optional
        For choices: accepted spelling (lower case) -> stored value.
    default : object
        Value when the cell is blank (None means NULL or "" by the column).
    max_this_year : bool
        For integers (years): refuse values after the current year.
    not_future : bool
        For dates: refuse dates after today.
    aliases : tuple of str
        Other headers that map to this field by default.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    thousands: bool = False
    choices: Mapping[str, str] | None = None
    default: object = None
    max_this_year: bool = False
    not_future: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntitySchema:
    """The fields of one entity, and its identifying key."""

    entity: str
    key: str
    fields: tuple[Field, ...]
    #: Fields that belong to a transaction header and must agree across its lines.
    header_fields: tuple[str, ...] = field(default=())

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


CUSTOMERS = EntitySchema(
    entity="customers",
    key="customer_no",
    fields=(
        Field("customer_no", required=True, max_length=32,
              aliases=("고객번호", "고객코드", "customer number", "customer id")),
        Field("name", required=True, max_length=120, aliases=("이름", "성명", "고객명", "customer name")),
        Field("kind", Kind.CHOICE, default="person", aliases=("고객구분", "고객유형"),
              choices={"person": "person", "개인": "person", "company": "company", "법인": "company",
                       "기업": "company"}),
        Field("email", Kind.EMAIL, max_length=254, aliases=("이메일", "e-mail", "전자우편")),
        Field("phone", max_length=32, aliases=("전화번호", "연락처", "휴대폰", "휴대전화", "mobile")),
        Field("gender", Kind.CHOICE, default="", aliases=("성별", "sex"),
              choices={"f": "F", "m": "M", "female": "F", "male": "M", "여": "F", "남": "M", "여성": "F",
                       "남성": "M"}),
        Field("birth_year", Kind.INTEGER, min_value=1900, max_this_year=True,
              aliases=("출생연도", "출생년도", "생년", "year of birth")),
        Field("home_unit", required=True, max_length=32,
              aliases=("지점", "소속지점", "지점코드", "home branch", "home unit", "branch")),
        Field("segment", max_length=40, aliases=("세그먼트", "등급", "고객등급")),
        Field("consent_marketing", Kind.BOOLEAN, default=False, aliases=("마케팅동의", "마케팅수신동의")),
        Field("consent_email", Kind.BOOLEAN, default=False, aliases=("이메일동의", "이메일수신동의")),
        Field("consent_sms", Kind.BOOLEAN, default=False, aliases=("sms동의", "문자동의", "문자수신동의")),
        Field("joined_on", Kind.DATE, required=True, not_future=True,
              aliases=("가입일", "가입일자", "joined", "join date", "joined at")),
    ),
)

PRODUCTS = EntitySchema(
    entity="products",
    key="sku",
    fields=(
        Field("sku", required=True, max_length=40, aliases=("상품코드", "품번", "제품코드", "product code")),
        Field("name_ko", required=True, max_length=160, aliases=("상품명", "제품명", "상품명(한글)", "name")),
        Field("name_en", max_length=160, aliases=("영문명", "상품명(영문)", "english name")),
        Field("category", max_length=60, aliases=("분류", "카테고리", "상품분류")),
        Field("unit_price", Kind.INTEGER, required=True, min_value=0, thousands=True,
              aliases=("단가", "판매가", "판매단가", "price")),
        Field("unit_cost", Kind.INTEGER, required=True, min_value=0, thousands=True,
              aliases=("원가", "매입가", "단위원가", "cost")),
    ),
)

TRANSACTIONS = EntitySchema(
    entity="transactions",
    key="txn_no",
    fields=(
        Field("txn_no", required=True, max_length=40,
              aliases=("거래번호", "주문번호", "영수증번호", "transaction number", "order number")),
        Field("customer_no", max_length=32, aliases=("고객번호", "고객코드", "customer number")),
        Field("branch", required=True, max_length=32, aliases=("지점", "지점코드", "매장", "매장코드", "store")),
        Field("channel", required=True, max_length=32, aliases=("채널", "판매채널")),
        Field("date", Kind.DATE, required=True, not_future=True,
              aliases=("거래일", "거래일자", "주문일", "판매일", "일자", "날짜", "occurred_on")),
        Field("sku", required=True, max_length=40, aliases=("상품코드", "품번", "제품코드", "product code")),
        Field("quantity", Kind.INTEGER, required=True, min_value=1, max_value=2**31 - 1, thousands=True,
              aliases=("수량", "qty")),
        Field("amount", Kind.INTEGER, required=True, min_value=0, thousands=True,
              aliases=("금액", "판매금액", "매출액", "결제금액")),
        Field("cost", Kind.INTEGER, min_value=0, thousands=True, aliases=("원가", "매출원가")),
        Field("delivery_days", Kind.INTEGER, min_value=0, max_value=32767, aliases=("배송일수", "배송기간")),
    ),
    header_fields=("customer_no", "branch", "channel", "date", "delivery_days"),
)

SCHEMAS: dict[str, EntitySchema] = {s.entity: s for s in (CUSTOMERS, PRODUCTS, TRANSACTIONS)}

_SEPARATORS = re.compile(r"[\s_\-.()]+")


def normalise_header(text: str) -> str:
    """Header comparison key: case, spaces, underscores, hyphens, dots and brackets ignored."""
    return _SEPARATORS.sub("", text).casefold()


def resolve_columns(schema: EntitySchema, headers: list[str], mapping: Mapping[str, str] | None = None,
                    letters: list[str] | None = None) -> tuple[dict[str, int], list[ImportIssue]]:
    """Decide which file column feeds which field.

    Parameters
    ----------
    schema : EntitySchema
        The entity being imported.
    headers : list of str
        The file's header row.
    mapping : dict of str to str, optional
        Explicit ``field -> column header``; field names and headers are matched
        case-insensitively when there is no exact match.
    letters : list of str, optional
        Spreadsheet letters of the columns, for messages about repeated headers.

    Returns
    -------
    columns : dict of str to int
        Field name -> position of its column in ``headers``.
    issues : list of ImportIssue
        Unknown fields or columns, missing required fields, ambiguous or repeated headers
        (all reported on row 1, the header row). Empty when the mapping is usable.
    """
    letters = letters or [str(i + 1) for i in range(len(headers))]
    listed = ", ".join(h for h in headers if h) or "-"
    fields_by_key = {normalise_header(n): n for n in schema.names}
    issues: list[ImportIssue] = []
    columns: dict[str, int] = {}

    def positions_of(header: str) -> list[int]:
        exact = [i for i, h in enumerate(headers) if h == header.strip()]
        return exact or [i for i, h in enumerate(headers) if h and normalise_header(h) == normalise_header(header)]

    def take(name: str, found: list[int]) -> None:
        if len({headers[i] for i in found}) == 1 and len(found) > 1:
            issues.append(make_issue("duplicate_header", row=1, column=headers[found[0]],
                                     positions=", ".join(letters[i] for i in found)))
        elif len(found) > 1:
            issues.append(make_issue("ambiguous_column", row=1, field=name,
                                     candidates=", ".join(headers[i] for i in found)))
        else:
            columns[name] = found[0]

    for target, header in (mapping or {}).items():
        name = target if target in schema.names else fields_by_key.get(normalise_header(target))
        if name is None:
            issues.append(make_issue("unknown_field", field=target, fields=", ".join(schema.names)))
            continue
        found = positions_of(header)
        if not found:
            issues.append(make_issue("unknown_column", row=1, column=header, header=header, field=name,
                                     columns=listed))
        else:
            take(name, found)

    explicit = set(columns.values())
    mapped = {fields_by_key.get(normalise_header(t), t) for t in (mapping or {})}
    for f in schema.fields:
        if f.name in mapped:
            continue
        keys = {normalise_header(f.name), *(normalise_header(a) for a in f.aliases)}
        found = [i for i, h in enumerate(headers) if h and i not in explicit and normalise_header(h) in keys]
        if len({headers[i] for i in found}) > 1:
            # The field's own name beats an alias ("sku" over "상품코드" when a file has both).
            own = [i for i in found if normalise_header(headers[i]) == normalise_header(f.name)]
            found = own or found
        if found:
            take(f.name, found)
        elif f.required:
            issues.append(make_issue("missing_column", row=1, field=f.name, columns=listed))
    return columns, issues
