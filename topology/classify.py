"""From nets to a verdict: the report of one structure and its interpenetration class.

Nothing is called entangled unless rings were found linked or threaded (:mod:`topology.entangle`).
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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gemmi
import numpy as np

from topology import cgd, io
from topology.bonds import find_bonds
from topology.crystal import Crystal
from topology.disorder import major_parts
from topology.entangle import Entanglement, Placed, entangle, lattice_points
from topology.errors import InputError
from topology.identify import component_graph, identify
from topology.net import PeriodicNet, build_net
from topology.periodic import direction, lifted_components, plane_normal
from topology.rings import net_geometry
from topology.units import BuildingUnits, find_units

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


@dataclass(frozen=True)
class NetSummary:
    """One connected component of the quotient net."""

    id: int
    dimensionality: int
    fold: int
    vertices: tuple[int, ...]
    node_degrees: tuple[int, ...]
    orientation: tuple[int, int, int] | None = None  # layer normal (2D) or chain direction (1D)
    copies_per_cell: int = 1  # see topology.periodic.Component.copies_per_cell
    topology: str | None = None  # RCSR symbol (topology.identify), None when not in the archive
    topology_key: str | None = None  # canonical key, comparable between structures
    point_symbol: str | None = None  # e.g. {4^12.6^3}
    coordination_sequences: tuple[tuple[int, ...], ...] = ()  # one per vertex kind, 10 shells
    td10: tuple[int, ...] = ()  # one per vertex kind: vertices within 10 bonds, the vertex included

    def placement(self) -> str:
        """Where a layer or chain lies, and how many copies of it cross one cell (what CrystalNets.jl
        prints as n-fold for layers and chains); empty for 3D nets and discrete units."""
        if self.orientation is None:
            return ""
        h, k, l = self.orientation
        where = f"in ({h} {k} {l}) planes" if self.dimensionality == 2 else f"along [{h} {k} {l}]"
        return f"{where}, {self.copies_per_cell} per cell"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "dimensionality": self.dimensionality, "fold": self.fold,
                "n_vertices": len(self.vertices), "node_degrees": list(self.node_degrees),
                "topology": self.topology, "topology_key": self.topology_key, "point_symbol": self.point_symbol,
                "coordination_sequences": [list(cs) for cs in self.coordination_sequences],
                "td10": list(self.td10)}


@dataclass(eq=False)
class Report:
    """Everything the analysis found about one structure (``to_dict`` is the JSON report)."""

    source: str
    n_atoms: int
    min_occupancy: float
    net: PeriodicNet
    nets: list[NetSummary]
    crystal: Crystal | None = None
    units: BuildingUnits | None = None
    notes: tuple[str, ...] = field(default=())
    entanglement: list[Entanglement] = field(default_factory=list)
    interpenetration_class: dict | None = None

    @property
    def interpenetration_degree(self) -> int:
        """Total number of 3D net copies."""
        return sum(n.fold for n in self.nets if n.dimensionality == 3)

    @property
    def classification(self) -> str:
        return classify(self.nets, self.entanglement)

    @property
    def topologies(self) -> str:
        """The 2D and 3D nets by name, highest dimension first: "pcu + sql", "2-fold pcu", "bcu + dia";
        a net missing from the archive is "unnamed 3D net"; empty when there is no 2D or 3D net."""
        parts = []
        for n in self.nets:
            if n.dimensionality < 2:
                continue
            name = n.topology or f"unnamed {n.dimensionality}D net"
            parts.append(f"{n.fold}-fold {name}" if n.fold > 1 else name)
        return " + ".join(parts)

    def net_of_vertex(self) -> list[int]:
        """Net id of every vertex."""
        out = [0] * self.net.graph.number_of_nodes()
        for n in self.nets:
            for v in n.vertices:
                out[v] = n.id
        return out

    def to_dict(self) -> dict[str, Any]:
        g = self.net.graph
        net_of = self.net_of_vertex()
        degree = self.net.coordination()
        vertices = [
            {"id": v, "net": net_of[v], "kind": g.nodes[v]["kind"], "composition": g.nodes[v]["composition"],
             "degree": degree[v], "frac": [round(float(x), 5) + 0.0 for x in g.nodes[v]["frac"]],
             "atoms": g.nodes[v]["atoms"].tolist()}
            for v in range(g.number_of_nodes())
        ]
        edges = [
            {"u": u, "v": v, "offset": list(off), "linker": d["linker"], "occupancy": round(d["occupancy"], 4)}
            for u, v, off, d in self.net.edges()
        ]
        return {
            "source": self.source,
            "n_atoms": self.n_atoms,
            "min_occupancy": self.min_occupancy,
            "classification": self.classification,
            "interpenetration_degree": self.interpenetration_degree,
            "nets": [n.to_dict() for n in self.nets],
            "entanglement": [e.to_dict() for e in self.entanglement],
            "interpenetration_class": self.interpenetration_class,
            "vertices": vertices,
            "edges": edges,
            "notes": list(self.notes),
        }


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


def entanglements(net: PeriodicNet, nets: list[NetSummary]) -> list[Entanglement]:
    """Links and threadings for every pair of periodic nets, and between the copies of one net (a
    k-fold net, or a layer's or chain's parallel copies)."""
    periodic = [n for n in nets if n.dimensionality > 0]
    pairs = [(a, b) for i, a in enumerate(periodic) for b in periodic[i:]
             if a.id != b.id or a.fold > 1 or a.dimensionality < 3]
    if not pairs:
        return []
    src, dst, off = net.directed_arrays()
    lifted = lifted_components(net.graph.number_of_nodes(), src, dst, off)
    component = {int(lifted.component(c).nodes[0]): lifted.component(c) for c in range(lifted.count)}
    frac, orth = net.frac(), np.array(net.cell.orth.mat.tolist())
    placed: dict[int, Placed] = {}
    for n in {p.id: p for pair in pairs for p in pair}.values():
        comp = component[n.vertices[0]]
        placed[n.id] = Placed(net_geometry(src, dst, off, comp), frac, orth, comp, lifted.shift)
    points = len(own_translations(net))
    return [entangle(placed[a.id], placed[b.id], (a.id, b.id), orth, a.id == b.id, points) for a, b in pairs]


def own_translations(net: PeriodicNet) -> list[np.ndarray]:
    """Translations (fractional) of the structure's own lattice within the cell, zero included."""
    src, dst, off = net.directed_arrays()
    frac = net.frac()
    labels = [net.graph.nodes[v]["composition"] for v in range(len(frac))]
    return lattice_points(frac, labels, np.column_stack([src, dst, off]), np.array(net.cell.orth.mat.tolist()))


