"""Canonical form of a periodic net: the key that names it, after Systre.

A net is a :class:`PeriodicGraph`: vertices of one translation cell and edges ``u -> v + shift`` with
integer shifts in a basis of the net's own lattice (dimension 2 for a layer, 3 for a framework).
Its key does not depend on vertex order, on which image represents a vertex, on the lattice basis or
on the cell (a supercell of a net is reduced to the net's own, largest, translation lattice first).
The method is Systre's (Delgado-Friedrichs & O'Keeffe, Acta Cryst. A59, 351 (2003)):

1. the barycentric placement puts every vertex at the mean of its neighbours; two nets are the same
   exactly when an affine map takes one placement onto the other, provided no two vertices collide
   (the net is *stable*);
2. every start vertex of one invariant class and every ordered basis of edge vectors at it gives a
   frame; a breadth-first search that visits neighbours in the order of their edge vectors in that
   frame numbers the vertices and lists the edges; the least list over all frames is the same for
   every description of the net;
3. the lattice shifts of that list are written in the column Hermite normal form of the list's shift
   matrix, so the key is made of integers only.

Unstable nets (collisions) get an invariant key of coordination sequences prefixed with ``~`` that
tells different nets apart in practice but is not a proof of identity; they are never named.

The graph, its simplification and its placement are :mod:`topology.naming.graph`; the symmetries
and the minimal image, :mod:`topology.naming.lattice`; the candidate frames,
:mod:`topology.naming.frames`; the search over them and the key are here.

>>> pcu = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0)), (0, 0, (0, 0, 1))])
>>> canonical_form(pcu).key
'3 1 1 1 0 0 1 1 0 1 0 1 1 0 0 1'
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from topology.naming.frames import TooManyFrames, candidate_frames, one_per_family
from topology.naming.graph import PeriodicGraph, barycentric, color_refinement, first_negative
from topology.naming.invariants import coordination_sequences
from topology.naming.lattice import Symmetry, collides, minimal_image
from topology.net.periodic import column_hermite, sums_to_root
from topology.tables import first_rows

FINE = 1e-8
"""Frame coordinates (edge vectors and shifts in a frame of edge vectors) closer than this are equal:
they are rationals whose denominators grow with the net, and two different ones may lie closer than
the positions' grid; floating-point noise stays below it (up to about 1e-10 where a net is given in a
skewed lattice basis: 2^-32, tried first, told equal values apart in 2 of 40 descriptions of amn). They are compared
by rank among all the values of one step (:func:`_ranks`), never rounded to a grid: a value that
falls near the middle between two grid points would round one way in one description of the net and
the other way in another, and the key would depend on the description."""


@dataclass(frozen=True)
class CanonicalForm:
    """The key of a net, whether it is exact (a stable net), and its vertex orbits."""

    key: str
    stable: bool
    orbits: np.ndarray  # orbit id of each vertex of ``graph``
    graph: PeriodicGraph  # the net on its own lattice (minimal image)
    reason: str = ""  # why the key is not exact
    unstable: bool = False  # two vertices share a barycentric position: the key is the invariant one

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:24]


def canonical_form(graph: PeriodicGraph) -> CanonicalForm:
    """The canonical key of a connected periodic net (see the module docstring)."""
    classes = color_refinement(graph)
    pos = barycentric(graph)
    if collides(pos):
        return CanonicalForm("~" + _invariant_key(graph), False, classes, graph,
                             "two vertices share a barycentric position (an unstable net)", unstable=True)
    graph, pos, classes, symmetry = minimal_image(graph, pos, classes)
    try:
        result = _least_frame(graph, pos, classes, symmetry)
    except TooManyFrames as bound:
        return CanonicalForm("~" + _invariant_key(graph), False, classes, graph, str(bound))
    if result is None:
        return CanonicalForm("~" + _invariant_key(graph), False, classes, graph,
                             "no canonical frame (two neighbours or frames coincide: an unstable net)")
    key, orbits = result
    return CanonicalForm(key, True, orbits, graph)


def _invariant_key(graph: PeriodicGraph) -> str:
    """A key from the coordination sequences of the vertices (for nets with no exact key): each distinct
    sequence with its share of the vertices (counts over their greatest common divisor, so that any cell
    of the net gives the same key), as many shells as their bound allows (a number that depends only on
    the net). An invariant, not a proof: two nets can share it."""
    seqs = Counter(tuple(cs) for cs in coordination_sequences(graph.adjacency(), list(range(graph.n)), 10))
    share = functools.reduce(math.gcd, seqs.values(), 0) or 1
    rows = sorted((cs, count // share) for cs, count in seqs.items())
    return f"{graph.dim} " + hashlib.sha256(repr(rows).encode()).hexdigest()[:24]


SENTINEL = np.iinfo(np.int64).max // 4


def _least_frame(graph: PeriodicGraph, pos: np.ndarray, classes: np.ndarray, auto: Symmetry | None = None):
    """Breadth-first searches from every candidate frame in lock step (numpy over frames); after each
    vertex only the frames whose edge list so far is least go on, and once few are left each one's
    whole search is run and compared (:func:`_least_search`). The net's symmetries, found on the way
    (``auto``: the graph's symmetry tests, where :func:`minimal_image` made them), give its vertex orbits."""
    n, d = graph.n, graph.dim
    src, dst, shift = graph.directed()
    by_vertex = np.argsort(src, kind="stable")  # each vertex's neighbours in the order of its edges
    deg = np.bincount(src, minlength=n)
    width = int(deg.max())
    column = np.arange(len(src)) - np.concatenate([[0], np.cumsum(deg)[:-1]])[src[by_vertex]]
    nbr = np.zeros((n, width), dtype=np.int64)
    shf = np.zeros((n, width, d), dtype=np.int64)
    nbr[src[by_vertex], column] = dst[by_vertex]
    shf[src[by_vertex], column] = shift[by_vertex]
    vec = pos[nbr] + shf - pos[:, None, :]
    valid = np.arange(width)[None, :] < deg[:, None]
    if _coincident_neighbours(vec, valid):
        return None  # two neighbours at one place: an unstable net
    frames = candidate_frames(graph, pos, classes, vec, deg, nbr, shf)
    if frames is None:
        return None
    origin, basis = frames.origin, frames.basis
    auto = auto if auto is not None else Symmetry(graph, pos)
    # the symmetries of the net: every one takes the first frame onto a frame of the start class
    lin = basis @ np.linalg.inv(basis[0])
    near = np.round(lin)
    integral = (np.abs(lin - near) < 1e-6).all(axis=(1, 2))
    integral[integral] = np.abs(np.abs(np.linalg.det(near[integral])) - 1) < 1e-6
    images = auto.maps(int(origin[0]), near[integral], origin[integral])
    found = images[:, 0] >= 0
    perms, lins = images[found], near[integral][found]
    orbits = _orbits(n, perms)
    # frames at one vertex of each orbit stand for the frames at all the others, and of the frames at
    # one vertex, one of each family that the vertex's own symmetries permute. Orbit sizes are
    # invariants too: of the start class's orbits, only those of the size that holds the fewest of its
    # vertices start (a small orbit's vertices have many symmetries, so few families of frames)
    size = np.bincount(orbits)
    held: dict[int, int] = {}
    for o in np.unique(orbits[origin]).tolist():
        held[int(size[o])] = held.get(int(size[o]), 0) + int(size[o])
    chosen = min(held, key=lambda k: (held[k], k))
    starting = np.flatnonzero(size[orbits[origin]] == chosen)
    first = origin[starting[np.unique(orbits[origin[starting]], return_index=True)[1]]]
    starts = np.zeros(n, dtype=bool)
    starts[first] = True
    frames = frames.take(starts[origin])
    frames = frames.take(one_per_family(frames, perms, lins))
    origin, basis = frames.origin, frames.basis
    inv = np.linalg.inv(basis)
    f_count = len(origin)
    number = np.full((f_count, n), -1, dtype=np.int64)
    lift = np.zeros((f_count, n, d), dtype=np.int64)
    order = np.zeros((f_count, n), dtype=np.int64)
    rows = np.arange(f_count)
    number[rows, origin] = 0
    order[:, 0] = origin
    count = np.ones(f_count, dtype=np.int64)
    stars = _StarOrders(inv, vec, valid)
    for k in range(n):
        if len(inv) <= FEW_FRAMES:
            break
        if (count <= k).any():
            return None  # not connected
        rows = np.arange(len(inv))
        u = order[:, k]
        srt = stars.at(u)
        oks = np.take_along_axis(valid[u], srt, axis=1)
        w = nbr[u[:, None], srt]
        s = shf[u[:, None], srt]
        unseen = (number[rows[:, None], w] < 0) & oks
        key = (rows[:, None] * n + w)[unseen]
        first = np.zeros(unseen.sum(), dtype=bool)
        first[np.unique(key, return_index=True)[1]] = True
        new = np.zeros_like(unseen)
        new[unseen] = first
        rank = np.cumsum(new, axis=1) - 1
        fr, col = np.nonzero(new)
        num = count[fr] + rank[fr, col]
        number[fr, w[fr, col]] = num
        lift[fr, w[fr, col]] = lift[fr, u[fr]] + s[fr, col]
        order[fr, num] = w[fr, col]
        count += new.sum(axis=1)
        old = lift[rows, u][:, None, :] + s - lift[rows[:, None], w]
        framed = _ranks(np.einsum("fij,fej->fei", inv, old))
        block = np.concatenate([number[rows[:, None], w][:, :, None], framed], axis=2)
        block[~oks] = -SENTINEL
        block = np.concatenate([deg[u][:, None], block.reshape(len(rows), -1)], axis=1)
        least = np.lexsort(block.T[::-1])[0]
        keep = (block == block[least]).all(axis=1)
        if not keep.all():
            origin, basis, inv, number, lift, order, count = (
                a[keep] for a in (origin, basis, inv, number, lift, order, count))
            stars.keep(keep)
    emitted = _least_search(nbr, shf, deg, origin, [stars.of_frame(f) for f in range(len(inv))], inv)
    if emitted is None:
        return None
    return _key(d, emitted), orbits


FEW_FRAMES = 4
"""Frames at or under which the lock-step search stops and each frame's whole search is run on its
own: a search step over all frames costs some twenty array operations whatever their number, a
whole search in plain Python about what a few such steps cost, and few frames can tie for long
(MIL-100's net: 3 frames tie for 80 steps)."""


def _least_search(nbr: np.ndarray, shf: np.ndarray, deg: np.ndarray, origin: np.ndarray, orders: list[np.ndarray],
                  inv: np.ndarray) -> np.ndarray | None:
    """The least of the frames' whole searches (see :func:`_emitted`), as the lock-step search would
    find it: a search is read as a sequence of rows, one per edge it lists (the degree of the vertex
    it stands at, the neighbour's number, the edge's shift in the frame as ranks over all the frames'
    values), and the sequences are compared lexicographically."""
    nbrs = [row[:k] for row, k in zip(nbr.tolist(), deg.tolist())]
    tables = [_emitted(nbrs, nbr, shf, deg, int(o), order) for o, order in zip(origin.tolist(), orders)]
    if any(t is None for t in tables):
        return None
    if len(tables) == 1:
        return tables[0]
    framed = _ranks(np.concatenate([t[:, 2:] @ m.T for t, m in zip(tables, inv)]))
    start = np.cumsum([0] + [len(t) for t in tables])
    seqs = [np.column_stack([np.bincount(t[:, 0])[t[:, 0]], t[:, 1], framed[start[f]:start[f + 1]]]).ravel()
            for f, t in enumerate(tables)]
    best = 0
    for f in range(1, len(seqs)):
        size = min(len(seqs[f]), len(seqs[best]))
        differ = np.flatnonzero(seqs[f][:size] != seqs[best][:size])
        if len(differ) and seqs[f][differ[0]] < seqs[best][differ[0]]:
            best = f
    return tables[best]


TABULATE_ENTRIES = 32
"""Frames times vertex degree at or under which every vertex's neighbour order is worked out ahead, for
the rest of the search: the search then costs one lookup a step. With more frames (they thin out within
the first steps) working out each step's orders as it comes is cheaper."""


class _StarOrders:
    """The order in which each frame's search visits each vertex's neighbours: by their coordinates in
    the frame (as ranks, so that noise cannot reorder them). Worked out step by step while many frames
    go on, for every vertex at once when few are left (see :data:`TABULATE_ENTRIES`)."""

    def __init__(self, inv: np.ndarray, vec: np.ndarray, valid: np.ndarray) -> None:
        self.inv, self.vec, self.valid = inv, vec, valid
        self.table: np.ndarray | None = None
        self._tabulate()

    def _tabulate(self) -> None:
        f, (n, width, _) = len(self.inv), self.vec.shape
        if f * width <= TABULATE_ENTRIES:
            self.table = _neighbour_order(np.repeat(self.inv, n, axis=0), np.tile(self.vec, (f, 1, 1)),
                                          np.tile(self.valid, (f, 1))).reshape(f, n, width)

    def keep(self, mask: np.ndarray) -> None:
        """Only the frames of ``mask`` go on."""
        self.inv = self.inv[mask]
        if self.table is not None:
            self.table = self.table[mask]
        else:
            self._tabulate()

    def at(self, u: np.ndarray) -> np.ndarray:
        """Neighbour order of vertex ``u[f]`` in frame f, for every frame."""
        if self.table is not None:
            return self.table[np.arange(len(u)), u]
        return _neighbour_order(self.inv, self.vec[u], self.valid[u])

    def of_frame(self, f: int) -> np.ndarray:
        """Neighbour order of every vertex in frame ``f``."""
        if self.table is not None:
            return self.table[f]
        n = len(self.vec)
        return _neighbour_order(np.repeat(self.inv[f:f + 1], n, axis=0), self.vec, self.valid)


def _neighbour_order(inv: np.ndarray, vec: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Row r's neighbours (``vec[r]`` in the old basis, ``valid[r]`` the real ones) sorted by their
    coordinates in the frame ``inv[r]``, lexicographically, padding last."""
    coords = np.einsum("fij,fej->fei", inv, vec)
    coords[~valid] = np.inf
    return _row_order(_ranks(coords))


def _row_order(ranks: np.ndarray) -> np.ndarray:
    """The entries of each row of ``ranks`` (rows, width, d) sorted lexicographically by their d ranks."""
    rows, width, d = ranks.shape
    flat = ranks.reshape(-1, d)
    row = np.repeat(np.arange(rows), width)
    return np.lexsort(tuple(flat[:, j] for j in range(d - 1, -1, -1)) + (row,)).reshape(rows, width) % width


def _coincident_neighbours(vec: np.ndarray, valid: np.ndarray) -> bool:
    """Whether two neighbours of one vertex sit at one place (the same in every frame)."""
    ranks = _ranks(np.where(valid[..., None], vec, np.inf))
    srt = _row_order(ranks)
    cs = np.take_along_axis(ranks, srt[:, :, None], axis=1)
    oks = np.take_along_axis(valid, srt, axis=1)
    return bool(((np.diff(cs, axis=1) == 0).all(axis=2) & oks[:, 1:]).any())


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values of the array, values closer than :data:`FINE` to the
    next counting as one (infinite values rank last): integers that order and tell apart the exact
    rationals the floats stand for, the same whatever the floating-point noise of the description."""
    flat = values.ravel()
    order = np.argsort(flat)  # equal values get one rank whatever their order
    ascending = flat[order]
    with np.errstate(invalid="ignore"):  # inf - inf: one rank for the padding
        step = np.diff(ascending) > FINE
    ranks = np.empty(len(flat), dtype=np.int64)
    ranks[order] = np.concatenate([[0], np.cumsum(step)]) if len(flat) else []
    return ranks.reshape(values.shape)


def _emitted(nbrs: list[list[int]], nbr: np.ndarray, shf: np.ndarray, deg: np.ndarray, origin: int,
             star_order: np.ndarray) -> np.ndarray | None:
    """A frame's whole search: one row (new u, new v, shift in the old lattice basis) per edge it
    lists, in search order, each vertex's ``deg[u]`` neighbours (``nbrs[u]``, in ``nbr``/``shf`` padded
    to one width) visited in ``star_order[u]``. Only the numbering runs edge by edge; the rows follow
    at once, the shifts from the search tree's lifts. None when the net is not connected."""
    n, width, d = shf.shape
    number = [-1] * n
    number[origin] = 0
    order = [origin]
    found_by = [0] * n  # the slot (u * width + e) of the edge that reached each vertex
    orders = star_order.tolist()
    for k in range(n):
        if k >= len(order):
            return None
        u = order[k]
        row = nbrs[u]
        for e in orders[u][:len(row)]:
            w = row[e]
            if number[w] < 0:
                number[w] = len(order)
                order.append(w)
                found_by[w] = u * width + e
    lift = _tree_lifts(np.array(found_by, dtype=np.int64), shf.reshape(-1, d), origin, width)
    visited = np.array(order, dtype=np.int64)
    slot = (visited[:, None] * width + star_order[visited])[np.arange(width) < deg[visited][:, None]]
    u, w = slot // width, nbr.ravel()[slot]
    num = np.array(number, dtype=np.int64)
    return np.column_stack([num[u], num[w], lift[u] + shf.reshape(-1, d)[slot] - lift[w]])


def _tree_lifts(found_by: np.ndarray, steps: np.ndarray, root: int, width: int) -> np.ndarray:
    """Each vertex's lattice shift along the search tree (vertex w reached through slot ``found_by[w]``,
    the parent's edge ``steps[slot]``), summed up the tree (:func:`topology.net.periodic.sums_to_root`)."""
    parent = found_by // width
    parent[root] = root
    lift = steps[found_by]
    lift[root] = 0
    return sums_to_root(lift, parent, root)


def _orbits(n: int, images: np.ndarray) -> np.ndarray:
    """Vertex orbits under the symmetries found (vertex permutations, one a row), numbered in the order
    of their least vertices: each vertex takes the least vertex it reaches through the permutations, in
    one step when they form a group (they do: all the net's symmetries are found), in a few otherwise."""
    if not len(images):
        return np.arange(n)
    least = images.min(axis=0)
    while True:
        lower = np.minimum(least, least[images].min(axis=0))
        if (lower == least).all():
            break
        least = lower
    return np.unique(least, return_inverse=True)[1].ravel()


def _key(d: int, emitted: np.ndarray) -> str:
    """The key text: each edge once (where the search first lists it), shifts in the column Hermite
    normal form of the shift matrix."""
    u, v, shift = emitted[:, 0], emitted[:, 1], emitted[:, 2:]
    flip = (u > v) | ((u == v) & first_negative(shift))
    undirected = np.column_stack([np.where(flip, v, u), np.where(flip, u, v), np.where(flip[:, None], -shift, shift)])
    rows = emitted[first_rows(undirected)]
    shifts = column_hermite(rows[:, 2:])
    table = np.column_stack([(rows[:, :2] + 1).astype(object), shifts])
    return " ".join([str(d), *map(str, table.ravel().tolist())])
