"""The pipeline: a crystal (or a net read from a .cgd file) through every stage to its report.

    reading  ->  net (bonds, building units, quotient net, components)  ->  naming  ->  entanglement  ->  verdict
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from topology.entanglement.entangle import Entanglement, Placed, automorphisms, entangle, translation_moves
from topology.entanglement.rings import Move, NetGeometry, net_geometry
from topology.errors import InputError
from topology.memory import keep_freed_memory
from topology.naming.identify import Namer, component_graph
from topology.net.bonds import find_bonds
from topology.net.clustering import all_nodes
from topology.net.periodic import direction, plane_normal
from topology.net.quotient import PeriodicNet, build_net
from topology.net.symmetry import net_operations
from topology.net.units import find_units
from topology.options import CLUSTERINGS, Options
from topology.reading import cgd
from topology.reading import cif as io
from topology.reading.crystal import Crystal, file_operations
from topology.reading.disorder import major_parts
from topology.report import NetSummary, Report
from topology.stages import stage
from topology.verdict import CellLattice, classify, interpenetration_class


def entanglements(lattice: CellLattice, nets: list[NetSummary]) -> list[Entanglement]:
    """Links and threadings for every pair of periodic nets, and between the copies of one net (a
    k-fold net, or a layer's or chain's parallel copies), of the net whose cell is ``lattice``."""
    periodic = [n for n in nets if n.dimensionality > 0]
    pairs = [(a, b) for i, a in enumerate(periodic) for b in periodic[i:]
             if a.id != b.id or a.fold > 1 or a.dimensionality < 3]
    if not pairs:
        return []
    with stage("entanglement"):
        return _entanglements(lattice, pairs)


def _entanglements(lattice: CellLattice, pairs: list[tuple[NetSummary, NetSummary]]) -> list[Entanglement]:
    net = lattice.net
    src, dst, off = net.directed_arrays()
    lifted = net.lifted()
    component = {int(lifted.component(c).nodes[0]): lifted.component(c) for c in range(lifted.count)}
    frac, orth = net.frac(), np.array(net.cell.orth.mat.tolist())
    nets = {p.id: p for pair in pairs for p in pair}
    net_of = np.full(len(frac), -1)
    for n in nets.values():
        net_of[list(n.vertices)] = n.id
    shifts = translation_moves(frac, lattice.translations[1:])
    moves = _net_moves(nets, net_of, shifts)
    exact = automorphisms(shifts, src, dst, off)

    def carries(move: Move, first: NetSummary, second: NetSummary) -> bool:
        """Whether the move takes the vertices of ``first`` one to one onto those of ``second``."""
        return net_of[move.target[first.vertices[0]]] == second.id and \
            sorted(move.target[list(first.vertices)].tolist()) == list(second.vertices)

    geometry: dict[int, NetGeometry] = {}
    for n in nets.values():
        # a net that a translation makes of one already worked out has its rings carried over
        carried = next(((m, g) for m in geometry for g in exact if carries(g, nets[m], n)), None)
        if carried is None:
            own = tuple(g for g in exact if carries(g, n, n))
            geometry[n.id] = net_geometry(src, dst, off, component[n.vertices[0]], own)
        else:
            geometry[n.id] = geometry[carried[0]].moved(carried[1])
    placed = {i: Placed(g, frac, orth, component[nets[i].vertices[0]], lifted.shift) for i, g in geometry.items()}
    return [entangle(placed[a.id], placed[b.id], (a.id, b.id), orth, a.id == b.id,
                     sum(1 for m in moves if {m[a.id], m[b.id]} == {a.id, b.id})) for a, b in pairs]


def _net_moves(nets: dict[int, NetSummary], net_of: np.ndarray, shifts: list[Move]) -> list[dict[int, int]]:
    """For each translation of the structure within its cell (``shifts``), where it takes each net of
    ``nets``. A pair's links are counted per cell of the translations that keep the pair (the two nets,
    or one net's copies) in place or swap it: all of them for a net and its own copies, none but the
    identity when they carry each net onto another (40 copies of pcu, each shifted by 1/40 along [111])."""
    first = {i: n.vertices[0] for i, n in nets.items()}
    moves = [{i: i for i in first}]  # the identity, even where vertices coincide (a net file's chains)
    for shift in shifts:
        moves.append({i: int(net_of[shift.target[v]]) for i, v in first.items()})
    return moves


def crystal_class(lattice: CellLattice, nets: list[NetSummary],
                  triplets: tuple[str, ...]) -> tuple[dict | None, tuple[str, ...]]:
    """The interpenetration class under the crystal's true symmetry: the file's operations, or those
    of the net's embedding when they are more (a P1 file, a supercell: :mod:`topology.net.symmetry`),
    with a note saying the symmetry was found rather than read."""
    if sum(n.fold for n in nets if n.dimensionality == 3) < 2:
        return None, ()
    read = file_operations(triplets)
    found, symbol = net_operations(lattice.net, lattice.tolerance)
    if len(found) <= len(read):
        return interpenetration_class(lattice, nets, read), ()
    note = (f"symmetry found, not read: the net's vertices and edge midpoints have {symbol} symmetry "
            f"({len(found)} operations in this cell, spglib within {lattice.tolerance:.2g} A); the file gives {len(read)}")
    return interpenetration_class(lattice, nets, found), (note,)


def summarize(net: PeriodicNet, names: bool = True, namer: Namer | None = None) -> list[NetSummary]:
    """One summary per connected component, ordered by dimensionality (highest first), then size;
    2D and 3D nets are named (:mod:`topology.naming.identify`, through ``namer`` when one analysis
    names several nets) unless ``names`` is false."""
    namer = namer or Namer()
    with stage("net"):
        src, dst, off = net.directed_arrays()
        lifted = net.lifted()
        comps = [lifted.component(c) for c in range(lifted.count)]
    comps.sort(key=lambda c: (-c.dimensionality, -len(c.nodes), int(c.nodes[0])))
    coordination = net.coordination()
    out = []
    for k, c in enumerate(comps):
        degrees = tuple(sorted({coordination[int(v)] for v in c.nodes}, reverse=True))
        orient = plane_normal(c.basis) if c.dimensionality == 2 else direction(c.basis)
        named = None
        if names and c.dimensionality >= 2:
            with stage("naming"):
                named = namer(component_graph(src, dst, off, lifted.shift, c))
        out.append(NetSummary(k, c.dimensionality, c.fold, tuple(int(v) for v in c.nodes), degrees, orient,
                              c.copies_per_cell,
                              topology=named.topology if named else None,
                              topology_key=named.key if named else None,
                              point_symbol=named.point_symbol if named else None,
                              coordination_sequences=named.coordination_sequences if named else (),
                              td10=named.td10 if named else (),
                              notes=tuple(f"net {k}: {note}" for note in named.notes) if named else (),
                              archive=named.archive if named else None))
    return out


def analyze(crystal: Crystal, min_occupancy: float = 0.0, names: bool = True, disorder: str = "major",
            clustering: str = "SingleNodes") -> Report:
    """Bonds, building units, net and nets of a crystal: the whole pipeline on atoms.

    ``disorder`` is one of :data:`~topology.options.DISORDER`, ``clustering`` one of
    :data:`~topology.options.CLUSTERINGS` (see :class:`~topology.options.Options`).
    """
    return run(crystal, Options(float(min_occupancy), disorder, clustering, names))


def run(crystal: Crystal, options: Options) -> Report:
    """The pipeline on atoms, every stage reading ``options``."""
    keep_freed_memory()
    with stage("reading"):
        if options.disorder == "major":
            crystal = major_parts(crystal)
        elif crystal.disorder_group.any():
            crystal = crystal.select(np.ones(len(crystal), dtype=bool), "disorder: every part kept, no two parts bonded")
        kept = crystal.with_min_occupancy(options.min_occupancy)
    if not (kept.elements != "H").any():
        low = options.min_occupancy > 0 and len(kept) < len(crystal)
        left = f"above occupancy {options.min_occupancy:g}" if low else "in the file"
        raise InputError(crystal.source, f"no atoms other than hydrogen {left}: nothing to build a net from")
    with stage("bonds"):
        bonds = find_bonds(kept)
    with stage("units"):
        units = find_units(kept, bonds)
    with stage("net"):
        single = build_net(kept, units)
        every, split = all_nodes(single, kept, bonds, units)
    nets_of = {"SingleNodes": single, "AllNodes": every}
    net = nets_of[options.clustering]
    namer = Namer()
    nets = summarize(net, options.names, namer)
    by_clustering = {options.clustering: names_of(nets)}
    if options.names:
        for other in CLUSTERINGS:
            if other not in by_clustering:
                by_clustering[other] = names_of(nets) if not split else names_of(summarize(nets_of[other], namer=namer))
    lattice = CellLattice(net)
    found = entanglements(lattice, nets)
    with stage("verdict"):
        notes = kept.notes + units.notes + tuple(note for n in nets for note in n.notes)
        if split:
            notes += (f"AllNodes: {split} organic SBU(s) with several branch points, each branch point a vertex",)
        klass, more = crystal_class(lattice, nets, kept.operations)
        return Report(kept.source, len(kept), float(options.min_occupancy), net, nets, kept, units, notes + more, found,
                      klass, classify(nets, found), options.clustering,
                      {c: by_clustering[c] for c in CLUSTERINGS if c in by_clustering})


def names_of(nets: list[NetSummary]) -> list[str]:
    """The names of the 2D and 3D nets, as ``topology_by_clustering`` lists them."""
    return [n.topology or f"unnamed {n.dimensionality}D net" for n in nets if n.dimensionality >= 2]


def analyze_net(net: PeriodicNet, source: str, notes: tuple[str, ...] = (), names: bool = True,
                clustering: str = "SingleNodes") -> Report:
    """Report for a net read directly (a Systre .cgd file): no atoms, so every clustering gives this net."""
    nets = summarize(net, names)
    lattice = CellLattice(net)
    found = entanglements(lattice, nets)
    with stage("verdict"):
        notes += tuple(note for n in nets for note in n.notes)
        klass, more = crystal_class(lattice, nets, ())
        return Report(source, 0, 0.0, net, nets, None, None, notes + more, found, klass, classify(nets, found),
                      clustering, {c: names_of(nets) for c in CLUSTERINGS} if names else {})


def analyze_bytes(name: str, data: bytes, min_occupancy: float = 0.0, names: bool = True,
                  disorder: str = "major", clustering: str = "SingleNodes") -> Report:
    """Analyse the contents of a CIF or .cgd file (an upload, ``.gz`` unpacked), dispatching on the name's suffix."""
    keep_freed_memory()
    with stage("reading"):
        name, data = io.unpack(name, data)
        text = io.decode(name, data)
        if name.lower().endswith(".cgd"):
            net, notes = cgd.parse_cgd(text, name)
        else:
            crystal = io.parse_cif(text, name)
    if name.lower().endswith(".cgd"):
        Options(min_occupancy, disorder, clustering, names)  # the choices are checked even where a net has no SBUs
        return analyze_net(net, name, notes, names, clustering)
    return analyze(crystal, min_occupancy, names, disorder, clustering)


def analyze_file(path: str | Path, min_occupancy: float = 0.0, names: bool = True, disorder: str = "major",
                 clustering: str = "SingleNodes") -> Report:
    """Analyse a CIF or Systre .cgd file."""
    with stage("reading"):
        name, data = io.read_bytes(path)
    return analyze_bytes(name, data, min_occupancy, names, disorder, clustering)
