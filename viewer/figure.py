"""Figures for papers and talks: a scene drawn as a true vector drawing (SVG, PDF) or a PNG.

The scene goes through crystal-toolkit's scene description (a ``Scene`` of ``Spheres``,
``Cylinders`` and ``Lines``, with the cell as its ``lattice``), which this renderer walks.
Partially occupied sites are ``Spheres`` with ``phiEnd`` set to the occupied fraction of the turn
and are drawn as VESTA draws them: a filled sector for the occupancy on a white disc. Atoms, bond
halves (in their atoms' colours) and net edges are depth-sorted (painter's algorithm) into one
matplotlib ``PatchCollection``, so SVG and PDF hold paths only, and thousands of atoms stay fast.
"""

from __future__ import annotations

import importlib.util
import io
import math
import sys
from collections import defaultdict
from types import ModuleType

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Polygon, Wedge

from viewer.scene import Scene

VIEWS = ("a", "b", "c")
FORMATS = ("png", "svg", "pdf")
MAX_WIDTH = 8000
"""Widest PNG (pixels) that ``interlace render`` writes."""
DPI = 100
MARGIN = 1.0
"""Space (Angstrom) around the drawing."""
BOND_RADIUS = 0.14  # the app's stick radius (viewer.view3d)
NET_EDGE_RADIUS = 0.3
OUTLINE = "#263238"
CELL_COLOR = "#455A64"
SHADES = ((0.0, 1.0, 0.0), (0.22, 0.72, 0.3), (0.4, 0.42, 0.6), (0.5, 0.16, 0.88))
"""Fake sphere shading: (offset towards the light, radius, whiteness) of stacked discs."""


def ctk_scene_module() -> ModuleType:
    """crystal-toolkit's ``core.scene`` module.

    The package's ``__init__`` imports its Dash components, pymatgen and phonon code (over 3 s);
    ``core/scene.py`` needs the standard library only, so unless the package is loaded anyway we
    load that one file, which keeps ``interlace render`` quick.
    """
    if "crystal_toolkit" in sys.modules:
        import crystal_toolkit.core.scene

        return crystal_toolkit.core.scene
    name = "_interlace_ctk_scene"
    if name not in sys.modules:
        package = importlib.util.find_spec("crystal_toolkit")
        if package is None or not package.submodule_search_locations:
            raise ImportError("crystal-toolkit is not installed")
        path = f"{package.submodule_search_locations[0]}/core/scene.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def to_ctk_scene(scene: Scene, cell: np.ndarray, name: str = "structure"):
    """Our scene as a crystal-toolkit ``Scene``: spheres grouped by colour, radius, occupancy and
    opacity; bonds as two half-cylinders in their atoms' colours; the net as cylinders (dashed
    when partly occupied); the cell edges as lines; ``cell`` (columns a, b, c) as its lattice."""
    ctk = ctk_scene_module()
    groups: dict[tuple, list] = defaultdict(list)
    for atom in scene.atoms:
        groups[(atom["color"], round(atom["radius"], 3), round(min(atom["occ"], 1.0), 3),
                round(atom["opacity"], 2))].append([float(x) for x in atom["xyz"]])
    contents: list = []
    for (color, radius, occ, opacity), positions in groups.items():
        partial = occ < 0.999
        contents.append(ctk.Spheres(positions=positions, color=color, radius=radius,
                                    phiStart=0.0 if partial else None, phiEnd=2 * math.pi * occ if partial else None,
                                    _meta={"opacity": opacity}))
    halves: dict[tuple, list] = defaultdict(list)
    for a, b in scene.bonds:
        pa, pb = np.asarray(scene.atoms[a]["xyz"], float), np.asarray(scene.atoms[b]["xyz"], float)
        mid = (pa + pb) / 2
        opacity = round(min(scene.atoms[a]["opacity"], scene.atoms[b]["opacity"]), 2)
        halves[(scene.atoms[a]["color"], opacity)].append([pa.tolist(), mid.tolist()])
        halves[(scene.atoms[b]["color"], opacity)].append([mid.tolist(), pb.tolist()])
    for (color, opacity), pairs in halves.items():
        contents.append(ctk.Cylinders(positionPairs=pairs, color=color, radius=BOND_RADIUS,
                                      _meta={"opacity": opacity}))
    edges: dict[tuple, list] = defaultdict(list)
    for edge in scene.net_edges:
        edges[(edge["color"], edge["partial"])].append([[float(x) for x in edge["start"]],
                                                        [float(x) for x in edge["end"]]])
    for (color, partial), pairs in edges.items():
        contents.append(ctk.Cylinders(positionPairs=pairs, color=color, radius=NET_EDGE_RADIUS,
                                      _meta={"dashed": partial, "opacity": 1.0}))
    nodes: dict[tuple, list] = defaultdict(list)
    for node in scene.net_nodes:
        nodes[(node["color"], node["radius"])].append([float(x) for x in node["xyz"]])
    for (color, radius), positions in nodes.items():
        contents.append(ctk.Spheres(positions=positions, color=color, radius=radius, _meta={"opacity": 0.95}))
    if scene.cell_edges:
        contents.append(ctk.Lines(positions=[[float(x) for x in p] for edge in scene.cell_edges for p in edge],
                                  color=CELL_COLOR))
    return ctk.Scene(name=name, contents=contents, lattice=np.asarray(cell, float).T.tolist())


