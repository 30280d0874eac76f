"""Plotly figures for the pages (presentation code: the numbers come from selectors).

Figures are returned as plain dicts; templates embed them with ``json_script`` (escaped)
and ``static/web/js/cxm.js`` draws them with the locally served Plotly bundle.
"""

from __future__ import annotations

import json
import math
from datetime import date

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from cxm.org.models import localized

from .formatting import currency_symbol

REVENUE_COLOR = "#3b5bdb"
CUSTOMERS_COLOR = "#e8590c"
FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif'


def month_range(start: date, end: date) -> list[date]:
    """First days of every month from ``start``'s month to ``end``'s month, inclusive."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def month_label(month: date) -> str:
    # A Django date format, translated like any string: "Jan 2024" / "2024년 1월".
    return date_format(month, pgettext("chart month label, a Django date format", "M Y"))


def month_tick(month: date, first: bool) -> str:
    """A short axis tick: the month, with the year under January and under the first tick."""
    short = date_format(month, pgettext("chart month tick, a Django date format", "M"))
    return f"{short}<br>{month.year}" if first or month.month == 1 else short


def _nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks up to ``top``."""
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _compact(value: float) -> str:
    """``800000000`` -> "8억" in Korean, "800M" in English (axis ticks; hovers keep the full amount)."""
    if (get_language() or "").startswith("ko"):
        units = ((10**12, "조"), (10**8, "억"), (10**4, "만"))
    else:
        units = ((10**9, "B"), (10**6, "M"), (10**3, "K"))
    for size, name in units:
        if abs(value) >= size:
            return f"{value / size:,.10g}{name}"
    return f"{value:,.10g}"


def compact_money_axis(top: float, symbol: str = "") -> dict:
    """Tick settings of an amount axis from 0 to ``top`` with short labels (``₩8억``, ``₩800M``).

    Full amounts such as ``₩800,000,000`` take more width than the plot on a phone; the hover
    label still shows every digit.
    """
    if not top or top <= 0:
        return {"tickprefix": symbol, "tickformat": ","}
    step = _nice_step(float(top))
    values = [i * step for i in range(int(math.ceil(top / step)) + 1)]
    return {"tickmode": "array", "tickvals": values, "ticktext": [f"{symbol}{_compact(v)}" for v in values]}


