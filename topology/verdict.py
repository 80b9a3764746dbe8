"""The verdict: how a structure's nets are entangled, in the field's words, and their interpenetration class.

Nothing is called entangled unless rings were found linked or threaded (:mod:`topology.entanglement.entangle`).
Classification strings (``Report.classification``), the first three as the SC series' paper uses them:

- ``non-interpenetrated``: one 3D net, one copy.
- ``3D-3D interpenetrated``: two or more 3D net copies with rings linked between them.
- ``2D-3D interpenetrating``: 3D net(s) with 2D layers entangled with them (linked or threaded rings).
- ``1D-3D interpenetrating``: 3D net(s) with 1D chains threading their rings.
- ``2D-2D interpenetrated``: no 3D net; copies of a layer interpenetrating within one slab.
- ``2D-2D parallel polycatenation`` / ``2D-2D inclined polycatenation``: no 3D net; layers of one
  orientation, or of several, with rings linked between them (Carlucci, Ciani & Proserpio 2003).
- ``1D-2D polythreading``: chains threading the rings of layers; ``1D-1D polycatenation``: linked chains.
- ``3D nets side by side``, ``3D net beside 2D layers``, ``3D net beside 1D chains``: nets sharing the
  crystal with no link or threading found.
- ``2D layers and 1D chains``: no 3D net; layers and chains side by side (a "three-in-one" crystal).
- ``2D layers``, ``1D chains``, ``0D discrete``: nothing entangled.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from topology.entanglement.entangle import Entanglement, lattice_points
from topology.net.quotient import PeriodicNet
from topology.net.symmetry import precision
from topology.reading.crystal import Operation
from topology.report import NetSummary

CLASSIFICATIONS = (
    "non-interpenetrated",
    "3D-3D interpenetrated",
    "2D-3D interpenetrating",
    "1D-3D interpenetrating",
    "2D-2D interpenetrated",
    "2D-2D parallel polycatenation",
    "2D-2D inclined polycatenation",
    "1D-2D polythreading",
    "1D-1D polycatenation",
    "3D nets side by side",
    "3D net beside 2D layers",
    "3D net beside 1D chains",
    "2D layers",
    "2D layers and 1D chains",
    "1D chains",
    "0D discrete",
)


def classify(nets: list[NetSummary], entanglement: list[Entanglement]) -> str:
    """The interpenetration class of a set of nets (see the module docstring)."""
    dim = {n.id: n.dimensionality for n in nets}
    found = [e for e in entanglement if e.kind != "none"]

    def tangled(a: int, b: int) -> list[Entanglement]:
        return [e for e in found if sorted((dim[e.between[0]], dim[e.between[1]])) == sorted((a, b))]

    copies3 = sum(n.fold for n in nets if n.dimensionality == 3)
    layers = [n for n in nets if n.dimensionality == 2]
    chains = [n for n in nets if n.dimensionality == 1]
    if copies3:
        if tangled(2, 3):
            return "2D-3D interpenetrating"
        if tangled(1, 3):
            return "1D-3D interpenetrating"
        if copies3 > 1:
            return "3D-3D interpenetrated" if tangled(3, 3) else "3D nets side by side"
        if layers:
            return "3D net beside 2D layers"
        return "3D net beside 1D chains" if chains else "non-interpenetrated"
    if layers:
        two = tangled(2, 2)
        if two:
            if any(e.kind == "interpenetration" for e in two):
                return "2D-2D interpenetrated"
            inclined = len({n.orientation for n in layers}) > 1
            return "2D-2D inclined polycatenation" if inclined else "2D-2D parallel polycatenation"
        if tangled(1, 2):
            return "1D-2D polythreading"
        return "2D layers and 1D chains" if chains else "2D layers"
    if chains:
        return "1D-1D polycatenation" if tangled(1, 1) else "1D chains"
    return "0D discrete"


class CellLattice:
    """The structure's own translations within its cell (zero included: one for a primitive cell, two
    for a body-centred cell or a 2x1x1 supercell) and the tolerance they are found within, each worked
    out once, when first asked: the entanglement counts and the interpenetration class both need them."""

    def __init__(self, net: PeriodicNet) -> None:
        self.net = net

    @cached_property
    def tolerance(self) -> float:
        return precision(self.net)

    @cached_property
    def translations(self) -> list[np.ndarray]:
        net = self.net
        src, dst, off = net.directed_arrays()
        return lattice_points(net.frac(), net.compositions, np.column_stack([src, dst, off]),
                              np.array(net.cell.orth.mat.tolist()), self.tolerance)


def interpenetration_class(lattice: CellLattice, nets: list[NetSummary], operations: list[Operation]) -> dict | None:
    """Z, Zt, Zn and the class of an array of interpenetrated 3D nets (Blatov, Carlucci, Ciani &
    Proserpio, CrystEngComm 6, 377 (2004)) under ``operations`` (the crystal's, read or found): Zt
    copies related by translations of the crystal (the net's fold, and centring translations), Zn =
    the orbit of the first net under all operations over Zt; class I when Zn = 1, II when Zt = 1, III
    otherwise; a when all copies are in that orbit (Z = Zt Zn), b when not. When no operation relates
    any two nets (Zt = Zn = 1) there is no class: ``class`` is None."""
    frameworks = [n for n in nets if n.dimensionality == 3]
    total = sum(n.fold for n in frameworks)
    if total < 2:
        return None
    net = lattice.net
    frac = net.frac()
    which = np.full(len(frac), -1)
    for k, n in enumerate(frameworks):
        which[list(n.vertices)] = k
    ops = list(operations) or [(np.eye(3), np.zeros(3))]
    ops += [(np.eye(3), t) for t in lattice.translations[1:]]  # translations of a supercell or centred net
    orth = np.array(net.cell.orth.mat.tolist())
    translations, everything = _orbit_of(frameworks[0], ops, frac, which, orth, 2 * lattice.tolerance)
    zt = frameworks[0].fold * len(translations)
    zn = len(everything) // len(translations)
    if zt == zn == 1:
        return {"class": None, "Z": total, "Zt": 1, "Zn": 1}
    numeral = "I" if zn == 1 else "II" if zt == 1 else "III"
    letter = "a" if total == zt * zn else "b"
    return {"class": numeral + letter, "Z": total, "Zt": zt, "Zn": zn}


def _orbit_of(first: NetSummary, ops: list[Operation], frac: np.ndarray, which: np.ndarray,
              orth: np.ndarray, tolerance: float) -> tuple[set[int], set[int]]:
    """The 3D nets that the crystal's pure translations, and all its operations, take the first one to:
    every operation's image of one vertex at once (a crystal has up to 192 operations, each of which
    would otherwise pay numpy's overhead on a few small arrays)."""
    rot = np.array([r for r, _ in ops], dtype=float)
    image = np.matmul(rot, frac[first.vertices[0]]) + np.array([t for _, t in ops], dtype=float)
    gap = (frac[None, :, :] - image[:, None, :] + 0.5) % 1.0 - 0.5
    dist = np.linalg.norm(gap @ orth.T, axis=2)
    hit = dist.argmin(axis=1)
    landed = (dist[np.arange(len(ops)), hit] <= tolerance) & (which[hit] >= 0)
    pure = (np.abs(rot - np.eye(3)) <= 1e-8 + 1e-5 * np.eye(3)).all(axis=(1, 2))  # np.allclose(rot, eye)
    return {0} | {int(k) for k in which[hit[landed & pure]]}, {0} | {int(k) for k in which[hit[landed]]}
