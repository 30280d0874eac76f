"""Numbers and money in the active locale (domain spec 9: KRW by default, no minor unit)."""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import number_format

# Currencies whose sign goes before the amount; others are written as "1,000 USD".
CURRENCY_SYMBOLS = {"KRW": "₩", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£"}


def currency_code(currency: str | None = None) -> str:
    """``currency``, or the project's currency (``settings.CXM_CURRENCY``) when not given."""
    return currency or settings.CXM_CURRENCY


def currency_symbol(currency: str | None = None) -> str:
    """The sign written before amounts (``₩``), or ``""`` for a currency written by its code."""
    return CURRENCY_SYMBOLS.get(currency_code(currency), "")


def format_number(value: int | float | None, decimal_pos: int = 0) -> str:
    """``1234567`` -> ``1,234,567`` with the active locale's separators; ``None`` -> ``–``."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def format_money(value: int | None, currency: str | None = None) -> str:
    """``1234567`` -> ``₩1,234,567`` (integer amounts in the currency's minor unit)."""
    if value is None:
        return "–"
    code = currency_code(currency)
    symbol = currency_symbol(code)
    digits = format_number(abs(value))
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {code}"
