"""Entanglement proven from geometry: linked rings (Hopf links) and rings threaded by edges.

For every pair of nets, and between the copies of one net (a k-fold net, or the stacked copies of a
layer), the rings of one (:mod:`topology.entanglement.rings`) are tested against the rings and edges of the other
near them. The linking number of two closed polygons is the number of times one crosses a surface the
other bounds, with signs: here the fan of triangles a ring spans from its centroid. Where a crossing
is too close to a triangle's edge or plane to be sure of, it is Gauss's double integral instead, which
for polygons is an exact sum over pairs of segments of signed solid angles (Klenin & Langowski,
Biopolymers 54, 307 (2000)), an integer up to rounding. A ring is threaded when an edge of the other
net crosses the same fan.

Each pair gets a kind, after Carlucci, Ciani & Proserpio (Coord. Chem. Rev. 246, 247 (2003)):
``interpenetration`` (nets of one dimensionality that each span the array: 3D with 3D, or layers
in the same slab), ``polycatenation`` (rings linked between nets of lower dimensionality than the
array they make: parallel or inclined layers, a layer with a framework), ``polythreading`` (edges
through rings with no closed link, as chains through a framework's rings), or ``none``.
Counts are per primitive cell of the structure: the rings of the first net taken once per cell,
divided by the lattice points the cell holds (:func:`lattice_points`), so that a centred cell or a
supercell gives the same numbers.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.entanglement.rings import Move, NetGeometry
from topology.net.periodic import Component
from topology.tables import row_ranks

KINDS = ("interpenetration", "polycatenation", "polythreading", "none")


@dataclass(frozen=True)
class Entanglement:
    """How two nets (or the copies of one net, ``between`` i == j) are entangled, per unit cell."""

    between: tuple[int, int]
    hopf_links: int
    threaded_rings: int
    kind: str
    example: tuple | None = None  # (ring of net i, ring of net j, lattice shift of the second): one linked pair

    def to_dict(self) -> dict:
        return {"between": list(self.between), "hopf_links": self.hopf_links, "threaded_rings": self.threaded_rings,
                "kind": self.kind}


def linking_number(p: np.ndarray, q: np.ndarray) -> int:
    """Gauss linking number of two closed polygons (corners in order, not repeated).

    >>> square = np.array([[0, 0, 0], [2, 0, 0], [2, 2, 0], [0, 2, 0]], float)
    >>> through = np.array([[1, 1, -1], [1, 1, 1], [3, 1, 1], [3, 1, -1]], float)
    >>> linking_number(square, through), linking_number(square, through + [5, 0, 0])
    (1, 0)
    """
    return int(linking_numbers(p, q[None])[0])


def linking_numbers(p: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Linking numbers of polygon ``p`` with each polygon of ``qs`` (k, m, 3); a shorter polygon is
    padded by repeating its first corner (zero-length segments add nothing)."""
    return pair_linking_numbers(np.broadcast_to(p, (len(qs),) + p.shape), qs)


