"""The 3D scene of a report: atoms, bonds, net and cell as plain data, shared by the browser view
(py3Dmol, :mod:`viewer.view3d`) and the figure export, so both show the same thing.

Atoms are drawn whole with their building unit (``units.shift``), in a supercell of images; each
atom carries its colour, opacity and radius for the chosen style and colour scheme.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from topology.classify import Report
from topology.units import GUEST, LINKER, TERMINAL
from viewer import style

STYLES = ("ball-and-stick", "sticks", "space-filling", "cluster")
COLOR_BY = ("net", "element", "occupancy")

BALL = 0.32  # ball radius as a fraction of the covalent radius scale used below
VDW = {"H": 1.1, "C": 1.7, "N": 1.55, "O": 1.52, "F": 1.47, "S": 1.8, "Cl": 1.75, "Ag": 1.72}


@dataclass(frozen=True)
class Options:
    """What to show: the view's switches, as the app's sidebar and the CLI set them."""

    style: str = "ball-and-stick"
    color_by: str = "net"
    hydrogens: bool = False
    guests: bool = True
    terminal: bool = True
    cell: bool = True
    atoms: bool = True
    net: bool = False
    supercell: tuple[int, int, int] = (1, 1, 1)


@dataclass
class Scene:
    """Everything to draw, in Cartesian Angstrom."""

    atoms: list[dict] = field(default_factory=list)  # elem, xyz, color, opacity, radius, label, occ, group, site
    bonds: list[tuple[int, int]] = field(default_factory=list)
    net_nodes: list[dict] = field(default_factory=list)  # xyz, color, radius
    net_edges: list[dict] = field(default_factory=list)  # start, end, color, partial
    cell_edges: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, text)


def net_color_of_vertices(report: Report) -> list[str]:
    colors = style.net_colors([n.dimensionality for n in report.nets])
    net_of = report.net_of_vertex()
    return [colors[net_of[v]] for v in range(report.net.graph.number_of_nodes())]


def _is_tfa(elements: np.ndarray) -> bool:
    """Trifluoroacetate or trifluoroacetic acid: C2F3O2 in heavy atoms (the paper's red ligand)."""
    heavy = sorted(e for e in elements.tolist() if e != "H")
    return heavy == ["C", "C", "F", "F", "F", "O", "O"]


def has_tfa(report: Report) -> bool:
    """Whether any terminal ligand of the structure is TFA (to show its colour in the legend)."""
    units, crystal = report.units, report.crystal
    if units is None or crystal is None:
        return False
    return any(u.kind == TERMINAL and _is_tfa(crystal.elements[u.atoms]) for u in units.units)


def atom_colors(report: Report, color_by: str) -> list[str]:
    """Colour of every atom of the report's crystal under a scheme (the paper's conventions)."""
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    if color_by == "element":
        return [style.element_color(e) for e in crystal.elements]
    if color_by == "occupancy":
        return [style.occupancy_color(o) for o in crystal.occupancy]
    vertex_color = net_color_of_vertices(report)
    colors = []
    for a in range(len(crystal)):
        unit = units.units[units.unit[a]]
        if unit.kind == TERMINAL and _is_tfa(crystal.elements[unit.atoms]):
            colors.append(style.TFA_COLOR)
        elif unit.kind == LINKER and crystal.occupancy[a] < 0.999 and crystal.elements[a] != "H":
            colors.append(style.PARTIAL_LINKER_COLOR)
        elif units.owner[a] >= 0:
            colors.append(vertex_color[units.owner[a]])
        elif unit.kind == LINKER and unit.contacts:
            colors.append(vertex_color[unit.contacts[0].vertex])
        else:
            colors.append(style.UNASSIGNED_COLOR)
    return colors


def _radius(element: str, style_name: str) -> float:
    vdw = VDW.get(element, 1.8)
    if style_name == "space-filling":
        return vdw
    if style_name == "sticks":
        return 0.18
    return 0.28 * vdw if element != "H" else 0.22


def build_scene(report: Report, options: Options) -> Scene:
    """Atoms, bonds, net and cell of a report under ``options``."""
    scene = Scene()
    images = list(itertools.product(*(range(n) for n in options.supercell)))
    if report.crystal is not None and options.atoms:
        _add_atoms(scene, report, options, images)
    if options.net or report.crystal is None or options.style == "cluster":
        _add_net(scene, report, options, images)
    if options.cell:
        orth = report.net.cell.orth.mat.tolist()
        m = np.array(orth) * np.array(options.supercell)[None, :]
        corners = {c: m @ np.array(c, float) for c in itertools.product((0, 1), repeat=3)}
        for c, start in corners.items():
            for k in range(3):
                if c[k] == 0:
                    scene.cell_edges.append((start, corners[tuple(1 if i == k else x for i, x in enumerate(c))]))
    scene.legend = legend(report, options)
    return scene


def visible_atoms(report: Report, options: Options) -> np.ndarray:
    """Mask of the atoms the switches let through."""
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    kinds = units.kind_of_atoms()
    keep = np.ones(len(crystal), dtype=bool)
    if not options.hydrogens:
        keep &= crystal.elements != "H"
    if not options.guests:
        keep &= kinds != GUEST
    if not options.terminal:
        keep &= kinds != TERMINAL
    if options.style == "cluster":  # each cluster core is drawn as one sphere at its vertex
        keep[_cluster_atoms(report)] = False
    return keep


def _cluster_atoms(report: Report) -> np.ndarray:
    g = report.net.graph
    return np.concatenate([g.nodes[v]["atoms"] for v in g if g.nodes[v]["kind"] == "metal-cluster"] or [[]]).astype(int)


def _add_atoms(scene: Scene, report: Report, options: Options, images: list[tuple[int, ...]]) -> None:
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    keep = visible_atoms(report, options)
    colors = atom_colors(report, options.color_by)
    orth = crystal.orth
    base = crystal.frac + units.shift
    index: dict[tuple[int, tuple[int, ...]], int] = {}
    kinds = units.kind_of_atoms()
    for t in images:
        for a in np.nonzero(keep)[0]:
            occ = float(crystal.occupancy[a])
            partial_linker = kinds[a] == LINKER and occ < 0.999 and crystal.elements[a] != "H"
            radius = _radius(crystal.elements[a], options.style) * (style.PARTIAL_SCALE if partial_linker else 1.0)
            index[(int(a), t)] = len(scene.atoms)
            scene.atoms.append({
                "elem": str(crystal.elements[a]), "xyz": orth @ (base[a] + t), "color": colors[a],
                "opacity": style.occupancy_opacity(occ), "radius": radius, "label": str(crystal.labels[a]),
                "occ": occ, "group": int(crystal.disorder_group[a]), "site": int(a),
            })
    if options.style == "space-filling":
        return
    from topology.bonds import find_bonds

    bonds = find_bonds(crystal)
    shift = units.shift
    for i, j, off in zip(bonds.i, bonds.j, bonds.offset):
        for t in images:
            target = tuple(int(x) for x in np.asarray(t) + shift[i] + off - shift[j])
            a, b = index.get((int(i), t)), index.get((int(j), target))
            if a is not None and b is not None:
                scene.bonds.append((a, b))


def _add_net(scene: Scene, report: Report, options: Options, images: list[tuple[int, ...]]) -> None:
    orth = np.array(report.net.cell.orth.mat.tolist())
    colors = net_color_of_vertices(report)
    frac = report.net.frac()
    node_radius = 3.2 if options.style == "cluster" else 0.9
    for t in images:
        for v in range(len(frac)):
            scene.net_nodes.append({"xyz": orth @ (frac[v] + t), "color": colors[v], "radius": node_radius})
        for u, v, off, data in report.net.edges():
            start = orth @ (frac[u] + t)
            end = orth @ (frac[v] + np.asarray(off) + t)
            partial = data["occupancy"] < 0.999
            scene.net_edges.append({"start": start, "end": end, "partial": partial,
                                    "color": style.PARTIAL_LINKER_COLOR if partial else colors[u]})


def legend(report: Report, options: Options) -> list[tuple[str, str]]:
    """Colour keys for what is drawn."""
    entries: list[tuple[str, str]] = []
    if options.color_by == "element" and report.crystal is not None:
        for e in sorted(set(report.crystal.elements.tolist())):
            entries.append((style.element_color(e), e))
    elif options.color_by == "occupancy":
        entries += [(style.occupancy_color(x), f"occupancy {x:g}") for x in (1.0, 0.8, 0.5, 0.25)]
    else:
        colors = style.net_colors([n.dimensionality for n in report.nets])
        for n, color in zip(report.nets, colors):
            if n.dimensionality > 0:
                name = f"{n.topology} " if n.topology else ""
                copies = f", {n.fold} interpenetrating copies" if n.fold > 1 else ""
                entries.append((color, f"net {n.id}: {name}({n.dimensionality}D{copies})"))
        if has_tfa(report) and (options.atoms or report.crystal is None) and options.terminal:
            entries.append((style.TFA_COLOR, "TFA (CF3COO-, CF3COOH)"))
    if report.crystal is not None and (report.crystal.occupancy < 0.999).any():
        entries.append((style.PARTIAL_LINKER_COLOR, "partially occupied linker (larger, translucent)"))
    return entries
