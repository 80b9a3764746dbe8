"""Colours of nets and of each copy of a k-fold net, safe for colour-blind viewers and projectors.

The palette is Okabe & Ito's (*Color Universal Design*, 2008). The paper draws the SC series' 3D
framework in light blue and its 2D layer in orange (Figs. 1-3 of doi:10.1038/s41467-025-60720-6),
so the first 3D net is sky blue and the first 2D net orange; every other net, and every further
copy of an interpenetrated net, takes the next colour not yet used. Yellow is kept for partially
occupied sites (:data:`PARTIAL`), so no net is ever drawn in it.

Under deuteranopia and protanopia the orange of the layer, a yellow and a red all fall on one olive
hue (Machado, Oliveira & Fernandes 2009 simulate it), and shading then hides any difference in
lightness. So what must stay apart from the orange and blue nets keeps off that hue: partly occupied
sites in Paul Tol's indigo, TFA in dark grey (:mod:`viewer.style`), guests in light grey.

A copy of a k-fold net is one of the k translation-equivalent pieces it splits into. Which copy a
vertex image belongs to follows from the net's cycle lattice L: the image of vertex ``v`` in cell
``t`` lies in the copy of ``t - shift[v]`` modulo L (``shift`` from :func:`topology.net.periodic.lift`),
and only the part of that class inside the net's own lattice planes counts (the torsion of Z^3/L,
of order k), so parallel layers of a 1-fold layer net share one colour. So do the layers (or chains)
that the engine lists as separate nets only because no translation relates them, where an operation
of the crystal carries one onto the other and they do not entangle each other (two stacks of one
layer, half a cell apart under a 2_1 screw): :func:`stacks`.
"""

from __future__ import annotations

import numpy as np

from topology.net.periodic import hermite_basis, lift
from topology.reading.crystal import file_operations
from topology.report import Report

SKY_BLUE, ORANGE, GREEN, PURPLE, BLUE, VERMILION = "#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00"
YELLOW = "#F0E442"
INDIGO = "#332288"
ORDER = (SKY_BLUE, ORANGE, GREEN, PURPLE, BLUE, VERMILION)
"""Net colours in the order they are handed out (Okabe-Ito without yellow and black)."""
FIRST = {3: SKY_BLUE, 2: ORANGE, 1: GREEN}
"""The colour a net of each dimensionality takes when still free: the paper's blue 3D, orange 2D."""
DISCRETE = "#9E9E9E"
PARTIAL = INDIGO
"""Partially occupied sites and linkers (the paper draws them gold, which colour-blind readers cannot tell
from the orange layer): Tol's indigo, which no net uses."""


def net_colors(report: Report) -> list[tuple[str, ...]]:
    """For each net (by id), one colour per copy: ``net_colors(r)[net][copy]``, ``fold`` entries each.

    SC-1 gives ``[("#56B4E9",), ("#E69F00",), ("#E69F00",)]`` (blue pcu, its two stacks of orange sql
    layers); JXUST-1's 2-fold pcu gives
    ``[("#56B4E9", "#E69F00")]``.
    """
    first = stacks(report)
    own = [n for n in report.nets if first[n.id] == n.id]
    colors = dict(zip((n.id for n in own), copy_colors([n.dimensionality for n in own], [n.fold for n in own])))
    return [colors[first[n.id]] for n in report.nets]


STACK_TOLERANCE = 1e-3
"""How close (fractional) a vertex's image must come to a vertex of the other net."""


def stacks(report: Report) -> list[int]:
    """For each net (by id), the net whose colours it takes: the first net of the same dimension, 1 or 2,
    that an operation of the crystal carries onto it and that it does not entangle with; itself when
    there is none."""
    out = [n.id for n in report.nets]
    ops = report.crystal.operations if report.crystal is not None else ()
    if len(ops) < 2:
        return out
    frac = report.net.frac()
    tangled = {frozenset(e.between) for e in report.entanglement if e.kind != "none"}
    moves = file_operations(ops)

    def carried(a, b) -> bool:
        there = frac[list(b.vertices)]
        for rot, tran in moves:
            diff = (frac[list(a.vertices)] @ rot.T + tran)[:, None] - there[None]
            if (np.abs(diff - np.round(diff)).max(axis=2).min(axis=1) < STACK_TOLERANCE).all():
                return True
        return False

    for k, net in enumerate(report.nets):
        for other in report.nets[:k]:
            if (net.dimensionality in (1, 2) and other.dimensionality == net.dimensionality
                    and out[other.id] == other.id and len(net.vertices) == len(other.vertices)
                    and frozenset((net.id, other.id)) not in tangled and carried(other, net)):
                out[net.id] = other.id
                break
    return out


def copy_colors(dimensionalities: list[int], folds: list[int]) -> list[tuple[str, ...]]:
    """:func:`net_colors` from the nets' dimensionalities and folds, in report order."""
    used: list[str] = []

    def take(preferred: str | None) -> str:
        if preferred and preferred not in used:
            color = preferred
        else:
            free = [c for c in ORDER if c not in used]
            color = free[0] if free else ORDER[len(used) % len(ORDER)]
        used.append(color)
        return color

    out = []
    for dim, fold in zip(dimensionalities, folds):
        if dim == 0:
            out.append((DISCRETE,))
            continue
        if fold > MAX_DISTINCT:  # more copies than colours to tell apart: one graded scale, copy by copy
            out.append(graded(fold))
            continue
        first = take(FIRST.get(dim))
        out.append((first, *(take(None) for _ in range(fold - 1))))
    return out