def interpenetration_class(net: PeriodicNet, nets: list[NetSummary], operations: tuple[str, ...]) -> dict | None:
    """Z, Zt, Zn and the class of an array of interpenetrated 3D nets (Blatov, Carlucci, Ciani &
    Proserpio, CrystEngComm 6, 377 (2004)): Zt copies related by translations of the crystal (the
    net's fold, and centring translations), Zn by its other symmetry operations; class I when Zn = 1,
    II when Zt = 1, III otherwise; a when all copies are symmetry-equivalent (Z = Zt Zn), b when not."""
    frameworks = [n for n in nets if n.dimensionality == 3]
    total = sum(n.fold for n in frameworks)
    if total < 2:
        return None
    frac = net.frac()
    which = np.full(len(frac), -1)
    for k, n in enumerate(frameworks):
        which[list(n.vertices)] = k
    ops = [gemmi.Op(t) for t in operations] or [gemmi.Op("x,y,z")]
    for t in own_translations(net)[1:]:  # translations of a P1 supercell or of a centred net file
        ops.append(gemmi.Op("x,y,z").translated([round(x * gemmi.Op.DEN) for x in t]))
    orth = np.array(net.cell.orth.mat.tolist())
    translations, everything = _orbit_of(frameworks[0], ops, frac, which, orth)
    zt = frameworks[0].fold * len(translations)
    zn = len(everything) // len(translations)
    numeral = "I" if zn == 1 else "II" if zt == 1 else "III"
    letter = "a" if total == zt * zn else "b"
    return {"class": numeral + letter, "Z": total, "Zt": zt, "Zn": zn}


def _orbit_of(first: NetSummary, ops: list, frac: np.ndarray, which: np.ndarray,
              orth: np.ndarray) -> tuple[set[int], set[int]]:
    """The 3D nets that the crystal's pure translations, and all its operations, take the first one to."""
    v = first.vertices[0]
    by_translation, by_any = {0}, {0}
    for op in ops:
        rot = np.array(op.rot, dtype=float) / gemmi.Op.DEN
        image = rot @ frac[v] + np.array(op.tran, dtype=float) / gemmi.Op.DEN
        gap = (frac - image + 0.5) % 1.0 - 0.5
        dist = np.linalg.norm(gap @ orth.T, axis=1)
        hit = int(np.argmin(dist))
        if dist[hit] > 0.5 or which[hit] < 0:
            continue
        by_any.add(int(which[hit]))
        if np.allclose(rot, np.eye(3)):
            by_translation.add(int(which[hit]))
    return by_translation, by_any


