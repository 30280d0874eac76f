"""Plotly figures of the customer analytics pages (presentation; the numbers come from selectors).

Figures are plain dicts for ``json_script``, drawn by the shell's ``cxm.js`` with the local
Plotly bundle, in the style of :mod:`cxm.web.charts`.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from cxm.web.charts import REVENUE_COLOR, branch_name, figure_layout, month_label
from cxm.web.formatting import currency_symbol

from .models import Profitability, Segment

CLASS_COLORS = {"profitable": "#2b8a3e", "break-even": "#868e96", "losing": "#c92a2a"}
MARGIN = {"l": 72, "r": 24, "t": 24, "b": 56}  # of the figures that do not set their own


def segment_label(value: str) -> str:
    return str(Segment(value).label) if value in Segment.values else (value or "–")


def rfm_grid_figure(grid: dict) -> dict | None:
    """R (rows, 5 on top) x F (columns) heat map of customer counts, each cell named by its segment."""
    if not grid["total"]:
        return None
    counts = np.array(grid["counts"])
    text = [[f"{segment_label(grid['segments'][r][f])}<br>{counts[r, f]:,}" for f in range(5)] for r in range(5)]
    fig = go.Figure(go.Heatmap(
        z=counts.tolist(), x=[str(f) for f in range(1, 6)], y=[str(r) for r in range(1, 6)], text=text,
        texttemplate="%{text}", colorscale="Blues", showscale=True,
        hovertemplate="R %{y} · F %{x}<br>%{text}<extra></extra>", colorbar={"title": {"text": _("Customers")}},
    ))
    return figure_layout(fig, margin=MARGIN, height=480,
                         xaxis={"title": {"text": _("Frequency score (F)")}, "type": "category"},
                         yaxis={"title": {"text": _("Recency score (R)")}, "type": "category"})


def cohort_figure(wide) -> dict | None:
    """Cohort retention heat map: acquisition month (rows) x months since (columns), share in %."""
    if wide is None or wide.height == 0:
        return None
    months = [c for c in wide.columns if c.startswith("m")]
    z = [[None if v is None else round(100 * v, 1) for v in row] for row in wide.select(months).iter_rows()]
    y = [f"{month_label(c)} ({n:,})" for c, n in zip(wide["cohort"].to_list(), wide["cohort_size"].to_list())]
    fig = go.Figure(go.Heatmap(
        z=z, x=[c[1:] for c in months], y=y, colorscale="YlGnBu", zmin=0, zmax=100,
        texttemplate="%{z:.0f}", hovertemplate="%{y}<br>+%{x}: %{z:.1f}%<extra></extra>",
        colorbar={"title": {"text": "%"}},
    ))
    return figure_layout(fig, height=max(360, 22 * len(y) + 120), margin={"l": 150, "r": 24, "t": 24, "b": 56},
                         xaxis={"title": {"text": _("Months since the first purchase")}, "type": "category"},
                         yaxis={"title": {"text": _("Acquisition month (customers)")}, "autorange": "reversed",
                                "type": "category"})


def retention_figure(rates) -> dict | None:
    """Monthly customer retention rate (CRR) and churn rate, in %."""
    if rates is None or rates.height == 0:
        return None
    x = [month_label(d) for d in rates["period"].to_list()]
    crr = [None if v is None else 100 * v for v in rates["retention_rate"].to_list()]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=crr, name=_("Retention rate"), mode="lines+markers",
                             line={"color": REVENUE_COLOR, "width": 3},
                             hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=[None if v is None else 100 - v for v in crr], name=_("Churn rate"),
                             mode="lines", line={"color": "#e8590c", "dash": "dot"},
                             hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    return figure_layout(fig, margin=MARGIN, height=340, xaxis={"type": "category"},
                         yaxis={"title": {"text": "%"}, "rangemode": "tozero"},
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"})


def clv_histogram(values: np.ndarray, *, bins: int = 40) -> dict | None:
    """Customers per CLV band; the top 1 % is gathered in the last band so the bulk stays readable."""
    if values.size == 0:
        return None
    top = float(np.quantile(values, 0.99))
    edges = np.linspace(min(0.0, float(values.min())), top if top > 0 else float(values.max()) or 1.0, bins + 1)
    counts, _edges = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    mids = (edges[:-1] + edges[1:]) / 2
    symbol = currency_symbol()
    fig = go.Figure(go.Bar(x=mids.tolist(), y=counts.tolist(), width=float(edges[1] - edges[0]) * 0.95,
                           marker={"color": REVENUE_COLOR},
                           hovertemplate=f"{symbol}%{{x:,.0f}}: %{{y:,}}<extra></extra>"))
    return figure_layout(fig, margin=MARGIN, height=360, bargap=0.05,
                         xaxis={"title": {"text": _("CLV, next 12 months, discounted")}, "tickprefix": symbol,
                                "tickformat": ",.0f"},
                         yaxis={"title": {"text": _("Customers")}, "tickformat": ","})


def equity_figure(rows: list[dict], *, by: str) -> dict | None:
    """Customer equity (sum of CLV) per branch or segment, horizontal bars."""
    if not rows:
        return None
    names = [branch_name(r) if by == "branch" else segment_label(r["segment"]) for r in rows]
    symbol = currency_symbol()
    fig = go.Figure(go.Bar(x=[int(r["equity"] or 0) for r in rows], y=names, orientation="h",
                           marker={"color": REVENUE_COLOR},
                           hovertemplate=f"%{{y}}: {symbol}%{{x:,}}<extra></extra>"))
    return figure_layout(fig, height=max(260, 30 * len(rows) + 90), margin={"l": 140, "r": 24, "t": 16, "b": 48},
                         xaxis={"title": {"text": _("Customer equity")}, "tickprefix": symbol, "tickformat": "~s"},
                         yaxis={"autorange": "reversed", "type": "category"})


def profit_scatter(points: dict | None) -> dict | None:
    """Revenue (x) against margin (y) of the largest customers, coloured by profitability class."""
    if not points or not points["revenue"]:
        return None
    symbol = currency_symbol()
    fig = go.Figure()
    cls = np.array(points["class"])
    rev, mar = np.array(points["revenue"]), np.array(points["margin"])
    for value, label in Profitability.choices:
        mask = cls == value
        if mask.any():
            fig.add_trace(go.Scattergl(x=rev[mask].tolist(), y=mar[mask].tolist(), mode="markers", name=str(label),
                                       marker={"color": CLASS_COLORS[value], "size": 7, "opacity": 0.75},
                                       hovertemplate=f"{symbol}%{{x:,}} → {symbol}%{{y:,}}<extra>{label}</extra>"))
    fig.add_hline(y=0, line={"color": "#868e96", "dash": "dot"})
    return figure_layout(fig, margin=MARGIN, height=420,
                         xaxis={"title": {"text": _("Revenue")}, "tickprefix": symbol, "tickformat": ",", "type": "log",
                                "dtick": 1, "automargin": True},
                         yaxis={"title": {"text": _("Margin")}, "tickprefix": symbol, "tickformat": ",",
                                "automargin": True},
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"})


def whale_figure(curve: dict | None) -> dict | None:
    """The whale curve: cumulative margin (% of the total) over customers ranked by margin."""
    if not curve or curve["y"] is None:
        return None
    fig = go.Figure(go.Scatter(x=curve["x"], y=curve["y"], mode="lines", line={"color": REVENUE_COLOR, "width": 3},
                               hovertemplate="%{x:.0f}% → %{y:.0f}%<extra></extra>"))
    fig.add_hline(y=100, line={"color": "#868e96", "dash": "dot"})
    return figure_layout(fig, margin=MARGIN, height=360,
                         xaxis={"title": {"text": _("Customers, most profitable first (%)")}, "range": [0, 100]},
                         yaxis={"title": {"text": _("Cumulative margin (% of total)")}, "rangemode": "tozero"})


def matrix_figure(matrix, labels: dict[int, str]) -> dict | None:
    """Customer x product-category margin heat map (diverging: losses red, profits green)."""
    if matrix is None or matrix.height == 0:
        return None
    wide = matrix.pivot(on="category", index="customer_id", values="margin").fill_null(0)
    categories = sorted(c for c in wide.columns if c != "customer_id")
    order = [cid for cid in labels if cid in set(wide["customer_id"].to_list())]
    wide = wide.join(pl.DataFrame({"customer_id": order, "_i": list(range(len(order)))}),
                     on="customer_id").sort("_i")
    z = wide.select(categories).to_numpy()
    bound = float(np.abs(z).max()) or 1.0
    symbol = currency_symbol()
    fig = go.Figure(go.Heatmap(
        z=z.tolist(), x=categories, y=[labels[c] for c in wide["customer_id"].to_list()], zmid=0, zmin=-bound,
        zmax=bound, colorscale="RdYlGn", hovertemplate=f"%{{y}} · %{{x}}: {symbol}%{{z:,.0f}}<extra></extra>",
        colorbar={"title": {"text": _("Margin")}},
    ))
    return figure_layout(fig, height=max(360, 24 * len(order) + 120), margin={"l": 160, "r": 24, "t": 24, "b": 90},
                         xaxis={"type": "category"},
                         yaxis={"autorange": "reversed", "type": "category", "automargin": True})


def score_history_figure(scores: list) -> dict | None:
    """One customer's P(alive) (left axis) and CLV (right axis) at each scored date."""
    points = [s for s in scores if s.p_alive is not None]
    if len(points) < 2:
        return None
    x = [s.as_of.isoformat() for s in points]
    symbol = currency_symbol()
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=[s.p_alive for s in points], name=_("P(alive)"), mode="lines+markers",
                             line={"color": REVENUE_COLOR, "width": 3}, hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=[s.clv for s in points], name=_("CLV"), yaxis="y2", mode="lines+markers",
                             line={"color": "#e8590c"}, hovertemplate=f"%{{x}}: {symbol}%{{y:,}}<extra></extra>"))
    return figure_layout(fig, margin=MARGIN, height=300, xaxis={"type": "category"},
                         yaxis={"title": {"text": _("P(alive)")}, "range": [0, 1.05]},
                         yaxis2={"title": {"text": _("CLV")}, "overlaying": "y", "side": "right", "tickprefix": symbol,
                                 "tickformat": ",", "showgrid": False, "rangemode": "tozero"},
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"})


RISK_COLOR = "#c92a2a"


def feature_label(name: str) -> str:
    """A churn feature's name for people (:data:`cxm.analytics.churn.FEATURES`)."""
    labels = {
        "recency_days": _("Days since the last purchase"), "frequency": _("Purchases"),
        "tenure_days": _("Days since the first purchase"), "ipt_mean": _("Mean days between purchases"),
        "ipt_overdue": _("Overdue (days since last / usual gap)"), "count_trend": _("Trend of purchases"),
        "monetary": _("Revenue"), "avg_amount": _("Mean purchase amount"), "spend_trend": _("Trend of spending"),
        "satisfaction": _("Satisfaction (recommend 0-10)"), "complaints": _("Complaints"),
    }
    if name.startswith("missingindicator_"):
        base = name.removeprefix("missingindicator_")
        return _("%(feature)s is unknown") % {"feature": labels.get(base, base)}
    return str(labels.get(name, name))


def driver_labels(drivers: str, coefficients: dict | None) -> list[str]:
    """A customer's stored drivers ("ipt_overdue,monetary") as "feature: high/low" for people.

    A driver raises the risk, so its value is high where the coefficient is positive and low
    where it is negative (the coefficients of the run that stored it).
    """
    out = []
    for name in (drivers or "").split(","):
        if not name:
            continue
        coef = (coefficients or {}).get(name)
        if coef is None:
            out.append(feature_label(name))
        elif coef > 0:
            out.append(_("%(feature)s: high") % {"feature": feature_label(name)})
        else:
            out.append(_("%(feature)s: low") % {"feature": feature_label(name)})
    return out


def calibration_figure(bins: list[dict]) -> dict | None:
    """Observed churn rate against the mean predicted risk per decile of the holdout, with the diagonal."""
    if not bins:
        return None
    x = [b["mean_predicted"] for b in bins]
    y = [b["observed_rate"] for b in bins]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=_("Perfect calibration"),
                             line={"color": "#868e96", "dash": "dot"}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=_("Holdout deciles"),
                             line={"color": RISK_COLOR, "width": 3}, marker={"size": 9},
                             text=[str(b["bin"]) for b in bins],
                             hovertemplate="%{text}: %{x:.2f} → %{y:.2f}<extra></extra>"))
    return figure_layout(fig, margin=MARGIN, height=380,
                         xaxis={"title": {"text": _("Predicted churn risk (decile mean)")}, "range": [0, 1]},
                         yaxis={"title": {"text": _("Churn rate seen")}, "range": [0, 1]},
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.25, "yanchor": "top"})


