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
import textwrap
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

from viewer.orientation import View, view_rows
from viewer.scene import Scene

FORMATS = ("png", "svg", "pdf")
DOUBLE_COLUMN = 7.2
"""Inches: the widest figure of a double-column journal page (Nature's 183 mm), the default size."""
SINGLE_COLUMN = 3.5
"""Inches: one column (89 mm)."""
COLUMNS = {"double": DOUBLE_COLUMN, "single": SINGLE_COLUMN}
MAX_HEIGHT_IN = 9.7
"""Inches: the tallest figure a journal page takes (Nature's 247 mm); a tall structure is drawn smaller."""
PRINT_DPI = 300
"""Resolution of a PNG at print size, unless a width in pixels is asked for."""
FONT_PT = 8.0
"""Legend and axis labels at print size: journals ask for 5-7 pt at least."""
TITLE_SCALE = 1.15
TRIAD_IN = 0.6
"""Size of the a, b, c axis triad at ``FONT_PT``."""
AXIS_COLORS = ("#C62828", "#2E7D32", "#1565C0")
"""a red, b green, c blue, as crystallographic programs draw the axes."""
CHAR_EM, LINE_EM, KEY_EM = 0.52, 1.3, 1.9
"""Legend layout in ems: a character's mean width, a line of text, a key with the space around it."""
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
        edges[(edge["color"], edge["partial"], round(edge.get("opacity", 1.0), 2))].append(
            [[float(x) for x in edge["start"]], [float(x) for x in edge["end"]]])
    for (color, partial, opacity), pairs in edges.items():
        contents.append(ctk.Cylinders(positionPairs=pairs, color=color, radius=NET_EDGE_RADIUS,
                                      _meta={"dashed": partial, "opacity": opacity}))
    nodes: dict[tuple, list] = defaultdict(list)
    for node in scene.net_nodes:
        nodes[(node["color"], node["radius"], round(0.95 * node.get("opacity", 1.0), 2))].append(
            [float(x) for x in node["xyz"]])
    for (color, radius, opacity), positions in nodes.items():
        contents.append(ctk.Spheres(positions=positions, color=color, radius=radius, _meta={"opacity": opacity}))
    if scene.cell_edges:
        contents.append(ctk.Lines(positions=[[float(x) for x in p] for edge in scene.cell_edges for p in edge],
                                  color=CELL_COLOR))
    return ctk.Scene(name=name, contents=contents, lattice=np.asarray(cell, float).T.tolist())


def view_basis(cell: np.ndarray, view: View) -> np.ndarray:
    """Rows: screen x, screen y and the direction towards the viewer (:mod:`viewer.orientation`)."""
    return view_rows(cell, view)


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


def extent(ctk_scene, view: View = "c") -> np.ndarray:
    """Lower and upper screen corners (Angstrom) of everything in the scene, seen as ``view``."""
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


def draw(ctk_scene, view: View = "c", width_in: float = DOUBLE_COLUMN, dpi: float = PRINT_DPI,
         height_in: float | None = None, transparent: bool = False, title: str = "",
         legend: list[tuple[str, str]] = (), legend_rows: int = 0, bounds: tuple[np.ndarray, np.ndarray] | None = None,
         axes: bool = True, font_pt: float = FONT_PT) -> Figure:
    """A matplotlib figure of a crystal-toolkit scene, ``width_in`` inches wide at print size, seen as
    ``view`` (a cell axis, a lattice direction or a quaternion); text in points at that size.

    ``height_in``, ``legend_rows`` and ``bounds`` (screen corners in Angstrom) fix the layout, so
    the frames of a movie line up; by default they fit the scene. ``axes`` adds the a, b, c triad.
    """
    cell = np.array(ctk_scene.lattice, float).T
    basis = view_basis(cell, view)
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
    triad_in = TRIAD_IN * font_pt / FONT_PT if axes else 0.0
    columns = legend_columns(legend, width_in - triad_in, font_pt)
    lines = legend_lines(legend, columns, width_in - triad_in, font_pt)
    keys_in = max(legend_height(lines, columns, font_pt), legend_rows * KEY_EM * font_pt / 72)
    title_lines = textwrap.wrap(title, max(20, int(width_in * 72 / (0.56 * font_pt * TITLE_SCALE))))
    title_in = (1.25 * len(title_lines) + 0.9) * font_pt * TITLE_SCALE / 72 if title else 0.0
    band_in = max(keys_in + (0.8 * font_pt / 72 if legend else 0.0), triad_in)
    drawing_in = min(width_in * min(max(span[1] / span[0], 0.45), 1.5), MAX_HEIGHT_IN - title_in - band_in)
    height_in = height_in or drawing_in + title_in + band_in
    fig = plt.figure(figsize=(width_in, height_in), dpi=dpi)
    fig.patch.set_alpha(0.0 if transparent else 1.0)
    bottom, top = band_in / height_in, 1 - title_in / height_in
    ax = fig.add_axes((0.01, bottom, 0.98, top - bottom))
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    points_per_angstrom = min(0.98 * width_in / span[0], (top - bottom) * height_in / span[1]) * 72
    if cell_lines:
        ax.add_collection(LineCollection(cell_lines, colors=CELL_COLOR, linewidths=max(0.02 * points_per_angstrom,
                                                                                        0.4)))
    ax.add_collection(painter.collection(max(0.025 * points_per_angstrom, 0.2)))
    if title:
        fig.text(0.5, 1 - 0.5 * title_in / height_in, "\n".join(title_lines), ha="center", va="center",
                 fontsize=font_pt * TITLE_SCALE, linespacing=1.25)
    if axes:
        _triad(fig, cell, basis, triad_in, font_pt)
    if legend:
        _legend(fig, legend, lines, columns, band_in / height_in, triad_in, font_pt)
    return fig


