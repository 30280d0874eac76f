"""Plotly figures of the survey pages (presentation; the numbers come from cxm.surveys.reports)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from cxm.web.charts import FONT

QUADRANT_COLORS = {"A": "#2b8a3e", "B": "#c92a2a", "C": "#e67700", "D": "#1971c2"}


def quadrant_labels() -> dict[str, str]:
    return {"A": _("A: keep up / strengthen"), "B": _("B: improve first"),
            "C": _("C: improve gradually"), "D": _("D: maintain (possible over-investment)")}


def _padded(values: list[float], low: float, high: float) -> list[float] | None:
    """An axis range around ``values`` with ``low``/``high`` shares of their span added below/above."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) * 0.1 or 1.0
    return [lo - low * span, hi + high * span]


def _with_headroom(fig: go.Figure, importance_mean: float, satisfaction_mean: float) -> None:
    """Room around the points, so that their names stay clear of the quadrant labels in the corners."""
    xs = [importance_mean] + [x for t in fig.data for x in (t.x or ())]
    ys = [satisfaction_mean] + [y for t in fig.data for y in (t.y or ())]
    x_range, y_range = _padded(xs, 0.08, 0.08), _padded(ys, 0.22, 0.28)
    if x_range and y_range:
        fig.update_layout(xaxis={"range": x_range}, yaxis={"range": y_range})


def portfolio_figure(*, elements: list[dict], importance_mean: float, satisfaction_mean: float) -> dict:
    """CS portfolio: importance (x) by satisfaction (y), cross-hairs at the means, quadrants labelled."""
    labels = quadrant_labels()
    # Neighbours (in importance order) put their names on alternate sides, so that close
    # points do not print over each other.
    order = sorted(range(len(elements)), key=lambda i: (elements[i]["importance"] or 0))
    side = {id(elements[i]): ("top center" if rank % 2 == 0 else "bottom center") for rank, i in enumerate(order)}
    fig = go.Figure()
    for quadrant in "ABCD":
        points = [e for e in elements if e["quadrant"] == quadrant]
        if not points:
            continue
        fig.add_trace(go.Scatter(
            x=[e["importance"] for e in points], y=[e["satisfaction"] for e in points],
            text=[e["label"] for e in points], mode="markers+text", textposition=[side[id(e)] for e in points],
            name=labels[quadrant], marker={"size": 14, "color": QUADRANT_COLORS[quadrant]},
            hovertemplate="%{text}<br>" + _("Importance") + " %{x:.3f}<br>" + _("Satisfaction") + " %{y:.1f}<extra></extra>",
        ))
    fig.add_vline(x=importance_mean, line={"dash": "dot", "color": "#868e96"})
    fig.add_hline(y=satisfaction_mean, line={"dash": "dot", "color": "#868e96"})
    for quadrant, (xanchor, yanchor, x, y) in {"A": ("right", "top", 1, 1), "B": ("right", "bottom", 1, 0),
                                                 "C": ("left", "bottom", 0, 0), "D": ("left", "top", 0, 1)}.items():
        fig.add_annotation(text=labels[quadrant], xref="paper", yref="paper", x=x, y=y, xanchor=xanchor,
                           yanchor=yanchor, showarrow=False, font={"color": QUADRANT_COLORS[quadrant], "size": 12})
    fig.update_layout(
        font={"family": FONT}, margin={"l": 60, "r": 20, "t": 20, "b": 50}, height=420, showlegend=False,
        xaxis={"title": {"text": _("Importance")}, "zeroline": False},
        yaxis={"title": {"text": _("Satisfaction (0-100)")}, "zeroline": False},
        plot_bgcolor="#fff", paper_bgcolor="#fff",
    )
    _with_headroom(fig, importance_mean, satisfaction_mean)
    return fig.to_plotly_json()


def item_portfolio_figure(*, items: list[dict], element: str, importance_mean: float, satisfaction_mean: float) -> dict:
    """The item portfolio with one element's items named and coloured; the other items in grey for context.

    Each item: ``label``, ``element``, ``importance``, ``satisfaction``, ``quadrant``; the
    cross-hairs are the means across all items (as in the report).
    """
    mine = [i for i in items if i["element"] == element and i["quadrant"]]
    fig = go.Figure(portfolio_figure(elements=mine, importance_mean=importance_mean,
                                     satisfaction_mean=satisfaction_mean))
    others = [i for i in items if i["element"] != element and i["quadrant"]]
    if others:
        fig.add_trace(go.Scatter(
            x=[i["importance"] for i in others], y=[i["satisfaction"] for i in others],
            text=[i["label"] for i in others], mode="markers", marker={"size": 8, "color": "#ced4da"},
            name=_("Other items"),
            hovertemplate=("%{text}<br>" + _("Importance") + " %{x:.3f}<br>" + _("Satisfaction")
                           + " %{y:.1f}<extra></extra>"),
        ))
    _with_headroom(fig, importance_mean, satisfaction_mean)
    return fig.to_plotly_json()


def trend_figure(*, waves: list[dict]) -> dict:
    """CSI per wave with its 95% interval; a significant change from the previous wave is a triangle.

    Each wave: ``label``, ``csi``, ``low``, ``high``, ``n`` and ``mark`` ("up", "down" or None).
    """
    symbols = {"up": "triangle-up", "down": "triangle-down"}
    colors = {"up": "#2b8a3e", "down": "#c92a2a"}
    fig = go.Figure(go.Scatter(
        x=[w["label"] for w in waves], y=[w["csi"] for w in waves], mode="lines+markers", name="CSI",
        error_y={"type": "data", "symmetric": False, "array": [w["high"] - w["csi"] for w in waves],
                 "arrayminus": [w["csi"] - w["low"] for w in waves]},
        customdata=[w.get("n") for w in waves],
        marker={"symbol": [symbols.get(w.get("mark"), "circle") for w in waves],
                "size": [14 if w.get("mark") else 8 for w in waves],
                "color": [colors.get(w.get("mark"), "#3b5bdb") for w in waves]},
        line={"color": "#3b5bdb"}, hovertemplate="%{x}<br>CSI %{y:.1f}<br>n %{customdata}<extra></extra>",
    ))
    fig.update_layout(font={"family": FONT}, margin={"l": 50, "r": 20, "t": 20, "b": 50}, height=300,
                      yaxis={"title": {"text": "CSI"}}, plot_bgcolor="#fff", paper_bgcolor="#fff")
    return fig.to_plotly_json()
