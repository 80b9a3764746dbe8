"""Periodic bonds from covalent radii, found with a k-d tree over the cell and its needed images.

A bond is (i, j, offset): atom j in the cell translated by the integer ``offset`` is bonded to atom
i in the home cell. Each bond is listed once, with i <= j.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.errors import InputError
from topology.limits import MAX_BOND_CANDIDATES, SHORT_CONTACT, check_contacts, check_images, check_pairs
from topology.reading.crystal import Crystal, covalent_radii
from topology.reading.disorder import BOND_TOLERANCE, OVERLAP, alternatives

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
    radii = covalent_radii(crystal.elements)
    reach = 2 * radii.max() + tolerance
    large = radii > SMALL_RADIUS
    short_reach = 2 * radii[~large].max() + tolerance if (~large).any() else reach
    i, j, off, d = _pairs_within(crystal, reach, short_reach, large)
    full = (crystal.occupancy >= 0.99) & (crystal.disorder_group == 0)
    crushed = (d >= MIN_BOND) & (d < SHORT_CONTACT * (radii[i] + radii[j])) & full[i] & full[j]
    check_contacts(crystal.source, len(np.unique(np.concatenate([i[crushed], j[crushed]]))), n)
    ok = (d >= MIN_BOND) & (d < radii[i] + radii[j] + tolerance)
    ok &= ~alternatives(crystal, i, j, off, d < OVERLAP * (radii[i] + radii[j]))
    is_h = crystal.elements == "H"
    ok &= ~(is_h[i] & is_h[j])
    i, j, off, d = i[ok], j[ok], off[ok], d[ok]
    keep = _shortest_for_hydrogen(i, j, d, is_h, n)
    return Bonds(i[keep], j[keep], off[keep].astype(int), d[keep])


def _pairs_within(crystal: Crystal, reach: float, short_reach: float,
                  large_atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of atoms (i, j + offset) closer than ``reach``, each once (i < j, or i == j with a
    lexicographically positive offset), with its distance; pairs of two small atoms (not in
    ``large_atoms``) only up to ``short_reach``, all their bonds can reach.

    One plain k-d tree holds the cell and the images of the atoms within ``reach`` of it (a
    periodic tree is about twice as slow); every pair with an atom in the home cell is a bond
    candidate, found from both ends.
    """
    n = len(crystal)
    orth = crystal.orth
    offsets = _image_offsets(crystal, reach)
    margin = reach * np.linalg.norm(np.linalg.inv(orth), axis=1)  # reach in fractional units, per axis
    home = np.flatnonzero(~offsets.any(axis=1))[0]
    offsets[[0, home]] = offsets[[home, 0]]  # the home cell first: its atoms are points 0..n-1
    # an image is kept when within reach of the home cell along every axis (tested per axis: cheap)
    near = np.ones((len(offsets), n), dtype=bool)
    for k in range(3):
        steps = np.unique(offsets[:, k])
        shifted = crystal.frac[None, :, k] + steps[:, None]
        ok = (shifted > -margin[k]) & (shifted < 1 + margin[k])
        near &= ok[np.searchsorted(steps, offsets[:, k])]
    near[0] = True
    check_images(crystal.source, n, len(offsets), int(near.sum()))
    which, atom = np.nonzero(near)
    img_point = which * n + atom
    img_frac = crystal.frac[atom] + offsets[which]
    tree = cKDTree(img_frac @ orth.T, balanced_tree=False, compact_nodes=False)
    if _pairs_bound(tree.data, short_reach) > MAX_BOND_CANDIDATES:  # only then counted exactly, not listed
        check_pairs(crystal.source, (tree.count_neighbors(tree, short_reach) - tree.n) // 2, n)
    a, b = tree.query_pairs(short_reach, output_type="ndarray").T
    # a pair with an end in the home cell: (atom i there, atom j, offset of j). One between a home
    # atom and an image is found from both ends (i with j + o, j with i - o): keep it from one
    a, b = img_point[a], img_point[b]
    a, b = np.where(a < n, a, b), np.where(a < n, b, a)
    i, j, off = a, b % n, offsets[b // n]
    once = (a < n) & (~off.any(axis=1) | (i < j) | ((i == j) & _lex_positive(off)))
    i, j, off = i[once], j[once], off[once]
    large = np.flatnonzero(large_atoms)
    if len(large) and reach > short_reach:
        # the few large atoms (metals, S, Cl) look further, beyond the short reach; a pair of two
        # large atoms is found from both ends, a pair with a small atom from the large one only
        check_pairs(crystal.source, int(tree.query_ball_point(tree.data[large], reach, return_length=True).sum()), n)
        hits = tree.query_ball_point(tree.data[large], reach, return_sorted=False)
        a2 = np.repeat(large, [len(h) for h in hits])
        b2 = img_point[np.concatenate([np.asarray(h, dtype=int) for h in hits])] if len(a2) else np.zeros(0, int)
        j2, off2 = b2 % n, offsets[b2 // n]
        far = np.linalg.norm((crystal.frac[j2] + off2 - crystal.frac[a2]) @ orth.T, axis=1) > short_reach
        keep = far & (~large_atoms[j2] | (a2 < j2) | ((a2 == j2) & _lex_positive(off2)))
        i, j, off = np.concatenate([i, a2[keep]]), np.concatenate([j, j2[keep]]), np.concatenate([off, off2[keep]])
    flip = (j < i) | ((i == j) & ~_lex_positive(off))
    i, j, off = np.where(flip, j, i), np.where(flip, i, j), np.where(flip[:, None], -off, off)
    dist = np.linalg.norm((crystal.frac[j] + off - crystal.frac[i]) @ orth.T, axis=1)
    return i, j, off, dist


def _pairs_bound(points: np.ndarray, reach: float) -> int:
    """An upper bound on the pairs of points closer than ``reach``, in one sort: such a pair lies in
    two neighbouring boxes of a grid of side ``reach``, and a box's pairs with its 26 neighbours are at
    most 27 times the sum of the squared box counts (Cauchy-Schwarz). A third of the time of counting
    the pairs, and loose by a factor of ten to thirty on a framework."""
    if len(points) < 2:
        return 0
    keys = np.floor((points - points.min(axis=0)) / reach).astype(np.int64)
    span = keys.max(axis=0) + 1
    if float(np.prod(span.astype(float))) > 2.0 ** 62:
        return int(len(points)) ** 2  # too sparse a grid for one integer key: no bound
    counts = np.unique((keys[:, 0] * span[1] + keys[:, 1]) * span[2] + keys[:, 2], return_counts=True)[1]
    return (27 * int((counts.astype(np.int64) ** 2).sum()) - len(points)) // 2


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
