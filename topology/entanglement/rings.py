"""Rings of a net in Cartesian space: the shortest cycle through every pair of edges at a vertex.

Rings are found on the simplified net (dangling vertices removed, 2-connected ones contracted into
straight edges between the remaining nodes), as ToposPro does for entanglement, and placed with the
vertices' own positions. One ring stands for all its lattice translates; ``shift`` places it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from topology.naming.graph import PeriodicGraph, simplified
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


@dataclass(frozen=True, eq=False)
class Move:
    """A translation of a structure as a map of its net's vertices: it takes vertex ``v`` at
    ``frac[v] + s`` to vertex ``target[v]`` at ``frac[target[v]] + s + delta[v]``. A net's rings are
    searched from one vertex of each orbit and carried to the others, and a net that a move makes of
    another has its rings carried over whole (:func:`smallest_rings`)."""

    target: np.ndarray
    delta: np.ndarray


@dataclass(frozen=True)
class NetGeometry:
    """A net's simplified edges (vertex ids of the whole net, cell offsets) and its rings."""

    edges: tuple[tuple[int, int, tuple[int, int, int]], ...]
    rings: tuple[Ring, ...]

    def moved(self, move: Move) -> NetGeometry:
        """The edges and rings carried by a translation of the structure (:class:`Move`): those of the
        net it carries this one onto."""
        to, by = move.target.tolist(), move.delta.tolist()
        edges = tuple((to[u], to[v], tuple(a + b - c for a, b, c in zip(s, by[v], by[u]))) for u, v, s in self.edges)
        rings = tuple(Ring(tuple([to[v] for v in r.vertices]),
                           tuple([tuple(a + b for a, b in zip(s, by[v])) for v, s in zip(r.vertices, r.shifts)]))
                      for r in self.rings)
        return NetGeometry(edges, rings)


def net_geometry(src: np.ndarray, dst: np.ndarray, offset: np.ndarray, component: Component,
                 translations: tuple[Move, ...] = ()) -> NetGeometry:
    """Simplified edges and smallest rings of one component of a crystal's net (cell coordinates).
    ``translations`` of the structure take the component onto itself: the rings are then searched from
    one vertex of each orbit and carried to the others."""
    nodes = component.nodes
    index = np.full(int(max(src.max(initial=0), dst.max(initial=0), nodes.max(initial=0))) + 1, -1)
    index[nodes] = np.arange(len(nodes))
    keep = index[src] >= 0
    table = np.column_stack([index[src[keep]], index[dst[keep]], offset[keep]])
    graph, kept = simplified(PeriodicGraph.from_arrays(table, 3, n=len(nodes)))
    original = nodes[np.array(kept, dtype=int)].tolist() if kept else []  # Python ints, looked up by the thousand
    edges = tuple((original[u], original[v], tuple(int(x) for x in s))
                  for u, v, s in zip(graph.src.tolist(), graph.dst.tolist(), graph.shift.tolist()))
    at = {v: k for k, v in enumerate(original)}
    # a translation is used where it maps the vertices kept onto vertices kept (not where it could not:
    # of a cycle of two-connected vertices, simplification keeps one)
    moves = tuple(([at[int(m.target[v])] for v in original], [tuple(int(x) for x in m.delta[v]) for v in original])
                  for m in translations if all(int(m.target[v]) in at for v in original))
    rings = smallest_rings(graph.adjacency(), moves=moves)
    return NetGeometry(edges, tuple(Ring(tuple([original[v] for v in r.vertices]), r.shifts) for r in rings))