def view_basis(cell: np.ndarray, view: str) -> np.ndarray:
    """Rows: screen x, screen y and the direction towards the viewer, looking down axis ``view``
    (the next axis points up, as in the usual a-b, b-c, c-a projections)."""
    k = VIEWS.index(view)
    toward = cell[:, k] / np.linalg.norm(cell[:, k])
    up_axis = cell[:, (k + 2) % 3]
    up = up_axis - np.dot(up_axis, toward) * toward
    up /= np.linalg.norm(up)
    return np.array([np.cross(up, toward), up, toward])


def _rgba(color: str, alpha: float = 1.0, whiten: float = 0.0) -> tuple[float, float, float, float]:
    r, g, b = to_rgb(color)
    return (r + (1 - r) * whiten, g + (1 - g) * whiten, b + (1 - b) * whiten, alpha)


class _Painter:
    """Shapes in 2D screen coordinates (Angstrom), collected with their depth, then drawn back to front."""

    def __init__(self) -> None:
        self.shapes: list[tuple[float, int, list]] = []  # (depth, order, [(patch, face, edge)])

    def add(self, depth: float, parts: list) -> None:
        self.shapes.append((depth, len(self.shapes), parts))

    def sphere(self, xy: np.ndarray, depth: float, radius: float, color: str, fraction: float,
               opacity: float) -> None:
        """A shaded disc; a partially occupied site as a sector of its occupancy on a white disc."""
        x, y = xy
        if fraction < 0.999:
            parts = [(Circle((x, y), radius), (1, 1, 1, 1), OUTLINE),
                     (Wedge((x, y), radius, 90, 90 + 360 * fraction), _rgba(color), OUTLINE)]
        else:
            parts = []
            for shift, scale, whiten in SHADES:
                centre = (x - shift * radius, y + shift * radius)
                edge = _rgba(OUTLINE, opacity) if whiten == 0 else "none"
                parts.append((Circle(centre, scale * radius), _rgba(color, opacity, whiten), edge))
        self.add(depth, parts)

    def rod(self, start: np.ndarray, end: np.ndarray, depth: float, radius: float, color: str,
            opacity: float, dashed: bool = False) -> None:
        """A cylinder seen from the side: a quadrilateral (in dashes when ``dashed``)."""
        axis = end[:2] - start[:2]
        length = float(np.hypot(*axis))
        if length < 1e-6:
            return
        normal = np.array([-axis[1], axis[0]]) / length * radius
        pieces = [(0.0, 1.0)]
        if dashed:
            n = max(2, round(length / (4 * radius)))
            pieces = [(k / n, (k + 0.55) / n) for k in range(n)]
        parts = []
        for a, b in pieces:
            p, q = start[:2] + a * axis, start[:2] + b * axis
            # a dark band a little wider underneath: outlines along the sides, none across the rod
            parts.append((Polygon([p + 1.25 * normal, q + 1.25 * normal, q - 1.25 * normal, p - 1.25 * normal]),
                          _rgba(OUTLINE, 0.8 * opacity), "none"))
            parts.append((Polygon([p + normal, q + normal, q - normal, p - normal]), _rgba(color, opacity), "none"))
        self.add(depth, parts)

    def collection(self, outline_pt: float) -> PatchCollection:
        patches, faces, edges = [], [], []
        for _, _, parts in sorted(self.shapes, key=lambda s: (s[0], s[1])):
            for patch, face, edge in parts:
                patches.append(patch)
                faces.append(face)
                edges.append(edge if edge != "none" else (0, 0, 0, 0))
        return PatchCollection(patches, facecolors=faces, edgecolors=[_rgba(e) if isinstance(e, str) else e
                                                                      for e in edges],
                               linewidths=outline_pt, match_original=False)


def extent(ctk_scene, view: str = "c") -> np.ndarray:
    """Lower and upper screen corners (Angstrom) of everything in the scene, seen down ``view``."""
    basis = view_basis(np.array(ctk_scene.lattice, float).T, view)
    corners = []
    for primitive in ctk_scene.contents:
        if primitive.type == "spheres":
            q = np.asarray(primitive.positions, float) @ basis[:2].T
            corners += [q - primitive.radius, q + primitive.radius]
        elif primitive.type == "cylinders":
            corners.append(np.asarray(primitive.positionPairs, float).reshape(-1, 3) @ basis[:2].T)
        elif primitive.type == "lines":
            corners.append(np.asarray(primitive.positions, float) @ basis[:2].T)
    points = np.concatenate(corners) if corners else np.zeros((1, 2))
    return np.array([points.min(axis=0), points.max(axis=0)])


