"""Layout of the path diagram, drawn as server-side SVG by ``pathmodels/_diagram.html``.

Constructs are placed in columns by their longest distance from an exogenous construct (a
DAG always has one), ordered within a column by the mean height of their sources (one
barycentre pass, enough to untangle the usual national-index models); arrows run from the
right edge of the source to the left edge of the target and carry the path coefficient.
"""

from __future__ import annotations

from dataclasses import dataclass

BOX_W, BOX_H = 176, 64
COL_GAP, ROW_GAP = 110, 26
PAD = 24
NAME_MAX = 22  # longer construct names are shortened in the box (the full name is its tooltip)


@dataclass(frozen=True)
class Node:
    name: str
    short: str
    x: float
    y: float
    index: float | None
    r2: float | None

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_H / 2

    @property
    def name_y(self) -> float:
        return self.y + 26

    @property
    def figures_y(self) -> float:
        return self.y + 47


@dataclass(frozen=True)
class Edge:
    key: str
    source: str
    target: str
    d: str  # SVG path: a straight line, or an arc over/under the boxes for a path that skips columns
    lx: float  # label position
    ly: float
    coef: float
    width: float
    negative: bool
    significant: bool | None

    @property
    def bg_x(self) -> float:
        return self.lx - 25

    @property
    def bg_y(self) -> float:
        return self.ly - 10


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    box_w: int = BOX_W
    box_h: int = BOX_H

    @property
    def min_width(self) -> float:
        """Shrink a wide diagram to fit at most this far (then the frame scrolls): text stays legible."""
        return 0.75 * self.width


def _layers(names: list[str], paths: list[tuple[str, str]]) -> dict[str, int]:
    layer = dict.fromkeys(names, 0)
    for _round in range(len(names)):  # longest-path layering; a DAG settles in k rounds
        changed = False
        for a, b in paths:
            if layer[b] < layer[a] + 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    return layer


def diagram_layout(*, names: list[str], paths: list[tuple[str, str]], coefficients: dict[str, float],
                   r2: dict[str, float], index: dict[str, float],
                   significant: dict[str, bool] | None = None) -> Diagram:
    """Box and arrow coordinates of a fitted model (keys of ``coefficients``: ``"A->B"``)."""
    layer = _layers(names, paths)
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(layer[n], []).append(n)
    rows = max(len(c) for c in columns.values())
    height = 2 * PAD + rows * BOX_H + (rows - 1) * ROW_GAP
    ypos: dict[str, float] = {}
    for col in sorted(columns):
        members = columns[col]
        if col > 0:  # barycentre of the sources' heights
            def centre(n: str) -> float:
                ys = [ypos[a] for a, b in paths if b == n and a in ypos]
                return sum(ys) / len(ys) if ys else height / 2
            members = sorted(members, key=centre)
        block = len(members) * BOX_H + (len(members) - 1) * ROW_GAP
        top = (height - block) / 2
        for i, n in enumerate(members):
            ypos[n] = top + i * (BOX_H + ROW_GAP)
    ncols = max(columns) + 1
    width = 2 * PAD + ncols * BOX_W + (ncols - 1) * COL_GAP
    xpos = {n: PAD + layer[n] * (BOX_W + COL_GAP) for n in names}
    strongest = max((abs(v) for v in coefficients.values() if v == v), default=1.0) or 1.0

    # Geometry before the vertical shift that makes room for the arcs.
    raw = []
    skips = sorted((p for p in paths if layer[p[1]] - layer[p[0]] > 1), key=lambda p: layer[p[1]] - layer[p[0]])
    side_of = {p: ("above" if i % 2 == 0 else "below") for i, p in enumerate(skips)}
    used: dict[tuple[str, int], int] = {}
    for a, b in paths:
        if (a, b) in side_of:
            # A path that skips columns arcs over (or under) the boxes between, from the top
            # (bottom) centre of the source to that of the target; longer spans arc higher.
            span = layer[b] - layer[a]
            side = side_of[(a, b)]
            key = (side, span)
            bump = used.get(key, 0)
            used[key] = bump + 1
            lift = 30 + 26 * (span - 1) + 16 * bump
            x1, x2 = xpos[a] + BOX_W / 2, xpos[b] + BOX_W / 2 - 6
            if side == "above":
                y1, y2 = ypos[a], ypos[b] - 4
                cy = min(y1, y2) - 2 * lift
            else:
                y1, y2 = ypos[a] + BOX_H, ypos[b] + BOX_H + 4
                cy = max(y1, y2) + 2 * lift
            cx = (x1 + x2) / 2
            # the quadratic curve's midpoint (t = 1/2) carries the label
            raw.append((a, b, "Q", (x1, y1, cx, cy, x2, y2), (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4))
        else:
            x1, y1 = xpos[a] + BOX_W, ypos[a] + BOX_H / 2
            x2, y2 = xpos[b] - 4, ypos[b] + BOX_H / 2  # stop short: the arrow head ends on the box
            # labels nearer the source, where fanned-in arrows are still apart
            raw.append((a, b, "L", (x1, y1, x2, y2), x1 + 0.4 * (x2 - x1), y1 + 0.4 * (y2 - y1)))
    ys = [v for r in raw for v in r[3][1::2]] + [r[5] for r in raw]
    top = min(0.0, min(ys, default=0.0) - PAD)
    bottom = max(height, max(ys, default=0.0) + PAD)
    dy = -top
    height = bottom - top

    nodes = {
        n: Node(n, n if len(n) <= NAME_MAX else n[: NAME_MAX - 1] + "…", xpos[n], ypos[n] + dy,
                index.get(n), r2.get(n))
        for n in names
    }
    edges = []
    for a, b, kind, pts, lx, ly in raw:
        key = f"{a}->{b}"
        coef = coefficients.get(key)
        coef = float("nan") if coef is None else float(coef)
        shifted = [v + (dy if i % 2 else 0) for i, v in enumerate(pts)]
        if kind == "L":
            d = "M{:.1f},{:.1f} L{:.1f},{:.1f}".format(*shifted)
        else:
            d = "M{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}".format(*shifted)
        edges.append(Edge(
            key=key, source=a, target=b, d=d, lx=lx, ly=ly + dy, coef=coef,
            width=1.2 + 3.8 * (abs(coef) / strongest if coef == coef else 0),
            negative=coef < 0, significant=None if significant is None else significant.get(key),
        ))
    return Diagram(width, height, list(nodes.values()), edges)
