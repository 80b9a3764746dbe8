"""Entanglement proven from geometry: linked rings (Hopf links) and rings threaded by edges.

For every pair of nets, and between the copies of one net (a k-fold net, or the stacked copies of a
layer), the rings of one (:mod:`topology.entanglement.rings`) are tested against the rings and edges of the other
near them. The linking number of two closed polygons is Gauss's double integral, which for polygons
is an exact sum over pairs of segments of signed solid angles (Klenin & Langowski, Biopolymers 54,
307 (2000)); it is an integer up to rounding. A ring is threaded when an edge of the other net
crosses the surface the ring spans (a fan of triangles from its centroid).

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

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.entanglement.rings import NetGeometry
from topology.net.periodic import Component

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
    a, b = p, np.roll(p, -1, axis=0)
    c, d = qs, np.roll(qs, -1, axis=1)
    r1, r2 = a[None, :, None, :], b[None, :, None, :]
    r3, r4 = c[:, None, :, :], d[:, None, :, :]
    r13, r14, r23, r24 = r3 - r1, r4 - r1, r3 - r2, r4 - r2

    def unit(v):
        n = np.sqrt((v * v).sum(-1, keepdims=True))
        return np.divide(v, n, out=np.zeros_like(v), where=n > 1e-12)

    n1, n2 = unit(_cross(r13, r14)), unit(_cross(r14, r24))
    n3, n4 = unit(_cross(r24, r23)), unit(_cross(r23, r13))
    omega = sum(np.arcsin(np.clip((x * y).sum(-1), -1.0, 1.0)) for x, y in ((n1, n2), (n2, n3), (n3, n4), (n4, n1)))
    sign = np.sign((_cross(r4 - r3, r2 - r1) * r13).sum(-1))
    return np.round((omega * sign).sum(axis=(1, 2)) / (4 * np.pi)).astype(int)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross products along the last axis, broadcast (numpy's cross is slow on small arrays)."""
    a, b = np.broadcast_arrays(a, b)
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1], a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def pierces(ring: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which segments (``start[k]`` -> ``end[k]``) cross the surface ``ring`` spans (a fan from its centroid)."""
    centre = ring.mean(axis=0)
    hit = np.zeros(len(start), dtype=bool)
    d = end - start
    for v0, v1 in zip(ring, np.roll(ring, -1, axis=0)):
        e1, e2 = v0 - centre, v1 - centre
        h = _cross(d, e2)
        det = h @ e1
        ok = np.abs(det) > 1e-12
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        s = start - centre
        u = (s * h).sum(1) * inv
        qv = _cross(s, e1)
        v = (d * qv).sum(1) * inv
        t = (qv @ e2) * inv
        hit |= ok & (u > -1e-9) & (v > -1e-9) & (u + v < 1 + 1e-9) & (t > 1e-9) & (t < 1 - 1e-9)
    return hit


class Placed:
    """A net's rings and edges in Cartesian space, ready for tests against another net."""

    def __init__(self, geometry: NetGeometry, frac: np.ndarray, orth: np.ndarray, component: Component,
                 shift: np.ndarray) -> None:
        self.rings = list(geometry.rings)
        self.points = [r.points(frac, orth) for r in self.rings]
        self.centre = np.array([p.mean(axis=0) for p in self.points]).reshape(-1, 3)
        self.radius = np.array([np.linalg.norm(p - p.mean(axis=0), axis=1).max() for p in self.points])
        u = np.array([e[0] for e in geometry.edges], dtype=int)
        v = np.array([e[1] for e in geometry.edges], dtype=int)
        off = np.array([e[2] for e in geometry.edges], dtype=int).reshape(-1, 3)
        self.edge_start = frac[u] @ orth.T if len(u) else np.zeros((0, 3))
        self.edge_end = (frac[v] + off) @ orth.T if len(u) else np.zeros((0, 3))
        self.edge_copy = -shift[u] if len(u) else np.zeros((0, 3), dtype=int)  # copy key of each edge's start
        self.ring_copy = np.array([np.array(r.shifts[0]) - shift[r.vertices[0]] for r in self.rings]).reshape(-1, 3)
        self.basis = component.basis
        self.dim = component.dimensionality

    def same_copy(self, difference: np.ndarray) -> np.ndarray:
        """Whether lattice vectors (rows) join two images of one copy of this net (lie in its lattice)."""
        if len(self.basis) == 0:
            return ~difference.any(axis=1)
        x, *_ = np.linalg.lstsq(self.basis.T.astype(float), difference.T.astype(float), rcond=None)
        back = x.T @ self.basis
        return (np.abs(back - difference) < 1e-6).all(axis=1) & (np.abs(x.T - np.round(x.T)) < 1e-6).all(axis=1)


def lattice_points(frac: np.ndarray, labels: list[str], edges: np.ndarray, orth: np.ndarray) -> list[np.ndarray]:
    """The translations of the whole structure within the cell, zero included (one for a primitive
    cell; two for a body-centred cell or a 2x1x1 supercell): vertex positions with their labels
    (compositions) and the edges (rows u, v, offset) must all map onto themselves."""
    if len(frac) == 0:
        return [np.zeros(3)]
    wrapped = np.clip(frac % 1.0, 0.0, np.nextafter(1.0, 0))
    tree = cKDTree(wrapped, boxsize=1.0)
    codes = {tuple(r) for r in edges.tolist()}
    found = [np.zeros(3)]
    for w in range(1, len(frac)):
        if labels[w] != labels[0]:
            continue
        image = frac + frac[w] - frac[0]
        _, target = tree.query(np.clip(image % 1.0, 0.0, np.nextafter(1.0, 0)))
        gap = (image - frac[target] + 0.5) % 1.0 - 0.5
        if np.linalg.norm(gap @ orth.T, axis=1).max() > 0.2 or any(labels[t] != labels[v] for v, t in enumerate(target)):
            continue
        lift = np.round(image - frac[target]).astype(int)
        mapped = np.column_stack([target[edges[:, 0]], target[edges[:, 1]],
                                  edges[:, 2:] + lift[edges[:, 1]] - lift[edges[:, 0]]])
        if all(tuple(r) in codes for r in mapped.tolist()):
            found.append(frac[w] - frac[0])
    return found


def entangle(first: Placed, second: Placed, ids: tuple[int, int], orth: np.ndarray, same: bool,
             points: int = 1) -> Entanglement:
    """Links and threadings between two placed nets (``same``: the copies of one net), per primitive
    cell when the cell holds ``points`` lattice points."""
    links = 0
    example = None
    reach = (first.radius.max(initial=0) + second.radius.max(initial=0))
    widths = 1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1)
    k = np.ceil(reach / widths).astype(int) + 1
    grid = np.array(list(itertools.product(*(range(-n, n + 1) for n in k))), dtype=int)
    moves = grid @ orth.T
    for a, (pa, ca, ra) in enumerate(zip(first.points, first.centre, first.radius)):
        if not len(second.rings):
            break
        gap = np.linalg.norm(ca[None, None, :] - second.centre[:, None, :] - moves[None, :, :], axis=2)
        near = np.argwhere(gap < ra + second.radius[:, None])
        if same and len(near):
            near = near[~first.same_copy(second.ring_copy[near[:, 0]] + grid[near[:, 1]] - first.ring_copy[a])]
        if not len(near):
            continue
        width = max(len(second.points[b]) for b, _ in near)
        polygons = np.stack([np.concatenate([second.points[b], np.repeat(second.points[b][:1], width - len(second.points[b]),
                                                                          axis=0)]) + moves[g] for b, g in near])
        linked = np.abs(linking_numbers(pa, polygons)) == 1
        links += int(linked.sum())
        if example is None and linked.any():
            b, g = near[int(np.argmax(linked))]
            example = (first.rings[a], second.rings[b], tuple(int(x) for x in grid[g]))
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


