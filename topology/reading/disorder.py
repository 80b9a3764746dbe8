"""Disorder as crystallographers write it: parts, assemblies, and which of them a crystal is read with.

A disordered site belongs to a part (``_atom_site_disorder_group``, SHELX PART n); the parts of one
assembly (``_atom_site_disorder_assembly``) replace each other, in proportions given by their
occupancies. Parts written without an assembly are grouped by where they are: parts that overlap in
space are alternatives. A negative part (PART -n) is a molecule disordered about a special position:
its own symmetry copies are its alternatives.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from topology.reading.crystal import Crystal, covalent_radii

OVERLAP = 0.75
"""Two non-hydrogen atoms closer than this fraction of their covalent radii sum (below any triple
bond) cannot both be there: their parts, or their symmetry copies, are alternatives."""

BOND_TOLERANCE = 0.45
"""Added to the sum of covalent radii (Cordero, via gemmi) for a bond, in Angstrom: the reach
:mod:`topology.net.bonds` bonds with, and the one a part's bonds to the metals are counted with."""

SPARSE = 0.5
"""Two symmetry copies of a positive part each present in fewer cells than this cannot be bonded
to each other: they are alternatives (see :func:`alternatives`)."""


def alternatives(crystal: Crystal, i: np.ndarray, j: np.ndarray, off: np.ndarray, overlap: np.ndarray) -> np.ndarray:
    """Which pairs (atom i, atom j + off) replace each other in the crystal rather than meet.

    As SHELX bonds disorder: an atom of a part bonds to ordered atoms and to its own part only.
    Parts of one assembly are alternatives by definition; parts of different assemblies are kept
    apart too, as files use assembly labels loosely (the as-synthesized Zn-CAT-NO2 gives each of
    four mutually exclusive NO2 positions an assembly of its own, their atoms 0.7 A apart).

    Two symmetry copies of a negative part never bond when the copies overlap (``overlap`` marks
    pairs closer than :data:`OVERLAP`). Copies that only meet, the two halves of a molecule on an
    inversion centre written in a negative part, bond as one molecule; an atom on the special
    position itself belongs to every copy. Two copies of a positive part present in less than
    :data:`SPARSE` of the cells are alternatives too: a group disordered about a symmetry element
    written without a negative part (the nitro groups of activated Zn-CAT-NO2, 0.29 each, whose O
    atoms come 1.5 A from those of the copy on the next linker).
    """
    g = crystal.disorder_group
    out = np.zeros(len(i), dtype=bool)
    both = np.flatnonzero((g[i] != 0) & (g[j] != 0))
    if len(both) == 0:
        return out
    a, b, o = i[both], j[both], off[both]
    alternative = g[a] != g[b]
    copy = crystal.symmetry_copy
    if copy is not None:
        shared = (copy[a, 0] < 0) | (copy[b, 0] < 0)
        same_copy = (copy[a, 0] == copy[b, 0]) & (copy[a, 1:] == copy[b, 1:] + o).all(axis=1)
        sparse = (crystal.occupancy[a] < SPARSE) & (crystal.occupancy[b] < SPARSE)
        alternative |= (g[a] == g[b]) & (g[a] > 0) & ~shared & ~same_copy & sparse
        other = np.flatnonzero((g[a] == g[b]) & (g[a] < 0) & ~shared & ~same_copy)
        if len(other):
            # the pair of copies (part, operations, lattice translation between them), either way round
            there = np.column_stack([g[a[other]], copy[a[other], 0], copy[b[other], 0],
                                     copy[b[other], 1:] + o[other] - copy[a[other], 1:]])
            back = np.column_stack([there[:, 0], there[:, 2], there[:, 1], -there[:, 3:]])
            differ = there != back
            first = np.argmax(differ, axis=1)
            rows = np.arange(len(other))
            smaller = ~differ.any(axis=1) | (there[rows, first] < back[rows, first])
            _, key = np.unique(np.where(smaller[:, None], there, back), axis=0, return_inverse=True)
            key = key.ravel()
            heavy = crystal.elements != "H"
            clash = overlap[both[other]] & heavy[a[other]] & heavy[b[other]]
            alternative[other] = np.isin(key, key[clash])
    out[both] = alternative
    return out


