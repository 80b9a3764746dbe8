"""A 2D drawing of the quotient net (networkx layout, matplotlib), vertices coloured by net and
edges labelled with their lattice offsets: the connectivity a reader can check by hand."""

from __future__ import annotations

import io
import math
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from topology.classify import Report
from viewer import style

MAX_DRAWN = 120
"""Vertices beyond this are not drawn one by one (the table still lists every net)."""


def draw_graph(report: Report, width: float = 6.0, height: float = 4.5):
    """A matplotlib figure of the quotient graph of ``report``'s net."""
    g = report.net.graph
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_axis_off()
    n = g.number_of_nodes()
    if n == 0 or n > MAX_DRAWN:
        ax.text(0.5, 0.5, "no vertices" if n == 0 else f"{n} vertices: too many to draw one by one",
                ha="center", va="center", transform=ax.transAxes)
        return fig
    colors = style.net_colors([net.dimensionality for net in report.nets])
    net_of = report.net_of_vertex()
    pos = nx.kamada_kawai_layout(nx.Graph(g)) if n > 2 else nx.circular_layout(g)
    points = np.array([pos[v] for v in g])
    gaps = np.linalg.norm(points[:, None] - points[None], axis=2) + np.eye(n) * 1e9
    petal = 0.3 * (gaps.min() if n > 1 else 1.0)  # loops sized to the room around a vertex
    edges = report.net.edges()
    between = Counter(frozenset((u, v)) for u, v, _, _ in edges)  # edges joining the same vertices
    drawn: Counter = Counter()
    for u, v, off, data in edges:
        partial = data["occupancy"] < 0.999
        kw = {"color": style.PARTIAL_LINKER_COLOR if partial else "#546E7A", "lw": 2.0,
              "ls": "--" if partial else "-"}
        pair = frozenset((u, v))
        drawn[pair] += 1
        k, m = drawn[pair] - 1, between[pair]
        if u == v:  # a linker to the vertex's own image: a loop, one petal per offset around the vertex
            _petal(ax, pos[u], math.pi / 2 + 2 * math.pi * k / m, petal, str(off), kw)
        else:  # edges joining the same two vertices (different offsets) bow apart
            a, b = (pos[u], pos[v]) if u < v else (pos[v], pos[u])
            _arc(ax, a, b, 0.22 * (k - (m - 1) / 2), str(off), kw)
    for v in g:
        x, y = pos[v]
        ax.scatter([x], [y], s=420, color=colors[net_of[v]], edgecolors="#263238", zorder=2)
        ax.annotate(str(v), (x, y), ha="center", va="center", fontsize=8, zorder=3)
    ax.set_aspect("equal")
    ax.margins(0.2)
    fig.tight_layout()
    return fig


def _arc(ax, a, b, bow: float, label: str, kw: dict) -> None:
    """An edge from ``a`` to ``b`` bowed sideways by ``bow`` times its length, labelled at its middle."""
    (x1, y1), (x2, y2) = a, b
    mid = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
    normal = np.array([y1 - y2, x2 - x1])  # length-sized, perpendicular to the edge
    path = Path([(x1, y1), tuple(mid + 2 * bow * normal), (x2, y2)], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    ax.add_patch(PathPatch(path, fill=False, zorder=1, **kw))
    ax.annotate(label, tuple(mid + bow * normal), ha="center", va="center", fontsize=8, color="#37474F",
                annotation_clip=False, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def _petal(ax, center, angle: float, size: float, label: str, kw: dict) -> None:
    """A loop drawn as a petal pointing along ``angle``, labelled at its tip."""
    x, y = center
    spread = 0.45
    c1 = (x + 1.3 * size * math.cos(angle - spread), y + 1.3 * size * math.sin(angle - spread))
    c2 = (x + 1.3 * size * math.cos(angle + spread), y + 1.3 * size * math.sin(angle + spread))
    path = Path([(x, y), c1, c2, (x, y)], [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
    ax.add_patch(PathPatch(path, fill=False, zorder=1, **kw))
    tip = (x + 1.2 * size * math.cos(angle), y + 1.2 * size * math.sin(angle))
    ax.update_datalim([tip])
    ax.annotate(label, tip, ha="center", va="center", fontsize=8, color="#37474F", annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def graph_image(report: Report, fmt: str = "svg") -> bytes:
    """The drawing as SVG (vector, reproducible) or PNG bytes."""
    fig = draw_graph(report)
    buffer = io.BytesIO()
    plt.rcParams["svg.hashsalt"] = "interlace"
    plt.rcParams["svg.fonttype"] = "none"  # labels stay text, editable in a figure
    fig.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    plt.close(fig)
    return buffer.getvalue()
