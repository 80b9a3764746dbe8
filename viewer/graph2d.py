"""A 2D drawing of the quotient net (networkx layout, matplotlib), vertices coloured by net and
edges labelled with their lattice offsets: the connectivity a reader can check by hand."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx

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
    loops: dict[int, int] = {}
    for u, v, off, data in report.net.edges():
        partial = data["occupancy"] < 0.999
        kw = {"color": style.PARTIAL_LINKER_COLOR if partial else "#546E7A", "lw": 2.0,
              "ls": "--" if partial else "-"}
        if u == v:  # a linker to the vertex's own image: a loop, one ring per offset
            k = loops[u] = loops.get(u, 0) + 1
            (x, y) = pos[u]
            r = 0.06 + 0.035 * k
            ax.add_patch(plt.Circle((x, y + r), r, fill=False, **kw))
            ax.annotate(str(off), (x + 0.12, y + 2 * r), fontsize=8, color="#37474F")
        else:
            (x1, y1), (x2, y2) = pos[u], pos[v]
            ax.plot([x1, x2], [y1, y2], zorder=1, **kw)
            ax.annotate(str(off), ((x1 + x2) / 2, (y1 + y2) / 2), fontsize=8, color="#37474F")
    for v in g:
        x, y = pos[v]
        ax.scatter([x], [y], s=420, color=colors[net_of[v]], edgecolors="#263238", zorder=2)
        ax.annotate(str(v), (x, y), ha="center", va="center", fontsize=8, zorder=3)
    ax.set_aspect("equal")
    ax.margins(0.2)
    fig.tight_layout()
    return fig


def graph_image(report: Report, fmt: str = "svg") -> bytes:
    """The drawing as SVG (vector, reproducible) or PNG bytes."""
    fig = draw_graph(report)
    buffer = io.BytesIO()
    plt.rcParams["svg.hashsalt"] = "interlace"
    fig.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    plt.close(fig)
    return buffer.getvalue()