def figure_layout(fig: go.Figure, **layout) -> dict:
    """``fig`` in the pages' chart style with ``layout`` applied, as a JSON-ready dict.

    The style: no Plotly template, the shell's font, transparent backgrounds. Through JSON
    so that the dict holds only plain types (``json_script`` needs that).
    """
    fig.update_layout(template="none", font={"family": FONT, "size": 13, "color": "#212529"},
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", **layout)
    return json.loads(fig.to_json())


def right_axis_label(text: str) -> dict:
    """A Plotly annotation naming the right-hand axis of a two-axis chart, above its top end.

    Plotly leaves no room for the title of an overlaying right axis (it lands on the tick
    labels), so such charts name that axis with this label instead of ``yaxis2.title``.
    """
    return {"text": text, "xref": "paper", "yref": "paper", "x": 1, "y": 1, "xanchor": "right",
            "yanchor": "bottom", "yshift": 6, "showarrow": False, "font": {"size": 12, "color": "#495057"}}


def branch_name(row: dict) -> str:
    """The branch name of a selector row in the active language (as ``OrgUnit.name``), else its code."""
    return localized(row["branch_name_ko"], row["branch_name_en"]) or row["branch_code"]


def _series(rows: list[dict], months: list[date], key: str) -> list[int]:
    values = {r["month"]: r[key] for r in rows}
    return [int(values.get(m, 0) or 0) for m in months]


def monthly_revenue_figure(
    *, months: list[date], totals: list[dict], by_branch: list[dict]
) -> dict | None:
    """Monthly revenue (bars) and active customers (line, right axis), with a branch dropdown.

    Parameters
    ----------
    months
        The months on the x axis (first days); months without sales show zero.
    totals
        Rows of :func:`cxm.customers.selectors.monthly_revenue` (all branches together).
    by_branch
        Rows of :func:`cxm.customers.selectors.monthly_revenue_by_branch`.

    Returns
    -------
    dict or None
        A Plotly figure as a JSON-ready dict, or None when there is nothing to draw.
    """
    if not months or not any(r["transactions"] for r in totals):
        return None
    x = [month_label(m) for m in months]  # full labels: hover shows them
    ticks = [month_tick(m, i == 0) for i, m in enumerate(months)]
    branches: dict[str, list[dict]] = {}
    names: dict[str, str] = {}
    for row in by_branch:
        branches.setdefault(row["branch_code"], []).append(row)
        names[row["branch_code"]] = branch_name(row)

    # One group of two traces per choice in the dropdown; "all branches" first. Distinct
    # customers do not add up across branches, so "all" has its own rows.
    groups: list[tuple[str, list[dict]]] = []
    if len(branches) != 1:
        groups.append((_("All branches"), totals))
    groups.extend((names[code], rows) for code, rows in branches.items())

    symbol = currency_symbol()
    revenue_label, customers_label = _("Revenue"), _("Active customers")
    fig = go.Figure()
    for i, (name, rows) in enumerate(groups):
        visible = i == 0
        fig.add_trace(go.Bar(
            x=x, y=_series(rows, months, "revenue"), name=revenue_label, visible=visible,
            marker={"color": REVENUE_COLOR}, meta=name,
            hovertemplate=f"{revenue_label}: {symbol}%{{y:,}}<extra>%{{meta}}</extra>",
        ))
        fig.add_trace(go.Scatter(
            x=x, y=_series(rows, months, "active_customers"), name=customers_label, visible=visible,
            yaxis="y2", mode="lines+markers", line={"color": CUSTOMERS_COLOR, "width": 3},
            marker={"size": 7}, meta=name,
            hovertemplate=f"{customers_label}: %{{y:,}}<extra>%{{meta}}</extra>",
        ))

    n = len(groups)
    max_customers = max((r["active_customers"] for _name, rows in groups for r in rows), default=0)
    max_revenue = max((r["revenue"] or 0 for _name, rows in groups for r in rows), default=0)
    menus = []
    if n > 1:
        buttons = [
            {
                "label": name,
                "method": "restyle",
                "args": [{"visible": [j // 2 == i for j in range(2 * n)]}],
            }
            for i, (name, _rows) in enumerate(groups)
        ]
        menus.append({
            "buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
            # above the right axis' label, which it would cover on a phone
            "pad": {"b": 22},
            "showactive": True, "bgcolor": "#ffffff", "bordercolor": "#ced4da", "font": {"size": 13},
        })

    return figure_layout(
        fig,
        margin={"l": 72, "r": 64, "t": 80 if menus else 32, "b": 40},
        height=400,
        hovermode="x unified",
        bargap=0.35,
        # The legend sits under the plot so that it never collides with the branch menu.
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.16, "yanchor": "top"},
        updatemenus=menus,
        xaxis={"type": "category", "showgrid": False, "tickmode": "array", "tickvals": x, "ticktext": ticks,
               "linecolor": "#adb5bd", "automargin": True},
        yaxis={"title": {"text": f"{revenue_label} ({symbol})" if symbol else revenue_label, "standoff": 8},
               **compact_money_axis(max_revenue, symbol), "rangemode": "tozero", "automargin": True,
               "gridcolor": "#e9ecef", "zeroline": False},
        # Plotly leaves no room for the title of an overlaying right axis (it lands on the tick
        # labels): the axis is named by a label above it instead (see the annotation).
        annotations=[right_axis_label(customers_label)],
        yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero",
                "showgrid": False, "tickformat": ",", "zeroline": False, "automargin": True,
                # Plotly.js 3 syncs an overlaying axis to the main one's grid by default, which
                # gives odd ticks such as 162.36; customers get their own round ticks.
                # Customers are whole people: small counts get whole-number ticks.
                **({"tickmode": "linear", "tick0": 0, "dtick": 1} if max_customers <= 10 else {"tickmode": "auto"})},
    )
