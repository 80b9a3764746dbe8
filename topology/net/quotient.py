"""The periodic net: vertices (clusters, branch points) joined by edges with integer image offsets.

The net is a networkx ``MultiGraph`` (two vertices may be joined by several edges with different
offsets, and a vertex may be joined to its own images). Each edge stores its direction: the vertex
``v`` at ``frac[v] + offset`` is bonded to ``u`` at ``frac[u]``, where ``u`` is the edge's ``tail``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gemmi
import networkx as nx
import numpy as np

from topology.net.periodic import (
    Component,
    Lifted,
    concatenated_ranges,
    lifted_components,
    periodic_components,
    row_ranks,
    stable_argsort,
    unique_rows,
)
from topology.net.units import BRANCH, LINKER, BuildingUnits
from topology.reading.crystal import Crystal

Offset = tuple[int, int, int]


def hill_formula(counts: dict[str, int]) -> str:
    """Chemical formula in Hill order (C, H, then alphabetical; alphabetical without carbon).

    >>> hill_formula({"O": 4, "C": 8, "H": 4, "Zn": 1})
    'C8H4O4Zn'
    """
    order = sorted(counts)
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else []) + [e for e in order if e not in ("C", "H")]
    return "".join(f"{e}{counts[e] if counts[e] > 1 else ''}" for e in order)


def group_formulas(group: np.ndarray, n_groups: int, elements: np.ndarray,
                   codes: tuple[np.ndarray, np.ndarray] | None = None) -> list[str]:
    """Hill formula of each group of atoms (``group[i]`` is atom i's group, -1 for none), counted
    with one ``bincount``: a framework has thousands of linkers and guests but few distinct ones.
    ``codes`` is ``np.unique(elements, return_inverse=True)`` when the caller has it already (a sort
    of strings, slow on a large crystal)."""
    if n_groups == 0:
        return []
    symbols, code = codes if codes is not None else np.unique(elements, return_inverse=True)
    sel = group >= 0
    counts = np.bincount(group[sel] * len(symbols) + code[sel], minlength=n_groups * len(symbols))
    counts = counts.reshape(n_groups, len(symbols))
    which = row_ranks(counts)
    first = np.unique(which, return_index=True)[1]
    text = [hill_formula({str(symbols[e]): int(c) for e, c in enumerate(row) if c}) for row in counts[first]]
    return [text[w] for w in which.tolist()]


@dataclass(eq=False)
class PeriodicNet:
    """A net in a unit cell: ``graph`` nodes carry ``kind``, ``composition``, ``frac`` and ``atoms``;
    edges carry ``tail``, ``offset``, ``linker``, ``occupancy`` and ``atoms``."""

    cell: gemmi.UnitCell
    graph: nx.MultiGraph
    _arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False)
    _lifted: tuple[tuple, Lifted] | None = field(default=None, init=False, repr=False)

    @classmethod
    def empty(cls, cell: gemmi.UnitCell) -> PeriodicNet:
        return cls(cell, nx.MultiGraph())

    def add_vertex(self, kind: str, frac, composition: str = "", atoms=()) -> int:
        v = self.graph.number_of_nodes()
        self.add_vertices([kind], np.reshape(frac, (1, 3)), [composition], [atoms])
        return v

    def add_vertices(self, kinds: list[str], frac: np.ndarray, compositions: list[str], atoms: list) -> None:
        """Append vertices, numbered on from the last."""
        start = self.graph.number_of_nodes()
        frac = np.asarray(frac, dtype=float).reshape(-1, 3)
        _add_nodes(self.graph, start, [
            {"kind": kind, "composition": comp, "frac": f, "atoms": np.asarray(a, dtype=int)}
            for kind, f, comp, a in zip(kinds, frac, compositions, atoms)])
        self._arrays = None

    def add_edge(self, u: int, v: int, offset, linker: str | None = None, occupancy: float = 1.0,
                 atoms=()) -> None:
        self.add_edges([u], [v], np.reshape(offset, (1, 3)), [linker], [occupancy], [atoms])

    def add_edges(self, u, v, offsets: np.ndarray, linkers: list, occupancy, atoms: list) -> None:
        """Add edges u -> v + offset. A linker closing on the same vertex image is not an edge."""
        u, v = np.asarray(u, dtype=int).tolist(), np.asarray(v, dtype=int).tolist()
        offsets = np.asarray(offsets, dtype=int).reshape(-1, 3).tolist()
        occupancy = np.asarray(occupancy, dtype=float).tolist()
        _add_edges(self.graph, [
            (a, b, {"tail": a, "offset": tuple(o), "linker": lk, "occupancy": occ, "atoms": _atom_array(at)})
            for a, b, o, lk, occ, at in zip(u, v, offsets, linkers, occupancy, atoms)
            if a != b or any(o)])
        self._arrays = None

    def copy(self) -> PeriodicNet:
        """A net with copies of this one's vertex and edge dicts, as ``MultiGraph.copy`` makes them
        (that goes through ``add_nodes_from`` and ``add_edges_from``: several times slower)."""
        graph = nx.MultiGraph()
        graph.graph.update(self.graph.graph)
        _add_nodes(graph, 0, [attr.copy() for attr in self.graph._node.values()])
        adj = graph._adj
        for u, nbrs in self.graph._adj.items():
            for v, keys in nbrs.items():
                if v not in adj[u]:
                    adj[u][v] = adj[v][u] = {key: data.copy() for key, data in keys.items()}
        return PeriodicNet(self.cell, graph)

    def edges(self) -> list[tuple[int, int, Offset, dict]]:
        """Every edge once, oriented from its tail: (u, v, offset, data)."""
        out = []
        for a, b, data in self.graph.edges(data=True):
            u = data["tail"]
            v = b if u == a else a
            out.append((u, v, data["offset"], data))
        return out

    def directed_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Both directions of every edge, as the arrays :mod:`topology.net.periodic` works on (kept until
        the next vertex or edge is added through this class)."""
        if self._arrays is None:
            # every edge in the order ``graph.edges`` gives them, read straight from the adjacency dicts
            tails, heads, offsets = [], [], []
            seen: set[int] = set()
            for a, nbrs in self.graph._adj.items():
                for b, keys in nbrs.items():
                    if b not in seen:
                        for data in keys.values():
                            u = data["tail"]
                            tails.append(u)
                            heads.append(b if u == a else a)
                            offsets.append(data["offset"])
                seen.add(a)
            u, v = np.array(tails, dtype=int), np.array(heads, dtype=int)
            off = np.array(offsets, dtype=int).reshape(-1, 3)
            self._arrays = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([off, -off])
        return self._arrays

    def lifted(self) -> Lifted:
        """The net's connected components lifted into one image each (:func:`lifted_components`), kept
        with the directed arrays they come from: naming and entanglement both start from them."""
        arrays = self.directed_arrays()
        if self._lifted is None or self._lifted[0] is not arrays:
            self._lifted = (arrays, lifted_components(self.graph.number_of_nodes(), *arrays))
        return self._lifted[1]

    def components(self) -> list[Component]:
        src, dst, off = self.directed_arrays()
        return periodic_components(self.graph.number_of_nodes(), src, dst, off)

    def coordination(self) -> list[int]:
        """Number of distinct neighbour images of each vertex: its degree in the infinite net.

        Two linkers joining the same pair of vertex images count once, as in a topology.
        """
        src, dst, off = self.directed_arrays()
        n = self.graph.number_of_nodes()
        if len(src) == 0:
            return [0] * n
        distinct = unique_rows(np.column_stack([src, dst, off]))
        return np.bincount(distinct[:, 0], minlength=n).tolist()

    def frac(self) -> np.ndarray:
        n = self.graph.number_of_nodes()
        return np.array([self.graph.nodes[v]["frac"] for v in range(n)]).reshape(n, 3)


NO_ATOMS = np.zeros(0, dtype=int)
NO_ATOMS.flags.writeable = False
"""The atoms of an edge that is no linker (a branch point's bond, a direct bond): one read-only empty
array shared by all of them (a net may have thousands)."""


def _atom_array(atoms) -> np.ndarray:
    return NO_ATOMS if len(atoms) == 0 else np.asarray(atoms, dtype=int)


def _add_nodes(graph: nx.MultiGraph, start: int, attrs: list[dict]) -> None:
    """Add nodes ``start``, ``start + 1``, ... with their attribute dicts, straight into the graph's
    dicts as ``add_nodes_from`` leaves them: it costs several times more, per node, than the dicts."""
    for k, attr in enumerate(attrs, start):
        graph._node[k] = attr
        graph._adj[k] = {}
    _changed(graph)


def _add_edges(graph: nx.MultiGraph, edges: list[tuple[int, int, dict]]) -> None:
    """Add edges (u, v, data) between existing nodes, each with the least free key, straight into the
    graph's dicts as ``add_edges_from`` leaves them (a MOF's net has thousands of edges)."""
    adj = graph._adj
    for u, v, data in edges:
        keys = adj[u].get(v)
        if keys is None:
            keys = adj[u][v] = adj[v][u] = {}
        key = len(keys)
        while key in keys:
            key += 1
        keys[key] = data
    _changed(graph)


def _changed(graph: nx.MultiGraph) -> None:
    """Drop what networkx cached about the graph (as its own ``add_*`` methods do)."""
    cache = getattr(graph, "__networkx_cache__", None)
    if cache:
        cache.clear()


def build_net(crystal: Crystal, units: BuildingUnits) -> PeriodicNet:
    """The net of a crystal cut into building units: vertices at unit centroids, edges from linkers.

    Works on the arrays of :class:`BuildingUnits` (MIL-101 has 800 linkers and 4,000 guests).
    """
    net = PeriodicNet.empty(crystal.cell)
    n_v = len(units.vertex_units)
    vertex_of_unit = np.full(len(units.vertex_like) + len(units.organic.kinds) + 1, -1)
    vertex_of_unit[units.vertex_units] = np.arange(n_v)
    atom_vertex = vertex_of_unit[units.unit]
    in_vertex = np.flatnonzero(atom_vertex >= 0)
    by_vertex = in_vertex[stable_argsort(atom_vertex[in_vertex])]
    size = np.bincount(atom_vertex[in_vertex], minlength=n_v)
    pos = crystal.frac + units.shift
    centroid = np.column_stack([np.bincount(atom_vertex[in_vertex], pos[in_vertex, k], n_v)
                                for k in range(3)]).astype(float).reshape(n_v, 3)
    centroid /= np.maximum(size, 1)[:, None]
    wrap = np.floor(centroid + 1e-9).astype(int)
    codes = np.unique(crystal.elements, return_inverse=True)
    composition = group_formulas(atom_vertex, n_v, crystal.elements, codes)
    kinds = [units.vertex_like[k].kind if k < len(units.vertex_like) else BRANCH for k in units.vertex_units]
    ends = np.cumsum(size).tolist()
    vertex_atoms = [by_vertex[a:b] for a, b in zip([0] + ends[:-1], ends)]
    net.add_vertices(kinds, centroid - wrap, composition, vertex_atoms)

    org = units.organic
    part_of = np.repeat(np.arange(len(org.kinds)), np.diff(org.bounds))
    occupancy = _part_occupancy(crystal, org.atoms, org.bounds)
    # linkers: one edge between the two vertex images they bind
    linker = np.flatnonzero(org.kinds == LINKER)
    a, b = org.contacts[org.first[linker]], org.contacts[org.first[linker] + 1]
    rank = np.full(len(org.kinds), -1)
    rank[linker] = np.arange(len(linker))
    atom_linker = np.full(len(crystal), -1)
    atom_linker[org.atoms] = rank[part_of]
    formulas = group_formulas(atom_linker, len(linker), crystal.elements, codes)
    net.add_edges(a[:, 0], b[:, 0], (b[:, 1:] + wrap[b[:, 0]]) - (a[:, 1:] + wrap[a[:, 0]]), formulas,
                  occupancy[linker], [org.atoms[org.bounds[k]: org.bounds[k + 1]] for k in linker])
    # branch points: one edge to each vertex image they bind
    branch = np.flatnonzero(org.kinds == BRANCH)
    count = org.first[branch + 1] - org.first[branch]
    rows = org.contacts[concatenated_ranges(org.first[branch], count)]
    u = np.repeat(org.vertex[branch], count)
    net.add_edges(u, rows[:, 0], rows[:, 1:] + wrap[rows[:, 0]] - wrap[u], [None] * len(u),
                  np.repeat(occupancy[branch], count), [()] * len(u))
    # direct bonds between single-atom vertices (rods, organic nets)
    if units.bridges:
        bu, bv, boff = (np.array(x) for x in zip(*units.bridges))
        first_atom = np.array([atoms[0] for atoms in vertex_atoms])
        pair_occ = np.minimum(crystal.occupancy[first_atom[bu]], crystal.occupancy[first_atom[bv]])
        net.add_edges(bu, bv, boff.reshape(-1, 3) + wrap[bv] - wrap[bu], [None] * len(bu), pair_occ, [()] * len(bu))
    return net


def _part_occupancy(crystal: Crystal, atoms: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Occupancy of each organic part: that of its least occupied non-hydrogen atom (disordered H
    do not count), or of its least occupied atom if it is all hydrogen."""
    if len(bounds) < 2:
        return np.zeros(0)
    occ = crystal.occupancy[atoms]
    heavy = np.where(crystal.elements[atoms] != "H", occ, np.inf)
    least_heavy = np.minimum.reduceat(heavy, bounds[:-1])
    return np.where(np.isfinite(least_heavy), least_heavy, np.minimum.reduceat(occ, bounds[:-1]))
