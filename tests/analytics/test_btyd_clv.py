"""Formula CLV on the deck's textbook case (hand-computed)."""

import pytest

from cxm.analytics.btyd.clv import formula_clv

CASE = dict(revenue=500_000, margin_rate=0.10, periods=20, acquisition_cost=1_200_000)


def test_formula_clv_textbook_case_without_retention_or_discount():
    # 20 years x 50,000 KRW margin - 1,200,000 KRW acquisition
    result = formula_clv(**CASE)
    assert result.margin == 50_000
    assert result.value == pytest.approx(20 * 50_000 - 1_200_000, abs=1e-6)


def test_formula_clv_with_discounting_at_year_end():
    # annuity: 50,000 * (1 - 1.1^-20) / 0.1 = 425,678.18 ; minus 1,200,000
    result = formula_clv(**CASE, discount_rate=0.10)
    annuity = 50_000 * (1 - 1.1 ** -20) / 0.1
    assert result.value == pytest.approx(annuity - 1_200_000, abs=1e-6)
    assert result.value == pytest.approx(-774_321.82, abs=0.01)


def test_formula_clv_with_retention_and_discounting():
    # geometric series with ratio r/(1+d) = 0.9/1.1 over 20 years, first margin at 1/(1+d)
    result = formula_clv(**CASE, retention=0.9, discount_rate=0.10)
    ratio = 0.9 / 1.1
    expected = 50_000 / 1.1 * (1 - ratio ** 20) / (1 - ratio) - 1_200_000
    assert result.value == pytest.approx(expected, abs=1e-6)
    assert result.present_values[1] == pytest.approx(50_000 * 0.9 / 1.1 ** 2, abs=1e-9)


def test_formula_clv_margins_at_period_start_are_discounted_one_period_less():
    end = formula_clv(**CASE, discount_rate=0.05)
    start = formula_clv(**CASE, discount_rate=0.05, timing="start")
    assert start.value + 1_200_000 == pytest.approx((end.value + 1_200_000) * 1.05, rel=1e-12)
    assert start.present_values[0] == 50_000


@pytest.mark.parametrize("kwargs, bad", [({"retention": 1.2}, "1.2"), ({"periods": 0}, "0"),
                                         ({"discount_rate": -0.1}, "-0.1"), ({"timing": "mid"}, "mid")])
def test_formula_clv_rejects_invalid_inputs_naming_them(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        formula_clv(**{**CASE, **kwargs})