def _same_slab(layer: Placed, example: tuple) -> bool:
    """Whether the two linked copies of a layer lie in one slab (interpenetrated layers) rather than
    in layers stacked one above the other (parallel polycatenation)."""
    ring_a, ring_b, t = example
    a = layer.rings.index(ring_a)
    b = layer.rings.index(ring_b)
    w = layer.ring_copy[b] + np.array(t) - layer.ring_copy[a]
    normal = _cross(layer.basis[0], layer.basis[1])
    return int(normal @ w) == 0


def _threaded(rings: Placed, edges: Placed, grid: np.ndarray, moves: np.ndarray, same: bool) -> int:
    """Rings of ``rings`` (once per cell) crossed by an edge of ``edges`` (another copy, if ``same``)."""
    if not len(rings.rings) or not len(edges.edge_start):
        return 0
    count = 0
    mid = (edges.edge_start + edges.edge_end) / 2
    half = np.linalg.norm(edges.edge_end - edges.edge_start, axis=1) / 2
    for a, (pa, ca, ra) in enumerate(zip(rings.points, rings.centre, rings.radius)):
        gap = np.linalg.norm(ca[None, None, :] - mid[:, None, :] - moves[None, :, :], axis=2)
        e, g = np.nonzero(gap < ra + half[:, None])
        if same and len(e):
            keep = ~rings.same_copy(edges.edge_copy[e] + grid[g] - rings.ring_copy[a])
            e, g = e[keep], g[keep]
        if len(e) and pierces(pa, edges.edge_start[e] + moves[g], edges.edge_end[e] + moves[g]).any():
            count += 1
    return count


def describe(entanglement: Entanglement) -> str:
    """One line for the CLI table."""
    i, j = entanglement.between
    who = f"copies of net {i}" if i == j else f"nets {i} and {j}"
    return (f"{who}: {entanglement.kind}, {entanglement.hopf_links} Hopf links and "
            f"{entanglement.threaded_rings} threaded rings per primitive cell")
