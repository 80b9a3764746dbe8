"""The periodic net: vertices (clusters, branch points) joined by edges with integer image offsets.

Two vertices may be joined by several edges with different offsets, and a vertex may be joined to
its own images. Each edge stores its direction: the vertex ``v`` at ``frac[v] + offset`` is bonded to
``u`` at ``frac[u]``, where ``u`` is the edge's ``tail``. The pipeline keeps the net as arrays; the
same net as a networkx ``MultiGraph`` is built from them for whoever asks (:attr:`PeriodicNet.graph`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import gemmi
import numpy as np

from topology.net.periodic import Component, Lifted, lifted_components, periodic_components
from topology.net.units import BRANCH, LINKER, BuildingUnits
from topology.reading.crystal import Crystal, element_codes
from topology.tables import concatenated_ranges, row_ranks, stable_argsort, unique_rows

if TYPE_CHECKING:
    import networkx as nx

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
    ``codes`` is :func:`~topology.reading.crystal.element_codes` of ``elements`` when the caller has it
    already."""
    if n_groups == 0:
        return []
    symbols, code = codes if codes is not None else element_codes(elements)
    sel = group >= 0
    counts = np.bincount(group[sel] * len(symbols) + code[sel], minlength=n_groups * len(symbols))
    counts = counts.reshape(n_groups, len(symbols))
    which = row_ranks(counts)
    first = np.unique(which, return_index=True)[1]
    text = [hill_formula({str(symbols[e]): int(c) for e, c in enumerate(row) if c}) for row in counts[first]]
    return [text[w] for w in which.tolist()]