def smallest_rings(adj, max_size: int = MAX_RING,
                   moves: tuple[tuple[list[int], list[tuple[int, ...]]], ...] = ()) -> list[Ring]:
    """Every shortest cycle through each pair of edges at each vertex that is a ring (no shortcut
    between two of its vertices), each ring once (up to translation), in the order of their keys. All
    the shortest cycles of an angle are kept, not one of them picked by the order of the search, so
    that the rings, and the links counted between them, depend on the net alone (dia's angles each lie
    on two 6-rings).

    ``moves`` are translations that map the net onto itself, each as the vertex it takes every vertex to
    and the lattice shift of each image (``Move``): the rings at a vertex are then those at the
    first vertex of its orbit under the group they generate, carried over, and only first vertices are
    searched.

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
    shortcut: set[tuple] = set()  # cycles seen not to be rings (found again from their other vertices)
    reach = (max_size - 1) // 2  # a path of max_size - 2 bonds meets its middle within this depth
    codes = _Codes(adj, max_size)
    near = _Neighbourhoods(codes)
    perms = [perm for perm, _ in moves]
    first = _first_of_orbits(len(adj), perms)
    movers = [codes.mover(*move) for move in moves]
    group = _closed(perms)  # a group: one application of each move makes a ring's whole orbit
    for u in range(len(adj)):
        if first[u] != u:
            continue
        origin = codes.origin(u)
        ends = [origin + step for step in codes.steps[u]]
        for cycle in _angle_cycles(codes, origin, ends, reach, max_size - 2):
            key = codes.canonical(cycle)
            if key in found or key in shortcut:
                continue
            if not _no_shortcut(near, cycle):
                shortcut.add(key)
                continue
            ring = codes.standard(cycle)
            found[key] = codes.ring(ring)
            images = [ring]
            while images and len(found) < MAX_RINGS:  # the ring's orbit under the moves
                ring = images.pop()
                for mover in movers:
                    image = codes.moved(ring, mover)
                    if image is None:  # beyond the codes' field: search every vertex instead
                        return smallest_rings(adj, max_size)
                    image = codes.standard(image)
                    if (key := codes.canonical(image)) not in found:
                        found[key] = codes.ring(image)
                        if not group:
                            images.append(image)
            if len(found) >= MAX_RINGS:
                break
        if len(found) >= MAX_RINGS:
            break
    return [found[key] for key in sorted(found)[:MAX_RINGS]]


def _closed(perms: list[list[int]]) -> bool:
    """Whether the permutations, with the identity, are closed under composition (a group)."""
    known = {tuple(p) for p in perms} | {tuple(range(len(perms[0])))} if perms else set()
    return all(tuple(p[v] for v in q) in known for p in perms for q in perms)


def _first_of_orbits(n: int, perms: list[list[int]]) -> list[int]:
    """The least vertex of each vertex's orbit under the group the permutations generate."""
    parent = list(range(n))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for perm in perms:
        for u, v in enumerate(perm):
            a, b = root(u), root(v)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [root(v) for v in range(n)]


