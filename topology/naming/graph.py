"""The periodic graph a net is named from (after Systre): its edges in a standard form, simplified as
the field does before naming, placed barycentrically, and its vertices in invariant colour classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix

from topology.net.periodic import solve_laplacian
from topology.tables import row_ranks, unique_rows


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
        flip = (u > v) | ((u == v) & first_negative(s))
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


def first_negative(s: np.ndarray) -> np.ndarray:
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
