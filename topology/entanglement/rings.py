"""Rings of a net in Cartesian space: the shortest cycle through every pair of edges at a vertex.

Rings are found on the simplified net (dangling vertices removed, 2-connected ones contracted into
straight edges between the remaining nodes), as ToposPro does for entanglement, and placed with the
vertices' own positions. One ring stands for all its lattice translates; ``shift`` places it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from topology.naming.canonical import PeriodicGraph, simplified
from topology.net.periodic import Component

MAX_RING = 16
"""Longest ring looked for (dia has 6-rings, srs 10-rings; a covalent framework cut into atoms, 14 to 16)."""

MAX_RINGS = 2000
"""Most distinct rings kept for one net."""


@dataclass(frozen=True)
class Ring:
    """A ring of one net: its vertices (net vertex ids) with the cell each image sits in."""

    vertices: tuple[int, ...]
    shifts: tuple[tuple[int, int, int], ...]

    def __len__(self) -> int:
        return len(self.vertices)

    def points(self, frac: np.ndarray, orth: np.ndarray, offset=(0, 0, 0)) -> np.ndarray:
        """Cartesian corners of the ring translated by the lattice vector ``offset``."""
        where = frac[list(self.vertices)] + np.array(self.shifts) + np.asarray(offset)
        return where @ orth.T


@dataclass(frozen=True)
class NetGeometry:
    """A net's simplified edges (vertex ids of the whole net, cell offsets) and its rings."""

    edges: tuple[tuple[int, int, tuple[int, int, int]], ...]
    rings: tuple[Ring, ...]


def net_geometry(src: np.ndarray, dst: np.ndarray, offset: np.ndarray, component: Component) -> NetGeometry:
    """Simplified edges and smallest rings of one component of a crystal's net (cell coordinates)."""
    nodes = component.nodes
    index = np.full(int(max(src.max(initial=0), dst.max(initial=0), nodes.max(initial=0))) + 1, -1)
    index[nodes] = np.arange(len(nodes))
    keep = index[src] >= 0
    table = np.column_stack([index[src[keep]], index[dst[keep]], offset[keep]])
    graph, kept = simplified(PeriodicGraph.from_arrays(table, 3, n=len(nodes)))
    original = nodes[np.array(kept, dtype=int)] if kept else np.zeros(0, dtype=int)
    edges = tuple((int(original[u]), int(original[v]), tuple(int(x) for x in s))
                  for u, v, s in zip(graph.src.tolist(), graph.dst.tolist(), graph.shift.tolist()))
    rings = smallest_rings(graph.adjacency())
    return NetGeometry(edges, tuple(Ring(tuple(int(original[v]) for v in r.vertices), r.shifts) for r in rings))


def smallest_rings(adj, max_size: int = MAX_RING) -> list[Ring]:
    """The shortest cycle through each pair of edges at each vertex that is a ring (no shortcut between
    two of its vertices), each ring once (up to translation).

    >>> sql = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0))])
    >>> [len(r) for r in smallest_rings(sql.adjacency())]
    [4]
    """
    found: dict[tuple, Ring] = {}
    for u in range(len(adj)):
        origin = (u, (0, 0, 0))
        ends = [(w, tuple(s)) for w, s in adj[u]]
        for i in range(len(ends)):
            parent = _search(adj, ends[i], origin, max_size - 2, set(ends[i + 1:]))
            for j in range(i + 1, len(ends)):
                if ends[j] not in parent or ends[j] == ends[i]:
                    continue
                path = [ends[j]]
                while path[-1] != ends[i]:
                    path.append(parent[path[-1]])
                cycle = [origin] + path[::-1]
                key = _canonical(cycle)
                if key not in found and _no_shortcut(adj, cycle):
                    found[key] = Ring(tuple(v for v, _ in cycle), tuple(s for _, s in cycle))
                    if len(found) >= MAX_RINGS:
                        return list(found.values())
    return list(found.values())


def _no_shortcut(adj, cycle: list) -> bool:
    """Whether no two vertices of the cycle are closer in the net than along the cycle: a ring, not a
    sum of smaller rings (the 6-cycle round two squares of pcu is not a ring)."""
    size = len(cycle)
    for i in range(size):
        near = _search(adj, cycle[i], None, size // 2 - 1)
        depth = _depths(near, cycle[i])
        for j in range(size):
            arc = min(abs(i - j), size - abs(i - j))
            if arc >= 2 and depth.get(cycle[j], arc) < arc:
                return False
    return True


def _depths(parent: dict, start) -> dict:
    """Distances from ``start`` in a breadth-first parent map."""
    depth = {start: 0}
    for node in parent:  # parents come before children in insertion order
        if node != start:
            depth[node] = depth[parent[node]] + 1
    return depth


def _search(adj, start, banned, depth: int, targets: set | None = None) -> dict:
    """Breadth-first parents from ``start`` in the infinite net without the vertex image ``banned`` (if
    any), to ``depth`` or until every one of ``targets`` is reached."""
    parent = {start: start}
    left = set(targets) - {start} if targets else None
    queue = deque([(start, 0)])
    while queue:
        node, d = queue.popleft()
        if d == depth:
            continue
        v, s = node
        for w, t in adj[v]:
            nxt = (w, (s[0] + t[0], s[1] + t[1], s[2] + t[2]))
            if nxt not in parent and nxt != banned:
                parent[nxt] = node
                queue.append((nxt, d + 1))
                if left is not None:
                    left.discard(nxt)
                    if not left:
                        return parent
    return parent


def _canonical(cycle: list[tuple[int, tuple[int, int, int]]]) -> tuple:
    """The same key for a ring and all its translates, whatever vertex it starts from."""
    best = None
    for _, s in cycle:
        moved = tuple(sorted((v, (t[0] - s[0], t[1] - s[1], t[2] - s[2])) for v, t in cycle))
        if best is None or moved < best:
            best = moved
    return best