def legend_columns(legend: list[tuple[str, str]], width_in: float = DOUBLE_COLUMN, font_pt: float = FONT_PT) -> int:
    """How many keys fit side by side in ``width_in`` inches at ``font_pt`` (one to three)."""
    longest = max((len(text) for _, text in legend), default=0)
    key_in = (min(longest, 40) * CHAR_EM + 3.5) * font_pt / 72  # the text (about half an em a character), its disc
    return int(min(3, max(1, width_in // key_in)))


def legend_lines(legend: list[tuple[str, str]], columns: int, width_in: float, font_pt: float) -> list[list[str]]:
    """Each key's text broken into lines that fit its column."""
    chars = max(12, int((width_in / columns * 72 / font_pt - 3.5) / CHAR_EM))
    return [textwrap.wrap(text, chars) or [""] for _, text in legend]


def legend_height(lines: list[list[str]], columns: int, font_pt: float) -> float:
    """Inches the keys take: each row as tall as its longest key."""
    rows = [lines[k:k + columns] for k in range(0, len(lines), columns)]
    return sum(max(len(t) for t in row) * LINE_EM + (KEY_EM - LINE_EM) for row in rows) * font_pt / 72


def _triad(fig: Figure, cell: np.ndarray, basis: np.ndarray, size_in: float, font_pt: float) -> None:
    """The a, b, c axes as arrows from one corner, as the cell is seen, in the bottom-left corner."""
    width_in, height_in = fig.get_size_inches()
    ax = fig.add_axes((0.0, 0.0, size_in / width_in, size_in / height_in))
    ax.set_axis_off()
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    flat = (basis[:2] @ (cell / np.linalg.norm(cell, axis=0))).T  # unit axes on the screen
    flat = 0.6 * flat / max(float(np.linalg.norm(flat, axis=1).max()), 1e-9)
    origin = np.zeros(2)  # the middle of the box, since an axis may point any way
    for name, vector, color in zip("abc", flat, AXIS_COLORS):
        tip = origin + vector
        ax.annotate("", xy=tip, xytext=origin, arrowprops={"arrowstyle": "-|>", "color": color, "lw": 0.9,
                                                          "shrinkA": 0, "shrinkB": 0, "mutation_scale": font_pt})
        length = float(np.linalg.norm(vector))
        label = origin + (vector / length * (length + 0.22) if length > 0.1 else np.array([0.2, 0.2]))
        ax.text(*label, name, ha="center", va="center", fontsize=font_pt, fontstyle="italic", color=color)


def _legend(fig: Figure, legend: list[tuple[str, str]], lines: list[list[str]], columns: int, height: float,
            left_in: float, font_pt: float) -> None:
    """Keys under the drawing in ``columns`` columns, right of the axis triad, laid out in inches so
    discs stay round: a disc of each colour, and a half sector for keys that speak of sectors (as
    partial sites are drawn); a long text wraps within its column."""
    width_in = fig.get_figwidth()
    height_in = height * fig.get_figheight()
    ax = fig.add_axes((left_in / width_in, 0.0, 1 - left_in / width_in, height))
    ax.set_axis_off()
    span_in = width_in - left_in
    ax.set_xlim(0, span_in)
    ax.set_ylim(height_in, 0)
    em = font_pt / 72
    r = 0.45 * em
    top = 0.4 * em
    for start in range(0, len(legend), columns):
        row_lines = lines[start:start + columns]
        for k, ((color, _), text) in enumerate(zip(legend[start:start + columns], row_lines)):
            x = 0.05 + k * (span_in - 0.05) / columns + r
            y = top + 0.5 * KEY_EM * em
            if any("sector" in line for line in text):
                ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor=OUTLINE, linewidth=0.5))
                ax.add_patch(Wedge((x, y), r, 90, 270, facecolor=color, edgecolor=OUTLINE, linewidth=0.5))
            else:
                ax.add_patch(Circle((x, y), r, facecolor=color, edgecolor=OUTLINE, linewidth=0.5))
            ax.text(x + r + 0.5 * em, y - 0.5 * LINE_EM * em, "\n".join(text), va="top", ha="left", fontsize=font_pt,
                    linespacing=LINE_EM / 1.2)
        top += (max(len(t) for t in row_lines) * LINE_EM + (KEY_EM - LINE_EM)) * em


def save(fig: Figure, fmt: str) -> bytes:
    """The figure's bytes, reproducible: no dates or software versions in the metadata, fixed SVG ids."""
    buffer = io.BytesIO()
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}[fmt]
    # text stays text: <text> elements in SVG, embedded TrueType (Type 42) in PDF, editable in a drawing program
    with plt.rc_context({"svg.hashsalt": "interlace", "svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata, transparent=fig.patch.get_alpha() == 0.0)
    plt.close(fig)
    return buffer.getvalue()