def pair_linking_numbers(ps: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Linking numbers of polygon pairs: ``ps[k]`` (n, 3) with ``qs[k]`` (m, 3), padded as above."""
    a, b = _xyz(ps[:, :, None, :]), _xyz(np.roll(ps, -1, axis=1)[:, :, None, :])
    c, d = _xyz(qs[:, None, :, :]), _xyz(np.roll(qs, -1, axis=1)[:, None, :, :])
    r13, r14, r23, r24 = _sub(c, a), _sub(d, a), _sub(c, b), _sub(d, b)

    def unit(v):
        n = np.sqrt(_dot(v, v))
        scale = np.divide(1.0, n, out=np.zeros_like(n), where=n > 1e-12)
        return tuple(x * scale for x in v)

    n1, n2 = unit(_cross3(r13, r14)), unit(_cross3(r14, r24))
    n3, n4 = unit(_cross3(r24, r23)), unit(_cross3(r23, r13))
    omega = sum(np.arcsin(np.clip(_dot(x, y), -1.0, 1.0)) for x, y in ((n1, n2), (n2, n3), (n3, n4), (n4, n1)))
    sign = np.sign(_dot(_cross3(_sub(d, c), _sub(b, a)), r13))
    return np.round((omega * sign).sum(axis=(1, 2)) / (4 * np.pi)).astype(int)


def fan_linking_numbers(fans: Fans, rings: np.ndarray, qs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linking numbers of ring ``rings[k]`` of ``fans`` with polygon ``qs[k]``, counted as the signed
    crossings of the polygon through the fan of triangles the ring spans from its centre: the fan is
    a surface the ring bounds, and a closed curve's signed crossings of any such surface are its
    linking number with the ring. Returns the counts and the pairs they are not sure for: a segment
    passing within :data:`FAN_MARGIN` (a signed volume) of a triangle's edge or plane, whose linking
    number is then Gauss's sum (:func:`pair_linking_numbers`). Only segments that pass within the
    fan's bounding sphere and its slab (the heights its corners span along the ring's mean normal) are
    tried; the spokes and normals are the fan's own, worked out once.
    Padding (repeated first corners) gives flat triangles and empty segments."""
    count = np.zeros(len(rings), dtype=np.int64)
    unsure = np.zeros(len(rings), dtype=bool)
    if not len(rings):
        return count, unsure
    corner = _xyz(qs)  # (k, m) each
    d = tuple(np.roll(x, -1, axis=1) - x for x in corner)
    w = tuple(c[rings][:, None] - x for c, x in zip(fans.centre.T, corner))
    axis = tuple(x[rings][:, None] for x in fans.axis.T)
    height = -_dot(w, axis)  # the segment's start above the fan's centre, along the ring's mean normal
    end = height + _dot(d, axis)
    within = fans.meets_slab(rings[:, None], np.minimum(height, end), np.maximum(height, end), 1e-9)
    pair, seg = np.nonzero(within)  # the distance to the centre only for the segments in the slab
    w, d = tuple(x[pair, seg] for x in w), tuple(x[pair, seg] for x in d)
    t = np.clip(_dot(w, d) / np.maximum(_dot(d, d), 1e-300), 0.0, 1.0)
    gap = tuple(a - t * b for a, b in zip(w, d))
    close = np.flatnonzero(_dot(gap, gap) <= (fans.reach[rings[pair]] + 1e-9) ** 2)
    if not len(close):
        return count, unsure
    pair = pair[close]
    step = tuple(x[close][:, None] for x in d)
    start = tuple(-x[close][:, None] for x in w)  # the segment's start seen from the fan's centre
    signed, near = np.zeros(len(pair)), np.zeros(len(pair), dtype=bool)
    rows = max(1, FAN_BLOCK // fans.edge[0].shape[1])
    for k in range(0, len(pair), rows):
        block = slice(k, k + rows)
        signed[block], near[block] = _fan_crossings(fans, rings[pair[block]], tuple(x[block] for x in start),
                                                    tuple(x[block] for x in step))
    count = np.rint(np.bincount(pair, signed, minlength=len(rings))).astype(np.int64)
    unsure[pair[near]] = True
    return count, unsure


def _fan_crossings(fans: Fans, ring: np.ndarray, start: tuple, step: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The signed crossings of each segment through the fan of ``ring`` (its start seen from the fan's
    centre), and whether any of its triangles leaves one unsure."""
    edge, normal = tuple(x[ring] for x in fans.edge), tuple(x[ring] for x in fans.normal)  # (hits, width)
    below = _dot(start, normal)
    rise = _dot(step, normal)
    across = _dot(edge, _cross3(step, start))  # the volume the segment's line makes with each spoke
    after = np.roll(across, -1, axis=1)
    sides = (-across, rise + across - after, after)
    low, high = (np.minimum(np.minimum(*sides[:2]), sides[2]), np.maximum(np.maximum(*sides[:2]), sides[2]))
    ends = below * (below + rise)  # negative when the segment's ends lie on two sides of the plane
    crossing = (ends < -FAN_MARGIN) & ((low > FAN_MARGIN) | (high < -FAN_MARGIN))
    near = (ends <= FAN_MARGIN) & ((low >= -FAN_MARGIN) | (high <= FAN_MARGIN)) & ~crossing
    return np.where(crossing, np.sign(rise), 0.0).sum(axis=1), near.any(axis=1)


FAN_BLOCK = 8192
"""Segment-triangle pairs tried at once: arrays of this size stay in memory already mapped, where
larger ones are mapped and unmapped again for every step and cost more than they save in calls."""


FAN_MARGIN = 1e-6
"""Signed volumes (cubic Angstrom) within this of zero leave a crossing unsure: far above floating-point
noise, far below the volumes a ring and a segment make."""


SLAB_MARGIN = 1e-6
"""Heights (Angstrom) an edge may lie beyond a fan's slab and still be tried against it: the triangle
test's own tolerances move a crossing by far less."""


class Fans:
    """The fans of triangles a net's rings span from their centres: each ring's spokes (corners less
    centre), the normals of its triangles and its reach (farthest corner), worked out once for all
    the ring pairs it meets."""

    def __init__(self, corners: np.ndarray, centre: np.ndarray) -> None:
        self.centre = centre
        self.edge = tuple(np.ascontiguousarray(x) for x in _xyz(corners - centre[:, None, :]))  # (rings, width) each
        self.after = tuple(np.roll(x, -1, axis=1) for x in self.edge)  # each triangle's second spoke
        self.normal = _cross3(self.edge, self.after)
        self.reach = np.sqrt(_dot(self.edge, self.edge).max(axis=1, initial=0.0))
        # the fan lies in the hull of its centre and corners: between these heights along any axis
        total = np.stack([x.sum(axis=1) for x in self.normal], axis=1)
        self.axis = total / np.maximum(np.linalg.norm(total, axis=1), 1e-300)[:, None]
        heights = _dot(self.edge, tuple(x[:, None] for x in self.axis.T))
        self.low, self.high = np.minimum(heights.min(axis=1), 0.0), np.maximum(heights.max(axis=1), 0.0)

    def heights(self, rings: np.ndarray, points: np.ndarray) -> np.ndarray:
        """The heights of points (k, 3), or of polygons' corners (k, m, 3), above the centre of fan
        ``rings[k]`` along its ring's mean normal."""
        centre, axis = self.centre[rings], self.axis[rings]
        if points.ndim == 3:
            centre, axis = centre[:, None, :], axis[:, None, :]
        return _dot(_xyz(points - centre), _xyz(axis))

    def meets_slab(self, rings: np.ndarray, lowest: np.ndarray, highest: np.ndarray, margin: float) -> np.ndarray:
        """Whether heights from ``lowest`` to ``highest`` meet the slabs of fans ``rings`` (``margin``
        beyond them included): anything wholly above or below a fan's slab can cross none of its
        triangles, nor link its ring."""
        return (highest >= self.low[rings] - margin) & (lowest <= self.high[rings] + margin)

    def sphere_reached(self, rings: np.ndarray, centre: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """Whether spheres (centres, radii) may reach the slabs of fans ``rings``: False only where
        :meth:`reached` is False for any polygon within the sphere."""
        height = self.heights(rings, centre)
        return self.meets_slab(rings, height - radius, height + radius, SLAB_MARGIN)

    def reached(self, rings: np.ndarray, polygons: np.ndarray) -> np.ndarray:
        """Whether polygons (k, m, 3) reach the slabs of fans ``rings``."""
        height = self.heights(rings, polygons)
        return self.meets_slab(rings, height.min(axis=1), height.max(axis=1), 1e-9)

    def pierced(self, rings: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Whether segment k (``start[k]`` -> ``end[k]``) crosses the fan of ring ``rings[k]``; a ring is
        padded by repeating its first corner (the padding's triangles are flat and hit nothing). The
        segment's ends themselves do not count."""
        e1, e2 = tuple(x[rings] for x in self.edge), tuple(x[rings] for x in self.after)
        d = _xyz((end - start)[:, None, :])
        s = _xyz((start - self.centre[rings])[:, None, :])
        return _fan_hits(e1, e2, s, d, 1e-9).any(axis=1)


def _fan_hits(e1: tuple, e2: tuple, s: tuple, d: tuple, inside: float) -> np.ndarray:
    """Möller-Trumbore on components: whether segment ``s + t d`` (t in [0, 1], shrunk by ``inside`` at
    both ends) meets the triangle (0, e1, e2) of a fan, boundaries of the triangle included."""
    h = _cross3(d, e2)
    det = _dot(h, e1)
    ok = np.abs(det) > 1e-12
    inv = np.divide(1.0, det, out=np.zeros_like(det), where=ok)
    u = _dot(s, h) * inv
    qv = _cross3(s, e1)
    v = _dot(d, qv) * inv
    t = _dot(qv, e2) * inv
    low, high = (-1e-9, 1 + 1e-9) if inside == 0.0 else (inside, 1 - inside)
    return ok & (u > -1e-9) & (v > -1e-9) & (u + v < 1 + 1e-9) & (t > low) & (t < high)


def _xyz(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three components of vectors along the last axis: sums of three products beat numpy's
    reductions over an axis of length 3 several times."""
    return v[..., 0], v[..., 1], v[..., 2]


def _sub(a: tuple, b: tuple) -> tuple:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def _dot(a: tuple, b: tuple) -> np.ndarray:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross3(a: tuple, b: tuple) -> tuple:
    return a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]


def pierces(ring: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which segments (``start[k]`` -> ``end[k]``) cross the surface ``ring`` spans (a fan from its centroid)."""
    return Fans(ring[None], ring.mean(axis=0)[None]).pierced(np.zeros(len(start), dtype=int), start, end)


class Placed:
    """A net's rings and edges in Cartesian space, ready for tests against another net."""

    def __init__(self, geometry: NetGeometry, frac: np.ndarray, orth: np.ndarray, component: Component,
                 shift: np.ndarray) -> None:
        self.rings = list(geometry.rings)
        # every ring's corners at once: padded to one length by repeating its first corner
        self.sizes = size = np.array([len(r) for r in self.rings], dtype=np.int64)
        width = int(size.max(initial=1))
        first = np.cumsum(size) - size
        chain = itertools.chain.from_iterable  # flat iterators of ints: numpy reads them without a tuple each
        vertices = np.fromiter(chain(r.vertices for r in self.rings), dtype=int, count=int(size.sum()))
        shifts = np.fromiter(chain(chain(r.shifts for r in self.rings)), dtype=float, count=3 * len(vertices))
        shifts = shifts.reshape(-1, 3)
        points = (frac[vertices] + shifts) @ orth.T if len(vertices) else np.zeros((0, 3))
        column = np.arange(width)
        self.corners = points[first[:, None] + np.where(column < size[:, None], column, 0)].reshape(-1, width, 3)
        real = (column < size[:, None])[..., None]
        self.centre = (self.corners * real).sum(axis=1) / np.maximum(size, 1)[:, None]
        spread = np.where(real[..., 0], np.linalg.norm(self.corners - self.centre[:, None, :], axis=2), 0.0)
        self.radius = spread.max(axis=1, initial=0.0)
        u = np.array([e[0] for e in geometry.edges], dtype=int)
        v = np.array([e[1] for e in geometry.edges], dtype=int)
        off = np.array([e[2] for e in geometry.edges], dtype=int).reshape(-1, 3)
        self.edge_start = frac[u] @ orth.T if len(u) else np.zeros((0, 3))
        self.edge_end = (frac[v] + off) @ orth.T if len(u) else np.zeros((0, 3))
        self.edge_copy = -shift[u] if len(u) else np.zeros((0, 3), dtype=int)  # copy key of each edge's start
        self.ring_copy = (shifts[first] - shift[vertices[first]] if len(first) else np.zeros((0, 3))).astype(int)
        self.basis = component.basis
        self.dim = component.dimensionality

    @functools.cached_property
    def fans(self) -> Fans:
        return Fans(self.corners, self.centre)

    def same_copy(self, difference: np.ndarray) -> np.ndarray:
        """Whether lattice vectors (rows) join two images of one copy of this net (lie in its lattice)."""
        if len(self.basis) == 0:
            return ~difference.any(axis=1)
        x, *_ = np.linalg.lstsq(self.basis.T.astype(float), difference.T.astype(float), rcond=None)
        back = x.T @ self.basis
        return (np.abs(back - difference) < 1e-6).all(axis=1) & (np.abs(x.T - np.round(x.T)) < 1e-6).all(axis=1)


def lattice_points(frac: np.ndarray, labels: list[str], edges: np.ndarray, orth: np.ndarray,
                   tolerance: float = 0.2) -> list[np.ndarray]:
    """The translations of the whole structure within the cell, zero included (one for a primitive
    cell; two for a body-centred cell or a 2x1x1 supercell): vertex positions with their labels
    (compositions) and the edges (rows u, v, offset) must all map onto themselves.

    A candidate (the shift from vertex 0 to a vertex of its label) must first carry vertex 0's edges
    onto vertices, all candidates at once; one already in the group found so far is not tested again,
    and each one found closes the group; so a supercell's cost grows with its vertices, not their square.
    A vertex must land within ``tolerance`` (Angstrom) of one of its label.
    """
    if len(frac) == 0:
        return [np.zeros(3)]
    wrapped = _wrap(frac)
    tree = cKDTree(wrapped, boxsize=1.0)
    label = np.asarray(labels)
    candidates = np.flatnonzero(label == label[0])
    candidates = candidates[candidates != 0]
    star = edges[edges[:, 0] == 0]
    if len(star) and len(candidates):
        ends = frac[star[:, 1]] + star[:, 2:]
        images = (ends[None, :, :] + (frac[candidates] - frac[0])[:, None, :]).reshape(-1, 3)
        _, target = tree.query(_wrap(images))
        gap = (images - frac[target] + 0.5) % 1.0 - 0.5
        wanted = np.tile(label[star[:, 1]], len(candidates))
        carried = (np.linalg.norm(gap @ orth.T, axis=1) <= tolerance) & (label[target] == wanted)
        candidates = candidates[carried.reshape(len(candidates), -1).all(axis=1)]
    codes = {tuple(r) for r in edges.tolist()}
    group = [np.zeros(3)]
    seen = {_point_key(group[0])}
    same = int((label == label[0]).sum())  # the translations act freely on these: their orders divide it
    orders = [k for k in range(1, same + 1) if same % k == 0]
    for w in candidates.tolist():
        t = _rational((frac[w] - frac[0]) % 1.0, orders, orth, tolerance)
        if t is None or _point_key(t) in seen or not _maps_onto_itself(frac, label, edges, codes, tree, orth, t,
                                                                        tolerance):
            continue
        step, cosets = t, [list(group)]
        while _point_key(step) not in seen:  # the group grows by the multiples of t
            cosets.append([(g + step) % 1.0 for g in group])
            seen.update(_point_key(p) for p in cosets[-1])
            step = (step + t) % 1.0
        group = [p for coset in cosets for p in coset]
    return group


def _rational(t: np.ndarray, orders: list[int], orth: np.ndarray, tolerance: float) -> np.ndarray | None:
    """The translation of finite order that ``t`` stands for: k/N for the smallest N of ``orders`` that
    carries the structure back onto itself, N t within ``tolerance`` Angstrom of a lattice vector; None
    if there is none. (A translation permutes the vertices of one label freely, so its order divides
    their number: ``orders`` are its divisors.) ``t``, measured between positions that only nearly
    repeat, might never come back to the origin, and its multiples would fill the cell."""
    for order in orders:
        whole = np.round(t * order)
        if np.linalg.norm((t * order - whole) @ orth.T) <= tolerance:
            return (whole / order) % 1.0
    return None


def translation_moves(frac: np.ndarray, translations: list[np.ndarray]) -> list[Move]:
    """The moves of the structure's translations within its cell (:func:`lattice_points`): each vertex
    to the vertex nearest its image. The file's other operations would spare more of the ring search,
    but checking them costs more than the search they spare on nets of a few dozen vertices."""
    tree = cKDTree(_wrap(frac), boxsize=1.0)
    moves = []
    for t in translations:
        target = tree.query(_wrap(frac + t))[1]
        moves.append(Move(target, np.round(frac + t - frac[target]).astype(np.int64)))
    return moves


def automorphisms(moves: list[Move], src: np.ndarray, dst: np.ndarray, offset: np.ndarray) -> list[Move]:
    """The moves that take the vertices one to one and every edge (``src``, ``dst``, ``offset``: both
    directions) onto an edge, vertex by vertex: where two vertices share a place (a file's atoms piled
    up), the nearest one may not be the image, and rings carried by such a move would not be rings."""
    if not moves:
        return []
    edges = np.column_stack([src, dst, offset])
    images = [np.column_stack([m.target[src], m.target[dst], offset + m.delta[dst] - m.delta[src]]) for m in moves]
    ranks = row_ranks(np.concatenate([edges, *images]))
    known = ranks[:len(edges)]
    return [m for k, m in enumerate(moves) if len(np.unique(m.target)) == len(m.target)
            and np.isin(ranks[len(edges) * (k + 1): len(edges) * (k + 2)], known).all()]


def _wrap(frac: np.ndarray) -> np.ndarray:
    return np.clip(frac % 1.0, 0.0, np.nextafter(1.0, 0))


def _point_key(t: np.ndarray) -> tuple[int, ...]:
    """A fractional translation modulo the lattice, on a grid fine enough to tell any two apart."""
    return tuple(int(x) for x in np.round((t % 1.0) * 10_000).astype(int) % 10_000)


def _maps_onto_itself(frac: np.ndarray, label: np.ndarray, edges: np.ndarray, codes: set, tree: cKDTree,
                      orth: np.ndarray, t: np.ndarray, tolerance: float) -> bool:
    """Whether the translation ``t`` takes every vertex onto one of its label and every edge onto an edge."""
    image = frac + t
    _, target = tree.query(_wrap(image))
    gap = (image - frac[target] + 0.5) % 1.0 - 0.5
    if np.linalg.norm(gap @ orth.T, axis=1).max() > tolerance or (label[target] != label).any():
        return False
    lift = np.round(image - frac[target]).astype(int)
    mapped = np.column_stack([target[edges[:, 0]], target[edges[:, 1]],
                              edges[:, 2:] + lift[edges[:, 1]] - lift[edges[:, 0]]])
    return all(tuple(r) in codes for r in mapped.tolist())


def entangle(first: Placed, second: Placed, ids: tuple[int, int], orth: np.ndarray, same: bool,
             points: int = 1) -> Entanglement:
    """Links and threadings between two placed nets (``same``: the copies of one net), per primitive
    cell when the cell holds ``points`` lattice points."""
    reach = (first.radius.max(initial=0) + second.radius.max(initial=0))
    widths = 1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1)
    k = np.ceil(reach / widths).astype(int) + 1
    grid = np.stack(np.meshgrid(*(np.arange(-n, n + 1) for n in k), indexing="ij"), axis=-1).reshape(-1, 3)
    moves = grid @ orth.T
    a, b, g = _near(first.centre, first.radius, second.centre, second.radius, moves)
    if same and len(a):
        keep = ~first.same_copy(second.ring_copy[b] + grid[g] - first.ring_copy[a])
        a, b, g = a[keep], b[keep], g[keep]
    # linking is symmetric: a ring wholly to one side of the other's fan is not linked with it either,
    # and a ring's bounding sphere tells so for most pairs before its corners are placed
    keep = (first.fans.sphere_reached(a, second.centre[b] + moves[g], second.radius[b])
            & second.fans.sphere_reached(b, first.centre[a] - moves[g], first.radius[a]))
    a, b, g = a[keep], b[keep], g[keep]
    linked = np.zeros(len(a), dtype=bool)
    for chunk in _chunks(len(a), first.corners.shape[1] * second.corners.shape[1]):
        rows = np.arange(len(a))[chunk]
        qs = second.corners[b[rows]] + moves[g[rows]][:, None, :]
        keep = np.flatnonzero(first.fans.reached(a[rows], qs))
        rows, qs = rows[keep], qs[keep]
        keep = second.fans.reached(b[rows], first.corners[a[rows]] - moves[g[rows]][:, None, :])
        rows, qs = rows[keep], qs[keep]
        number, unsure = fan_linking_numbers(first.fans, a[rows], qs)
        if unsure.any():
            number[unsure] = pair_linking_numbers(first.corners[a[rows]][unsure], qs[unsure])
        linked[rows] = np.abs(number) == 1
    links = int(linked.sum())
    example = None
    if linked.any():
        # the smallest pair of linked rings is the one a picture shows most plainly
        sizes = np.where(linked, first.sizes[a] + second.sizes[b], np.iinfo(np.int64).max)
        hit = int(np.argmin(sizes))
        example = (first.rings[a[hit]], second.rings[b[hit]], tuple(int(x) for x in grid[g[hit]]))
    if same:
        links //= 2  # each pair of rings of one net was seen from both sides
    threaded = _threaded(first, second, grid, moves, same) + (0 if same else _threaded(second, first, grid, moves, same))
    links, threaded = round(links / points), round(threaded / points)
    dims = (first.dim, second.dim)
    if not links and not threaded:
        kind = "none"
    elif not links:
        kind = "polythreading"
    elif dims[0] == dims[1] == 3 or (same and dims == (2, 2) and _same_slab(first, example)):
        kind = "interpenetration"
    else:
        kind = "polycatenation"
    return Entanglement(ids, links, threaded, kind, example)


def _near(centre: np.ndarray, radius: np.ndarray, other: np.ndarray, other_radius: np.ndarray,
          moves: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (i, j, move) whose bounding spheres meet: sphere i and sphere j moved by ``moves[move]``,
    found with a k-d tree (the cost grows with the pairs that meet, not with all pairs), in order."""
    if not len(centre) or not len(other):
        return (np.zeros(0, dtype=int),) * 3
    # only the images within reach of the box round the spheres can meet one: most moves lead far off,
    # and those that take no sphere near the box are dropped before any image is placed
    reach = radius.max() + other_radius.max()
    low, high = centre.min(axis=0) - reach, centre.max(axis=0) + reach
    used = np.flatnonzero(((moves + other.max(axis=0) >= low) & (moves + other.min(axis=0) <= high)).all(axis=1))
    placed = (other[:, None, :] + moves[None, used, :]).reshape(-1, 3)
    box = np.flatnonzero(((placed >= low) & (placed <= high)).all(axis=1))
    tree = cKDTree(placed[box], balanced_tree=False, compact_nodes=False)  # built for one query: cheaper unbalanced
    hits = tree.query_ball_point(centre, radius + other_radius.max(), return_sorted=True)
    sizes = [len(h) for h in hits]
    i = np.repeat(np.arange(len(centre)), sizes)
    flat = box[np.fromiter(itertools.chain.from_iterable(hits), dtype=int, count=len(i))]
    j, move = flat // len(used), used[flat % len(used)]
    gap = tuple(c[i] - p[flat] for c, p in zip(centre.T, placed.T))  # np.linalg.norm's sums, in the same order
    keep = np.sqrt(_dot(gap, gap)) < radius[i] + other_radius[j]
    return i[keep], j[keep], move[keep]


def _chunks(count: int, size: int, budget: int = 2_000_000) -> list[slice]:
    """Slices of ``count`` pairs, each of at most ``budget`` segment pairs (``size`` per pair)."""
    step = max(1, budget // max(1, size))
    return [slice(k, min(k + step, count)) for k in range(0, count, step)]


def _same_slab(layer: Placed, example: tuple) -> bool:
    """Whether the two linked copies of a layer lie in one slab (interpenetrated layers) rather than
    in layers stacked one above the other (parallel polycatenation)."""
    ring_a, ring_b, t = example
    a = layer.rings.index(ring_a)
    b = layer.rings.index(ring_b)
    w = layer.ring_copy[b] + np.array(t) - layer.ring_copy[a]
    normal = np.cross(layer.basis[0], layer.basis[1])
    return int(normal @ w) == 0


def _threaded(rings: Placed, edges: Placed, grid: np.ndarray, moves: np.ndarray, same: bool) -> int:
    """Rings of ``rings`` (once per cell) crossed by an edge of ``edges`` (another copy, if ``same``)."""
    if not len(rings.rings) or not len(edges.edge_start):
        return 0
    mid = (edges.edge_start + edges.edge_end) / 2
    half = np.linalg.norm(edges.edge_end - edges.edge_start, axis=1) / 2
    a, e, g = _near(rings.centre, rings.radius, mid, half, moves)
    if same and len(a):
        keep = ~rings.same_copy(edges.edge_copy[e] + grid[g] - rings.ring_copy[a])
        a, e, g = a[keep], e[keep], g[keep]
    # an edge wholly above or below a fan's slab (by far more than rounding) cannot cross the fan
    fans = rings.fans
    start, end = fans.heights(a, edges.edge_start[e] + moves[g]), fans.heights(a, edges.edge_end[e] + moves[g])
    keep = fans.meets_slab(a, np.minimum(start, end), np.maximum(start, end), SLAB_MARGIN)
    a, e, g = a[keep], e[keep], g[keep]
    hit = np.zeros(len(a), dtype=bool)
    for chunk in _chunks(len(a), rings.corners.shape[1]):
        shift = moves[g[chunk]]
        hit[chunk] = fans.pierced(a[chunk], edges.edge_start[e[chunk]] + shift, edges.edge_end[e[chunk]] + shift)
    return len(np.unique(a[hit]))


def describe(entanglement: Entanglement) -> str:
    """One line for the CLI table."""
    i, j = entanglement.between
    who = f"copies of net {i}" if i == j else f"nets {i} and {j}"
    return (f"{who}: {entanglement.kind}, {entanglement.hopf_links} Hopf links and "
            f"{entanglement.threaded_rings} threaded rings per primitive cell")
