"""The periodic net: vertices (clusters, branch points) joined by edges with integer image offsets.

The net is a networkx ``MultiGraph`` (two vertices may be joined by several edges with different
offsets, and a vertex may be joined to its own images). Each edge stores its direction: the vertex
``v`` at ``frac[v] + offset`` is bonded to ``u`` at ``frac[u]``, where ``u`` is the edge's ``tail``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import gemmi
import networkx as nx
import numpy as np

from topology.crystal import Crystal
from topology.periodic import Component, periodic_components
from topology.units import BRANCH, LINKER, BuildingUnits

Offset = tuple[int, int, int]


def hill_formula(elements: list[str] | np.ndarray) -> str:
    """Chemical formula in Hill order (C, H, then alphabetical; alphabetical without carbon)."""
    return _hill(tuple(elements))


@lru_cache(maxsize=4096)
def _hill(elements: tuple[str, ...]) -> str:
    counts = Counter(str(e) for e in elements)
    order = sorted(counts)
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else []) + [e for e in order if e not in ("C", "H")]
    return "".join(f"{e}{counts[e] if counts[e] > 1 else ''}" for e in order)


@dataclass(eq=False)
class PeriodicNet:
    """A net in a unit cell: ``graph`` nodes carry ``kind``, ``composition``, ``frac`` and ``atoms``;
    edges carry ``tail``, ``offset``, ``linker``, ``occupancy`` and ``atoms``."""

    cell: gemmi.UnitCell
    graph: nx.MultiGraph

    @classmethod
    def empty(cls, cell: gemmi.UnitCell) -> PeriodicNet:
        return cls(cell, nx.MultiGraph())

    def add_vertex(self, kind: str, frac, composition: str = "", atoms=()) -> int:
        v = self.graph.number_of_nodes()
        self.graph.add_node(v, kind=kind, composition=composition, frac=np.asarray(frac, dtype=float),
                            atoms=np.asarray(atoms, dtype=int))
        return v

    def add_edge(self, u: int, v: int, offset, linker: str | None = None, occupancy: float = 1.0,
                 atoms=()) -> None:
        offset = (int(offset[0]), int(offset[1]), int(offset[2]))
        if u == v and offset == (0, 0, 0):
            return  # a linker closing on the same vertex image is not an edge of the net
        self.graph.add_edge(u, v, tail=u, offset=offset, linker=linker, occupancy=float(occupancy),
                            atoms=np.asarray(atoms, dtype=int))

    def edges(self) -> list[tuple[int, int, Offset, dict]]:
        """Every edge once, oriented from its tail: (u, v, offset, data)."""
        out = []
        for a, b, data in self.graph.edges(data=True):
            u = data["tail"]
            v = b if u == a else a
            out.append((u, v, data["offset"], data))
        return out

    def directed_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Both directions of every edge, as the arrays :mod:`topology.periodic` works on."""
        e = self.edges()
        if not e:
            return np.zeros(0, int), np.zeros(0, int), np.zeros((0, 3), int)
        u = np.array([x[0] for x in e])
        v = np.array([x[1] for x in e])
        off = np.array([x[2] for x in e], dtype=int)
        return np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([off, -off])

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
        distinct = np.unique(np.column_stack([src, dst, off]), axis=0)
        return np.bincount(distinct[:, 0], minlength=n).tolist()

    def frac(self) -> np.ndarray:
        n = self.graph.number_of_nodes()
        return np.array([self.graph.nodes[v]["frac"] for v in range(n)]).reshape(n, 3)


def build_net(crystal: Crystal, units: BuildingUnits) -> PeriodicNet:
    """The net of a crystal cut into building units: vertices at unit centroids, edges from linkers."""
    net = PeriodicNet.empty(crystal.cell)
    wrap: list[np.ndarray] = []
    for v in range(len(units.vertex_units)):
        unit = units.vertex_unit(v)
        centroid = (crystal.frac[unit.atoms] + units.shift[unit.atoms]).mean(axis=0)
        w = np.floor(centroid + 1e-9).astype(int)
        wrap.append(w)
        net.add_vertex(unit.kind, centroid - w, hill_formula(crystal.elements[unit.atoms]), unit.atoms)
    def occupancy(atoms: np.ndarray) -> float:
        """A linker is as occupied as its least occupied non-hydrogen atom (disordered H do not count)."""
        heavy = atoms[crystal.elements[atoms] != "H"]
        return float(crystal.occupancy[heavy if len(heavy) else atoms].min())

    def image(vertex: int, offset) -> np.ndarray:
        return np.asarray(offset, dtype=int) + wrap[vertex]

    for unit in units.organic.of_kind(LINKER):
        (a, b) = unit.contacts
        net.add_edge(a.vertex, b.vertex, image(b.vertex, b.offset) - image(a.vertex, a.offset),
                     hill_formula(crystal.elements[unit.atoms]), occupancy(unit.atoms), unit.atoms)
    for unit in units.organic.of_kind(BRANCH):
        for c in unit.contacts:
            net.add_edge(unit.vertex, c.vertex, image(c.vertex, c.offset) - wrap[unit.vertex],
                         None, occupancy(unit.atoms), ())
    for u, v, off in units.bridges:
        a, b = net.graph.nodes[u]["atoms"][0], net.graph.nodes[v]["atoms"][0]
        net.add_edge(u, v, np.asarray(off) + wrap[v] - wrap[u], None, occupancy(np.array([a, b])), ())
    return net
