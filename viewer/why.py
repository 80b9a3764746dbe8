""""Why is it entangled?": one linked pair of rings, seen through the first ring, with a sentence.

The pair is the first linked (or threaded) pair :mod:`topology.entanglement.entangle` found. Both rings are drawn
thick in their nets' colours, the nets' other edges nearby thin and faded, and the picture is turned
so that the viewer looks through the first ring. The same picture is a 3Dmol scene for the app and a
vector figure for ``interlace render --why``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import py3Dmol

from topology.entanglement.entangle import Entanglement
from topology.entanglement.rings import Ring, net_geometry
from topology.net.periodic import lifted_components
from topology.report import NetSummary, Report
from viewer import palette
from viewer.view3d import LOCAL_3DMOL

CONTEXT = 14.0
"""Angstrom around the rings within which the nets' other edges are drawn (faded)."""


@dataclass(frozen=True)
class WhyPicture:
    """Coordinates already turned so that the first ring faces the viewer (looking down -z)."""

    first: np.ndarray  # corners of the first ring
    second: np.ndarray  # corners of the ring linked with it
    context: list[tuple[np.ndarray, np.ndarray, int]]  # faded edges: start, end, 0 (first net) or 1
    colors: tuple[str, str]
    sentence: str


def _ring_name(net: NetSummary) -> str:
    kind = {3: "framework", 2: "layer", 1: "chain"}.get(net.dimensionality, "net")
    return f"the {net.topology} {kind} (net {net.id})" if net.topology else f"the {net.dimensionality}D {kind} (net {net.id})"


def sentence(report: Report, link: Entanglement, first: Ring, second: Ring) -> str:
    """What the picture shows, in words a lecturer can read out."""
    nets = {n.id: n for n in report.nets}
    i, j = link.between
    if i == j:
        who = f"another copy of {_ring_name(nets[j])}"
    else:
        who = _ring_name(nets[j])
    per_cell = f"{link.hopf_links} such links per cell" if link.hopf_links else \
        f"{link.threaded_rings} threaded rings per cell"
    how = "is linked with" if link.hopf_links else "is threaded by"
    return f"This {len(first)}-ring of {_ring_name(nets[i])} {how} a {len(second)}-ring of {who}; {per_cell}."


def picture(report: Report) -> WhyPicture | None:
    """The picture of the first entanglement with a linked pair of rings, or None if there is none."""
    link = next((e for e in report.entanglement if e.example is not None), None)
    if link is None:
        return None
    ring_a, ring_b, shift = link.example
    net = report.net
    frac, orth = net.frac(), np.array(net.cell.orth.mat.tolist())
    first, second = ring_a.points(frac, orth), ring_b.points(frac, orth, shift)
    centre = first.mean(axis=0)
    turn = _facing(first - centre)
    colors = palette.net_colors(report)  # per net, one colour per copy
    context = []
    src, dst, off = net.directed_arrays()
    lifted = lifted_components(net.graph.number_of_nodes(), src, dst, off)
    by_first = {int(lifted.component(c).nodes[0]): lifted.component(c) for c in range(lifted.count)}
    for side, nid in enumerate(link.between):
        summary = next(n for n in report.nets if n.id == nid)
        geometry = net_geometry(src, dst, off, by_first[summary.vertices[0]])
        for u, v, s in geometry.edges:
            a, b = frac[u] @ orth.T, (frac[v] + s) @ orth.T
            for t in _near_images(a, centre, orth):
                context.append(((a + t - centre) @ turn.T, (b + t - centre) @ turn.T, side))
    return WhyPicture((first - centre) @ turn.T, (second - centre) @ turn.T, context,
                      _ring_colors(colors, *link.between),
                      sentence(report, link, ring_a, ring_b))


def _ring_colors(colors: list[tuple[str, ...]], first: int, second: int) -> tuple[str, str]:
    """The two rings' colours as the view draws their nets: two copies of one net each in its own (two
    layers of one stack, which share a colour, in the palette's next one)."""
    if first != second:
        return colors[first][0], colors[second][0]
    own = colors[first]
    return own[0], own[1] if len(own) > 1 else next(c for c in palette.ORDER if c != own[0])


def _facing(points: np.ndarray) -> np.ndarray:
    """A rotation (rows) that turns the ring's mean plane to face the viewer (its normal along z)."""
    _, _, vt = np.linalg.svd(points)
    normal = vt[2]
    x = vt[0]
    y = np.cross(normal, x)
    return np.array([x, y, normal])


def _near_images(point: np.ndarray, centre: np.ndarray, orth: np.ndarray) -> list[np.ndarray]:
    """Lattice translations that bring ``point`` within :data:`CONTEXT` of ``centre``."""
    reach = np.ceil(CONTEXT / np.min(1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1))).astype(int) + 1
    grid = np.array(np.meshgrid(*[np.arange(-reach, reach + 1)] * 3, indexing="ij")).reshape(3, -1).T @ orth.T
    return [t for t in grid if np.linalg.norm(point + t - centre) < CONTEXT]


def why_script(pic: WhyPicture) -> str:
    """3Dmol calls drawing the picture on the app's live viewer (named ``viewer``)."""
    return draw_why(py3Dmol.view(js=LOCAL_3DMOL), pic).updatejs.replace("viewer_UNIQUEID", "viewer")


def draw_why(view: py3Dmol.view, pic: WhyPicture) -> py3Dmol.view:
    """The picture drawn on a py3Dmol view (the app's live viewer, a notebook's view)."""
    view.setBackgroundColor("white")
    for a, b, side in pic.context:
        view.addCylinder({"start": dict(zip("xyz", map(float, a))), "end": dict(zip("xyz", map(float, b))),
                          "radius": 0.12, "color": pic.colors[side], "opacity": 0.25})
    for ring, color in ((pic.first, pic.colors[0]), (pic.second, pic.colors[1])):
        for a, b in zip(ring, np.roll(ring, -1, axis=0)):
            view.addCylinder({"start": dict(zip("xyz", map(float, a))), "end": dict(zip("xyz", map(float, b))),
                              "radius": 0.55, "color": color, "fromCap": 1, "toCap": 1})
        for p in ring:
            view.addSphere({"center": dict(zip("xyz", map(float, p))), "radius": 0.9, "color": color})
    view.zoomTo()
    return view


def why_figure(pic: WhyPicture, fmt: str, width_in: float = 3.5) -> bytes:
    """The picture as a figure (PNG, SVG or PDF), segments drawn back to front so crossings show."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["pdf.fonttype"] = 42
    segments = [(a, b, pic.colors[side], 0.9, 0.25) for a, b, side in pic.context]
    for ring, color in ((pic.first, pic.colors[0]), (pic.second, pic.colors[1])):
        segments += [(a, b, color, 5.0, 1.0) for a, b in zip(ring, np.roll(ring, -1, axis=0))]
    fig, ax = plt.subplots(figsize=(width_in, width_in + 0.6))
    for a, b, color, lw, alpha in sorted(segments, key=lambda s: (s[0][2] + s[1][2]) / 2):
        ax.plot([a[0], b[0]], [a[1], b[1]], color="white", lw=lw + 2.5, alpha=alpha, solid_capstyle="round")
        ax.plot([a[0], b[0]], [a[1], b[1]], color=color, lw=lw, alpha=alpha, solid_capstyle="round")
    span = max(np.abs(np.vstack([pic.first, pic.second])[:, :2]).max() * 1.6, 4.0)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.5, 0.02, pic.sentence, ha="center", va="bottom", fontsize=7, wrap=True)
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=300, bbox_inches="tight", transparent=False)
    plt.close(fig)
    return out.getvalue()
