"""What the analysis of one structure gives: its nets and the report (``Report.to_dict`` is the JSON
report of ``interlace analyze --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from topology.entanglement.entangle import Entanglement
from topology.net.quotient import PeriodicNet
from topology.net.units import BuildingUnits
from topology.reading.crystal import Crystal


@dataclass(frozen=True)
class NetSummary:
    """One connected component of the quotient net."""

    id: int
    dimensionality: int
    fold: int
    vertices: tuple[int, ...]
    node_degrees: tuple[int, ...]
    orientation: tuple[int, int, int] | None = None  # layer normal (2D) or chain direction (1D)
    copies_per_cell: int = 1  # see topology.net.periodic.Component.copies_per_cell
    topology: str | None = None  # RCSR symbol or zeolite code (topology.naming.identify), None when in no archive
    topology_key: str | None = None  # canonical key, comparable between structures
    point_symbol: str | None = None  # e.g. {4^12.6^3}
    coordination_sequences: tuple[tuple[int, ...], ...] = ()  # one per vertex kind, 10 shells
    td10: tuple[int, ...] = ()  # one per vertex kind: vertices within 10 bonds, the vertex included
    notes: tuple[str, ...] = ()  # what naming left out, and why
    archive: str | None = None  # the archive that named it: "RCSR", or the zeolite codes behind it

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
                "topology": self.topology, "archive": self.archive, "topology_key": self.topology_key,
                "point_symbol": self.point_symbol,
                "coordination_sequences": [list(cs) for cs in self.coordination_sequences],
                "td10": list(self.td10)}


@dataclass(eq=False, repr=False)
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
    classification: str = "0D discrete"  # one of topology.verdict.CLASSIFICATIONS
    clustering: str = "SingleNodes"  # the deconstruction ``nets`` are for (topology.options.CLUSTERINGS)
    topology_by_clustering: dict[str, list[str]] = field(default_factory=dict)  # names of the 2D/3D nets

    @property
    def interpenetration_degree(self) -> int:
        """Total number of 3D net copies."""
        return sum(n.fold for n in self.nets if n.dimensionality == 3)

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
        out = [0] * self.net.n_vertices
        for n in self.nets:
            for v in n.vertices:
                out[v] = n.id
        return out

    def __repr__(self) -> str:
        return f"<Report {self.source}: {self.classification}{', ' if self.topologies else ''}{self.topologies}>"

    def _repr_html_(self) -> str:
        """The table of ``interlace analyze``, in a notebook (drawn by :mod:`viewer.notebook`)."""
        from viewer import notebook

        return notebook.report_html(self)

    def view(self, width: int = 640, height: int = 480, js: str | None = None, **options: Any) -> Any:
        """The app's 3D view in a notebook, a py3Dmol view (see :func:`viewer.notebook.view`)."""
        from viewer import notebook

        return notebook.view(self, width, height, js, **options)

    def why(self) -> Any:
        """The first linked pair of rings, with its sentence (see :func:`viewer.notebook.why`)."""
        from viewer import notebook

        return notebook.why(self)

    def figure(self, path: str | Path, column: str = "double", **options: Any) -> Path:
        """The journal figure written to ``path`` (see :func:`viewer.notebook.figure`)."""
        from viewer import notebook

        return notebook.figure(self, path, column, **options)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of ``interlace analyze --json`` (see the design notes for its fields)."""
        net = self.net
        net_of = self.net_of_vertex()
        degree = net.coordination()
        vertices = [
            {"id": v, "net": net_of[v], "kind": kind, "composition": composition, "degree": degree[v],
             "frac": [round(float(x), 5) + 0.0 for x in frac], "atoms": atoms.tolist()}
            for v, (kind, composition, frac, atoms) in enumerate(zip(net.kinds, net.compositions, net.frac(),
                                                                    net.vertex_atoms))
        ]
        src, dst, off = net.directed_arrays()
        order = net.edge_order().tolist()
        occupancy = net.occupancy()
        edges = [
            {"u": u, "v": v, "offset": offset, "linker": net.linkers[k], "occupancy": round(float(occupancy[k]), 4)}
            for u, v, offset, k in zip(src.tolist(), dst.tolist(), off.tolist(), order)
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
            "clustering": self.clustering,
            "topology_by_clustering": self.topology_by_clustering,
            "vertices": vertices,
            "edges": edges,
            "notes": list(self.notes),
        }
