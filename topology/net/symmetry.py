"""The symmetry of a net's embedding, found (spglib) when the file does not carry it.

A P1 export, a supercell, or an ordered model of a disordered crystal (IRMOF-9 as RASPA ships it:
one orientation of each twisted biphenyl, so its atoms have no symmetry at all) hides the operations
that relate interpenetrated nets. Interpenetration classes are about those operations, so they are
found on the net itself: its vertices (labelled by their composition) and the midpoints of its
edges (labelled by their linker), within :data:`SYMPREC`. Linker atoms that break the symmetry
without moving their linker's centre do not hide it.
"""

from __future__ import annotations

import itertools
import os
import warnings

import numpy as np

os.environ.setdefault("SPGLIB_WARNING", "OFF")  # its C code would print its search's dead ends on stderr
import spglib
from scipy.spatial import cKDTree
from spglib.error import SpglibError

from topology.net.quotient import PeriodicNet
from topology.reading.crystal import Operation

SYMPREC = 0.5
"""Tolerance (Angstrom) within which a vertex or edge midpoint must land on a like one; smaller for a
net whose points lie closer (:func:`precision`)."""

def precision(net: PeriodicNet) -> float:
    """:data:`SYMPREC`, or a quarter of the shortest distance between two vertices when that is less:
    a .cgd net in a cell of 1 with 40 copies 0.04 apart must not see its copies as one."""
    frac = net.frac() % 1.0
    if len(frac) < 2:
        return SYMPREC
    orth = np.array(net.cell.orth.mat.tolist())
    shifts = np.array(list(itertools.product((-1, 0, 1), repeat=3)))
    images = ((frac[None, :, :] + shifts[:, None, :]).reshape(-1, 3)) @ orth.T  # the 27 nearest cells
    dist, _ = cKDTree(images).query(frac @ orth.T, k=2)
    near = float(dist[:, 1].min())
    return min(SYMPREC, 0.25 * near) if near > 0 else SYMPREC


def net_operations(net: PeriodicNet, symprec: float) -> tuple[list[Operation], str]:
    """Operations of the net's embedding in its cell (lattice translations of a supercell included),
    and the space group's symbol, found within ``symprec`` (A, :func:`precision`); one identity and "P1"
    when spglib finds nothing."""
    frac = net.frac()
    labels = [f"{kind} {composition}" for kind, composition in zip(net.kinds, net.compositions)]
    src, dst, off = net.directed_arrays()  # each edge once, in the order of net.edges(), then reversed
    once = len(src) // 2
    labels += [f"edge {linker or ''}" for linker in net.edge_linkers()]
    pos = np.concatenate([frac, (frac[src[:once]] + frac[dst[:once]] + off[:once]) / 2]) % 1.0
    kinds = {lab: k + 1 for k, lab in enumerate(dict.fromkeys(labels))}
    numbers = np.array([kinds[lab] for lab in labels])
    # one point per site: two edges may share a midpoint (two linkers between the same two vertices)
    _, first = np.unique(np.column_stack([np.round(pos * 1e4) % 1e4, numbers]), axis=0, return_index=True)
    first = np.sort(first)
    lattice = np.array(net.cell.orth.mat.tolist()).T
    with warnings.catch_warnings():  # spglib warns that its None-on-failure is deprecated: both are handled
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            found = spglib.get_symmetry_dataset((lattice, pos[first], numbers[first]), symprec=symprec)
        except (RuntimeError, ValueError, SpglibError):
            found = None
    if found is None:
        return [(np.eye(3), np.zeros(3))], "P1"
    return [(r.astype(float), t % 1.0) for r, t in zip(found.rotations, found.translations)], str(found.international)
