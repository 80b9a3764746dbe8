"""A placed net's symmetries and its own translation lattice: affine maps tested on the barycentric
placement, and Systre's minimal image (a supercell, or a centred crystal cell, reduced to the net's
largest translation lattice) before any frame is tried."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from topology.naming.graph import PeriodicGraph
from topology.net.periodic import column_hermite, hermite_basis

ROUND = float(2**20)
"""Coordinates are compared on a grid of 2^-20: barycentric coordinates are rationals of modest
denominators, far apart at that resolution, and none of them (denominators below 2^21) falls halfway
between two grid points, so floating-point noise never rounds two equal values apart."""


MAX_MAP_ENTRIES = 1_000_000
"""Vertex images computed at once when testing candidate symmetries (a batch's memory, about 50 bytes
each), so that testing many candidates costs time in proportion, never memory."""


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