class PeriodicNet:
    """A net in a unit cell. The pipeline keeps it as arrays: each vertex's ``kind``, ``composition``,
    ``frac`` and ``atoms``; each edge's ``tail``, head, ``offset``, ``linker``, ``occupancy`` and ``atoms``,
    in the order they were added. :attr:`graph` is the same net as a networkx ``MultiGraph`` (nodes
    carry ``kind``, ``composition``, ``frac`` and ``atoms``; edges ``tail``, ``offset``, ``linker``,
    ``occupancy`` and ``atoms``), built when first asked for: the app, the exports and notebooks read
    it, while an analysis never needs it. Change the net through its methods, never through the graph."""

    def __init__(self, cell: gemmi.UnitCell) -> None:
        self.cell = cell
        self.kinds: list[str] = []
        self.compositions: list[str] = []
        self.vertex_atoms: list[np.ndarray] = []
        self._frac: list[np.ndarray] = []  # blocks of rows, joined when read
        self._ends: list[np.ndarray] = []  # blocks of (tail, head, a, b, c) rows, in the order added
        self._occupancy: list[np.ndarray] = []
        self.linkers: list[str | None] = []  # per edge, in the order added
        self.edge_atoms: list[np.ndarray] = []
        self._changed()

    @classmethod
    def empty(cls, cell: gemmi.UnitCell) -> PeriodicNet:
        return cls(cell)

    def _changed(self) -> None:
        self._graph: nx.MultiGraph | None = None
        self._order: np.ndarray | None = None
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lifted: Lifted | None = None

    @property
    def n_vertices(self) -> int:
        return len(self.kinds)

    def add_vertex(self, kind: str, frac, composition: str = "", atoms=()) -> int:
        v = self.n_vertices
        self.add_vertices([kind], np.reshape(frac, (1, 3)), [composition], [atoms])
        return v

    def add_vertices(self, kinds: list[str], frac: np.ndarray, compositions: list[str], atoms: list) -> None:
        """Append vertices, numbered on from the last."""
        frac = np.array(frac, dtype=float).reshape(-1, 3)
        self.kinds += list(kinds)
        self.compositions += list(compositions)
        self.vertex_atoms += [np.asarray(a, dtype=int) for a in atoms]
        self._frac.append(frac)
        self._changed()

    def add_edge(self, u: int, v: int, offset, linker: str | None = None, occupancy: float = 1.0,
                 atoms=()) -> None:
        self.add_edges([u], [v], np.reshape(offset, (1, 3)), [linker], [occupancy], [atoms])

    def add_edges(self, u, v, offsets: np.ndarray, linkers: list, occupancy, atoms: list) -> None:
        """Add edges u -> v + offset. A linker closing on the same vertex image is not an edge."""
        ends = np.column_stack([np.asarray(u, dtype=np.int64).reshape(-1), np.asarray(v, dtype=np.int64).reshape(-1),
                                np.asarray(offsets, dtype=np.int64).reshape(-1, 3)])
        keep = (ends[:, 0] != ends[:, 1]) | ends[:, 2:].any(axis=1)
        index = np.flatnonzero(keep).tolist()
        self._ends.append(ends[keep])
        self._occupancy.append(np.asarray(occupancy, dtype=float).reshape(-1)[keep])
        self.linkers += [linkers[k] for k in index]
        self.edge_atoms += [_atom_array(atoms[k]) for k in index]
        self._changed()

    def remove_edges_at(self, v: int) -> None:
        """Remove every edge at vertex ``v``."""
        ends = self._edge_table()
        keep = (ends[:, 0] != v) & (ends[:, 1] != v)
        index = np.flatnonzero(keep).tolist()
        self._ends = [ends[keep]]
        self._occupancy = [self.occupancy()[keep]]
        self.linkers = [self.linkers[k] for k in index]
        self.edge_atoms = [self.edge_atoms[k] for k in index]
        self._changed()

    def move_vertex(self, v: int, frac, atoms: np.ndarray) -> None:
        """Give vertex ``v`` a new position and atoms."""
        table = self.frac()
        table[v] = frac
        self._frac = [table]
        self.vertex_atoms[v] = atoms
        self._changed()

    def copy(self) -> PeriodicNet:
        """A net with the same vertices and edges (their atom arrays shared)."""
        out = PeriodicNet(self.cell)
        out.add_vertices(self.kinds, self.frac(), self.compositions, self.vertex_atoms)
        out._ends, out._occupancy = [self._edge_table()], [self.occupancy()]
        out.linkers, out.edge_atoms = list(self.linkers), list(self.edge_atoms)
        return out

    def frac(self) -> np.ndarray:
        """Fractional coordinates of the vertices (a new array)."""
        return _joined(self._frac, np.zeros((0, 3))).copy()

    def _edge_table(self) -> np.ndarray:
        return _joined(self._ends, np.zeros((0, 5), dtype=np.int64))

    def occupancy(self) -> np.ndarray:
        """Occupancy of each edge, in the order the edges were added."""
        return _joined(self._occupancy, np.zeros(0))

    def edge_order(self) -> np.ndarray:
        """The edges (by the order they were added) in the order ``graph.edges`` lists them: by their
        lower vertex, then by when that vertex was first joined to the other one, then by when added.
        Reports, exports and the directed arrays all list the edges this way."""
        if self._order is None:
            ends = self._edge_table()
            low, high = np.minimum(ends[:, 0], ends[:, 1]), np.maximum(ends[:, 0], ends[:, 1])
            added = np.arange(len(ends))
            pair = row_ranks(np.column_stack([low, high]))
            first = np.full(int(pair.max(initial=-1)) + 1, len(ends))
            np.minimum.at(first, pair, added)
            self._order = np.lexsort((added, first[pair], low))
        return self._order

    def edges(self) -> list[tuple[int, int, Offset, dict]]:
        """Every edge once, oriented from its tail: (u, v, offset, data), data as :attr:`graph` holds it."""
        out = []
        for a, b, data in self.graph.edges(data=True):
            u = data["tail"]
            v = b if u == a else a
            out.append((u, v, data["offset"], data))
        return out

    def edge_linkers(self) -> list[str | None]:
        """Each edge's linker formula (None for no linker), in the order of :meth:`edges`."""
        return [self.linkers[k] for k in self.edge_order().tolist()]

    @property
    def graph(self) -> nx.MultiGraph:
        """The net as a networkx ``MultiGraph``, built once from the arrays (see the class docstring)."""
        if self._graph is None:
            import networkx as nx  # only when asked for: an analysis never is

            graph = nx.MultiGraph()
            _add_nodes(graph, [{"kind": kind, "composition": comp, "frac": f, "atoms": atoms}
                                  for kind, f, comp, atoms in zip(self.kinds, self.frac(), self.compositions,
                                                                  self.vertex_atoms)])
            ends = self._edge_table()
            _add_edges(graph, [(a, b, {"tail": a, "offset": (x, y, z), "linker": lk, "occupancy": occ, "atoms": at})
                               for (a, b, x, y, z), lk, occ, at in zip(ends.tolist(), self.linkers,
                                                                        self.occupancy().tolist(), self.edge_atoms)])
            self._graph = graph
        return self._graph

    def directed_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Both directions of every edge (each edge once in the order of :meth:`edges`, then all
        reversed), as the arrays :mod:`topology.net.periodic` works on."""
        if self._arrays is None:
            ends = self._edge_table()[self.edge_order()]
            u, v, off = ends[:, 0].astype(int), ends[:, 1].astype(int), ends[:, 2:].astype(int)
            self._arrays = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([off, -off])
        return self._arrays

    def lifted(self) -> Lifted:
        """The net's connected components lifted into one image each (:func:`lifted_components`), kept
        until the net changes: naming and entanglement both start from them."""
        if self._lifted is None:
            self._lifted = lifted_components(self.n_vertices, *self.directed_arrays())
        return self._lifted

    def components(self) -> list[Component]:
        src, dst, off = self.directed_arrays()
        return periodic_components(self.n_vertices, src, dst, off)

    def coordination(self) -> list[int]:
        """Number of distinct neighbour images of each vertex: its degree in the infinite net.

        Two linkers joining the same pair of vertex images count once, as in a topology.
        """
        src, dst, off = self.directed_arrays()
        n = self.n_vertices
        if len(src) == 0:
            return [0] * n
        distinct = unique_rows(np.column_stack([src, dst, off]))
        return np.bincount(distinct[:, 0], minlength=n).tolist()


def _joined(blocks: list[np.ndarray], empty: np.ndarray) -> np.ndarray:
    """The blocks as one array, kept as the only block: a net is built by many small appends (a .cgd
    file's edges one by one) and read whole, so the blocks are joined once, when first read."""
    if len(blocks) != 1:
        blocks[:] = [np.concatenate(blocks) if blocks else empty]
    return blocks[0]


NO_ATOMS = np.zeros(0, dtype=int)
NO_ATOMS.flags.writeable = False
"""The atoms of an edge that is no linker (a branch point's bond, a direct bond): one read-only empty
array shared by all of them (a net may have thousands)."""


def _atom_array(atoms) -> np.ndarray:
    return NO_ATOMS if len(atoms) == 0 else np.asarray(atoms, dtype=int)


def _add_nodes(graph: nx.MultiGraph, attrs: list[dict]) -> None:
    """Add nodes 0, 1, ... with their attribute dicts, straight into the graph's dicts as
    ``add_nodes_from`` leaves them: it costs several times more, per node, than the dicts."""
    for k, attr in enumerate(attrs):
        graph._node[k] = attr
        graph._adj[k] = {}


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
    codes = crystal.symbols
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
