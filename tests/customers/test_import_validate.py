"""Cell typing and checks, on frames alone (no database): what is accepted, what is refused."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cxm.customers.importing.readers import ROW
from cxm.customers.importing.schema import TRANSACTIONS, EntitySchema, Field, Kind
from cxm.customers.importing.validate import check_cells, check_group_agreement, check_unique, raw

pytestmark = pytest.mark.usefixtures("english")

TODAY = dt.date(2025, 6, 30)


def run(field: Field, values: list[str | None]) -> tuple[list, dict[int, str]]:
    """Typed values, and {row: problem code}, for one field over ``values`` (rows 2, 3, ...)."""
    schema = EntitySchema(entity="test", key=field.name, fields=(field,))
    frame = pl.DataFrame({ROW: list(range(2, 2 + len(values))), raw(field.name): values},
                         schema={ROW: pl.Int64, raw(field.name): pl.String})
    typed, problems = check_cells(frame, schema, today=TODAY)
    return typed.get_column(field.name).to_list(), dict(zip(problems[ROW].to_list(), problems["code"].to_list()))


def test_dates_in_every_accepted_spelling():
    values = ["2025-03-01", "2025/3/1", "2025.03.01", "2025. 3. 1.", "20250301", "2025-03-01 14:30:00"]
    typed, problems = run(Field("d", Kind.DATE), values)
    assert problems == {} and typed == [dt.date(2025, 3, 1)] * len(values)


@pytest.mark.parametrize(("value", "code"), [
    ("2025-02-29", "impossible_date"), ("2024-04-31", "impossible_date"), ("20251301", "impossible_date"),
    ("01/03/2025", "bad_date"), ("2025-3", "bad_date"), ("2025-03-01/", "bad_date"), ("２０２５-03-01", "bad_date"),
    ("2025/03-01", "bad_date"),
])
def test_dates_that_are_refused(value, code):
    typed, problems = run(Field("d", Kind.DATE), [value])
    assert problems == {2: code} and typed == [None]


def test_future_dates_are_refused_only_where_the_field_says_so():
    assert run(Field("d", Kind.DATE, not_future=True), ["2025-07-01", "2025-06-30"])[1] == {2: "future_date"}
    assert run(Field("d", Kind.DATE), ["2025-07-01"])[1] == {}


def test_integers_accept_signs_leading_zeros_and_whole_decimals():
    typed, problems = run(Field("n", Kind.INTEGER, thousands=True), ["+5", "007", "12,000", "1,234,567", "3.00"])
    assert problems == {} and typed == [5, 7, 12000, 1234567, 3]


@pytest.mark.parametrize("value", ["１２", "12,00", "1,2345", "1.5", "12 000", "1e3", "--1"])
def test_integers_that_are_not_whole_numbers(value):
    assert run(Field("n", Kind.INTEGER, thousands=True), [value])[1] == {2: "not_integer"}


def test_thousands_separators_only_where_the_field_allows_them():
    assert run(Field("n", Kind.INTEGER), ["12,000"])[1] == {2: "not_integer"}


def test_only_the_first_broken_rule_of_a_cell_is_reported():
    typed, problems = run(Field("n", Kind.INTEGER, required=True, min_value=1), [None, "0", "x", "4"])
    assert problems == {2: "required", 3: "too_small", 4: "not_integer"} and typed == [None, None, None, 4]


def test_booleans_and_their_default():
    typed, problems = run(Field("b", Kind.BOOLEAN, default=False), ["Y", "아니오", "TRUE", None, "0", "네"])
    assert typed == [True, False, True, False, False, None] and problems == {7: "bad_boolean"}


def test_duplicates_point_to_the_first_row():
    frame = pl.DataFrame({ROW: [2, 3, 4, 5], "k": ["a", "b", "a", "a"], raw("k"): ["a", "b", "a", "a"]})
    problems = check_unique(frame, "k")
    assert problems.select(ROW, "param").rows() == [(4, "2"), (5, "2")]


def test_group_agreement_compares_typed_values_and_skips_broken_cells():
    frame = pl.DataFrame({
        ROW: [2, 3, 4, 5, 6],
        "txn_no": ["T1", "T1", "T1", "T2", "T2"],
        "branch": ["B1", "B1", "B2", None, "B1"],
        raw("branch"): ["B1", "B1", "B2", "B1-much-too-long", "B1"],  # row 5: already wrong on its own
    })
    problems = check_group_agreement(frame, "txn_no", ("branch",))
    assert problems.select(ROW, "field", "param").rows() == [(4, "branch", "2")]


def test_transaction_schema_lists_its_header_fields():
    assert set(TRANSACTIONS.header_fields) <= set(TRANSACTIONS.names)
