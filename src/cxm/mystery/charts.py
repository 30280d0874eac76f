"""Plotly figures of the mystery-shopping pages (the numbers come from :mod:`cxm.mystery.selectors`)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from cxm.web.charts import figure_layout

LINE_COLORS = ("#3b5bdb", "#e8590c", "#2b8a3e", "#c92a2a", "#7048e8", "#1098ad")


def heatmap_figure(*, rows: list[dict], sections: list[dict]) -> dict | None:
    """Branch x section scores (0-100); empty cells where a section had nothing applicable."""
    if not rows or not sections:
        return None
    x = [s["title"] for s in sections]
    y = [r["name"] for r in rows]
    z = [[None if v is None else round(v, 1) for v in r["scores"]] for r in rows]
    fig = go.Figure(go.Heatmap(
        x=x, y=y, z=z, zmin=0, zmax=100, colorscale="RdYlGn", xgap=2, ygap=2,
        text=[[("" if v is None else f"{v:.0f}") for v in row] for row in z], texttemplate="%{text}",
        colorbar={"title": {"text": _("Score")}},
        hovertemplate="%{y} · %{x}<br>" + _("Score") + " %{z:.1f}<extra></extra>",
    ))
    return figure_layout(fig, height=max(260, 36 * len(rows) + 120), margin={"l": 140, "r": 20, "t": 20, "b": 80},
                         yaxis={"autorange": "reversed", "automargin": True},
                         xaxis={"side": "bottom", "automargin": True})


def trend_figure(*, series: list[dict]) -> dict | None:
    """Score per period: one line per series ``{name, points: [{label, score}]}``."""
    if not series or max(len(s["points"]) for s in series) < 2:
        return None
    fig = go.Figure()
    for i, s in enumerate(series):
        fig.add_trace(go.Scatter(
            x=[p["label"] for p in s["points"]], y=[p["score"] for p in s["points"]], name=s["name"],
            mode="lines+markers", line={"color": LINE_COLORS[i % len(LINE_COLORS)], "width": 3 if i == 0 else 2},
            hovertemplate="%{x}<br>" + s["name"] + " %{y:.1f}<extra></extra>",
        ))
    return figure_layout(fig, height=320, margin={"l": 50, "r": 20, "t": 20, "b": 60},
                         yaxis={"title": {"text": _("Score (0-100)")}, "gridcolor": "#e9ecef", "zeroline": False},
                         xaxis={"type": "category"},
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"})
