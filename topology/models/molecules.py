"""Rigid molecular fragments of the Ag12-TCNB series, built in local frames from bond lengths.

Every fragment is a list of (element, xyz) in Angstrom; the builders place them on a cluster or
in a channel. Lengths and angles are standard values for these groups (C-C aromatic 1.39, C-CN
1.44, C-N triple 1.15, C-O carboxylate 1.25, C-F 1.33, C-Cl 1.77, S-C 1.83; C-H 0.97 and O-H 0.97 as
internuclear distances, not the shorter X-ray ones); the
Ag-ligand distances come from the paper (see :mod:`topology.models.sc_series`).
"""

from __future__ import annotations

import numpy as np

Atoms = list[tuple[str, np.ndarray]]

CC_AROMATIC = 1.39
C_CN = 1.44
CN_TRIPLE = 1.15
C_H = 0.97
C_O = 1.25
C_C = 1.53
C_F = 1.33
O_H = 0.97
S_C = 1.83
C_CL = 1.77
TETRAHEDRAL = np.degrees(np.arccos(-1 / 3))


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def perpendicular(d: np.ndarray) -> np.ndarray:
    """A unit vector perpendicular to ``d`` (deterministic)."""
    trial = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    return unit(np.cross(d, trial))


def tetrahedral_arms(axis: np.ndarray, ref: np.ndarray) -> list[np.ndarray]:
    """Three unit vectors at the tetrahedral angle from ``-axis`` (the bond already made), the first
    in the plane of ``axis`` and ``ref``: the other three bonds of an sp3 atom."""
    axis = unit(axis)
    p = unit(ref - np.dot(ref, axis) * axis)
    q = np.cross(axis, p)
    tilt = np.radians(180.0 - TETRAHEDRAL)
    return [np.cos(tilt) * axis + np.sin(tilt) * (np.cos(phi) * p + np.sin(phi) * q)
            for phi in np.radians([0.0, 120.0, 240.0])]


def methyl(carbon: np.ndarray, bond: np.ndarray, ref: np.ndarray, substituent: str = "H",
           length: float = C_H) -> Atoms:
    """Three atoms (H, or F of a CF3) on a carbon whose fourth bond points along ``-bond``."""
    return [(substituent, carbon + length * arm) for arm in tetrahedral_arms(bond, ref)]


def isopropyl_thiolate(sulfur: np.ndarray, outward: np.ndarray) -> Atoms:
    """The iPr group of a mu4-S capping a square face: CH(CH3)2 pointing away from the cluster."""
    outward = unit(outward)
    ref = perpendicular(outward)
    c1 = sulfur + S_C * outward
    arms = tetrahedral_arms(outward, ref)
    atoms: Atoms = [("C", c1), ("H", c1 + C_H * arms[0])]
    for arm in arms[1:]:
        c = c1 + C_C * arm
        atoms += [("C", c)] + methyl(c, arm, outward)
    return atoms


def carboxylate(oxygen: np.ndarray, metal_dir: np.ndarray, plane: np.ndarray, acid: bool,
                cf3_turn: float = 0.0) -> Atoms:
    """CF3COO- (or CF3COOH) bound through ``oxygen``; the metal lies along ``-metal_dir``.

    Planar carboxylate: M-O-C 125 deg, O-C-O 125 deg, the CF3 on the carbon outside the O-C-O angle
    (O-C-C 117.5 deg each side), turned by ``cf3_turn`` (deg) about its C-C bond; the acid H on the
    second oxygen, C-O-H 110 deg, syn to the first (the usual conformation of a carboxylic acid).
    """
    d = unit(metal_dir)
    p = unit(plane - np.dot(plane, d) * d)

    def direction(angle_deg: float) -> np.ndarray:
        a = np.radians(angle_deg)
        return np.cos(a) * d + np.sin(a) * p

    c = oxygen + C_O * direction(55.0)  # M-O-C = 125 deg
    o2 = c + C_O * direction(55.0 - 180.0 + 125.0)  # O-C-O = 125 deg
    cf3_dir = direction(55.0 + 180.0 - 117.5)  # C->O at 235 deg, C->O2 at 0 deg: bisecting the outside
    cf3 = c + C_C * cf3_dir
    t = np.radians(cf3_turn)
    ref = np.cos(t) * d + np.sin(t) * np.cross(cf3_dir, d)
    atoms: Atoms = [("O", oxygen), ("C", c), ("O", o2), ("C", cf3)] + methyl(cf3, cf3_dir, ref, "F", C_F)
    if acid:
        atoms.append(("H", o2 + O_H * direction(-70.0)))  # O2->C at 180 deg
    return atoms


def tcnb(centre: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[Atoms, dict[int, np.ndarray]]:
    """1,2,4,5-tetracyanobenzene with its ring in the plane of ``u`` and ``v``.

    Ring atoms at angles 0, 60, ..., 300 deg from ``u``; nitriles on the atoms at 0, 60, 180 and 240
    deg (positions 1, 2, 4, 5), H at 120 and 300 deg. Returns the atoms and, for each nitrile angle,
    the index of its N.
    """
    atoms: Atoms = []
    nitrogen: dict[int, np.ndarray] = {}
    for angle in range(0, 360, 60):
        a = np.radians(angle)
        d = np.cos(a) * u + np.sin(a) * v
        atoms.append(("C", centre + CC_AROMATIC * d))
        if angle in (0, 60, 180, 240):
            atoms.append(("C", centre + (CC_AROMATIC + C_CN) * d))
            atoms.append(("N", centre + (CC_AROMATIC + C_CN + CN_TRIPLE) * d))
            nitrogen[angle] = len(atoms) - 1
        else:
            atoms.append(("H", centre + (CC_AROMATIC + C_H) * d))
    return atoms, nitrogen


NITRILE_REACH = CC_AROMATIC + C_CN + CN_TRIPLE
"""Distance from the TCNB ring centre to a nitrile N (3.98 A)."""


def toluene(centre: np.ndarray, u: np.ndarray, v: np.ndarray) -> Atoms:
    """C6H5-CH3 with its ring in the plane of ``u`` and ``v``."""
    atoms: Atoms = []
    for angle in range(0, 360, 60):
        a = np.radians(angle)
        d = np.cos(a) * u + np.sin(a) * v
        atoms.append(("C", centre + CC_AROMATIC * d))
        if angle == 0:
            c = centre + (CC_AROMATIC + 1.50) * d
            atoms += [("C", c)] + methyl(c, d, np.cross(u, v))
        else:
            atoms.append(("H", centre + (CC_AROMATIC + C_H) * d))
    return atoms


def free_acid(centre: np.ndarray, u: np.ndarray, v: np.ndarray) -> Atoms:
    """A CF3COOH guest molecule around ``centre``."""
    return carboxylate(centre - 0.6 * u, u, v, acid=True)


def dichloromethane(centre: np.ndarray, u: np.ndarray, v: np.ndarray) -> Atoms:
    """CH2Cl2 with its carbon at ``centre``."""
    w = unit(np.cross(u, v))
    half = np.radians(TETRAHEDRAL / 2)
    return [("C", centre),
            ("Cl", centre + C_CL * (np.cos(half) * u + np.sin(half) * v)),
            ("Cl", centre + C_CL * (np.cos(half) * u - np.sin(half) * v)),
            ("H", centre + C_H * (-np.cos(half) * u + np.sin(half) * w)),
            ("H", centre + C_H * (-np.cos(half) * u - np.sin(half) * w))]