def assemblies(crystal: Crystal) -> np.ndarray:
    """The assembly of every atom ("" where ordered): the file's label, or for parts written without
    one, the parts that overlap in space (two of their non-hydrogen atoms closer than
    :data:`OVERLAP` of their radii sum, in any lattice image), named by their part numbers in
    parentheses ("(parts 3, 4)")."""
    groups = crystal.disorder_group
    named = crystal.disorder_assembly if crystal.disorder_assembly is not None else np.full(len(crystal), "", object)
    out = np.where(groups != 0, named, "").astype(object)
    unnamed = (groups != 0) & (out == "")
    parts = sorted(set(groups[unnamed].tolist()))
    if len(parts) == 0:
        return out
    loose = np.flatnonzero(unnamed & (crystal.elements != "H"))
    index = {p: k for k, p in enumerate(parts)}
    rows: list[int] = []
    cols: list[int] = []
    if len(parts) > 1 and len(loose):
        radii = covalent_radii(crystal.elements[loose])
        reach = OVERLAP * 2 * radii.max()
        home = crystal.frac[loose] @ crystal.orth.T
        around, image_of = images_near_cell(crystal, loose, reach)
        pairs = cKDTree(home).sparse_distance_matrix(cKDTree(around), reach, output_type="ndarray")
        p, q = pairs["i"], image_of[pairs["j"]] % len(loose)
        close = (pairs["v"] < OVERLAP * (radii[p] + radii[q])) & (groups[loose[p]] != groups[loose[q]])
        rows = [index[x] for x in groups[loose[p[close]]].tolist()]
        cols = [index[y] for y in groups[loose[q[close]]].tolist()]
    leader = list(range(len(parts)))  # the parts that overlap, joined (a few parts: no sparse matrix)

    def root(k: int) -> int:
        while leader[k] != k:
            leader[k] = k = leader[leader[k]]
        return k

    for a, b in zip(rows, cols):
        leader[max(root(a), root(b))] = min(root(a), root(b))
    members: dict[int, list[int]] = {}
    for p in parts:
        members.setdefault(root(index[p]), []).append(p)
    for together in members.values():
        name = "parts " + ", ".join(map(str, together)) if len(together) > 1 else f"part {together[0]}"
        out[unnamed & np.isin(groups, together)] = f"({name})"
    return out


