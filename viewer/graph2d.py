"""2D drawings of the nets (matplotlib): for students, a small piece of each net as it extends in
space, named and in its colour (:func:`draw_patches`); for experts, the quotient graph (networkx
layout), vertices coloured by net and edges labelled with their lattice offsets: the connectivity a
reader can check by hand (:func:`draw_graph`)."""

from __future__ import annotations

import io
import itertools
import math
from collections import Counter
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from topology.report import NetSummary, Report
from viewer import palette, style

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
    colors = [c[0] for c in palette.net_colors(report)]
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


def graph_image(report: Report, fmt: str = "svg", width: float = 6.0) -> bytes:
    """The drawing as SVG (vector, reproducible) or PNG bytes, ``width`` inches wide (a journal column's
    width for a download: 7.2 or 3.5)."""
    fig = draw_graph(report, width, 0.75 * width)
    buffer = io.BytesIO()
    plt.rcParams["svg.hashsalt"] = "interlace"
    plt.rcParams["svg.fonttype"] = "none"  # labels stay text, editable in a figure
    fig.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    plt.close(fig)
    return buffer.getvalue()


PATCH_NODES = 90
"""At most this many nodes in the drawn piece of a net (the radius shrinks until it fits)."""
MAX_PATCHES = 4


@dataclass
class Patch:
    """A piece of one net around one of its nodes, in Cartesian Angstrom: nodes, edges (index pairs)
    and whether each edge's linker is partly occupied."""

    points: np.ndarray
    edges: list[tuple[int, int]]
    partial: list[bool]


def net_patch(report: Report, net: NetSummary, reach: float = 1.8) -> Patch:
    """The nodes of one copy of ``net`` within ``reach`` edge lengths of its first node, and the edges
    between them: a 3x3x3 block for pcu, a 3x3 square for sql."""
    orth = np.array(report.net.cell.orth.mat.tolist())
    frac = report.net.frac()
    members = set(net.vertices)
    edges = [(u, v, np.asarray(off), d["occupancy"] < 0.999) for u, v, off, d in report.net.edges() if u in members]
    lengths = [np.linalg.norm(orth @ (frac[v] + off - frac[u])) for u, v, off, _ in edges]
    unit = float(np.median(lengths)) if lengths else 1.0
    start = net.vertices[0]
    origin = orth @ frac[start]
    reciprocal = np.linalg.norm(np.linalg.inv(orth), axis=1)  # cells per Angstrom along each axis
    radius = reach * unit
    while True:
        span = [int(np.ceil(radius * r)) + 1 for r in reciprocal]
        index: dict[tuple[int, tuple[int, ...]], int] = {}
        points = []
        for t in itertools.product(*(range(-s, s + 1) for s in span)):
            for v in net.vertices:
                p = orth @ (frac[v] + t)
                if np.linalg.norm(p - origin) <= radius + 1e-6:
                    index[(v, t)] = len(points)
                    points.append(p)
        pairs, partial = [], []
        for (u, t), a in index.items():
            for eu, ev, off, part in edges:
                if eu == u:
                    b = index.get((ev, tuple(int(x) for x in np.asarray(t) + off)))
                    if b is not None and b != a:
                        pairs.append((a, b))
                        partial.append(part)
        keep = _component_of(index.get((start, (0, 0, 0)), 0), len(points), pairs)
        if len(keep) <= PATCH_NODES or radius <= unit:
            break
        radius *= 0.85
    renumber = {old: new for new, old in enumerate(sorted(keep))}
    kept = [(renumber[a], renumber[b], p) for (a, b), p in zip(pairs, partial) if a in renumber and b in renumber]
    return Patch(np.array([points[k] for k in sorted(keep)]), [(a, b) for a, b, _ in kept], [p for _, _, p in kept])


def _component_of(start: int, n: int, pairs: list[tuple[int, int]]) -> set[int]:
    """The nodes joined to ``start`` (one copy of an interpenetrated net, not the others)."""
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(pairs)
    return nx.node_connected_component(g, start) if n else set()


