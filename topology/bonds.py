"""Periodic bonds from covalent radii, found with a k-d tree over the cell and its needed images.

A bond is (i, j, offset): atom j in the cell translated by the integer ``offset`` is bonded to atom
i in the home cell. Each bond is listed once, with i <= j.
"""

from __future__ import annotations

from dataclasses import dataclass

import gemmi
import numpy as np
from scipy.spatial import cKDTree

from topology.crystal import Crystal
from topology.errors import InputError

TOLERANCE = 0.45
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


def covalent_radii(elements: np.ndarray) -> np.ndarray:
    """Covalent radius of each element symbol (Angstrom)."""
    table = {sym: gemmi.Element(sym).covalent_r for sym in set(elements.tolist())}
    return np.array([table[s] for s in elements.tolist()], dtype=float)


def metal_mask(elements: np.ndarray) -> np.ndarray:
    """Which atoms are metals (gemmi's definition: B, Si, Ge, As, Sb, Te are not)."""
    table = {s: gemmi.Element(s).is_metal for s in set(elements.tolist())}
    return np.array([table[s] for s in elements.tolist()], dtype=bool)


def _image_offsets(crystal: Crystal, reach: float) -> np.ndarray:
    """Integer translations needed to see every neighbour within ``reach`` of the home cell."""
    rec = np.linalg.inv(crystal.orth)  # rows: reciprocal vectors (no 2*pi)
    widths = 1.0 / np.linalg.norm(rec, axis=1)  # distance between opposite faces
    n = np.ceil(reach / widths).astype(int)
    if np.prod(2 * n + 1) > MAX_IMAGES:
        raise InputError(crystal.source, f"unit cell too thin to find bonds in (widths {', '.join(f'{w:.2g}' for w in widths)} A)")
    ranges = [np.arange(-k, k + 1) for k in n]
    return np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, 3)


def find_bonds(crystal: Crystal, tolerance: float = TOLERANCE) -> Bonds:
    """All bonds of the crystal: d(i, j) < r_i + r_j + tolerance, with the rules of the field.

    Rules: no bond shorter than :data:`MIN_BOND`; none between atoms of two different non-zero
    disorder groups; none between two hydrogen atoms; a hydrogen keeps its shortest bond only.
    """
    n = len(crystal)
    if n == 0:
        return Bonds(np.zeros(0, int), np.zeros(0, int), np.zeros((0, 3), int), np.zeros(0))
    radii = covalent_radii(crystal.elements)
    reach = 2 * radii.max() + tolerance
    large = radii > SMALL_RADIUS
    short_reach = 2 * radii[~large].max() + tolerance if (~large).any() else reach
    i, j, off, d = _pairs_within(crystal, reach, short_reach, large)
    ok = (d >= MIN_BOND) & (d < radii[i] + radii[j] + tolerance)
    g = crystal.disorder_group
    ok &= ~((g[i] != 0) & (g[j] != 0) & (g[i] != g[j]))
    is_h = crystal.elements == "H"
    ok &= ~(is_h[i] & is_h[j])
    i, j, off, d = i[ok], j[ok], off[ok], d[ok]
    keep = _shortest_for_hydrogen(i, j, d, is_h, n)
    return Bonds(i[keep], j[keep], off[keep].astype(int), d[keep])


def _pairs_within(crystal: Crystal, reach: float, short_reach: float,
                  large_atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of atoms (i, j + offset) closer than ``reach``, each once (i < j, or i == j with a
    lexicographically positive offset), with its distance; pairs of two small atoms (not in
    ``large_atoms``) only up to ``short_reach``, all their bonds can reach."""
    orth = crystal.orth
    lengths = np.array([crystal.cell.a, crystal.cell.b, crystal.cell.c])
    orthogonal = np.allclose([crystal.cell.alpha, crystal.cell.beta, crystal.cell.gamma], 90.0)
    if orthogonal and reach < lengths.min() / 2:
        # a periodic k-d tree: every pair is the minimum image, no atom meets its own image
        points = np.minimum(crystal.frac * lengths, np.nextafter(lengths, 0))
        tree = cKDTree(points, boxsize=lengths)
        pairs = tree.query_pairs(short_reach, output_type="ndarray")
        i, j = pairs.min(axis=1), pairs.max(axis=1)
        large = np.nonzero(large_atoms)[0]
        if len(large) and reach > short_reach:
            # the few large atoms (metals, S, Cl) look further, beyond the short reach
            near = tree.query_ball_point(points[large], reach, return_sorted=False)
            a = np.repeat(large, [len(x) for x in near])
            b = np.concatenate([np.asarray(x, dtype=int) for x in near]) if len(a) else np.zeros(0, int)
            step = crystal.frac[b] - crystal.frac[a]
            far = np.linalg.norm((step - np.round(step)) @ orth.T, axis=1) > short_reach
            keep = far & (~large_atoms[b] | (a < b))  # a pair of two large atoms is found from both ends
            i, j = np.concatenate([i, np.minimum(a, b)[keep]]), np.concatenate([j, np.maximum(a, b)[keep]])
        off = -np.round(crystal.frac[j] - crystal.frac[i]).astype(int)
        dist = np.linalg.norm((crystal.frac[j] + off - crystal.frac[i]) @ orth.T, axis=1)
        return i, j, off, dist
    n = len(crystal)
    offsets = _image_offsets(crystal, reach)
    margin = reach / (1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1))  # in fractional units
    # images of all atoms, kept only when within reach of the home cell
    img_frac = (crystal.frac[None, :, :] + offsets[:, None, :]).reshape(-1, 3)
    img_atom = np.tile(np.arange(n), len(offsets))
    img_off = np.repeat(offsets, n, axis=0)
    near = np.all((img_frac > -margin) & (img_frac < 1 + margin), axis=1)
    img_frac, img_atom, img_off = img_frac[near], img_atom[near], img_off[near]
    pairs = cKDTree(crystal.frac @ orth.T).sparse_distance_matrix(
        cKDTree(img_frac @ orth.T), reach, output_type="ndarray")
    i = pairs["i"].astype(int)
    k = pairs["j"].astype(int)
    j, off = img_atom[k], img_off[k]
    lex = (off[:, 0] > 0) | ((off[:, 0] == 0) & ((off[:, 1] > 0) | ((off[:, 1] == 0) & (off[:, 2] > 0))))
    once = (i < j) | ((i == j) & lex)
    return i[once], j[once], off[once], pairs["v"][once]


def _shortest_for_hydrogen(i: np.ndarray, j: np.ndarray, d: np.ndarray, is_h: np.ndarray, n: int) -> np.ndarray:
    """Mask keeping, for every hydrogen, only its shortest bond."""
    keep = np.ones(len(i), dtype=bool)
    h_atom = np.where(is_h[i], i, np.where(is_h[j], j, -1))
    idx = np.nonzero(h_atom >= 0)[0]
    if len(idx) == 0:
        return keep
    order = idx[np.lexsort((d[idx], h_atom[idx]))]
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