class _Codes:
    """Vertex images (vertex, lattice shift) coded as one integer each, the vertex in the leading digit
    and each shift component in a digit of its own, wide enough for every image the search reaches:
    hashing and comparing an integer is much cheaper than a nested tuple, an edge adds the same amount
    to the code of every image it leaves from, and codes sort as the (vertex, shift) pairs do."""

    def __init__(self, adj, max_size: int) -> None:
        dim = next((len(a[0][1]) for a in adj if a), 3)
        widest = max((abs(x) for a in adj for _, s in a for x in s), default=1) or 1
        # the searches reach (max_size - 1) // 2 bonds beyond an edge from the origin; the shortcut check
        # and the ring's key take differences of two such shifts
        self.bound = widest * (max_size + 2)
        base = 2 * self.bound + 1
        self.place = [base ** (dim - 1 - i) for i in range(dim)]
        self.cell = base ** dim  # one vertex's span of codes
        self.zero = self.bound * sum(self.place)  # the code's shift part for shift 0
        self.steps = [[(w - v) * self.cell + sum(x * p for x, p in zip(s, self.place)) for w, s in a]
                      for v, a in enumerate(adj)]
        self.shifts: dict[int, tuple[int, ...]] = {}

    def origin(self, v: int) -> int:
        """The code of ``v`` in the cell at the origin."""
        return v * self.cell + self.zero

    def shift(self, code: int) -> tuple[int, ...]:
        """The lattice shift of a code (kept: rings repeat the few shifts near the origin)."""
        key = part = code % self.cell
        shift = self.shifts.get(key)
        if shift is None:
            digits = []
            for p in self.place:
                digit, part = divmod(part, p)
                digits.append(digit - self.bound)
            shift = self.shifts[key] = tuple(digits)
        return shift

    def mover(self, perm: list[int], delta: list[tuple[int, ...]]) -> tuple[list[int], int]:
        """A translation as :meth:`moved` applies it: vertex ``v`` shifted by ``s`` goes to ``perm[v]``
        shifted by ``s + delta[v]``, so a code moves by a per-vertex amount; and the largest shift that
        stays in the field."""
        move = [(p - v) * self.cell + sum(d * w for d, w in zip(shift, self.place))
                for v, (p, shift) in enumerate(zip(perm, delta))]
        return move, self.bound - max((abs(x) for shift in delta for x in shift), default=0)

    def moved(self, cycle: list[int], mover: tuple[list[int], int]) -> list[int] | None:
        """The coded images carried by a translation (:meth:`mover`), or None where one would fall beyond
        the codes' field (a cycle near the origin, as :meth:`standard` leaves it, stays well within)."""
        move, safe = mover
        cell = self.cell
        if any(max(map(abs, self.shift(c))) > safe for c in cycle):
            return None
        return [c + move[c // cell] for c in cycle]

    def ring(self, cycle: list[int]) -> Ring:
        """The ring through the coded images."""
        cell = self.cell
        return Ring(tuple([c // cell for c in cycle]), tuple([self.shift(c) for c in cycle]))

    def canonical(self, cycle: list[int]) -> tuple:
        """The same key for a ring and all its translates, whatever image it starts from: the sorted codes
        with the ring moved so that the last (in code order) image of its least vertex is at the origin.
        A translation keeps the order of the codes, so it picks the same image of the ring."""
        ordered, _, move = self._pick(cycle)
        return tuple([c - move for c in ordered]) if move else tuple(ordered)

    def standard(self, cycle: list[int]) -> list[int]:
        """One cycle for a ring, all its translates and both ways round it: moved as :meth:`canonical`
        moves it, from the image it picks, towards the lesser of that image's two neighbours."""
        _, pick, move = self._pick(cycle)
        moved = [c - move for c in cycle]
        start = moved.index(pick - move)
        forward = moved[start:] + moved[:start]
        return forward if forward[1] < forward[-1] else [forward[0], *forward[:0:-1]]

    def _pick(self, cycle: list[int]) -> tuple[list[int], int, int]:
        ordered = sorted(cycle)
        pick = ordered[0]
        end = pick - pick % self.cell + self.cell
        for c in ordered:
            if c >= end:
                break
            pick = c
        return ordered, pick, pick % self.cell - self.zero


INF = float("inf")


def _angle_cycles(codes: _Codes, origin: int, ends: list[int], reach: int, longest: int) -> list[list[int]]:
    """The cycles from ``origin`` closed by the shortest paths between the far ends of every two edges
    at ``origin``, avoiding it: searches from every end grow together one bond at a time, and an end's
    search stops once the shortest paths to every other end are known (a path of ``m`` bonds is known
    once the searches reach ``m / 2``). A pair's shortest meeting so far is kept, so each new depth only
    looks at the two new shells."""
    searches = [_Search(end, origin) for end in ends]
    pairs = {(i, j): INF for i in range(len(ends)) for j in range(i + 1, len(ends)) if ends[i] != ends[j]}
    cycles: list[list[int]] = []
    for depth in range(1, reach + 1):
        for k in {k for pair in pairs for k in pair}:
            searches[k].grow(codes, depth)
        for i, j in list(pairs):  # in order: pairs were made in order, and only removed since
            a, b = searches[i], searches[j]
            best = min(pairs[i, j], _meeting(a, b, depth), _meeting(b, a, depth))
            if best <= 2 * depth or depth == reach:
                del pairs[i, j]
                if best <= longest:
                    cycles += _shortest_cycles(origin, a, b, best)
            else:
                pairs[i, j] = best
        if not pairs:
            break
    return cycles


class _Search:
    """A breadth-first search from the coded image ``start`` without the image ``banned`` (if any): each
    reached image's distance, its shells, and all its neighbours one step nearer (every shortest path
    can be walked back). The banned image is entered at distance -1, seen already and never a parent."""

    def __init__(self, start: int, banned: int | None) -> None:
        self.distance = {start: 0} if banned is None else {start: 0, banned: -1}
        self.parents: dict[int, list[int]] = {start: []}
        self.shells = [[start]]

    def grow(self, codes: _Codes, depth: int) -> None:
        """Reach the images ``depth`` bonds away (the shell before must be the last grown)."""
        nxt = []
        steps, cell = codes.steps, codes.cell
        distance, parents = self.distance, self.parents
        for node in self.shells[-1]:
            for step in steps[node // cell]:
                image = node + step
                seen = distance.get(image)
                if seen is None:
                    distance[image] = depth
                    parents[image] = [node]
                    nxt.append(image)
                elif seen == depth and node not in parents[image]:
                    parents[image].append(node)
        self.shells.append(nxt)


def _meeting(a: _Search, b: _Search, depth: int) -> float:
    """The shortest path between the two roots through an image of ``a``'s last shell (``depth`` bonds
    from ``a``'s root) that ``b`` reached."""
    far = b.distance
    best = INF
    for node in a.shells[depth]:
        d = far.get(node, INF)
        if d < best:  # noqa: PLR1730 - min() here measured about 10% slower over the whole search
            best = d
    return depth + best


def _shortest_cycles(origin: int, a: _Search, b: _Search, length: int) -> list[list[int]]:
    """The cycles from ``origin`` through every path of ``length`` bonds (the shortest) from the root of
    ``a`` to the root of ``b``, at most :data:`MAX_TIES`; each path is found once, at its vertex
    ``length // 2`` bonds from ``a``'s root."""
    half = length // 2
    far, rest = b.distance, length - half
    middles = [n for n in a.shells[half] if far.get(n) == rest]
    middles.sort()
    cycles = []
    for node in middles:
        tails = _walks_back(node, b.parents)
        for head in _walks_back(node, a.parents):
            head.append(origin)
            head.reverse()
            for tail in tails:
                cycles.append(head + tail[1:])
                if len(cycles) >= MAX_TIES:
                    return cycles
    return cycles


def _walks_back(node: int, parents: dict[int, list[int]]) -> list[list[int]]:
    """Every path from ``node`` back to the root along ``parents`` (at most :data:`MAX_TIES`), each a new
    list."""
    walk = [node]
    up = parents[node]
    while len(up) == 1:  # most images have one parent: one walk, extended in place
        walk.append(up[0])
        up = parents[up[0]]
    walks = [walk]
    while up:
        walks = [w + [p] for w in walks for p in parents[w[-1]]][:MAX_TIES]
        up = parents[walks[0][-1]]
    return walks


class _Neighbourhoods:
    """Distances from each vertex (at the origin) to the images around it, searched once per vertex
    and as deep as asked so far: a ring's shortcut check asks about the same few vertices again and
    again, and a search from an image is the search from its vertex, translated."""

    def __init__(self, codes: _Codes) -> None:
        self.codes = codes
        self.searches: dict[int, _Search] = {}

    def around(self, v: int, depth: int) -> dict[int, int]:
        """Bonds from ``v`` at the origin to the coded images at most ``depth`` bonds away (maybe more)."""
        search = self.searches.get(v)
        if search is None:
            search = self.searches[v] = _Search(self.codes.origin(v), None)
        for d in range(len(search.shells), depth + 1):
            search.grow(self.codes, d)
        return search.distance


def _no_shortcut(near: _Neighbourhoods, cycle: list[int]) -> bool:
    """Whether no two vertices of the cycle are closer in the net than along the cycle: a ring, not a
    sum of smaller rings (the 6-cycle round two squares of pcu is not a ring)."""
    cell, zero, searches = near.codes.cell, near.codes.zero, near.searches
    for i, depth, later in _chords(len(cycle)):
        v, shift = divmod(cycle[i], cell)
        search = searches.get(v)
        grown = search is not None and len(search.shells) > depth
        distance = search.distance if grown else near.around(v, depth)
        move = zero - shift
        for j, arc in later:
            if distance.get(cycle[j] + move, arc) < arc:
                return False
    return True


@cache
def _chords(size: int) -> tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]:
    """For each position ``i`` of a cycle of ``size`` vertices: the later positions at least two bonds
    away along the cycle with that distance, and the depth a search from ``i`` needs to find a shorter
    way to any of them."""
    out = []
    for i in range(size - 2):
        arcs = ((j, min(j - i, size - j + i)) for j in range(i + 2, size))
        later = tuple((j, arc) for j, arc in arcs if arc >= 2)
        if later:
            out.append((i, max(arc for _, arc in later) - 1, later))
    return tuple(out)
