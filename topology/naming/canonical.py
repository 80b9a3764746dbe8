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

>>> pcu = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0)), (0, 0, (0, 0, 1))])
>>> canonical_form(pcu).key
'3 1 1 1 0 0 1 1 0 1 0 1 1 0 0 1'
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.sparse import csc_matrix

from topology.naming.invariants import coordination_sequences
from topology.net.periodic import hermite_basis, solve_laplacian, sums_to_root
from topology.tables import row_ranks, unique_rows

FINE = 1e-8
"""Frame coordinates (edge vectors and shifts in a frame of edge vectors) closer than this are equal:
they are rationals whose denominators grow with the net, and two different ones may lie closer than
the positions' grid; floating-point noise stays below it (up to about 1e-10 where a net is given in a
skewed lattice basis: 2^-32, tried first, told equal values apart in 2 of 40 descriptions of amn). They are compared
by rank among all the values of one step (:func:`_ranks`), never rounded to a grid: a value that
falls near the middle between two grid points would round one way in one description of the net and
the other way in another, and the key would depend on the description."""

ROUND = float(2**20)
"""Coordinates are compared on a grid of 2^-20: barycentric coordinates are rationals of modest
denominators, far apart at that resolution, and none of them (denominators below 2^21) falls halfway
between two grid points, so floating-point noise never rounds two equal values apart."""

MAX_FRAMES = 20_000
"""Frames tried at most for one net; beyond, the key falls back to the invariant form (never seen
on real nets: a 12-connected vertex has 1,320 frames)."""

MAX_MAP_ENTRIES = 1_000_000
"""Vertex images computed at once when testing candidate symmetries (a batch's memory, about 50 bytes
each), so that testing many candidates costs time in proportion, never memory."""


