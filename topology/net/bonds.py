"""Periodic bonds from covalent radii, found with a k-d tree over the cell and its needed images, or
over the asymmetric unit and carried to the whole cell by the space group.

A bond is (i, j, offset): atom j in the cell translated by the integer ``offset`` is bonded to atom
i in the home cell. Each bond is listed once, with i <= j.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.errors import InputError
from topology.limits import MAX_BOND_CANDIDATES, SHORT_CONTACT, check_contacts, check_images, check_pairs
from topology.reading.cif import SPECIAL_POSITION_TOLERANCE
from topology.reading.crystal import Crystal, lengths
from topology.reading.disorder import BOND_TOLERANCE, OVERLAP, alternatives
from topology.tables import column_range, concatenated_ranges, lexicographic_order

TOLERANCE = BOND_TOLERANCE
"""Added to the sum of covalent radii (Cordero, via gemmi), in Angstrom."""

MIN_BOND = 0.55
"""Pairs closer than this are overlapping sites (alternatives), not bonds."""

SMALL_RADIUS = 0.8
"""Atoms up to this covalent radius (H, B, C, N, O, F) bond within a short reach of each other."""

MAX_IMAGES = 4096
"""Most periodic images of the cell searched for neighbours; more means a cell too thin to bond in."""


@dataclass(frozen=True, eq=False)
class Bonds:
    """Parallel arrays: ``i``, ``j`` (atom indices), ``offset`` (m, 3) ints, ``length`` in Angstrom."""

    i: np.ndarray
    j: np.ndarray
    offset: np.ndarray
    length: np.ndarray

    def __len__(self) -> int:
        return len(self.i)



def _image_offsets(crystal: Crystal, reach: float) -> np.ndarray:
    """Integer translations needed to see every neighbour within ``reach`` of the home cell."""
    rec = np.linalg.inv(crystal.orth)  # rows: reciprocal vectors (no 2*pi)
    widths = 1.0 / np.linalg.norm(rec, axis=1)  # distance between opposite faces
    n = np.ceil(reach / widths).astype(int)
    if np.prod(2 * n + 1) > MAX_IMAGES:
        raise InputError(crystal.source, f"unit cell too thin to find bonds in (widths {', '.join(f'{w:.2g}' for w in widths)} A)")
    check_images(crystal.source, len(crystal), int(np.prod(2 * n + 1)))
    ranges = [np.arange(-k, k + 1) for k in n]
    return np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, 3)


def find_bonds(crystal: Crystal, tolerance: float = TOLERANCE) -> Bonds:
    """All bonds of the crystal: d(i, j) < r_i + r_j + tolerance, with the rules of the field.

    Rules: no bond shorter than :data:`MIN_BOND`; none between disorder alternatives (two parts,
    two overlapping symmetry copies of a negative part: :func:`topology.reading.disorder.alternatives`);
    none between two hydrogen atoms; a hydrogen keeps its shortest bond only.
    """
    n = len(crystal)
    if n == 0:
        return Bonds(np.zeros(0, int), np.zeros(0, int), np.zeros((0, 3), int), np.zeros(0))
    radii = crystal.radii
    reach = 2 * radii.max() + tolerance
    large = radii > SMALL_RADIUS
    short_reach = 2 * radii[~large].max() + tolerance if (~large).any() else reach
    found = _pairs_by_symmetry(crystal, reach, short_reach, large) if crystal.orbits is not None else None
    i, j, off, d = found if found is not None else _pairs_within(crystal, reach, short_reach, large)
    full = (crystal.occupancy >= 0.99) & (crystal.disorder_group == 0)
    crushed = (d >= MIN_BOND) & (d < SHORT_CONTACT * (radii[i] + radii[j])) & full[i] & full[j]
    crushed_atom = np.zeros(n, dtype=bool)
    crushed_atom[i[crushed]] = True
    crushed_atom[j[crushed]] = True
    check_contacts(crystal.source, int(np.count_nonzero(crushed_atom)), n)
    ok = (d >= MIN_BOND) & (d < radii[i] + radii[j] + tolerance)
    ok &= ~alternatives(crystal, i, j, off, d < OVERLAP * (radii[i] + radii[j]))
    is_h = crystal.elements == "H"
    ok &= ~(is_h[i] & is_h[j])
    i, j, off, d = i[ok], j[ok], np.compress(ok, off, axis=0), d[ok]
    keep = np.flatnonzero(_shortest_for_hydrogen(i, j, d, is_h, n))
    # in the order of atoms and offsets, each once: the same whichever way they were found
    rows = np.column_stack([i[keep], j[keep], np.take(off, keep, axis=0)])
    order = lexicographic_order(rows)
    rows = rows[order]
    distinct = np.ones(len(rows), dtype=bool)
    distinct[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    keep = keep[order[distinct]]
    return Bonds(i[keep], j[keep], np.take(off, keep, axis=0).astype(int), d[keep])


def _pairs_within(crystal: Crystal, reach: float, short_reach: float,
                  large_atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of atoms (i, j + offset) closer than ``reach``, each once (i < j, or i == j with a
    lexicographically positive offset), with its distance; pairs of two small atoms (not in
    ``large_atoms``) only up to ``short_reach``, all their bonds can reach.

    One plain k-d tree holds the cell and the images of the atoms within ``reach`` of it (a
    periodic tree is about twice as slow); every pair with an atom in the home cell is a bond
    candidate, found from both ends. Offsets are carried as their row in the table of images
    until the end.
    """
    n = len(crystal)
    orth = crystal.orth
    offsets = _image_offsets(crystal, reach)
    home = np.flatnonzero(~offsets.any(axis=1))[0]
    offsets[[0, home]] = offsets[[home, 0]]  # the home cell first: its atoms are points 0..n-1
    which, atom = _images_near(crystal.frac, offsets, reach * np.linalg.norm(np.linalg.inv(orth), axis=1))
    check_images(crystal.source, n, len(offsets), n + len(atom))
    img_frac = np.concatenate([crystal.frac, np.take(crystal.frac, atom, axis=0) + np.take(offsets, which, axis=0)])
    img_point = np.concatenate([np.arange(n), which * n + atom])
    tree = cKDTree(img_frac @ orth.T, balanced_tree=False, compact_nodes=False)
    if _pairs_bound(tree.data, short_reach) > MAX_BOND_CANDIDATES:  # only then counted exactly, not listed
        check_pairs(crystal.source, (tree.count_neighbors(tree, short_reach) - tree.n) // 2, n)
    a, b = tree.query_pairs(short_reach, output_type="ndarray").T
    # a pair with an end in the home cell: (atom i there, atom j, image w of j). One between a home
    # atom and an image is found from both ends (i with j + o, j with i - o): keep it from one
    a, b = img_point[a], img_point[b]
    a, b = np.where(a < n, a, b), np.where(a < n, b, a)
    i, j, w = a, b % n, b // n
    positive = _lex_positive(offsets)
    once = (a < n) & ((w == 0) | (i < j) | ((i == j) & positive[w]))
    i, j, w = i[once], j[once], w[once]
    large = np.flatnonzero(large_atoms)
    if len(large) and reach > short_reach:
        # the few large atoms (metals, S, Cl) look further, beyond the short reach; a pair of two
        # large atoms is found from both ends, a pair with a small atom from the large one only
        a2, b2 = _reached_from(tree, large, reach, crystal.source, n)
        j2, w2 = img_point[b2] % n, img_point[b2] // n
        far = _separation(crystal.frac, orth, a2, j2, np.take(offsets, w2, axis=0)) > short_reach
        keep = far & (~large_atoms[j2] | (a2 < j2) | ((a2 == j2) & positive[w2]))
        i, j, w = np.concatenate([i, a2[keep]]), np.concatenate([j, j2[keep]]), np.concatenate([w, w2[keep]])
    flip = (j < i) | ((i == j) & ~positive[w])
    opposite = _opposite(offsets)
    i, j, w = np.where(flip, j, i), np.where(flip, i, j), np.where(flip, opposite[w], w)
    off = np.take(offsets, w, axis=0)
    return i, j, off, _separation(crystal.frac, orth, i, j, off)


ISOMETRY_TOLERANCE = 1e-4
"""How far (relative) an operation may change the cell's metric and still be taken as a symmetry of it."""


def _pairs_by_symmetry(crystal: Crystal, reach: float, short_reach: float,
                       large_atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The pairs of :func:`_pairs_within` (a superset with the same bonds) from the neighbours of one
    atom per site, carried to every atom by the space group: the search costs the asymmetric unit
    (90 sites for MIL-100's 13,424 atoms), not the cell. None where the symmetry cannot be used
    (operations that are no group, or no symmetry of the cell's metric): the plain search runs.

    A pair (k, l) is found from the site of k, by the operations taking that site's atom onto the
    other atoms of its orbit (one per atom: the others only permute its neighbours); of a pair
    whose atoms are of different sites, only the lower site's find is kept, and of one within a
    site, the one made from its lower atom.
    """
    orbits, frac, orth = crystal.orbits, crystal.frac, crystal.orth
    den, rot = orbits.den, orbits.rot
    metric = orth.T @ orth
    turned = np.einsum("gki,kl,glj->gij", rot / den, metric, rot / den)
    if np.abs(turned - metric).max() > ISOMETRY_TOLERANCE * np.abs(metric).max():
        return None
    reps, placed = _representatives(orbits.site, frac, orth)
    at_rep = orbits.orbit_images(frac, reps)
    if at_rep is None:
        return None
    # every atom sits within ``merged`` of the image it stands for (far less but on a special
    # position): a pair's image is at most twice that longer or shorter
    merged = lengths(at_rep[2] @ orth.T).max(initial=0.0)
    if merged > SPECIAL_POSITION_TOLERANCE + 1e-6:
        return None
    grow = 2 * merged + 1e-6
    # large atoms look to ``reach`` (and find all pairs with a large atom), small ones to ``short_reach``
    look = np.where(large_atoms[reps], reach, short_reach) + grow
    margin = look.max() * np.linalg.norm(np.linalg.inv(orth), axis=1)
    most = min(2 * len(frac) + 64, MAX_BOND_CANDIDATES // len(reps))
    box = _images_in_box(frac, placed.min(axis=0) - margin, placed.max(axis=0) + margin, most)
    if box is None:
        return None  # a scattered asymmetric unit, or a crowded or thin cell: the plain search counts and refuses
    atom, shift = box
    tree = cKDTree((np.take(frac, atom, axis=0) + shift) @ orth.T, balanced_tree=False, compact_nodes=False)
    q, point = _flattened(tree.query_ball_point(placed @ orth.T, look, return_sorted=False))
    r, l = reps[q], atom[point]
    o = shift[point] - np.round(placed - frac[reps]).astype(np.int64)[q]
    site = orbits.site
    # each pair from one end: a large atom's, else the lower site's
    keep = np.where(large_atoms[r] == large_atoms[l], site[r] <= site[l], large_atoms[r]) & ((r != l) | o.any(axis=1))
    q, r, l, o = q[keep], r[keep], l[keep], o[keep]
    # the operations taking each site's atom to each atom of its orbit, one per atom
    g_of, q_of = np.nonzero(_first_in_columns(at_rep[0]))
    rows_of = np.concatenate([[0], np.cumsum(np.bincount(q, minlength=len(reps)))])  # hits are by site
    per_op = rows_of[q_of + 1] - rows_of[q_of]
    check_pairs(crystal.source, int(per_op.sum()), len(frac))
    g = np.repeat(g_of, per_op)
    row = concatenated_ranges(rows_of[q_of], per_op)
    found = orbits.images(frac, g, l[row], o[row])
    i, j = at_rep[0][g, q[row]], found[0]
    off = found[1] - at_rep[1][g, q[row]]
    same_site = site[r[row]] == site[l[row]]
    once = ~same_site | (i < j) | ((i == j) & _lex_positive(off))
    i, j, off = i[once], j[once], off[once]
    flip = (j < i) | ((i == j) & ~_lex_positive(off))
    i, j, off = np.where(flip, j, i), np.where(flip, i, j), np.where(flip[:, None], -off, off)
    dist = _separation(frac, orth, i, j, off)
    near = dist <= np.where(large_atoms[i] | large_atoms[j], reach, short_reach)
    return i[near], j[near], off[near], dist[near]


def _separation(frac: np.ndarray, orth: np.ndarray, i: np.ndarray, j: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Distance from each atom ``i`` to atom ``j`` moved by the lattice vector ``off`` (Angstrom)."""
    return lengths((np.take(frac, j, axis=0) + off - np.take(frac, i, axis=0)) @ orth.T)


def _representatives(site: np.ndarray, frac: np.ndarray, orth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One atom of each site, the image nearest the first atom (so that they lie together), and
    where that image is (fractional)."""
    gap = frac - frac[0]
    gap -= np.round(gap)
    dist = lengths(gap @ orth.T)
    least = np.full(int(site.max()) + 1, np.inf)
    np.minimum.at(least, site, dist)
    nearest = np.flatnonzero(dist == least[site])
    reps = nearest[np.unique(site[nearest], return_index=True)[1]]
    return reps, frac[0] + gap[reps]


def _images_in_box(frac: np.ndarray, low: np.ndarray, high: np.ndarray,
                   most: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Every image (atom, lattice translation) of the atoms inside the fractional box [low, high];
    None, before any is listed, when they are more than ``most``."""
    first = np.ceil(low[None, :] - frac)
    count = np.maximum(np.floor(high[None, :] - frac) - first + 1, 0)
    if count.prod(axis=1).sum() > most:
        return None
    first, count = first.astype(np.int64), count.astype(np.int64)
    total = count.prod(axis=1)
    atom = np.repeat(np.arange(len(frac)), total)
    k = concatenated_ranges(np.zeros(len(total), dtype=np.int64), total)
    c = count[atom]
    steps = np.column_stack([k // (c[:, 1] * c[:, 2]), (k // c[:, 2]) % c[:, 1], k % c[:, 2]])
    return atom, first[atom] + steps


def _first_in_columns(table: np.ndarray) -> np.ndarray:
    """Mask of the entries of each column of ``table`` not equal to one above them in that column."""
    order = np.argsort(table, axis=0, kind="stable")
    ordered = np.take_along_axis(table, order, axis=0)
    first = np.ones(table.shape, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    out = np.zeros(table.shape, dtype=bool)
    np.put_along_axis(out, order, first, axis=0)
    return out


def _images_near(frac: np.ndarray, offsets: np.ndarray, margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The images (row of ``offsets``, atom) other than the home cell's (row 0) within ``margin``
    (fractional, per axis) of the home cell along every axis, by image then atom. Only atoms that
    near a face along some axis have any: the others are looked at no further."""
    steps = [np.unique(offsets[:, k]) for k in range(3)]
    ok = [(frac[None, :, k] + steps[k][:, None] > -margin[k]) & (frac[None, :, k] + steps[k][:, None] < 1 + margin[k])
          for k in range(3)]
    edge = np.flatnonzero(np.logical_or.reduce([ok[k][steps[k] != 0].any(axis=0) for k in range(3)]))
    near = np.ones((len(offsets), len(edge)), dtype=bool)
    for k in range(3):
        near &= ok[k][:, edge][np.searchsorted(steps[k], offsets[:, k])]
    which, col = np.nonzero(near[1:])
    return which + 1, edge[col]


def _reached_from(tree: cKDTree, centres: np.ndarray, reach: float, source: str,
                  n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every point of ``tree`` within ``reach`` of points ``centres`` (as pairs: centre, point), in
    the order the tree meets them, after checking that they are not too many to list."""
    grid = _Grid.of(tree.data, reach)
    if grid is None or grid.around(centres) > MAX_BOND_CANDIDATES:  # only then counted exactly
        check_pairs(source, int(tree.query_ball_point(tree.data[centres], reach, return_length=True).sum()), n)
    which, points = _flattened(tree.query_ball_point(tree.data[centres], reach, return_sorted=False))
    return centres[which], points


def _flattened(hits: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """A k-d tree's lists of points found around each query as pairs of arrays: query, point."""
    counts = np.fromiter(map(len, hits), dtype=np.intp, count=len(hits))
    points = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.intp, count=int(counts.sum()))
    return np.repeat(np.arange(len(hits)), counts), points


def _opposite(offsets: np.ndarray) -> np.ndarray:
    """For every row of ``offsets``, the row holding its negative (the table is symmetric)."""
    row = {o: k for k, o in enumerate(map(tuple, offsets.tolist()))}
    return np.array([row[(-a, -b, -c)] for a, b, c in offsets.tolist()], dtype=int)


def _pairs_bound(points: np.ndarray, reach: float) -> int:
    """An upper bound on the pairs of points closer than ``reach``, in one pass: such a pair lies in
    two neighbouring boxes of a grid of side ``reach``, and a box's pairs with its 26 neighbours are at
    most 27 times the sum of the squared box counts (Cauchy-Schwarz). A third of the time of counting
    the pairs, and loose by a factor of ten to thirty on a framework."""
    if len(points) < 2:
        return 0
    grid = _Grid.of(points, reach)
    if grid is not None:
        counts = grid.counts
    else:
        keys = np.floor((points - column_range(points)[0]) / reach).astype(np.int64)
        span = column_range(keys)[1] + 1
        if float(np.prod(span.astype(float))) > 2.0 ** 62:
            return len(points) ** 2  # too sparse a grid for one integer key: no bound
        counts = np.unique((keys[:, 0] * span[1] + keys[:, 1]) * span[2] + keys[:, 2], return_counts=True)[1]
    return (27 * int(np.dot(counts, counts)) - len(points)) // 2


@dataclass(frozen=True, eq=False)
class _Grid:
    """Points binned in cubes of side ``side`` (from the least coordinates), with an empty layer of
    boxes around them: the box of every point as one integer, and the count of every box."""

    box: np.ndarray
    counts: np.ndarray
    shape: np.ndarray

    @classmethod
    def of(cls, points: np.ndarray, side: float) -> _Grid | None:
        """The grid, or None when it would have more than a few boxes per point (atoms far apart)."""
        cell = np.floor((points - column_range(points)[0]) / side).astype(np.int64) + 1
        shape = column_range(cell)[1] + 2
        if float(np.prod(shape.astype(float))) > 8 * len(points) + 4096:
            return None
        box = (cell[:, 0] * shape[1] + cell[:, 1]) * shape[2] + cell[:, 2]
        return cls(box, np.bincount(box, minlength=int(np.prod(shape))), shape)

    def around(self, points: np.ndarray) -> int:
        """How many points lie in the 27 boxes around each of ``points`` (indices), summed: a bound
        on the pairs they make within ``side``."""
        steps = np.array([(a * self.shape[1] + b) * self.shape[2] + c
                          for a, b, c in itertools.product((-1, 0, 1), repeat=3)])
        return int(self.counts[self.box[points][:, None] + steps].sum())


def _lex_positive(off: np.ndarray) -> np.ndarray:
    """Offsets whose first nonzero component is positive."""
    return (off[:, 0] > 0) | ((off[:, 0] == 0) & ((off[:, 1] > 0) | ((off[:, 1] == 0) & (off[:, 2] > 0))))


def _shortest_for_hydrogen(i: np.ndarray, j: np.ndarray, d: np.ndarray, is_h: np.ndarray, n: int) -> np.ndarray:
    """Mask keeping, for every hydrogen, only its shortest bond (on a tie, the one to the lowest
    atom index, so that the result does not depend on the order the pairs were found in)."""
    keep = np.ones(len(i), dtype=bool)
    h_atom = np.where(is_h[i], i, np.where(is_h[j], j, -1))
    idx = np.nonzero(h_atom >= 0)[0]
    if len(idx) == 0:
        return keep
    partner = np.where(h_atom == i, j, i)
    order = idx[np.lexsort((partner[idx], np.round(d[idx], 6), h_atom[idx]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = h_atom[order][1:] != h_atom[order][:-1]
    keep[order[~first]] = False
    return keep


def bond_graph_arrays(bonds: Bonds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both directions of every bond: (src, dst, offset of dst seen from src)."""
    src = np.concatenate([bonds.i, bonds.j])
    dst = np.concatenate([bonds.j, bonds.i])
    off = np.concatenate([bonds.offset, -bonds.offset])
    return src, dst, off
