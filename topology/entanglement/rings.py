"""Rings of a net in Cartesian space: the shortest cycle through every pair of edges at a vertex.

Rings are found on the simplified net (dangling vertices removed, 2-connected ones contracted into
straight edges between the remaining nodes), as ToposPro does for entanglement, and placed with the
vertices' own positions. One ring stands for all its lattice translates; ``shift`` places it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from topology.naming.canonical import PeriodicGraph, simplified
from topology.net.periodic import Component

MAX_RING = 16
"""Longest ring looked for (dia has 6-rings, srs 10-rings; a covalent framework cut into atoms, 14 to 16)."""

MAX_RINGS = 2000
"""Most distinct rings kept for one net."""

MAX_TIES = 16
"""Most shortest cycles kept through one angle (a net of many equal short paths has more; the rest
are left out, in the search's order)."""


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
    """Every shortest cycle through each pair of edges at each vertex that is a ring (no shortcut
    between two of its vertices), each ring once (up to translation). All the shortest cycles of an
    angle are kept, not one of them picked by the order of the search, so that the rings, and the links
    counted between them, depend on the net alone (dia's angles each lie on two 6-rings).

    The shortest paths between the far ends of two edges, avoiding the vertex, are found by searching
    from both ends at once to half the ring's length (meeting in the middle): the searches reach the
    vertices within 7 bonds rather than 14, an eighth of them in a 3D net.

    >>> sql = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0))])
    >>> [len(r) for r in smallest_rings(sql.adjacency())]
    [4]
    >>> dia = PeriodicGraph.from_edges(3, [(0, 1, (0, 0, 0)), (0, 1, (1, 0, 0)), (0, 1, (0, 1, 0)), (0, 1, (0, 0, 1))])
    >>> len(smallest_rings(dia.adjacency()))  # the four 6-rings of a cell of dia, up to translation
    4
    """
    found: dict[tuple, Ring] = {}
    reach = (max_size - 1) // 2  # a path of max_size - 2 bonds meets its middle within this depth
    near = _Neighbourhoods(adj)
    for u in range(len(adj)):
        origin = (u, (0, 0, 0))
        ends = [(w, tuple(s)) for w, s in adj[u]]
        for path in _angle_paths(adj, origin, ends, reach, max_size - 2):
            cycle = [origin] + path
            key = _canonical(cycle)
            if key not in found and _no_shortcut(near, cycle):
                found[key] = Ring(tuple(v for v, _ in cycle), tuple(s for _, s in cycle))
                if len(found) >= MAX_RINGS:
                    return list(found.values())
    return list(found.values())


def _angle_paths(adj, origin, ends: list, reach: int, longest: int) -> list[list]:
    """The shortest paths between the far ends of every two edges at ``origin``, avoiding it: searches
    from every end grow together one bond at a time, and an end's search stops once the shortest paths
    to every other end are known (a path of ``m`` bonds is known once the searches reach ``m / 2``)."""
    searches = [_Search(end, origin) for end in ends]
    pairs = {(i, j) for i in range(len(ends)) for j in range(i + 1, len(ends)) if ends[i] != ends[j]}
    paths: list[list] = []
    for depth in range(1, reach + 1):
        for k in {k for pair in pairs for k in pair}:
            searches[k].grow(adj, depth)
        for i, j in sorted(pairs):
            best = _meeting_length(searches[i], searches[j])
            if best <= 2 * depth or depth == reach:
                pairs.discard((i, j))
                if best <= longest:
                    paths += _shortest_paths(searches[i], searches[j], best)
        if not pairs:
            break
    return paths


class _Search:
    """A breadth-first search from ``start`` without the vertex image ``banned`` (if any): each reached image's
    distance, and all its neighbours one step nearer (every shortest path can be walked back)."""

    def __init__(self, start, banned) -> None:
        self.distance = {start: 0}
        self.parents: dict = {start: []}
        self.shell = [start]
        self.banned = banned

    def grow(self, adj, depth: int) -> None:
        """Reach the images ``depth`` bonds away (the shell before must be the last grown)."""
        nxt = []
        for node in self.shell:
            v, s = node
            for w, t in adj[v]:
                image = (w, (s[0] + t[0], s[1] + t[1], s[2] + t[2]))
                if image == self.banned:
                    continue
                seen = self.distance.get(image)
                if seen is None:
                    self.distance[image] = depth
                    self.parents[image] = [node]
                    nxt.append(image)
                elif seen == depth and node not in self.parents[image]:
                    self.parents[image].append(node)
        self.shell = nxt


def _meeting_length(a: _Search, b: _Search) -> float:
    """The length of the shortest path between the two roots through a vertex both searches reached."""
    small, large = (a.distance, b.distance) if len(a.distance) <= len(b.distance) else (b.distance, a.distance)
    return min((d + large[node] for node, d in small.items() if node in large), default=float("inf"))


def _shortest_paths(a: _Search, b: _Search, length: int) -> list[list]:
    """Every path of ``length`` bonds (the shortest) from the root of ``a`` to the root of ``b``, at most
    :data:`MAX_TIES`; each is found once, at its vertex ``length // 2`` bonds from ``a``'s root."""
    half = length // 2
    paths = []
    for node in sorted(n for n, d in a.distance.items() if d == half and b.distance.get(n) == length - half):
        for head in _walks_back(node, a.parents):
            for tail in _walks_back(node, b.parents):
                paths.append(head[::-1] + tail[1:])
                if len(paths) >= MAX_TIES:
                    return paths
    return paths


def _walks_back(node, parents: dict) -> list[list]:
    """Every path from ``node`` back to the root along ``parents`` (at most :data:`MAX_TIES`)."""
    walks = [[node]]
    while parents[walks[0][-1]]:
        walks = [w + [p] for w in walks for p in parents[w[-1]]][:MAX_TIES]
    return walks


class _Neighbourhoods:
    """Distances from each vertex (at the origin) to the images around it, searched once per vertex
    and as deep as asked so far: a ring's shortcut check asks about the same few vertices again and
    again, and a search from an image is the search from its vertex, translated."""

    def __init__(self, adj) -> None:
        self.adj = adj
        self.searches: dict[int, tuple[_Search, int]] = {}

    def distance(self, frm, to, depth: int) -> int | None:
        """Bonds from image ``frm`` to image ``to`` when at most ``depth``, else None."""
        v, s = frm
        search, grown = self.searches.get(v) or (_Search((v, (0, 0, 0)), None), 0)
        for d in range(grown + 1, depth + 1):
            search.grow(self.adj, d)
        self.searches[v] = (search, max(grown, depth))
        w, t = to
        return search.distance.get((w, (t[0] - s[0], t[1] - s[1], t[2] - s[2])))


def _no_shortcut(near: _Neighbourhoods, cycle: list) -> bool:
    """Whether no two vertices of the cycle are closer in the net than along the cycle: a ring, not a
    sum of smaller rings (the 6-cycle round two squares of pcu is not a ring)."""
    size = len(cycle)
    for i in range(size):
        for j in range(i + 2, size):
            arc = min(j - i, size - (j - i))
            if arc >= 2:
                d = near.distance(cycle[i], cycle[j], arc - 1)
                if d is not None and d < arc:
                    return False
    return True


def _canonical(cycle: list[tuple[int, tuple[int, int, int]]]) -> tuple:
    """The same key for a ring and all its translates, whatever vertex it starts from: the sorted
    images with the ring moved so that an image of its least vertex is at the origin (the least such
    key where that vertex comes more than once)."""
    least = min(v for v, _ in cycle)
    return min(tuple(sorted((v, (t[0] - s[0], t[1] - s[1], t[2] - s[2])) for v, t in cycle))
               for u, s in cycle if u == least)