@dataclass(frozen=True)
class PeriodicGraph:
    """A simple periodic graph: ``n`` vertices, each undirected edge once as ``src -> dst + shift``."""

    n: int
    dim: int
    src: np.ndarray
    dst: np.ndarray
    shift: np.ndarray  # (m, dim) integers

    @classmethod
    def from_edges(cls, dim: int, edges, n: int | None = None) -> PeriodicGraph:
        """A graph from ``(u, v, shift)`` triples; duplicates, reversed duplicates and zero loops dropped."""
        rows = [(int(u), int(v), *(int(x) for x in s)) for u, v, s in edges]
        return cls.from_arrays(np.array(rows, dtype=np.int64).reshape(-1, 2 + dim), dim, n)

    @classmethod
    def from_arrays(cls, table: np.ndarray, dim: int, n: int | None = None) -> PeriodicGraph:
        table = np.asarray(table, dtype=np.int64).reshape(-1, 2 + dim)
        if len(table) <= FEW_EDGES:
            rows = np.array(sorted(_standard_edges(table.tolist())), dtype=np.int64).reshape(-1, 2 + dim)
            return cls._of_rows(rows, dim, n)
        u, v, s = table[:, 0], table[:, 1], table[:, 2:]
        flip = (u > v) | ((u == v) & _negative(s))
        rows = np.column_stack([np.where(flip, v, u), np.where(flip, u, v), np.where(flip[:, None], -s, s)])
        rows = rows[(rows[:, 0] != rows[:, 1]) | rows[:, 2:].any(axis=1)]
        return cls._of_rows(unique_rows(rows) if len(rows) else rows, dim, n)

    @classmethod
    def _of_rows(cls, rows: np.ndarray, dim: int, n: int | None) -> PeriodicGraph:
        count = int(n if n is not None else (rows[:, :2].max() + 1 if len(rows) else 0))
        return cls(count, dim, rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2:].copy())

    def directed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Both directions of every edge (made once: every stage of the canonical search reads them,
        none writes to them)."""
        both = self.__dict__.get("_directed")
        if both is None:
            both = (np.concatenate([self.src, self.dst]), np.concatenate([self.dst, self.src]),
                    np.concatenate([self.shift, -self.shift]))
            for array in both:
                array.flags.writeable = False
            object.__setattr__(self, "_directed", both)
        return both

    def degrees(self) -> np.ndarray:
        return np.bincount(np.concatenate([self.src, self.dst]), minlength=self.n)

    def adjacency(self) -> list[list[tuple[int, tuple[int, ...]]]]:
        """Neighbour images of every vertex, as (vertex, shift) pairs."""
        out: list[list[tuple[int, tuple[int, ...]]]] = [[] for _ in range(self.n)]
        src, dst, shift = self.directed()
        for u, v, s in zip(src.tolist(), dst.tolist(), shift.tolist()):
            out[u].append((v, tuple(s)))
        return out


FEW_EDGES = 40
"""Edges up to which a graph's edge list is put in standard form in plain Python (measured: quicker
than a dozen numpy calls up to about 48)."""


def _standard_edges(table: list[list[int]]) -> set[tuple[int, ...]]:
    """:meth:`PeriodicGraph.from_arrays` on a few rows: each edge written from its lower end (from the
    side whose shift's first nonzero entry is positive, for a loop), zero loops dropped, once."""
    out = set()
    for u, v, *s in table:
        if u > v or (u == v and next((x < 0 for x in s if x), False)):
            u, v, s = v, u, [-x for x in s]
        if u != v or any(s):
            out.add((u, v, *s))
    return out


def _negative(s: np.ndarray) -> np.ndarray:
    """Rows whose first nonzero entry is negative."""
    first = np.argmax(s != 0, axis=1)
    return s[np.arange(len(s)), first] < 0


def simplify(graph: PeriodicGraph) -> PeriodicGraph:
    """The net the field names: dangling (1-connected) vertices removed and 2-connected vertices
    contracted into edges, repeatedly, as ToposPro and CrystalNets.jl do before naming.

    >>> chain_sql = PeriodicGraph.from_edges(2, [(0, 1, (0, 0)), (1, 0, (1, 0)), (0, 2, (0, 0)), (2, 0, (0, 1))])
    >>> s = simplify(chain_sql); (s.n, len(s.src))
    (1, 2)
    """
    return simplified(graph)[0]


def simplified(graph: PeriodicGraph) -> tuple[PeriodicGraph, list[int]]:
    """:func:`simplify`, and the vertices of ``graph`` that are left (in the new numbering's order)."""
    if graph.n > 1 and graph.degrees().min() >= 3:
        return graph, list(range(graph.n))  # nothing dangles and nothing is 2-connected: a MOF's net, mostly
    adj: dict[int, dict[tuple[int, tuple[int, ...]], None]] = {v: {} for v in range(graph.n)}
    for u, v, s in zip(graph.src.tolist(), graph.dst.tolist(), graph.shift.tolist()):
        adj[u][(v, tuple(s))] = None
        adj[v][(u, tuple(-x for x in s))] = None
    changed = True
    while changed:
        changed = False
        for v in list(adj):
            if v not in adj:
                continue
            nbrs = list(adj[v])
            if len(nbrs) == 1 and len(adj) > 1:
                (w, s), = nbrs
                adj[w].pop((v, tuple(-x for x in s)), None)
                del adj[v]
                changed = True
            elif len(nbrs) == 2 and len(adj) > 1:
                (a, sa), (b, sb) = nbrs
                through = tuple(y - x for x, y in zip(sa, sb))  # a + sa - v = 0 ... b + sb
                if a == b and not any(through):
                    continue  # would close a loop on one image: keep the vertex
                if a == v or b == v:
                    continue  # a vertex bonded to its own images: a chain, left as it is
                adj[a].pop((v, tuple(-x for x in sa)), None)
                adj[b].pop((v, tuple(-x for x in sb)), None)
                adj[a][(b, through)] = None
                adj[b][(a, tuple(-x for x in through))] = None
                del adj[v]
                changed = True
    keep = sorted(adj)
    index = {v: k for k, v in enumerate(keep)}
    edges = [(index[u], index[w], s) for u in keep for (w, s) in adj[u]]
    return PeriodicGraph.from_edges(graph.dim, edges, n=len(keep)), keep


def barycentric(graph: PeriodicGraph) -> np.ndarray:
    """Barycentric placement (vertex 0 at the origin), in the coordinates of the graph's lattice."""
    n, d = graph.n, graph.dim
    if n == 1:
        return np.zeros((1, d))
    src, dst, shift = graph.directed()
    deg = np.bincount(src, minlength=n).astype(float)
    rhs = np.zeros((n, d))
    np.add.at(rhs, src, shift.astype(float))
    pos = np.zeros((n, d))
    if n <= DENSE_PLACEMENT:
        lap = np.diag(deg)
        np.add.at(lap, (src, dst), -1.0)
        pos[1:] = np.linalg.solve(lap[1:, 1:], rhs[1:])
        return pos
    rows = np.concatenate([np.arange(n), src])
    cols = np.concatenate([np.arange(n), dst])
    vals = np.concatenate([deg, -np.ones(len(src))])
    lap = csc_matrix((vals, (rows, cols)), shape=(n, n))[1:, 1:]
    pos[1:] = solve_laplacian(lap, rhs[1:])
    return pos


DENSE_PLACEMENT = 64
"""Vertices up to which the placement is solved densely: a few microseconds of LAPACK, where building
a sparse matrix alone costs a hundred."""


def _codes(frac: np.ndarray) -> np.ndarray:
    """One integer per position modulo the lattice: each coordinate on the rounding grid, modulo 1 by
    keeping its low 20 bits (two's complement makes that the floor modulo), in 20 bits of the code."""
    grid = np.rint(frac * ROUND).astype(np.int64) & (int(ROUND) - 1)
    code = grid[..., 0]
    for j in range(1, grid.shape[-1]):
        code = (code << 20) | grid[..., j]
    return code


def collides(pos: np.ndarray) -> bool:
    """Whether two vertices share a barycentric position modulo the lattice (an unstable net)."""
    return len(np.unique(_codes(pos))) < len(pos)


class Symmetry:
    """Tests, many at once, whether affine maps of the placement are symmetries of the net."""

    def __init__(self, graph: PeriodicGraph, pos: np.ndarray) -> None:
        self.pos, self.n = pos, graph.n
        codes = _codes(pos)
        self.order = np.argsort(codes)
        self.sorted = codes[self.order]
        self.src, self.dst, self.shift = graph.directed()
        self.edges = np.sort(self._edge_code(self.src, self.dst, self.shift))
        # a map carries the net's edges onto edges when it carries each one, in the direction it is
        # given, onto a directed edge: half the work of carrying both directions
        self.given = graph.src, graph.dst, graph.shift.astype(float)

    def _edge_code(self, u, v, s) -> np.ndarray:
        code = u * self.n + v
        for j in range(s.shape[-1]):
            code = code * 1024 + (s[..., j] + 512)
        return code

    def carries_star(self, v: int, shifts: np.ndarray) -> np.ndarray:
        """For each translation in ``shifts`` (rows): whether it takes every neighbour of vertex ``v``
        onto a vertex, a necessary condition for a symmetry that costs the degree of ``v``, not the net."""
        ends = self.pos[self.dst[self.src == v]] + self.shift[self.src == v]
        codes = _codes(ends[None, :, :] + shifts[:, None, :])
        at = np.minimum(np.searchsorted(self.sorted, codes), self.n - 1)
        return (self.sorted[at] == codes).all(axis=1)

    def maps(self, o1: int, lins: np.ndarray, o2s: np.ndarray) -> np.ndarray:
        """For each integral linear part ``lins[k]`` and vertex ``o2s[k]``: the permutation of the
        vertices made by the map taking vertex ``o1`` to ``o2s[k]`` with that linear part, or a row
        of -1 when that map is not a symmetry."""
        k = len(lins)
        out = np.full((k, self.n), -1, dtype=np.int64)
        if k == 0:
            return out
        moved = self.pos[o2s][:, None, :] + np.matmul(self.pos - self.pos[o1], lins.transpose(0, 2, 1))
        codes = _codes(moved)
        at = np.minimum(np.searchsorted(self.sorted, codes), self.n - 1)
        hit = np.flatnonzero((self.sorted[at] == codes).all(axis=1))
        if len(hit) == 0:
            return out
        target = self.order[at[hit]]
        lift = np.round(moved[hit] - self.pos[target]).astype(np.int64)
        src, dst, shift = self.given
        # integral linear parts on small integer shifts: exact in floating point, and a BLAS product
        s = np.matmul(shift, lins[hit].transpose(0, 2, 1)).astype(np.int64)
        s += np.take(lift, dst, axis=1) - np.take(lift, src, axis=1)
        small = (np.abs(s) < 512).all(axis=(1, 2))  # the codes of the others are never read
        codes = self._edge_code(np.take(target, src, axis=1), np.take(target, dst, axis=1), s)
        at = np.minimum(np.searchsorted(self.edges, codes), len(self.edges) - 1)
        good = small & (self.edges[at] == codes).all(axis=1)
        out[hit[good]] = target[good]
        return out


def minimal_image(graph: PeriodicGraph, pos: np.ndarray,
                  classes: np.ndarray) -> tuple[PeriodicGraph, np.ndarray, np.ndarray, Symmetry | None]:
    """The net on its own, largest, translation lattice (Systre's minimal image).

    A cell may hold several translation-equivalent pieces of the net (a supercell, or a centred cell
    of the crystal); the translations of the placement that map the net onto itself are found among
    the differences between vertices of one class, then every vertex is reduced modulo them.
    Candidates are tested in batches of bounded size: those that do not even carry the first vertex's
    star onto vertices are dropped first, and those already in the lattice found so far are skipped,
    so a k x k x k supercell costs about what its cell costs times k^3, never its square.
    Returns the graph, its placement and the vertex classes, all in the new lattice's coordinates, and
    the symmetry tests of the graph when it is the one given (else None: the new graph's are made anew).
    """
    n, d = graph.n, graph.dim
    base = 0
    others = np.flatnonzero(classes == classes[base])
    class_size = len(others)  # the translations act freely on the class: their denominators divide its size
    others = others[others != base]
    if not len(others):  # one vertex of its class: no translation to look for
        return graph, pos, classes, None
    symmetry = Symmetry(graph, pos)
    others = others[symmetry.carries_star(base, pos[others] - pos[base])]
    basis = np.eye(d)  # rows: the translation lattice found so far, in old coordinates
    found: list[np.ndarray] = []
    largest, batch = max(1, MAX_MAP_ENTRIES // max(1, n * d)), 4
    while len(others):
        coords = (pos[others] - pos[base]) @ np.linalg.inv(basis)
        others = others[(np.abs(coords - np.round(coords)) > 1e-6).any(axis=1)]  # not yet in the lattice
        # batches that double from a few candidates: the first translations found usually span the
        # lattice, and every candidate they already hold is then skipped untried
        chunk, others, batch = others[:batch], others[batch:], min(largest, 2 * batch)
        if not len(chunk):
            break
        perms = symmetry.maps(base, np.broadcast_to(np.eye(d), (len(chunk), d, d)), chunk)
        hits = chunk[perms[:, 0] >= 0]
        if len(hits):
            found += [t - np.round(t) for t in pos[hits] - pos[base]]
            basis = _lattice_basis(np.vstack([np.eye(d), *found]), class_size)
            found = list(basis)  # the basis stands for everything found so far
    if not found:
        return graph, pos, classes, symmetry
    new_pos = pos @ np.linalg.inv(basis)
    # the vertices that the translations make one: numbered in the order of their first vertex
    _, first, inverse = np.unique(_codes(new_pos), return_index=True, return_inverse=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(first)] = np.arange(len(first))
    rep_of, first = renumber[inverse.ravel()], np.sort(first)
    rep_pos = new_pos[first]
    # every edge of the old graph, from its end's representative, in new integer shifts
    src, dst, shift = graph.directed()
    lift_src = np.round(new_pos[src] - rep_pos[rep_of[src]]).astype(np.int64)
    end = new_pos[dst] + shift @ np.linalg.inv(basis)
    lift_dst = np.round(end - rep_pos[rep_of[dst]]).astype(np.int64)
    table = np.column_stack([rep_of[src], rep_of[dst], lift_dst - lift_src])
    reduced = PeriodicGraph.from_arrays(table, d, n=len(first))
    return reduced, rep_pos, classes[first], None


def _lattice_basis(vectors: np.ndarray, den: int) -> np.ndarray:
    """A basis (rows) of the lattice spanned by rational ``vectors`` (rows with small denominators),
    whose denominators most likely divide ``den`` (then no fraction is worked out)."""
    near = np.round(vectors * den)
    if np.abs(vectors * den - near).max(initial=0.0) < 1e-6:  # small integers: their Hermite rows
        return hermite_basis(near.astype(np.int64)).astype(float) / den
    fr = [[Fraction(float(x)).limit_denominator(10_000) for x in row] for row in vectors]
    den = math.lcm(*(x.denominator for row in fr for x in row))
    ints = np.array([[int(x * den) for x in row] for row in fr], dtype=object)
    d = ints.shape[1]
    basis = column_hermite(ints.T)[:, :d].T  # row operations on the generators, through the transpose
    return basis.astype(float) / den


def color_refinement(graph: PeriodicGraph) -> np.ndarray:
    """Invariant vertex classes: colour refinement (1-dimensional Weisfeiler-Leman) on the quotient
    graph, started from the degrees. A vertex's new colour is the rank of (its colour, its neighbours'
    colours sorted) among all vertices' such rows: ranks of a set of rows that depends only on the net,
    so the class that starts the canonical search is the same for every description."""
    src, dst, _ = graph.directed()
    degree = graph.degrees()
    color = degree.astype(np.int64)
    width = int(degree.max(initial=0))
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    column = np.arange(len(src)) - np.searchsorted(src, src)  # the edge's place in its vertex's list
    count = len(np.unique(color))
    for _ in range(graph.n):
        rows = np.full((graph.n, width + 1), -1, dtype=np.int64)
        rows[:, 0] = color
        seen = color[dst]
        by = np.lexsort((seen, src))  # each vertex's neighbour colours, ascending
        rows[src, 1 + column] = seen[by]  # src is sorted, so a vertex keeps its edges' places
        color = row_ranks(rows)
        if color.max() + 1 == count:
            break
        count = int(color.max()) + 1
    return color


class TooManyFrames(Exception):
    """The canonical search would need more than :data:`MAX_FRAMES` frames: counted before they are made."""


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


@dataclass(frozen=True)
class _Frames:
    """Candidate frames: frame f stands at vertex ``origin[f]`` with basis columns ``basis[f]``, which
    are the vectors ``picks[f]`` of that vertex's candidates ``vectors(origin[f])`` (its star, then,
    for a flat star, the vectors further out that complete it)."""

    origin: np.ndarray
    basis: np.ndarray
    picks: np.ndarray
    stars: tuple[np.ndarray, np.ndarray]  # every vertex's edge vectors, padded (vertex, edge, d), and degree
    completed: dict[int, np.ndarray]  # a flat star's vectors and those that complete it, by vertex

    def take(self, mask: np.ndarray) -> _Frames:
        return _Frames(self.origin[mask], self.basis[mask], self.picks[mask], self.stars, self.completed)

    def vectors(self, v: int) -> np.ndarray:
        """The candidate vectors of vertex ``v``, which ``picks`` index."""
        vec, deg = self.stars
        return self.completed[v] if v in self.completed else vec[v, :deg[v]]


def _frames(graph: PeriodicGraph, pos: np.ndarray, classes: np.ndarray, vec: np.ndarray, deg: np.ndarray,
            nbr: np.ndarray, shf: np.ndarray) -> _Frames | None:
    """Candidate frames: (origin, ordered basis) for every vertex of the start class.

    The start class is the smallest class of vertices whose stars (edge vectors) span the most
    dimensions, ties broken by colour; a basis is an ordered choice of independent edge vectors.
    Where no star spans the space (square-planar and triangular vertices in one plane, as in tbo),
    the basis is completed with vectors to vertices two edges away. The rules depend only on the net.
    """
    d = graph.dim
    # the rank of a vertex's star is an invariant too: colour refinement may put a flat and a full
    # star in one class (fta), so the start class is chosen by (rank, colour)
    rank = np.zeros(len(deg), dtype=int)
    for k in np.unique(deg).tolist():  # one stacked rank per degree
        members = np.flatnonzero(deg == k)
        rank[members] = _star_ranks(vec[members, :k])
    best = int(rank.max())
    eligible = rank == best
    values, counts = np.unique(classes[eligible], return_counts=True)
    start = min(zip(counts.tolist(), values.tolist()))[1]
    # the frames a class gives, counted before any is made: a vertex of degree 342 alone would give
    # 342 x 341 x 340 of them. Past the limit, the class giving fewest frames starts instead (a rule
    # that depends only on the net too, and leaves every key under the limit as it was).
    degree = {int(c): int(deg[np.flatnonzero(classes == c)[0]]) for c in values}
    frames = {int(c): int(k) * math.perm(degree[int(c)], best) for c, k in zip(values, counts)}
    if frames[start] > MAX_FRAMES:
        start = min(frames, key=lambda c: (frames[c], c))
        if frames[start] > MAX_FRAMES:
            raise TooManyFrames(f"its fewest start vertices and edge bases give {frames[start]:,} frames")
    members = np.flatnonzero((classes == start) & eligible)
    choices = _arrangements(degree[start], best)
    if best == d:  # stars that span the space: every vertex's frames at once
        mats = vec[members][:, choices].transpose(0, 1, 3, 2)  # (vertex, frame, d, d)
        good = np.abs(_det(mats)) > 1e-9
        if not good.any():
            return None
        picks = np.broadcast_to(choices, good.shape + (best,))[good]
        return _Frames(np.repeat(members, good.sum(axis=1)), mats[good], picks, (vec, deg), {})
    # flat stars, completed by the vectors to the vertices further out: two edges away for all of
    # them at once, a search further out for any that those leave flat
    vectors = _second_shells(pos, members, vec, nbr, shf, deg)
    adj = graph.adjacency() if len(vectors) < len(members) else None
    for v in members.tolist():
        if v not in vectors:
            pool = _completion(adj, pos, v, vec[v, :deg[v]], d)
            if pool is None:
                return None
            vectors[v] = np.vstack([vec[v, :deg[v]], pool])
    origins, bases, picked, count = [], [], [], 0
    by_size: dict[int, list[int]] = {}
    for v in members.tolist():  # one stack of frames for the vertices with as many candidates
        by_size.setdefault(len(vectors[v]), []).append(v)
    for size, group in by_size.items():
        pool = size - degree[start]
        if len(choices) * math.perm(pool, d - best) > MAX_FRAMES:
            raise TooManyFrames(f"a flat star completed by {pool} vectors gives too many frames")
        tails = degree[start] + _arrangements(pool, d - best)
        picks = np.concatenate([np.repeat(choices, len(tails), axis=0), np.tile(tails, (len(choices), 1))], axis=1)
        mats = np.stack([vectors[v] for v in group])[:, picks].transpose(0, 1, 3, 2)  # (vertex, frame, d, d)
        good = np.abs(_det(mats)) > 1e-9
        origins.append(np.repeat(group, good.sum(axis=1)))
        bases.append(mats[good])
        picked.append(np.broadcast_to(picks, good.shape + (d,))[good])
        count += int(good.sum())
        if count > MAX_FRAMES:
            raise TooManyFrames(f"its start vertices give more than {MAX_FRAMES:,} frames")
    if not count:
        return None
    return _Frames(np.concatenate(origins), np.concatenate(bases), np.concatenate(picked), (vec, deg), vectors)


def _second_shells(pos: np.ndarray, members: np.ndarray, vec: np.ndarray, nbr: np.ndarray, shf: np.ndarray,
                   deg: np.ndarray) -> dict[int, np.ndarray]:
    """For each of ``members`` (vertices of one degree) whose star, with the vectors to the vertices
    exactly two edges away, spans the space: the star followed by those vectors, in the order a
    breadth-first search meets the vertices, each place once (what :func:`_completion` gives at that
    distance), all members in a few array operations. Members left flat are not in the result."""
    (k, width), d = (int(deg[members[0]]), nbr.shape[1]), pos.shape[1]
    w1, s1 = nbr[members, :k], shf[members, :k]
    w2 = nbr[w1].reshape(len(members), -1)  # (member, first edge x second edge), in search order
    s2 = (s1[:, :, None, :] + shf[w1]).reshape(len(members), k * width, d)
    real = (np.arange(width) < deg[w1][..., None]).reshape(len(members), -1)
    low = min(int(s2.min(initial=0)), int(s1.min(initial=0)), 0)
    span = max(int(s2.max(initial=0)), int(s1.max(initial=0)), 0) - low + 1
    if (len(pos) + 1) * span ** d >= 2**62:
        return {}
    weights = span ** np.arange(d - 1, -1, -1)

    def code(w: np.ndarray, s: np.ndarray) -> np.ndarray:  # a vertex image as one integer
        return w * span ** d + (s - low) @ weights

    far = code(w2, s2)
    real &= (far != code(members, np.zeros((len(members), d), dtype=np.int64))[:, None])
    real &= ~(far[:, :, None] == code(w1, s1)[:, None, :]).any(axis=2)  # not the star's own vertices
    row, col = np.nonzero(real)
    order = np.lexsort((far[row, col], row))  # stable: each image's first meeting comes first
    keys = np.column_stack([row, far[row, col]])[order]
    first = order[np.append(True, (keys[1:] != keys[:-1]).any(axis=1))]
    row, col = row[np.sort(first)], col[np.sort(first)]
    found = pos[w2[row, col]] + s2[row, col] - pos[members[row]]
    # each place once: the first image met there
    place = row_ranks(np.column_stack([row, np.round(found * ROUND).astype(np.int64)]))
    keep = np.sort(np.unique(place, return_index=True)[1])
    row, found = row[keep], found[keep]
    bounds = np.searchsorted(row, np.arange(len(members) + 1))
    candidates = [np.vstack([vec[v, :k], found[bounds[i]:bounds[i + 1]]]) for i, v in enumerate(members.tolist())]
    by_size: dict[int, list[int]] = {}
    for i, c in enumerate(candidates):
        by_size.setdefault(len(c), []).append(i)
    out = {}
    for group in by_size.values():  # one stacked rank for the members with as many candidates
        for i, rank in zip(group, _star_ranks(np.stack([candidates[i] for i in group])).tolist()):
            if rank == d:
                out[int(members[i])] = candidates[i]
    return out


def _star_ranks(stars: np.ndarray) -> np.ndarray:
    """Ranks of a stack of stars (vertex, edge, coordinate), as ``matrix_rank(tol=1e-9)`` gives them.
    Most stars plainly span the space: a Gram determinant above ``1e-12`` times the trace to the power
    ``d - 1`` bounds the least singular value above ``1e-6``, far from rounding while the edges are
    short, and settles them without a singular value decomposition each; the others are decomposed."""
    d = stars.shape[-1]
    gram = stars.transpose(0, 2, 1) @ stars
    trace = gram.trace(axis1=1, axis2=2)
    full = (np.linalg.det(gram) > 1e-12 * trace ** (d - 1)) & (trace < 100)
    rank = np.full(len(stars), d)
    if not full.all():
        rank[~full] = np.linalg.matrix_rank(stars[~full], tol=1e-9)
    return rank


@functools.lru_cache(maxsize=16)
def _arrangements(k: int, r: int) -> np.ndarray:
    """Every ordered choice of ``r`` of ``k`` indices, one a row (read-only): kept, since the same few
    degrees come back net after net and listing the 1,320 of a 12-connected vertex takes 0.3 ms."""
    out = np.array(list(itertools.permutations(range(k), r)), dtype=np.int64).reshape(-1, r)
    out.flags.writeable = False
    return out


def _det(mats: np.ndarray) -> np.ndarray:
    """Determinants of a stack of 2x2 or 3x3 matrices, written out: many times quicker than LAPACK's
    one factorisation per matrix on the thousands of small bases of a net's frames."""
    if mats.shape[-1] == 2:
        return mats[..., 0, 0] * mats[..., 1, 1] - mats[..., 0, 1] * mats[..., 1, 0]
    a, b, c, d, e, f, g, h, i = (mats[..., r, k] for r in range(3) for k in range(3))
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)


def _completion(adj, pos: np.ndarray, v: int, star: np.ndarray, d: int, reach: int = 8) -> np.ndarray | None:
    """Vectors from ``v`` to the vertices two or more edges away, out to the first distance at which
    they and the star span the space (a flat star needs them to complete a basis)."""
    origin = (v, (0,) * d)
    seen = {origin}
    shell = [origin]
    found = [star]
    for radius in range(1, reach + 1):
        nxt = []
        for u, s in shell:
            for w, t in adj[u]:
                node = (w, tuple(a + b for a, b in zip(s, t)))
                if node not in seen:
                    seen.add(node)
                    nxt.append(node)
        shell = nxt
        if radius >= 2:
            found.append(pos[[w for w, _ in shell]] + np.array([s for _, s in shell]).reshape(-1, d) - pos[v])
            span = np.vstack(found)
            if np.linalg.matrix_rank(span, tol=1e-9) == d:
                further = span[len(star):]
                first = np.unique(row_ranks(np.round(further * ROUND).astype(np.int64)), return_index=True)[1]
                return further[np.sort(first)]  # the vectors themselves, not rounded: frames stay exact
    return None


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
    frames = _frames(graph, pos, classes, vec, deg, nbr, shf)
    if frames is None:
        return None
    origin, basis = frames.origin, frames.basis
    auto = auto or Symmetry(graph, pos)
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
    frames = frames.take(_one_per_family(frames, perms, lins))
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


def _one_per_family(frames: _Frames, perms: np.ndarray, lins: np.ndarray) -> np.ndarray:
    """Mask keeping one frame of each family of frames that the symmetries (vertex permutations
    ``perms`` with linear parts ``lins``) take onto each other: they would give the same edge list.

    The frames stand at one vertex of each orbit, so only the symmetries that keep a frame's origin can
    take it onto another frame. Such a symmetry permutes the origin's candidate vectors, so it acts on
    frames as on tuples of vector indices: of each family, the frame whose tuple is least under every
    symmetry is kept, with integer work only."""
    keep = np.zeros(len(frames.origin), dtype=bool)
    for o in np.unique(frames.origin).tolist():
        at = np.flatnonzero(frames.origin == o)
        vectors = frames.vectors(o)
        moved = _permutations_of(vectors, lins[perms[:, o] == o])
        if moved is None:  # candidate vectors the symmetries do not permute: no family is merged
            keep[at] = True
            continue
        picks = frames.picks[at]
        weights = len(vectors) ** np.arange(picks.shape[1] - 1, -1, -1)
        # (symmetry, frame): each image's tuple as one integer, summed place by place (an integer
        # matrix product over the stacked tuples costs twice as much)
        codes = sum(moved[:, picks[:, j]] * weights[j] for j in range(picks.shape[1]))
        keep[at] = picks @ weights == codes.min(axis=0)
    return keep


def _permutations_of(vectors: np.ndarray, lins: np.ndarray) -> np.ndarray | None:
    """For each linear part, the permutation of ``vectors`` it makes (row g: where vector i goes),
    or None when one of them does not map the vectors onto themselves."""
    k = len(vectors)
    images = np.matmul(vectors, lins.transpose(0, 2, 1)).reshape(-1, vectors.shape[1])
    grid = np.round(np.vstack([vectors, images]) * ROUND).astype(np.int64)
    ids = row_ranks(grid)
    index = np.full(len(grid), -1)
    index[ids[:k]] = np.arange(k)
    moved = index[ids[k:]]
    if len(np.unique(ids[:k])) < k or (moved < 0).any():
        return None
    return moved.reshape(len(lins), k)


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
    flip = (u > v) | ((u == v) & _negative(shift))
    undirected = np.column_stack([np.where(flip, v, u), np.where(flip, u, v), np.where(flip[:, None], -shift, shift)])
    rows = emitted[np.sort(np.unique(row_ranks(undirected), return_index=True)[1])]
    shifts = column_hermite(rows[:, 2:])
    table = np.column_stack([(rows[:, :2] + 1).astype(object), shifts])
    return " ".join([str(d), *map(str, table.ravel().tolist())])


def column_hermite(m: np.ndarray) -> np.ndarray:
    """Column-style Hermite normal form ``m @ U`` (U unimodular) of an integer matrix of full column
    rank: the same for ``m`` and ``m @ V`` for any unimodular V, so shifts written this way do not
    depend on the lattice basis they were given in.

    The column operations are decided row by row from the top until every column has its pivot; they
    are gathered in U (as small as the matrix is wide), and the whole matrix is multiplied once.

    >>> column_hermite(np.array([[2, 0], [1, 1], [0, 3]], dtype=object)).tolist()
    [[2, 0], [0, 1], [-3, 3]]
    """
    try:  # most matrices fit in 64 bits: then read and multiplied as such
        ints = np.asarray(m, dtype=np.int64)
    except OverflowError:
        ints = None
    rows, cols = len(m), (len(m[0]) if len(m) else 0)
    u = [[int(i == j) for j in range(cols)] for i in range(cols)]

    def add(row: list[int], j: int, c: int, q: int) -> None:  # column j -= q * column c
        row[j] -= q * row[c]
        for line in u:
            line[j] -= q * line[c]

    c = 0
    for r in np.flatnonzero((np.asarray(m) != 0).any(axis=1)).tolist():  # zero rows decide nothing
        if c == cols:
            break
        given = list(map(int, m[r].tolist()))  # read row by row: the pivots are most often in the first few
        row = [sum(x * line[j] for x, line in zip(given, u)) for j in range(cols)]  # row r as it now stands
        # Euclid across columns c.. on row r until a single nonzero entry is left, at column c
        while True:
            nz = [j for j in range(c, cols) if row[j] != 0]
            if not nz:
                break
            p = min(nz, key=lambda j: abs(row[j]))
            if p != c:
                row[p], row[c] = row[c], row[p]
                for line in u:
                    line[p], line[c] = line[c], line[p]
            for j in range(c + 1, cols):
                if row[j]:
                    add(row, j, c, row[j] // row[c])
            if all(row[j] == 0 for j in range(c + 1, cols)):
                break
        if all(row[j] == 0 for j in range(c, cols)):
            continue
        if row[c] < 0:
            row[c] = -row[c]
            for line in u:
                line[c] = -line[c]
        for j in range(c):  # reduce the entries left of the pivot into [0, pivot)
            if q := row[j] // row[c]:
                add(row, j, c, q)
        c += 1
    unimodular = np.array(u, dtype=object).reshape(cols, cols)
    if ints is not None and rows and cols:
        largest = max(map(abs, unimodular.ravel().tolist())) * int(np.abs(ints).max())
        if largest * cols < 2**62:  # the product fits in 64 bits: one integer matrix product
            return (ints.reshape(rows, cols) @ unimodular.astype(np.int64)).astype(object)
    return np.array([list(map(int, row)) for row in m.tolist()], dtype=object).reshape(rows, cols).dot(unimodular)
