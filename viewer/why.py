""""Why is it entangled?": one linked pair of rings, both seen open, with a sentence.

The pair is the first linked (or threaded) pair :mod:`topology.entanglement.entangle` found. Both rings are drawn
thick in their nets' colours, the nets' other edges nearby thin and faded, centred on the pair and turned
to the direction from which the smaller ring looks largest: both rings are then seen open, and since
linked rings cross in every projection, the link is plain. The same picture is a 3Dmol scene for the
app (framed on the two rings, rocking slowly for a few seconds) and a vector figure for
``interlace render --why``.
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
from viewer.view3d import LOCAL_3DMOL, safe_json

CONTEXT = 14.0
"""Angstrom around the rings within which the nets' other edges are drawn (faded)."""

ROCK = """viewer.interlaceRock = (function () {  // a slow rock about the vertical, twice, then still as framed
  var start = performance.now(), angle = 0, id = setInterval(function () {
    var t = (performance.now() - start) / 1000, next = t < ROCK_S ? ROCK_DEG * Math.sin(2 * Math.PI * t / (ROCK_S / 2)) : 0;
    viewer.rotate(next - angle, "y");
    angle = next;
    viewer.render();
    if (t >= ROCK_S) clearInterval(id);
  }, 60);
  return id;
})();
""".replace("ROCK_S", "8").replace("ROCK_DEG", "20")
"""3Dmol calls that rock the picture: the link shows as the rings pass each other. The view clears
``viewer.interlaceRock`` (an interval id) when a new scene comes or the reader takes the view."""


@dataclass(frozen=True)
class WhyPicture:
    """Coordinates already turned and centred on the pair, the viewer looking down -z."""

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
    centre = np.vstack([first, second]).mean(axis=0)
    turn = _facing(first - centre, second - centre)
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


def vector_area(ring: np.ndarray) -> np.ndarray:
    """The ring's vector area: its projected area on a plane of unit normal n is abs(n . A)."""
    centred = ring - ring.mean(axis=0)
    return 0.5 * np.cross(centred, np.roll(centred, -1, axis=0)).sum(axis=0)


def _directions(n: int = 1500) -> np.ndarray:
    """Nearly even unit vectors over a hemisphere (a Fibonacci lattice): a direction and its opposite
    show the same projected areas."""
    k = np.arange(n) + 0.5
    z = k / n
    phi = np.pi * (1 + 5 ** 0.5) * k
    r = np.sqrt(1 - z * z)
    return np.column_stack([r * np.cos(phi), r * np.sin(phi), z])


def _facing(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """A rotation (rows) to the view where both rings are seen open: among the directions where the
    smaller projected area is near its largest, the one where no corner of a ring lies close to an edge
    of the other on screen (so every crossing is clear); the picture's width along the rings' longest
    extent on screen."""
    directions = _directions()
    areas = np.abs(directions @ np.array([vector_area(first), vector_area(second)]).T).min(axis=1)
    open_ = directions[areas >= 0.85 * areas.max()]
    clear = np.array([_clearance(_screen(first, n), _screen(second, n)) for n in open_])
    normal = open_[np.argmax(clear)]
    points = np.vstack([first, second])
    flat = points - np.outer(points @ normal, normal)
    _, _, vt = np.linalg.svd(flat)
    x = vt[0] - (vt[0] @ normal) * normal
    x /= np.linalg.norm(x)
    return np.array([x, np.cross(normal, x), normal])


def _screen(ring: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """The ring's corners on a screen facing ``normal`` (2D coordinates)."""
    x = np.cross(normal, [1.0, 0, 0] if abs(normal[0]) < 0.9 else [0, 1.0, 0])
    x /= np.linalg.norm(x)
    return ring @ np.array([x, np.cross(normal, x)]).T


def _clearance(a: np.ndarray, b: np.ndarray) -> float:
    """Smallest distance from a corner of one polygon to an edge of the other."""
    def corners_to_edges(p: np.ndarray, q: np.ndarray) -> float:
        start, end = q, np.roll(q, -1, axis=0)
        d = end - start
        t = np.clip(np.einsum("ijk,jk->ij", p[:, None] - start[None], d) / np.maximum((d * d).sum(axis=1), 1e-12), 0, 1)
        return float(np.linalg.norm(p[:, None] - (start[None] + t[..., None] * d[None]), axis=2).min())
    return min(corners_to_edges(a, b), corners_to_edges(b, a))


def _near_images(point: np.ndarray, centre: np.ndarray, orth: np.ndarray) -> list[np.ndarray]:
    """Lattice translations that bring ``point`` within :data:`CONTEXT` of ``centre``."""
    reach = np.ceil(CONTEXT / np.min(1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1))).astype(int) + 1
    grid = np.array(np.meshgrid(*[np.arange(-reach, reach + 1)] * 3, indexing="ij")).reshape(3, -1).T @ orth.T
    return [t for t in grid if np.linalg.norm(point + t - centre) < CONTEXT]


def why_script(pic: WhyPicture) -> str:
    """3Dmol calls drawing the picture on the app's live viewer (named ``viewer``), framed on the two
    rings and rocking (the component's ``interlaceFit`` and :data:`ROCK`)."""
    view = draw_why(py3Dmol.view(js=LOCAL_3DMOL), pic)
    fit = [[round(float(c), 2) for c in p + d] for p in np.vstack([pic.first, pic.second])
           for d in ((-1.0, 0, 0), (1.0, 0, 0), (0, -1.0, 0), (0, 1.0, 0))]  # the rings with their thickness
    return (view.updatejs.replace("viewer_UNIQUEID", "viewer")
            + f"viewer.interlaceFit = {safe_json(fit)};\n" + ROCK)


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



def why_figure(pic: WhyPicture, fmt: str, width_in: float = 7.2) -> bytes:
    """The picture as a figure (PNG, SVG or PDF), segments drawn back to front so crossings show."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["pdf.fonttype"] = 42
    segments = [(a, b, pic.colors[side], 0.9, 0.25) for a, b, side in pic.context]
    for ring, color in ((pic.first, pic.colors[0]), (pic.second, pic.colors[1])):
        segments += [(a, b, color, 5.0, 1.0) for a, b in zip(ring, np.roll(ring, -1, axis=0))]
    lines = max(1, int(np.ceil(len(pic.sentence) * 0.5 * 7 / 72 / (0.92 * width_in))))  # at 7 pt
    band = (lines * 7 * 1.3 + 6) / 72  # inches under the drawing for the sentence
    height = 0.8 * width_in + band
    fig = plt.figure(figsize=(width_in, height))
    ax = fig.add_axes((0.0, band / height, 1.0, 1.0 - band / height))
    for a, b, color, lw, alpha in sorted(segments, key=lambda s: (s[0][2] + s[1][2]) / 2):
        ax.plot([a[0], b[0]], [a[1], b[1]], color="white", lw=lw + 2.5, alpha=alpha, solid_capstyle="round")
        ax.plot([a[0], b[0]], [a[1], b[1]], color=color, lw=lw, alpha=alpha, solid_capstyle="round")
    hx, hy = np.maximum(np.abs(np.vstack([pic.first, pic.second])[:, :2]).max(axis=0) * 1.12, 4.0)
    hx = max(hx, hy / 0.8)  # the drawing's box is 0.8 times as high as wide
    ax.set_xlim(-hx, hx)
    ax.set_ylim(-0.8 * hx, 0.8 * hx)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.5, 0.5 * band / height, pic.sentence, ha="center", va="center", fontsize=7, wrap=True)
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=300, transparent=False)
    plt.close(fig)
    return out.getvalue()
