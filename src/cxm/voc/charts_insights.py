"""Plotly figures of the case metrics and text-mining pages (presentation only: the numbers come
from :mod:`cxm.voc.selectors_metrics` and :mod:`cxm.voc.selectors_text`).

Figures are plain dicts embedded with ``json_script`` (escaped) and drawn by ``cxm.js``;
customer text never goes into a figure (only terms, topic labels, names and numbers).
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxm.web.charts import figure_layout, month_label, right_axis_label

BAR = "#3b5bdb"
LINE = "#e8590c"
MUTED = "#adb5bd"
PALETTE = ("#3b5bdb", "#e8590c", "#2b8a3e", "#c92a2a", "#7048e8", "#0c8599", "#e67700", "#868e96",
           "#d6336c", "#5c940d", "#1864ab", "#a61e4d")
# of the figures that do not set their own
HEIGHT = 320
MARGIN = {"l": 60, "r": 60, "t": 32, "b": 60}


def claim_rate_figure(monthly: list[dict]) -> dict | None:
    """Claims per 1,000 orders per month (bars) and per 1,000 customers (line, right axis)."""
    if not monthly:
        return None
    x = [month_label(r["month"]) for r in monthly]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=[r["per_1000_orders"] for r in monthly], name=_("per 1,000 orders"),
                         marker={"color": BAR}, hovertemplate="%{y:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=[r["per_1000_customers"] for r in monthly], name=_("per 1,000 customers"),
                             yaxis="y2", mode="lines+markers", line={"color": LINE, "width": 3},
                             hovertemplate="%{y:.2f}<extra></extra>"))
    return figure_layout(fig, height=HEIGHT, margin=MARGIN, hovermode="x unified",
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"},
                         xaxis={"type": "category", "showgrid": False},
                         yaxis={"title": {"text": _("per 1,000 orders")}, "rangemode": "tozero",
                                "gridcolor": "#e9ecef"},
                         # own round ticks (Plotly would sync them to the left axis: 3.93, 7.86, ...)
                         annotations=[right_axis_label(_("per 1,000 customers"))],
                         yaxis2={"overlaying": "y", "side": "right", "tickmode": "auto",
                                 "rangemode": "tozero", "showgrid": False})


def histogram_figure(histogram: list[dict]) -> dict | None:
    """Resolution times: cases per bin of hours."""
    if not any(b["n"] for b in histogram):
        return None
    fig = go.Figure(go.Bar(x=[b["bin"] for b in histogram], y=[b["n"] for b in histogram], marker={"color": BAR},
                           hovertemplate=_("%(hours)s hours") % {"hours": "%{x}"} + ": %{y}<extra></extra>"))
    return figure_layout(fig, height=HEIGHT, margin=MARGIN, bargap=0.1,
                         xaxis={"type": "category", "title": {"text": _("Hours to resolution")}},
                         yaxis={"title": {"text": _("Cases")}, "rangemode": "tozero", "gridcolor": "#e9ecef"})


def pareto_figure(rows: list[dict]) -> dict | None:
    """Pareto chart: counts sorted descending (bars, the vital few dark) and the cumulative share
    (line, right axis) with the 80 % mark."""
    if not rows:
        return None
    x = [r["label"] or "—" for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=[r["n"] for r in rows], name=_("Claims"),
                         marker={"color": [BAR if r["vital"] else MUTED for r in rows]},
                         hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=[100 * r["cumulative"] for r in rows], name=_("Cumulative %"), yaxis="y2",
                             mode="lines+markers", line={"color": LINE, "width": 3},
                             hovertemplate="%{y:.1f}%<extra></extra>"))
    # the 80 % mark on the right (cumulative) axis
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y2", y0=80, y1=80,
                  line={"dash": "dot", "color": "#868e96"})
    return figure_layout(fig, height=HEIGHT, margin=MARGIN, showlegend=True,
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.25, "yanchor": "top"},
                         xaxis={"type": "category"},
                         yaxis={"title": {"text": _("Claims")}, "rangemode": "tozero", "gridcolor": "#e9ecef"},
                         annotations=[right_axis_label(_("Cumulative %"))],
                         yaxis2={"overlaying": "y", "side": "right",
                                 "range": [0, 105], "ticksuffix": "%", "showgrid": False,
                                 "tickmode": "array", "tickvals": [0, 20, 40, 60, 80, 100]})


def keyword_figure(terms: list[dict], *, method: str | None) -> dict | None:
    """Keywords of one group: horizontal bars of the log-odds z-score (best on top)."""
    if not terms:
        return None
    terms = list(reversed(terms))  # Plotly draws the first bar at the bottom
    axis = _("z-score of the log-odds ratio") if method == "log-odds" else _("per 1,000 words")
    fig = go.Figure(go.Bar(x=[t["score"] for t in terms], y=[t["term"] for t in terms], orientation="h",
                           marker={"color": BAR}, customdata=[t["count"] for t in terms],
                           hovertemplate="%{y}: %{x:.2f} (%{customdata})<extra></extra>"))
    return figure_layout(fig, height=max(260, 24 * len(terms) + 80), margin={"l": 110, "r": 20, "t": 10, "b": 50},
                         xaxis={"title": {"text": axis}, "gridcolor": "#e9ecef", "zeroline": False},
                         yaxis={"type": "category", "automargin": True})


def _period_label(iso: str, every: str | None) -> str:
    day = date.fromisoformat(iso)
    return month_label(day) if every == "1mo" else date_format(day, "SHORT_DATE_FORMAT")


def topic_trend_figure(trend: list[dict], *, every: str | None = "1mo") -> dict | None:
    """Share of each topic per period (lines); ``every`` is "1mo" (month labels) or "1w"."""
    if not trend:
        return None
    trend = [{**r, "period": _period_label(r["period"], every)} for r in trend]
    fig = go.Figure()
    topics: dict[int, list[dict]] = {}
    for row in trend:  # topics x periods, a few hundred points at most
        topics.setdefault(row["topic"], []).append(row)
    for i, (topic, rows) in enumerate(sorted(topics.items())):
        fig.add_trace(go.Scatter(x=[r["period"] for r in rows], y=[100 * (r["share"] or 0) for r in rows],
                                 name=f"{topic}: {rows[0]['label']}", mode="lines+markers",
                                 line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                                 hovertemplate="%{x}: %{y:.1f}%<extra>%{fullData.name}</extra>"))
    return figure_layout(fig, margin=MARGIN, height=380, hovermode="x unified",
                         legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
                         xaxis={"type": "category", "showgrid": False},
                         yaxis={"title": {"text": _("Share of texts (%)")}, "rangemode": "tozero",
                                "gridcolor": "#e9ecef", "ticksuffix": "%"})