def draw(ctk_scene, view: str = "c", width_px: int = 1600, height_px: int | None = None,
         transparent: bool = False, title: str = "", legend: list[tuple[str, str]] = (), legend_rows: int = 0,
         bounds: tuple[np.ndarray, np.ndarray] | None = None, progress: float | None = None) -> Figure:
    """A matplotlib figure of a crystal-toolkit scene, seen down the cell axis ``view`` of its lattice.

    ``height_px``, ``legend_rows`` and ``bounds`` (screen corners in Angstrom) fix the layout, so
    the frames of a movie line up; by default they fit the scene.
    """
    basis = view_basis(np.array(ctk_scene.lattice, float).T, view)
    painter = _Painter()
    cell_lines = []
    for primitive in ctk_scene.contents:
        meta = primitive._meta or {}
        opacity = float(meta.get("opacity", 1.0))
        if primitive.type == "spheres":
            fraction = primitive.phiEnd / (2 * math.pi) if primitive.phiEnd is not None else 1.0
            for q in np.asarray(primitive.positions, float) @ basis.T:
                painter.sphere(q[:2], q[2], primitive.radius, primitive.color, fraction, opacity)
        elif primitive.type == "cylinders":
            pairs = np.asarray(primitive.positionPairs, float) @ basis.T  # (n, 2, 3)
            for s, e in pairs:
                # a hair behind its ends' depth, so the sphere at a near end covers the rod's stub
                painter.rod(s, e, (s[2] + e[2]) / 2 - 1e-3, primitive.radius, primitive.color, opacity,
                            bool(meta.get("dashed", False)))
        elif primitive.type == "lines":
            q = np.asarray(primitive.positions, float) @ basis.T
            cell_lines += [(q[k, :2], q[k + 1, :2]) for k in range(0, len(q) - 1, 2)]
    lo, hi = bounds if bounds is not None else extent(ctk_scene, view)
    lo, hi = lo - MARGIN, hi + MARGIN
    span = np.maximum(hi - lo, 1e-3)
    rows = max(-(-len(legend) // legend_columns(legend)) if legend else 0, legend_rows)
    title_px = int(width_px * 0.05) if title else 0
    legend_px = int(rows * width_px * 0.04 + (width_px * 0.02 if rows else 0))
    drawing_px = int(width_px * min(max(span[1] / span[0], 0.45), 1.5))
    height_px = height_px or drawing_px + title_px + legend_px
    fig = plt.figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    fig.patch.set_alpha(0.0 if transparent else 1.0)
    bottom, top = legend_px / height_px, 1 - title_px / height_px
    ax = fig.add_axes((0.01, bottom, 0.98, top - bottom))
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    points_per_angstrom = min(0.98 * width_px / span[0], (top - bottom) * height_px / span[1]) * 72 / DPI
    if cell_lines:
        ax.add_collection(LineCollection(cell_lines, colors=CELL_COLOR, linewidths=max(0.02 * points_per_angstrom,
                                                                                        0.4)))
    ax.add_collection(painter.collection(max(0.025 * points_per_angstrom, 0.2)))
    font = max(width_px / 75, 7) * 72 / DPI
    if title:
        fig.text(0.5, 1 - 0.5 * title_px / height_px, title, ha="center", va="center", fontsize=font)
    if legend:
        _legend(fig, legend, rows, legend_px / height_px, width_px, font * 0.85)
    if progress is not None:  # a movie's time bar along the bottom edge
        fig.add_artist(matplotlib.patches.Rectangle((0, 0), progress, 0.012, transform=fig.transFigure,
                                                    color="#1E88E5"))
    return fig


def legend_columns(legend: list[tuple[str, str]]) -> int:
    return 2 if max((len(text) for _, text in legend), default=0) > 28 else 3


def _legend(fig: Figure, legend: list[tuple[str, str]], rows: int, height: float, width_px: int,
            font: float) -> None:
    """Keys under the drawing in ``rows`` rows, laid out in pixels so discs stay round: a disc of
    each colour, and a half sector for keys that speak of sectors (as partial sites are drawn)."""
    columns = legend_columns(legend)
    height_px = height * fig.get_figheight() * DPI
    ax = fig.add_axes((0.0, 0.0, 1.0, height))
    ax.set_axis_off()
    ax.set_xlim(0, width_px)
    ax.set_ylim(height_px, 0)
    row = height_px / (rows + 0.6)
    r = 0.3 * row
    for k, (color, text) in enumerate(legend):
        x = 0.03 * width_px + (k % columns) * 0.94 * width_px / columns + r
        y = (k // columns + 0.8) * row
        if "sector" in text:
            ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor=OUTLINE))
            ax.add_patch(Wedge((x, y), r, 90, 270, facecolor=color, edgecolor=OUTLINE))
        else:
            ax.add_patch(Circle((x, y), r, facecolor=color, edgecolor=OUTLINE))
        ax.text(x + 1.8 * r, y, text, va="center", ha="left", fontsize=font)


def save(fig: Figure, fmt: str) -> bytes:
    """The figure's bytes, reproducible: no dates or software versions in the metadata, fixed SVG ids."""
    buffer = io.BytesIO()
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}[fmt]
    with plt.rc_context({"svg.hashsalt": "interlace", "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, transparent=fig.patch.get_alpha() == 0.0)
    plt.close(fig)
    return buffer.getvalue()
