"""Figures for papers and talks: a scene drawn as a true vector drawing (SVG, PDF) or a PNG.

The scene goes through crystal-toolkit's scene description (``Scene`` of ``Spheres``,
``Cylinders`` and ``Lines``): partially occupied sites are ``Spheres`` with ``phiEnd`` set to
the occupied fraction of the turn, which this renderer draws as VESTA does, a filled sector for
the occupancy on a white disc. Atoms and bonds are depth-sorted (painter's algorithm) and drawn
with matplotlib, whose SVG and PDF backends write vectors only.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, Wedge

from viewer.scene import Scene

VIEWS = ("a", "b", "c")
FORMATS = ("png", "svg", "pdf")
MAX_WIDTH = 8000
"""Widest PNG (pixels) that ``interlace render`` writes."""


def to_ctk_scene(scene: Scene, name: str = "structure"):
    """Our scene as a crystal-toolkit ``Scene``: spheres grouped by colour, radius and occupancy,
    bonds as two half-cylinders in their atoms' colours, the net as cylinders, the cell as lines."""
    from crystal_toolkit.core.scene import Cylinders, Lines, Spheres
    from crystal_toolkit.core.scene import Scene as CtkScene

    groups: dict[tuple, list] = defaultdict(list)
    for atom in scene.atoms:
        occ = round(atom["occ"], 3)
        groups[(atom["color"], round(atom["radius"], 3), occ, round(atom["opacity"], 2))].append(
            [float(x) for x in atom["xyz"]])
    contents: list = []
    for (color, radius, occ, opacity), positions in groups.items():
        contents.append(Spheres(positions=positions, color=color, radius=radius, phiStart=0.0 if occ < 1 else None,
                                phiEnd=2 * math.pi * occ if occ < 1 else None, _meta={"opacity": opacity}))
    halves: dict[tuple, list] = defaultdict(list)
    for a, b in scene.bonds:
        pa, pb = np.asarray(scene.atoms[a]["xyz"]), np.asarray(scene.atoms[b]["xyz"])
        mid = (pa + pb) / 2
        op = min(scene.atoms[a]["opacity"], scene.atoms[b]["opacity"])
        halves[(scene.atoms[a]["color"], round(op, 2))].append([pa.tolist(), mid.tolist()])
        halves[(scene.atoms[b]["color"], round(op, 2))].append([mid.tolist(), pb.tolist()])
    for (color, opacity), pairs in halves.items():
        contents.append(Cylinders(positionPairs=pairs, color=color, radius=0.1, _meta={"opacity": opacity}))
    for edge in scene.net_edges:
        contents.append(Cylinders(positionPairs=[[list(map(float, edge["start"])), list(map(float, edge["end"]))]],
                                  color=edge["color"], radius=0.3, _meta={"dashed": edge["partial"], "opacity": 1.0}))
    for node in scene.net_nodes:
        contents.append(Spheres(positions=[list(map(float, node["xyz"]))], color=node["color"],
                                radius=node["radius"], _meta={"opacity": 0.95}))
    if scene.cell_edges:
        contents.append(Lines(positions=[list(map(float, p)) for edge in scene.cell_edges for p in edge],
                              color="#455A64"))
    return CtkScene(name=name, contents=contents)


def view_basis(cell: np.ndarray, view: str) -> np.ndarray:
    """Rows: screen x, screen y and the direction towards the viewer, looking down axis ``view``."""
    k = VIEWS.index(view)
    toward = cell[:, k] / np.linalg.norm(cell[:, k])
    up_axis = cell[:, (k + 2) % 3]
    up = up_axis - np.dot(up_axis, toward) * toward
    up /= np.linalg.norm(up)
    return np.array([np.cross(up, toward), up, toward])


def _lighter(color: str, amount: float = 0.55) -> tuple[float, float, float]:
    rgb = matplotlib.colors.to_rgb(color)
    return tuple(c + (1 - c) * amount for c in rgb)