def risk_histogram(values: np.ndarray, *, bins: int = 20) -> dict | None:
    """Customers per band of stored churn risk (0-1)."""
    if values.size == 0:
        return None
    counts, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    mids = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(go.Bar(x=mids.tolist(), y=counts.tolist(), width=float(edges[1] - edges[0]) * 0.95,
                           marker={"color": RISK_COLOR}, hovertemplate="%{x:.2f}: %{y:,}<extra></extra>"))
    return figure_layout(fig, margin=MARGIN, height=320, bargap=0.05,
                         xaxis={"title": {"text": _("Churn risk")}, "range": [0, 1]},
                         yaxis={"title": {"text": _("Customers")}, "tickformat": ","})


def drivers_figure(coefficients: dict[str, float]) -> dict | None:
    """The classifier's coefficients on standardised features (right = more churn), horizontal bars."""
    items = sorted(((k, v) for k, v in coefficients.items() if k != "intercept" and v is not None),
                   key=lambda kv: abs(kv[1]))
    if not items:
        return None
    fig = go.Figure(go.Bar(x=[v for _k, v in items], y=[feature_label(k) for k, _v in items], orientation="h",
                           marker={"color": [RISK_COLOR if v > 0 else REVENUE_COLOR for _k, v in items]},
                           hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    return figure_layout(fig, height=max(260, 26 * len(items) + 90), margin={"l": 24, "r": 24, "t": 16, "b": 48},
                         xaxis={"title": {"text": _("Coefficient")}, "zeroline": True},
                         yaxis={"type": "category", "automargin": True})
