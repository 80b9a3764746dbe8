"""Restrained regularisation: the last step of packing the SC models (:mod:`topology.models.packing`).

Rigid groups turned about their pivots leave a few contacts short where only a torsion (a CF3 about
its C-C bond, an isopropyl's methyls), a small bend or a slight give of the cluster would make room.
Here every atom shifts on its own, held to its bond lengths and bond angles by distance restraints on
its 1-2 and 1-3 pairs (as SHELXL's DFIX and DANG hold a refined model), while the contacts between
parts are pushed out to the distance the packing wants (:data:`topology.models.packing.NEED`). The restraints
are stiff except for the angles at a metal or a mu4-S between two parts (the coordination angles a
ligand leans through). Two shapes that 1-3 distances barely hold are restrained as well: a near-linear
angle (a nitrile) is kept straight, its middle atom on the line through its ends, and a branch point
keeps its volume (an aromatic C or a carboxylate stays flat, a CF3 keeps its hand).
"""

from __future__ import annotations

import itertools
from typing import Protocol

import numpy as np
from scipy.optimize import minimize


class Packing(Protocol):
    """What the restraints need of a packing (:class:`topology.models.packing.Packing` is one): the
    atoms, their bonds and parts, its crowding energy and its way of following the periodic images."""

    cell: np.ndarray
    x: np.ndarray
    elements: np.ndarray
    present: np.ndarray
    bonded: np.ndarray
    owner: np.ndarray
    unit_atoms: int

    def expand(self, x: np.ndarray, rewrap: bool = False) -> np.ndarray: ...

    def reduce(self, gradient: np.ndarray) -> np.ndarray: ...

    def energy(self, x: np.ndarray) -> tuple[float, np.ndarray]: ...

    def follow(self, reach: float = ..., fixed_too: bool = False, pad: float = 0.0) -> None: ...

BOND_WEIGHT = 3000.0
"""Restraint weight (per A^2) on a bond length."""
ANGLE_WEIGHT = 300.0
"""Restraint weight (per A^2) on a 1-3 distance (a bond angle)."""
HINGE_WEIGHT = 3.0
"""Restraint weight on a 1-3 distance across two parts through an Ag or S (a coordination angle):
soft, as the packing lets a ligand lean on its Ag or S."""
LINEAR = 165.0
"""Angles (deg) within a part above this are held straight."""
LINE_WEIGHT = 3000.0
"""Restraint weight (per A^2) on the middle atom's distance from the line through the ends."""
VOLUME_WEIGHT = 300.0
"""Restraint weight (per A^6) on the volume at a branch point (flat for an aromatic C, a carboxylate)."""
METALS = ("Ag", "S")
"""Atoms whose angles to other parts are hinges."""
CROWDING_WEIGHT = 10.0
"""How much the crowding weighs against the restraints: the contacts are what this step is for."""
PAD = 0.1
"""Added (A) to the distance the packing wants between parts, one MARGIN, so that the crowding is
steep from that distance on and a contact settles clear of the 3.0 A mark rather than on it."""
ROUNDS = 6
"""Minimisations, each on a fresh list of the pairs in contact (atoms move little in one)."""
ITERATIONS = 400
"""L-BFGS iterations per round."""


def restraint_pairs(packing: Packing) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Atom pairs (i, j) held at their distance and the weight of each: bonds and bond angles (1-3)."""
    bonded = packing.bonded
    as_float = bonded.astype(np.float32)
    metal = np.isin(packing.elements, METALS)
    angles = ((as_float @ as_float) > 0) & ~bonded
    through_metal = (as_float[:, metal] @ as_float[metal]) > 0
    np.fill_diagonal(angles, False)
    i, j = np.nonzero(np.triu(bonded | angles))
    owner = packing.owner
    hinge = (owner[i] != owner[j]) & through_metal[i, j]
    return i, j, np.where(bonded[i, j], BOND_WEIGHT, np.where(hinge, HINGE_WEIGHT, ANGLE_WEIGHT))


def nearest_image(cell: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """The difference vectors ``diff`` (..., 3) taken to their nearest lattice image, as bonds are found."""
    return diff - np.round(diff @ np.linalg.inv(cell)) @ cell


def neighbours_in_part(packing: Packing, k: int) -> list[int]:
    """The atoms bonded to atom k within its own part."""
    return [a for a in np.flatnonzero(packing.bonded[k]) if packing.owner[a] == packing.owner[k]]


def straight_angles(packing: Packing) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The near-linear angles i-k-j within a part (a C-C#N), with k's fraction t of the way from i to
    j: the 1-3 distance hardly changes as such an angle bends, so k is held on the line instead."""
    x = packing.x
    found = []
    for k in np.flatnonzero(packing.present):
        for a, b in itertools.combinations(neighbours_in_part(packing, k), 2):
            u, w = nearest_image(packing.cell, x[a] - x[k]), nearest_image(packing.cell, x[b] - x[k])
            cosine = u @ w / np.linalg.norm(u) / np.linalg.norm(w)
            if cosine < np.cos(np.radians(LINEAR)):
                found.append((a, k, b, np.linalg.norm(u) / (np.linalg.norm(u) + np.linalg.norm(w))))
    i, k, j, t = zip(*found) if found else ((), (), (), ())
    return np.array(i, dtype=int), np.array(k, dtype=int), np.array(j, dtype=int), np.array(t, dtype=float)