def draw(ctk_scene, cell: np.ndarray, view: str = "c", width_px: int = 1600, height_px: int | None = None,
         transparent: bool = False, title: str = "", legend: list[tuple[str, str]] = (),
         progress: float | None = None):
    """A matplotlib figure of a crystal-toolkit scene, seen down a cell axis."""
    basis = view_basis(cell, view)
    items = []  # (depth, kind, data)
    for primitive in ctk_scene.contents:
        meta = primitive._meta or {}
        opacity = meta.get("opacity", 1.0)
        if primitive.type == "spheres":
            fraction = (primitive.phiEnd / (2 * math.pi)) if primitive.phiEnd is not None else 1.0
            for p in primitive.positions:
                q = basis @ np.asarray(p)
                items.append((q[2], "sphere", (q[:2], primitive.radius, primitive.color, fraction, opacity)))
        elif primitive.type == "cylinders":
            for s, e in primitive.positionPairs:
                qs, qe = basis @ np.asarray(s), basis @ np.asarray(e)
                items.append(((qs[2] + qe[2]) / 2 - 0.05, "bond",
                              (qs[:2], qe[:2], primitive.radius, primitive.color, opacity, meta.get("dashed", False))))
        elif primitive.type == "lines":
            pts = primitive.positions
            for s, e in zip(pts[0::2], pts[1::2]):
                qs, qe = basis @ np.asarray(s), basis @ np.asarray(e)
                items.append((-1e9, "line", (qs[:2], qe[:2], primitive.color)))
    items.sort(key=lambda item: item[0])
    points = np.array([d[0] for _, kind, d in items if kind == "sphere"] +
                      [d[0] for _, kind, d in items if kind in ("bond", "line")] +
                      [d[1] for _, kind, d in items if kind in ("bond", "line")]).reshape(-1, 2)
    lo, hi = (points.min(axis=0) - 3, points.max(axis=0) + 3) if len(points) else (np.zeros(2), np.ones(2))
    aspect = (hi[1] - lo[1]) / max(hi[0] - lo[0], 1e-6)
    height_px = height_px or int(min(max(width_px * aspect, width_px * 0.5), width_px * 1.6)) + (
        int(width_px * 0.06) if legend else 0)
    dpi = 100
    fig = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    fig.patch.set_alpha(0.0 if transparent else 1.0)
    ax = fig.add_axes((0.01, 0.07 if legend else 0.01, 0.98, 0.86 if legend else 0.92))
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    # points per Angstrom, to give bonds a width in data units
    scale = ax.get_window_extent().width / (hi[0] - lo[0]) * 72 / dpi
    for _, kind, d in items:
        if kind == "sphere":
            _sphere(ax, *d)
        elif kind == "bond":
            s, e, radius, color, opacity, dashed = d
            ax.plot([s[0], e[0]], [s[1], e[1]], color=color, alpha=opacity, lw=max(2 * radius * scale, 0.5),
                    solid_capstyle="round", ls=(0, (2, 1.5)) if dashed else "-")
        else:
            s, e, color = d
            ax.plot([s[0], e[0]], [s[1], e[1]], color=color, lw=0.8)
    if title:
        fig.text(0.5, 0.985, title, ha="center", va="top", fontsize=max(width_px / 110, 8))
    if progress is not None:  # a movie's time bar along the bottom edge
        fig.add_artist(matplotlib.patches.Rectangle((0, 0), progress, 0.012, transform=fig.transFigure,
                                                    color="#1E88E5"))
    if legend:
        handles = [plt.Line2D([], [], marker="o", ls="", color=c, markersize=max(width_px / 200, 6), label=t)
                   for c, t in legend]
        fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), frameon=False,
                   fontsize=max(width_px / 160, 7))
    return fig


def _sphere(ax, centre: np.ndarray, radius: float, color: str, fraction: float, opacity: float) -> None:
    """A shaded disc; a partially occupied site as a sector of the occupied fraction on white."""
    x, y = centre
    if fraction >= 0.999:
        ax.add_patch(Circle((x, y), radius, facecolor=color, edgecolor="#263238", lw=0.4, alpha=opacity))
        ax.add_patch(Circle((x - 0.3 * radius, y + 0.3 * radius), 0.35 * radius, facecolor=_lighter(color),
                            edgecolor="none", alpha=0.7 * opacity))
        return
    ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor="#263238", lw=0.4))
    ax.add_patch(Wedge((x, y), radius, 90, 90 + 360 * fraction, facecolor=color, edgecolor="#263238", lw=0.4))


def save(fig, fmt: str) -> bytes:
    """The figure's bytes, reproducible: no dates in the metadata, fixed SVG ids."""
    plt.rcParams["svg.hashsalt"] = "interlace"
    buffer = io.BytesIO()
    metadata = {"png": {"Software": None}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    fig.savefig(buffer, format=fmt, dpi=100, metadata=metadata, transparent=fig.patch.get_alpha() == 0.0)
    plt.close(fig)
    return buffer.getvalue()
