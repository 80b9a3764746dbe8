"""Edges of a Systre ``CRYSTAL`` block that gives nodes but no ``EDGE`` lines, by Systre's rule.

Systre (gavrog's ``NetParser``) joins each node to its nearest neighbours up to its coordination
number: every node proposes its ``degree`` nearest node images as candidate edges; the candidates
are taken shortest first, each kept while one of its two ends still lacks neighbours; a node that
ends with more neighbours than its degree is an error. An ``EDGE_CENTER`` is a node of degree 2
that is never joined to another edge centre; once joined, it is replaced by the edge through it.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from topology.errors import InputError

MIN_EDGE = 1e-3
"""Shortest edge (in cell units) Systre accepts: two nodes closer than this are one point twice."""

Edge = tuple[int, int, tuple[int, int, int]]


def nearest_neighbour_edges(frac: np.ndarray, orth: np.ndarray, degree: np.ndarray, centre: np.ndarray,
                            names: list[str], source: str) -> list[Edge]:
    """Edges (u, v, offset of v) joining every node to its ``degree`` nearest neighbours (module docstring)."""
    n = len(frac)
    reach = 2 if n * 125 <= 2_000_000 else 1
    steps = np.arange(-reach, reach + 1)
    offsets = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(-1, 3)
    points = (frac[None, :, :] + offsets[:, None, :]).reshape(-1, 3)
    tree = cKDTree(points @ orth.T)
    home = np.flatnonzero(~offsets.any(axis=1))[0] * n
    k = min(len(points), int(degree.max()) * 2 + 8)
    dist, hit = tree.query(frac @ orth.T, k=k)
    candidates: list[tuple[float, int, int, tuple[int, int, int]]] = []
    for u in range(n):
        taken = 0
        for d, h in zip(dist[u], hit[u]):
            v, off = int(h % n), tuple(int(x) for x in offsets[h // n])
            if h == home + u or (centre[u] and centre[v]) or taken >= degree[u]:
                continue
            if d < MIN_EDGE * max(1.0, float(np.linalg.norm(orth, axis=0).max())):
                raise InputError(source, f"nodes {names[u]!r} and {names[v]!r} are closer than an edge can be")
            candidates.append((float(d), u, v, off))
            taken += 1
        if taken < degree[u]:
            raise InputError(source, f"node {names[u]!r} has fewer than {degree[u]} neighbours near it")
    candidates.sort(key=lambda c: c[0])
    have = np.zeros(n, dtype=int)
    seen: set[Edge] = set()
    edges: list[Edge] = []
    for _, u, v, off in candidates:
        if have[u] >= degree[u] and have[v] >= degree[v]:
            continue
        key = min((u, v, off), (v, u, tuple(-x for x in off)))
        if key in seen:
            continue
        seen.add(key)
        edges.append(key)
        have[u] += 1
        have[v] += 1
        for w in (u, v):
            if have[w] > degree[w]:
                raise InputError(source, f"node {names[w]!r} gets {have[w]} nearest neighbours, more than its "
                                         f"coordination {degree[w]}: the nearest-neighbour rule does not apply")
    return _through_centres(edges, centre, names, source)


def _through_centres(edges: list[Edge], centre: np.ndarray, names: list[str], source: str) -> list[Edge]:
    """Replace each edge centre and its two half-edges by one edge between the nodes it joins."""
    if not centre.any():
        return edges
    halves: dict[int, list[tuple[int, np.ndarray]]] = {}
    out = []
    for u, v, off in edges:
        if centre[u]:
            halves.setdefault(u, []).append((v, np.array(off)))
        elif centre[v]:
            halves.setdefault(v, []).append((u, -np.array(off)))
        else:
            out.append((u, v, off))
    for c in np.flatnonzero(centre).tolist():
        ends = halves.get(c, [])
        if len(ends) != 2:
            raise InputError(source, f"edge centre {names[c]!r} joins {len(ends)} nodes, not 2")
        (a, oa), (b, ob) = ends
        off = tuple(int(x) for x in ob - oa)
        if a == b and not any(off):
            raise InputError(source, f"edge centre {names[c]!r} joins a node to itself")
        out.append((a, b, off))
    return out