MAX_DISTINCT = 8
"""Most copies of one net given distinct palette colours; beyond, a graded scale (copies 1 to k)."""
GRADED = ((59, 82, 139), (33, 144, 140), (93, 200, 99), (253, 231, 37))
"""Anchors of the graded scale (viridis from its blue on, which stays ordered in lightness for every
colour vision): copy 1 dark blue, the last yellow."""


def graded(count: int) -> tuple[str, ...]:
    """``count`` colours evenly along :data:`GRADED`."""
    out = []
    for k in range(count):
        x = k / max(count - 1, 1) * (len(GRADED) - 1)
        i = min(int(x), len(GRADED) - 2)
        t = x - i
        rgb = [round(a + (b - a) * t) for a, b in zip(GRADED[i], GRADED[i + 1])]
        out.append("#{:02X}{:02X}{:02X}".format(*rgb))
    return tuple(out)


NAMES = {SKY_BLUE: "blue", ORANGE: "orange", GREEN: "green", PURPLE: "pink", BLUE: "dark blue",
         VERMILION: "red", DISCRETE: "grey"}


def color_name(color: str) -> str:
    """A word for a palette colour, for sentences read out loud ("the blue net")."""
    return NAMES.get(color, "coloured")


def copy_of_images(report: Report, vertices: np.ndarray, images: np.ndarray) -> np.ndarray:
    """Copy number (0 to fold - 1 of its net) of each vertex image: vertex ``vertices[i]`` in the cell
    translated by ``images[i]`` (integer vectors)."""
    vertices = np.asarray(vertices, dtype=int).reshape(-1)
    images = np.asarray(images, dtype=int).reshape(-1, 3)
    out = np.zeros(len(vertices), dtype=int)
    if not len(vertices):
        return out
    shift, bases = _lattices(report)
    net_of = np.asarray(report.net_of_vertex(), dtype=int)
    for net in report.nets:
        if net.fold == 1:
            continue
        rows = np.flatnonzero(net_of[vertices] == net.id)
        out[rows] = coset_index(bases[net.id], images[rows] - shift[vertices[rows]])
    return out


def vertex_copies(report: Report, images: list[tuple[int, int, int]]) -> np.ndarray:
    """Copy number of every vertex in every image: an array (len(images), vertices)."""
    n = report.net.graph.number_of_nodes()
    vertices = np.tile(np.arange(n), len(images))
    cells = np.repeat(np.asarray(images, dtype=int).reshape(-1, 3), n, axis=0)
    return copy_of_images(report, vertices, cells).reshape(len(images), n)


def _lattices(report: Report) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Lattice shift of every vertex (from its net's first vertex) and each net's cycle-lattice basis."""
    src, dst, off = report.net.directed_arrays()
    n = report.net.graph.number_of_nodes()
    _, shift = lift(n, src, dst, off)
    cycles = shift[src] + off - shift[dst] if len(src) else np.zeros((0, 3), int)
    net_of = np.asarray(report.net_of_vertex(), dtype=int)
    bases = {net.id: hermite_basis(cycles[net_of[src] == net.id]) for net in report.nets if net.fold > 1}
    return shift, bases


def coset_index(basis: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Index (0 to k - 1) of each integer vector's class in S/L, where L is spanned by ``basis`` (rank d
    rows), S is the lattice points of L's own subspace and k = [S : L] is the fold.

    >>> coset_index(np.array([[1, 1, 1], [0, 2, 0], [0, 0, 2]]), np.array([[0, 0, 0], [1, 0, 0], [1, 1, 1]])).tolist()
    [0, 3, 0]
    """
    h, w = _column_echelon(np.asarray(basis, dtype=np.int64))
    d = len(h)
    y = (np.asarray(vectors, dtype=np.int64).reshape(-1, 3) @ w)[:, :d]
    for r in range(d - 1, -1, -1):  # reduce modulo the rows of the lower-triangular h, last row first
        q = np.floor_divide(y[:, r], h[r, r])
        y[:, : r + 1] -= q[:, None] * h[r, : r + 1]
    index = np.zeros(len(y), dtype=int)
    radix = 1
    for r in range(d):
        index += radix * y[:, r].astype(int)
        radix *= int(h[r, r])
    return index


def _column_echelon(basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(h, w)`` with ``w`` unimodular and ``basis @ w == [h | 0]``, ``h`` lower triangular with a
    positive diagonal: in the coordinates ``x @ w`` the lattice's own subspace is the first d axes."""
    b = basis.copy()
    d = len(b)
    w = np.eye(3, dtype=np.int64)
    for i in range(d):
        for j in range(i + 1, 3):
            while b[i, j]:
                if b[i, i] == 0 or abs(b[i, j]) < abs(b[i, i]):
                    b[:, [i, j]], w[:, [i, j]] = b[:, [j, i]], w[:, [j, i]]
                    continue
                q = b[i, j] // b[i, i]
                b[:, j] -= q * b[:, i]
                w[:, j] -= q * w[:, i]
        if b[i, i] < 0:
            b[:, i], w[:, i] = -b[:, i], -w[:, i]
    return b[:, :d], w