def summarize(net: PeriodicNet, names: bool = True) -> list[NetSummary]:
    """One summary per connected component, ordered by dimensionality (highest first), then size;
    2D and 3D nets are named (:mod:`topology.identify`) unless ``names`` is false."""
    src, dst, off = net.directed_arrays()
    lifted = lifted_components(net.graph.number_of_nodes(), src, dst, off)
    comps = [lifted.component(c) for c in range(lifted.count)]
    comps.sort(key=lambda c: (-c.dimensionality, -len(c.nodes), int(c.nodes[0])))
    coordination = net.coordination()
    out = []
    for k, c in enumerate(comps):
        degrees = tuple(sorted({coordination[int(v)] for v in c.nodes}, reverse=True))
        orient = plane_normal(c.basis) if c.dimensionality == 2 else direction(c.basis)
        named = identify(component_graph(src, dst, off, lifted.shift, c)) if names and c.dimensionality >= 2 else None
        out.append(NetSummary(k, c.dimensionality, c.fold, tuple(int(v) for v in c.nodes), degrees, orient,
                              c.copies_per_cell,
                              topology=named.topology if named else None,
                              topology_key=named.key if named else None,
                              point_symbol=named.point_symbol if named else None,
                              coordination_sequences=named.coordination_sequences if named else (),
                              td10=named.td10 if named else ()))
    return out


DISORDER = ("major", "all")
"""How disordered parts are read: the most occupied part of each assembly, or every part (no bond
between two different parts)."""


def analyze(crystal: Crystal, min_occupancy: float = 0.0, names: bool = True, disorder: str = "major") -> Report:
    """Bonds, building units, net and nets of a crystal: the whole pipeline on atoms.

    ``disorder`` is one of :data:`DISORDER`: the major part of each disorder assembly, or all parts.
    """
    if disorder not in DISORDER:
        raise ValueError(f"disorder must be one of {DISORDER}, not {disorder!r}")
    if disorder == "major":
        crystal = major_parts(crystal)
    elif crystal.disorder_group.any():
        crystal = crystal.select(np.ones(len(crystal), dtype=bool), "disorder: every part kept, no two parts bonded")
    kept = crystal.with_min_occupancy(min_occupancy)
    if not (kept.elements != "H").any():
        left = f"above occupancy {min_occupancy:g}" if min_occupancy > 0 and len(kept) < len(crystal) else "in the file"
        raise InputError(crystal.source, f"no atoms other than hydrogen {left}: nothing to build a net from")
    bonds = find_bonds(kept)
    units = find_units(kept, bonds)
    net = build_net(kept, units)
    nets = summarize(net, names)
    return Report(kept.source, len(kept), float(min_occupancy), net, nets, kept, units, kept.notes + units.notes,
                  entanglements(net, nets), interpenetration_class(net, nets, kept.operations))


def analyze_net(net: PeriodicNet, source: str, notes: tuple[str, ...] = (), names: bool = True) -> Report:
    """Report for a net read directly (a Systre .cgd file): no atoms."""
    nets = summarize(net, names)
    return Report(source, 0, 0.0, net, nets, None, None, notes, entanglements(net, nets),
                  interpenetration_class(net, nets, ()))


def analyze_bytes(name: str, data: bytes, min_occupancy: float = 0.0, names: bool = True,
                  disorder: str = "major") -> Report:
    """Analyse the contents of a CIF or .cgd file (an upload), dispatching on the name's suffix."""
    text = io.decode(name, data)
    if name.lower().endswith(".cgd"):
        net, notes = cgd.parse_cgd(text, name)
        return analyze_net(net, name, notes, names)
    return analyze(io.parse_cif(text, name), min_occupancy, names, disorder)


def analyze_file(path: str | Path, min_occupancy: float = 0.0, names: bool = True, disorder: str = "major") -> Report:
    """Analyse a CIF or Systre .cgd file."""
    name, data = io.read_bytes(path)
    return analyze_bytes(name, data, min_occupancy, names, disorder)