def images_near_cell(crystal: Crystal, atoms: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Cartesian coordinates of the images of ``atoms`` in the cell and the 26 around it that come
    within ``reach`` of the cell, and the index of each among all 27 * len(atoms) images (image-major):
    the others are farther than ``reach`` from every atom, whose fractional coordinates are in [0, 1)."""
    images = np.stack(np.meshgrid(*[np.arange(-1, 2)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    frac = crystal.frac[atoms]
    slab = reach * np.linalg.norm(np.array(crystal.cell.frac.mat.tolist()), axis=1) * (1 + 1e-9) + 1e-9
    within = np.stack([frac >= 1 - slab, np.ones(frac.shape, dtype=bool), frac <= slab])  # shifted by -1, 0, +1
    near = np.flatnonzero((within[images[:, 0] + 1, :, 0] & within[images[:, 1] + 1, :, 1]
                           & within[images[:, 2] + 1, :, 2]).ravel())
    return ((frac[None, :, :] + images[:, None, :]).reshape(-1, 3) @ crystal.orth.T)[near], near


def metal_bonds(crystal: Crystal, atoms: np.ndarray) -> np.ndarray:
    """The bonds ``atoms`` give each ordered metal atom, as counts over all the crystal's atoms (a
    metal met in two lattice images counts twice). Bonds as :mod:`topology.net.bonds` finds them,
    d < r1 + r2 + :data:`BOND_TOLERANCE`; hydrogen and metal atoms of ``atoms`` are not counted."""
    return _coordination(crystal, {0: np.asarray(atoms, dtype=int)})[0]


def _coordination(crystal: Crystal, members: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """:func:`metal_bonds` of each part (``members``: its atoms), the parts' atoms searched together
    and counted part by part."""
    parts, n = list(members), len(crystal)
    atoms = np.concatenate([np.asarray(members[p], dtype=int) for p in parts]) if parts else np.zeros(0, int)
    part_of = np.full(n, -1)
    part_of[atoms] = np.repeat(np.arange(len(parts)), [len(members[p]) for p in parts])
    metal = crystal.metals
    donors = atoms[(crystal.elements[atoms] != "H") & ~metal[atoms]]
    metals = np.flatnonzero(metal & (crystal.disorder_group == 0))
    if len(donors) == 0 or len(metals) == 0:
        return {p: np.zeros(n, dtype=int) for p in parts}
    radii = crystal.radii
    reach = radii[donors].max() + radii[metals].max() + BOND_TOLERANCE
    around, image_of = images_near_cell(crystal, metals, reach)
    pairs = cKDTree(crystal.frac[donors] @ crystal.orth.T).sparse_distance_matrix(
        cKDTree(around), reach, output_type="ndarray")
    d, m = donors[pairs["i"]], metals[image_of[pairs["j"]] % len(metals)]
    bonded = pairs["v"] < radii[d] + radii[m] + BOND_TOLERANCE
    counts = np.bincount(part_of[d[bonded]] * n + m[bonded], minlength=len(parts) * n)
    return {p: counts[k * n: (k + 1) * n] for k, p in enumerate(parts)}


def major_parts(crystal: Crystal) -> Crystal:
    """The crystal as it mostly is: in each disorder assembly, the most occupied part, unless it
    would break the framework.

    The most occupied part gives way to another when it leaves a metal with fewer bonds than that
    part gives and takes none away (a linker or carboxylate written in two orientations, only the
    minor one bound to the metal): the part kept is the one that keeps every metal's coordination.
    A part alone in its assembly is there in a fraction of the cells, the rest holding nothing
    written in its place: it is kept when present in at least half of them (a negative part, whose symmetry copies are its alternatives, is always kept). Each
    choice is noted.
    """
    groups = crystal.disorder_group
    if not groups.any():
        return crystal
    assembly = assemblies(crystal)
    keep = np.ones(len(crystal), dtype=bool)
    choices, kept_alone, left_alone, copies = [], [], [], []
    for name in sorted(set(assembly[groups != 0].tolist())):
        in_assembly = (assembly == name) & (groups != 0)
        parts = sorted(set(groups[in_assembly].tolist()))
        occupancy = {p: float(crystal.occupancy[in_assembly & (groups == p)].mean()) for p in parts}
        label = name.strip("()") if name.startswith("(") else f"assembly {name}"
        if len(parts) == 1:
            (p,) = parts
            text = f"{label} ({occupancy[p]:.2f})" if name.startswith("(") else f"{label} (part {p}, {occupancy[p]:.2f})"
            if p < 0:
                copies.append(text)
            elif occupancy[p] < 0.5:
                keep &= ~in_assembly
                left_alone.append(text)
            else:
                kept_alone.append(text)
            continue
        major = max(parts, key=lambda p: (occupancy[p], -abs(p)))
        bonds = _coordination(crystal, {p: np.flatnonzero(in_assembly & (groups == p)) for p in parts})
        whole = [p for p in parts if (bonds[p] >= bonds[major]).all() and bonds[p].sum() > bonds[major].sum()]
        where = "" if name.startswith("(") else f"{label}: "
        if whole:
            chosen = max(whole, key=lambda p: (bonds[p].sum(), occupancy[p], -abs(p)))
            metals = np.flatnonzero(bonds[chosen] > bonds[major])
            names = ", ".join(sorted(set(crystal.labels[metals].tolist())))
            choices.append(f"{where}part {chosen} ({occupancy[chosen]:.2f}) kept over the more occupied part {major} "
                           f"({occupancy[major]:.2f}), which leaves {names} with fewer bonds to the framework "
                           f"({int(bonds[major][metals].sum())} instead of {int(bonds[chosen][metals].sum())})")
            major = chosen
        keep &= ~(in_assembly & (groups != major))
        if not whole:
            others = ", ".join(f"{p} ({occupancy[p]:.2f})" for p in parts if p != major)
            choices.append(f"{where}part {major} ({occupancy[major]:.2f}) kept, part {others} left out")
    if kept_alone:
        choices.append(f"{', '.join(kept_alone)} kept (no alternative written)")
    if copies:
        choices.append(f"{', '.join(copies)} kept (its symmetry copies are its alternatives)")
    if left_alone:
        choices.append(f"{', '.join(left_alone)} left out (no alternative written, present in less than half the cells)")
    return crystal.select(keep, ("major disorder parts: " if not keep.all() else "disorder: ") + "; ".join(choices))