def flatten(patch: Patch, net: NetSummary) -> tuple[np.ndarray, np.ndarray]:
    """Screen coordinates and depth of a patch: a layer face on, a framework turned a little so that
    its depth shows; the first edge horizontal."""
    pts = patch.points - patch.points.mean(axis=0)
    vectors = [patch.points[b] - patch.points[a] for a, b in patch.edges] or [np.array([1.0, 0, 0])]
    right = vectors[0] / np.linalg.norm(vectors[0])
    others = [v - np.dot(v, right) * right for v in vectors[1:]]
    others = [v for v in others if np.linalg.norm(v) > 1e-3 * np.linalg.norm(vectors[0])]
    up = max(others, key=np.linalg.norm) if others else np.cross(right, [0.3, 0.5, 0.8])
    if net.dimensionality == 3 and len(others) > 1:  # up: the edge most perpendicular to the first
        up = max(others, key=lambda v: np.linalg.norm(v) / (np.linalg.norm(v + np.dot(v, right) * right) + 1e-9))
    up /= np.linalg.norm(up)
    rows = np.array([right, up, np.cross(right, up)])
    if net.dimensionality == 3:
        a, b = np.radians(-22), np.radians(28)
        about_x = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
        about_y = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
        rows = about_x @ about_y @ rows
    turned = pts @ rows.T
    return turned[:, :2], turned[:, 2]


def draw_patches(report: Report, width: float = 6.0):
    """A figure with a small piece of each net (at most :data:`MAX_PATCHES`), named, in its colour."""
    nets = [n for n in report.nets if n.dimensionality > 0]
    shown = nets[:MAX_PATCHES]
    colors = palette.net_colors(report)
    columns = max(1, min(len(shown), 2))
    rows = max(1, -(-len(shown) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(width, 3.0 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    if not shown:
        axes[0, 0].text(0.5, 0.5, "no net extends through this crystal: only discrete units",
                        ha="center", va="center", transform=axes[0, 0].transAxes)
        return fig
    for ax, net in zip(axes.ravel(), shown):
        color = colors[net.id][0]
        patch = net_patch(report, net)
        xy, depth = flatten(patch, net)
        span = float(np.ptp(depth))
        near = (depth - depth.min()) / span if net.dimensionality == 3 and span > 1e-6 else np.ones(len(depth))
        for (a, b), partial in sorted(zip(patch.edges, patch.partial), key=lambda e: near[e[0][0]] + near[e[0][1]]):
            fade = 0.35 + 0.65 * (near[a] + near[b]) / 2
            ax.plot(*zip(xy[a], xy[b]), color=style.PARTIAL_LINKER_COLOR if partial else color, lw=2.4,
                    ls="--" if partial else "-", alpha=fade, solid_capstyle="round", zorder=1 + near[a] + near[b])
        order = np.argsort(near)
        ax.scatter(xy[order, 0], xy[order, 1], s=30 + 50 * near[order], c=[color], edgecolors="#263238",
                   linewidths=0.8, alpha=1.0, zorder=4)
        name = net.topology or f"unnamed {net.dimensionality}D net"
        copies = f", one of {net.fold} copies" if net.fold > 1 else ""
        ax.set_title(f"net {net.id}: {name} {WHAT[net.dimensionality]}\n{_connected(net)}{copies}",
                     fontsize=10, color="#263238")
        ax.set_aspect("equal")
        ax.margins(0.08)
    if len(nets) > len(shown):
        fig.text(0.5, 0.01, f"and {len(nets) - len(shown)} more nets (listed in the table)", ha="center", fontsize=9)
    fig.tight_layout()
    return fig


WHAT = {3: "framework", 2: "layer", 1: "chain"}


def _connected(net: NetSummary) -> str:
    return ",".join(map(str, sorted(net.node_degrees))) + "-connected nodes"


def patch_image(report: Report, fmt: str = "png") -> bytes:
    """The pieces of the nets as PNG or SVG bytes."""
    fig = draw_patches(report)
    buffer = io.BytesIO()
    plt.rcParams["svg.hashsalt"] = "interlace"
    plt.rcParams["svg.fonttype"] = "none"
    fig.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    plt.close(fig)
    return buffer.getvalue()