def branch_points(packing: Packing) -> tuple[np.ndarray, np.ndarray]:
    """Atoms (not Ag or S) with three or more bonds within their part, and three of their neighbours
    there: the centres whose shape (flat or pyramidal) a volume restraint keeps, as 1-3 distances
    leave a flat centre free to pucker."""
    centres, arms = [], []
    for k in np.flatnonzero(packing.present & ~np.isin(packing.elements, METALS)):
        around = neighbours_in_part(packing, k)
        if len(around) >= 3:
            centres.append(k)
            arms.append(around[:3])
    return np.array(centres, dtype=int), np.array(arms, dtype=int).reshape(-1, 3)


def volumes(x: np.ndarray, cell: np.ndarray, centre: np.ndarray, arms: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The signed volumes a . (b x c) of the bonds a, b, c from each centre to its three arms (as
    SHELXL's CHIV), and their derivatives by the arms' positions."""
    a, b, c = (nearest_image(cell, x[arms[:, n]] - x[centre]) for n in range(3))
    return np.einsum("ij,ij->i", a, np.cross(b, c)), [np.cross(b, c), np.cross(c, a), np.cross(a, b)]


def regularize(packing: Packing) -> None:
    """Move every atom of ``packing`` to relieve the crowding left by the rigid-body search, keeping
    bond lengths and angles (restrained to their values on entry). The atoms of the asymmetric unit
    are the variables; their images follow them (crowding and restraints summed over the whole cell)."""
    present = np.flatnonzero(packing.present[:packing.unit_atoms])
    i, j, weight = restraint_pairs(packing)
    target = np.linalg.norm(nearest_image(packing.cell, packing.x[j] - packing.x[i]), axis=1)

    ends, middle, other_end, t = straight_angles(packing)
    centre, arms = branch_points(packing)
    volume0 = volumes(packing.x, packing.cell, centre, arms)[0]

    def strain(x: np.ndarray) -> tuple[float, np.ndarray]:
        v = nearest_image(packing.cell, x[j] - x[i])
        d = np.linalg.norm(v, axis=1)
        force = (2 * weight * (d - target) / np.maximum(d, 1e-9))[:, None] * v
        gradient = np.zeros_like(x)
        np.add.at(gradient, j, force)
        np.add.at(gradient, i, -force)
        # off-line: the middle atom's offset from its place on the line through the ends
        a = nearest_image(packing.cell, x[ends] - x[middle])
        b = nearest_image(packing.cell, x[other_end] - x[middle])
        off = -((1 - t)[:, None] * a + t[:, None] * b)
        pull = 2 * LINE_WEIGHT * off
        np.add.at(gradient, middle, pull)
        np.add.at(gradient, ends, -(1 - t)[:, None] * pull)
        np.add.at(gradient, other_end, -t[:, None] * pull)
        volume, d_volume = volumes(x, packing.cell, centre, arms)
        excess = 2 * VOLUME_WEIGHT * (volume - volume0)
        for n in range(3):
            np.add.at(gradient, arms[:, n], excess[:, None] * d_volume[n])
            np.add.at(gradient, centre, -excess[:, None] * d_volume[n])
        restrained = (weight * (d - target) ** 2).sum() + LINE_WEIGHT * (off ** 2).sum()
        return float(restrained + VOLUME_WEIGHT * ((volume - volume0) ** 2).sum()), gradient

    def objective(flat: np.ndarray, start: np.ndarray) -> tuple[float, np.ndarray]:
        x = start.copy()
        x[present] = flat.reshape(-1, 3)
        x = packing.expand(x)
        crowding, g_crowding = packing.energy(x)
        restrained, g_restrained = strain(x)
        gradient = packing.reduce(CROWDING_WEIGHT * g_crowding + g_restrained)
        return CROWDING_WEIGHT * crowding + restrained, gradient[present].ravel()

    for _ in range(ROUNDS):
        packing.follow(fixed_too=True, pad=PAD)
        start = packing.x.copy()
        found = minimize(objective, start[present].ravel(), args=(start,), jac=True, method="L-BFGS-B",
                         options={"maxiter": ITERATIONS})
        packing.x[present] = found.x.reshape(-1, 3)
        packing.x = packing.expand(packing.x)
