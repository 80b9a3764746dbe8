"""Naming a net: its canonical key, RCSR symbol, point symbol and coordination sequences.

Each 2D or 3D component of a structure's net is taken on its own lattice (every copy of a k-fold
net is the same net), simplified as the field does before naming (dangling vertices removed,
2-connected vertices contracted into edges), given its canonical key (:mod:`topology.canonical`),
and looked up in the archive built from Systre's ``rcsr.arc`` (RCSR: O'Keeffe, Peskov, Ramsden &
Yaghi, Acc. Chem. Res. 41, 1782 (2008); Systre: Delgado-Friedrichs & O'Keeffe, Acta Cryst. A59,
351 (2003)). The point symbol and the coordination sequences to ten shells (with TD10, the total
number of vertices within ten bonds, the vertex itself included) are given per vertex kind, as
ToposPro prints them.

>>> sql = PeriodicGraph.from_edges(2, [(0, 0, (1, 0)), (0, 0, (0, 1))])
>>> ident = identify(sql)
>>> ident.topology, ident.point_symbol, ident.coordination_sequences[0][:4], ident.td10
('sql', '{4^4.6^2}', (4, 8, 12, 16), (221,))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from math import gcd

import numpy as np

from topology import archive
from topology.canonical import PeriodicGraph, canonical_form, color_refinement, simplify
from topology.periodic import Component

SHELLS = 10
RING_LIMIT = 12
"""Longest cycle looked for when writing a point symbol (longer angles are written as infinite)."""


@dataclass(frozen=True)
class NetIdentity:
    """What names a net."""

    topology: str | None
    key: str
    point_symbol: str
    coordination_sequences: tuple[tuple[int, ...], ...]
    td10: tuple[int, ...]
    exact: bool  # False for unstable nets, whose key is an invariant but not a proof of identity


def identify(graph: PeriodicGraph, simplified: bool = True) -> NetIdentity:
    """Name one connected 2- or 3-periodic net given on its own lattice."""
    if simplified:
        graph = simplify(graph)
    form = canonical_form(graph)
    net = form.graph
    kinds = form.orbits if form.stable else _classes(net)
    adj = net.adjacency()
    reps = [int(np.flatnonzero(kinds == k)[0]) for k in np.unique(kinds)]
    counts = [int((kinds == k).sum()) for k in np.unique(kinds)]
    seqs = [tuple(coordination_sequence(adj, v, SHELLS)) for v in reps]
    order = sorted(range(len(reps)), key=lambda i: (-len(adj[reps[i]]), seqs[i]))
    symbols = [vertex_point_symbol(adj, reps[i]) for i in order]
    name = archive.lookup(form.digest) if form.stable else None
    return NetIdentity(name, form.key, _total_point_symbol(symbols, [counts[i] for i in order]),
                       tuple(seqs[i] for i in order), tuple(1 + sum(seqs[i]) for i in order), form.stable)


def _classes(graph: PeriodicGraph) -> np.ndarray:
    return np.unique(color_refinement(graph), return_inverse=True)[1].ravel()


def component_graph(src: np.ndarray, dst: np.ndarray, offset: np.ndarray, shift: np.ndarray,
                    component: Component) -> PeriodicGraph:
    """One copy of a component of a crystal's net, on the component's own lattice.

    ``src, dst, offset`` are the net's directed edges in cell coordinates and ``shift`` the lifted
    position of every vertex (:func:`topology.periodic.lift`); the cycle vector of each edge is a
    vector of the component's lattice, written here in its Hermite basis.
    """
    nodes = component.nodes
    index = np.full(int(max(src.max(initial=0), dst.max(initial=0), nodes.max(initial=0))) + 1, -1)
    index[nodes] = np.arange(len(nodes))
    keep = index[src] >= 0
    s, d, o = src[keep], dst[keep], offset[keep]
    cycles = shift[s] + o - shift[d]
    basis = component.basis.astype(float)
    coords, *_ = np.linalg.lstsq(basis.T, cycles.T.astype(float), rcond=None)
    ints = np.round(coords.T).astype(np.int64)
    table = np.column_stack([index[s], index[d], ints])
    return PeriodicGraph.from_arrays(table, len(basis), n=len(nodes))


def coordination_sequence(adj, v: int, shells: int = SHELLS) -> list[int]:
    """Number of vertices at each topological distance 1..shells from vertex ``v``.

    >>> dia = PeriodicGraph.from_edges(3, [(0, 1, (0, 0, 0)), (0, 1, (1, 0, 0)), (0, 1, (0, 1, 0)), (0, 1, (0, 0, 1))])
    >>> coordination_sequence(dia.adjacency(), 0, 5)
    [4, 12, 24, 42, 64]
    """
    dim = len(adj[v][0][1]) if adj[v] else 0
    start = (v, (0,) * dim)
    seen = {start}
    shell = [start]
    out = []
    for _ in range(shells):
        nxt = []
        for u, s in shell:
            for w, t in adj[u]:
                node = (w, tuple(a + b for a, b in zip(s, t)))
                if node not in seen:
                    seen.add(node)
                    nxt.append(node)
        out.append(len(nxt))
        shell = nxt
    return out


def vertex_point_symbol(adj, v: int) -> Counter:
    """Length of the shortest cycle through each pair of edges at ``v`` (0 when none is found within
    :data:`RING_LIMIT`), from one breadth-first search per edge that stops once it has reached every
    other edge's end."""
    dim = len(adj[v][0][1]) if adj[v] else 0
    origin = (v, (0,) * dim)
    ends = [(w, tuple(s)) for w, s in adj[v]]
    out: Counter = Counter()
    for i in range(len(ends) - 1):
        dist = _distances(adj, ends[i], origin, set(ends[i + 1:]), RING_LIMIT - 2)
        for j in range(i + 1, len(ends)):
            d = dist.get(ends[j])
            out[d + 2 if d is not None else 0] += 1
    return out


def _distances(adj, start, banned, targets: set, depth: int) -> dict:
    """Breadth-first distances from ``start`` in the infinite net without the vertex ``banned``,
    level by level until every target is reached or ``depth`` is."""
    dist = {start: 0}
    level = [start]
    left = set(targets) - {start}
    d = 0
    while level and left and d < depth:
        d += 1
        nxt = []
        for u, s in level:
            for w, t in adj[u]:
                node = (w, tuple(a + b for a, b in zip(s, t)))
                if node not in dist and node != banned:
                    dist[node] = d
                    nxt.append(node)
                    left.discard(node)
        level = nxt
    return dist


def _total_point_symbol(symbols: list[Counter], counts: list[int]) -> str:
    """ToposPro's form: one ``{a^n.b^m}`` per vertex kind, followed by its relative number when the
    kinds come in different numbers, e.g. ``{4^12.6^3}`` or ``{6^3}4{6^2.8^2.12^2}3``."""
    g = 0
    for c in counts:
        g = gcd(g, c)
    parts = []
    for sym, count in zip(symbols, counts):
        terms = [f"{'∞' if size == 0 else size}{'^' + str(n) if n > 1 else ''}"
                 for size, n in sorted(sym.items(), key=lambda kv: (kv[0] == 0, kv[0]))]
        ratio = count // g if g else 1
        parts.append("{" + ".".join(terms) + "}" + (str(ratio) if ratio > 1 and len(counts) > 1 else ""))
    return "".join(parts)
