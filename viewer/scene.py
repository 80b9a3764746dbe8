"""The 3D scene of a report: atoms, bonds, net and cell as plain data, shared by the browser view
(py3Dmol, :mod:`viewer.view3d`) and the figure export, so both show the same thing.

Atoms are drawn whole with their building unit (``units.shift``), in a supercell of images; each
atom carries its colour, opacity and radius for the chosen style and colour scheme. Coloured by net,
each copy of an interpenetrated net has its own colour (:mod:`viewer.palette`), atoms included.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from topology.net.units import GUEST, LINKER, TERMINAL
from topology.report import Report
from viewer import palette, style

BALL = 0.32  # ball radius as a fraction of the covalent radius scale used below
VDW = {"H": 1.1, "C": 1.7, "N": 1.55, "O": 1.52, "F": 1.47, "S": 1.8, "Cl": 1.75, "Ag": 1.72}


TEACH_TILT = 20.0
"""Degrees the Teach view is turned off its lattice direction, so that rods along it show."""


def teach_cells(report: Report) -> int:
    """Cells along each axis of the Teach view's block: 3, or 2 for nets with many nodes a cell."""
    return 3 if report.net.graph.number_of_nodes() <= 8 else 2


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
    hidden_nets: tuple[int, ...] = ()  # nets left out, atoms and all ("show only this net")
    teach: bool = False  # the Teach look: large nodes in the nets' colours, the first net solid, others translucent


@dataclass
class Scene:
    """Everything to draw, in Cartesian Angstrom."""

    atoms: list[dict] = field(default_factory=list)  # elem, xyz, color, opacity, radius, label, occ, group, site
    bonds: list[tuple[int, int]] = field(default_factory=list)
    net_nodes: list[dict] = field(default_factory=list)  # xyz, color, radius
    net_edges: list[dict] = field(default_factory=list)  # start, end, color, partial
    cell_edges: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)  # text, xyz: the occupancy of partial units, home cell only


def net_color_of_vertices(report: Report) -> list[str]:
    """Colour of every vertex's net (its first copy)."""
    colors = palette.net_colors(report)
    net_of = report.net_of_vertex()
    return [colors[net_of[v]][0] for v in range(report.net.graph.number_of_nodes())]


def vertex_colors(report: Report, images: list[tuple[int, ...]]) -> np.ndarray:
    """Colour of every vertex in every image, each copy of a k-fold net in its own: (images, vertices)."""
    colors = palette.net_colors(report)
    net_of = report.net_of_vertex()
    copies = palette.vertex_copies(report, images)
    out = np.empty(copies.shape, dtype=object)
    for v, n in enumerate(net_of):
        out[:, v] = [colors[n][c] for c in copies[:, v]]
    return out


def anchors(report: Report) -> tuple[np.ndarray, np.ndarray]:
    """The vertex each atom belongs to or leans on (its cluster, or the first cluster a linker or ligand
    binds; -1 for guests), and the image offset: the atom drawn in cell ``t`` goes with that vertex
    drawn in cell ``t + offset``. Used to colour atoms by their net's copy and to hide a net's atoms."""
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    g = report.net.graph
    frac = report.net.frac()
    pos = crystal.frac + units.shift
    wrap = np.zeros((len(frac), 3), dtype=int)  # vertex v drawn at frac[v] sits with its atoms moved by wrap[v]
    for v in range(len(frac)):
        atoms = g.nodes[v]["atoms"]
        if len(atoms):
            wrap[v] = np.rint(pos[atoms].mean(axis=0) - frac[v]).astype(int)
    vertex = units.owner.astype(int).copy()
    offset = np.zeros((len(crystal), 3), dtype=int)
    owned = vertex >= 0
    offset[owned] = wrap[vertex[owned]]
    for unit in units.units:
        if unit.contacts and vertex[unit.atoms[0]] < 0:
            contact = unit.contacts[0]
            vertex[unit.atoms] = contact.vertex
            offset[unit.atoms] = np.asarray(contact.offset) + wrap[contact.vertex]
    return vertex, offset


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
    scene.labels = spread_labels(scene.labels)
    return scene


LABEL_GAP = 6.0
"""Least distance (A) between two occupancy labels: labels closer are one label."""


def spread_labels(labels: list[dict], gap: float = LABEL_GAP) -> list[dict]:
    """Occupancy labels that do not overlap: the labels of partial units closer than ``gap`` (the
    disordered groups of one linker, a nitro group's two halves) become one label at their centre,
    their occupancies listed once each ("0.29 / 0.71"); groups are joined through any close pair."""
    if len(labels) < 2:
        return labels
    xyz = np.array([lab["xyz"] for lab in labels], dtype=float)
    close = np.linalg.norm(xyz[:, None, :] - xyz[None, :, :], axis=2) < gap
    group = connected_components(csr_matrix(close), directed=False)[1]
    merged: dict[int, list[int]] = {}
    for i in range(len(labels)):
        merged.setdefault(int(group[i]), []).append(i)
    out = []
    for members in merged.values():
        texts = sorted({t for i in members for t in labels[i]["text"].split(" / ")}, key=float)
        out.append({"text": " / ".join(texts), "xyz": xyz[members].mean(axis=0)})
    if len(out) < len(labels):
        return spread_labels(out, gap)  # centres of merged groups may now lie close to each other
    return out


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
    if options.hidden_nets:  # a hidden net's clusters, linkers and ligands
        vertex, _ = anchors(report)
        net_of = np.asarray(report.net_of_vertex() + [-1], dtype=int)[vertex]
        keep &= ~np.isin(net_of, options.hidden_nets)
    return keep


def _cluster_atoms(report: Report) -> np.ndarray:
    g = report.net.graph
    return np.concatenate([g.nodes[v]["atoms"] for v in g if g.nodes[v]["kind"] == "metal-cluster"] or [[]]).astype(int)


def _add_atoms(scene: Scene, report: Report, options: Options, images: list[tuple[int, ...]]) -> None:
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    keep = visible_atoms(report, options)
    colors = np.array(atom_colors(report, options.color_by), dtype=object)
    vertex, offset = anchors(report)
    net_of = np.asarray(report.net_of_vertex() + [-1], dtype=int)[vertex]  # -1 for guests (vertex -1)
    by_copy = options.color_by == "net" and any(n.fold > 1 for n in report.nets)
    recolor = by_copy & (vertex >= 0) & np.isin(colors.astype(str), palette.ORDER)
    orth = crystal.orth
    base = crystal.frac + units.shift
    index: dict[tuple[int, tuple[int, ...]], int] = {}
    kinds = units.kind_of_atoms()
    shown = np.nonzero(keep)[0]
    own = np.tile(colors[shown], (len(images), 1))  # (images, shown atoms)
    if by_copy:  # each copy of a k-fold net in its own colour: the copies of every image found at once
        moved = shown[recolor[shown]]
        cells = np.asarray(images, dtype=int)[:, None, :] + offset[moved][None, :, :]
        copies = palette.copy_of_images(report, np.tile(vertex[moved], len(images)), cells.reshape(-1, 3))
        table = palette.net_colors(report)
        own[:, recolor[shown]] = np.array([table[n][c] for n, c in zip(np.tile(net_of[moved], len(images)), copies)],
                                          dtype=object).reshape(len(images), -1)
    for t, image_colors in zip(images, own):
        for a, color in zip(shown, image_colors):
            occ = float(crystal.occupancy[a])
            partial_linker = kinds[a] == LINKER and occ < 0.999 and crystal.elements[a] != "H"
            radius = _radius(crystal.elements[a], options.style) * (style.PARTIAL_SCALE if partial_linker else 1.0)
            index[(int(a), t)] = len(scene.atoms)
            scene.atoms.append({
                "elem": str(crystal.elements[a]), "xyz": orth @ (base[a] + t), "color": color,
                "opacity": style.occupancy_opacity(occ), "radius": radius, "label": str(crystal.labels[a]),
                "occ": occ, "group": int(crystal.disorder_group[a]), "site": int(a),
            })
    _label_partial_units(scene, report, keep)
    if options.style == "space-filling":
        return
    from topology.net.bonds import find_bonds

    bonds = find_bonds(crystal)
    shift = units.shift
    for i, j, off in zip(bonds.i, bonds.j, bonds.offset):
        for t in images:
            target = tuple(int(x) for x in np.asarray(t) + shift[i] + off - shift[j])
            a, b = index.get((int(i), t)), index.get((int(j), target))
            if a is not None and b is not None:
                scene.bonds.append((a, b))


def _label_partial_units(scene: Scene, report: Report, keep: np.ndarray) -> None:
    """A label with the occupancy at each partly occupied linker or terminal ligand of the home cell,
    so that 0.8 and 0.5 can be told apart without colouring by occupancy."""
    crystal, units = report.crystal, report.units
    assert crystal is not None and units is not None
    pos = crystal.orth @ (crystal.frac + units.shift).T
    for unit in units.units:
        atoms = unit.atoms[keep[unit.atoms] & (crystal.elements[unit.atoms] != "H")]
        if unit.kind not in (LINKER, TERMINAL) or not len(atoms):
            continue
        occ = float(crystal.occupancy[atoms].min())
        if occ < 0.999:
            scene.labels.append({"text": f"{occ:.2g}", "xyz": pos[:, atoms].mean(axis=1)})


def _add_net(scene: Scene, report: Report, options: Options, images: list[tuple[int, ...]]) -> None:
    orth = np.array(report.net.cell.orth.mat.tolist())
    net_of = report.net_of_vertex()
    frac = report.net.frac()
    node_radius = 3.2 if options.style == "cluster" else (1.5 if options.teach else 0.9)
    solid = _solid_net(report, options)
    opacity = {n.id: 1.0 if not options.teach or n.id == solid else 0.75 for n in report.nets}
    placed = _teach_images(report, options) if options.teach else [images] * len(frac)
    every = sorted({t for ts in placed for t in ts})
    row = {t: k for k, t in enumerate(every)}
    colors = vertex_colors(report, every)
    inside = [set(ts) for ts in placed]
    home = (0, 0, 0)
    branches, edges = _simplified_net(report) if options.teach else (set(range(len(frac))), report.net.edges())
    contracted = len(branches) < len(frac)
    for v, ts in enumerate(placed):
        if net_of[v] in options.hidden_nets or v not in branches:
            continue  # the Teach view draws the simplified net's nodes: a linker's bend is no node
        for t in ts:
            scene.net_nodes.append({"xyz": orth @ (frac[v] + t), "color": colors[row[t], v], "radius": node_radius,
                                    "opacity": opacity[net_of[v]], "vertex": v, "image": t})
    for u, v, off, data in edges:
        if net_of[u] in options.hidden_nets:
            continue
        for t in placed[u]:
            if options.teach and not contracted and tuple(np.add(t, off).tolist()) not in inside[v]:
                continue  # the Teach view keeps to its block: no edges hanging out of it (but a contracted
                # link, long, is drawn whole from each node: the nodes would otherwise stand alone)
            start = orth @ (frac[u] + t)
            end = orth @ (frac[v] + np.asarray(off) + t)
            occ = float(data["occupancy"])
            partial = occ < 0.999
            scene.net_edges.append({"start": start, "end": end, "partial": partial, "occupancy": occ,
                                    "color": style.PARTIAL_LINKER_COLOR if partial else colors[row[t], u],
                                    "opacity": opacity[net_of[u]], "ends": (u, t, v, tuple(np.add(t, off).tolist()))})
            if partial and t == home and not options.atoms:
                scene.labels.append({"text": f"{occ:.2g}", "xyz": (start + end) / 2})


def _simplified_net(report: Report) -> tuple[set[int], list]:
    """The net as it is named, for the Teach view: dangling vertices removed and 2-connected ones (the
    bends of a long linker) contracted, so that each link is one straight rod between two nodes. The
    vertices left, and the edges as ``(u, v, offset, data)``; an edge that was not contracted keeps its
    data (its occupancy), a contracted one counts as fully occupied."""
    from topology.naming.graph import PeriodicGraph, simplified

    edges = report.net.edges()
    n = report.net.graph.number_of_nodes()
    if not edges:
        return set(range(n)), edges
    graph, keep = simplified(PeriodicGraph.from_edges(3, [(int(u), int(v), tuple(int(x) for x in off))
                                                           for u, v, off, _ in edges], n=n))
    if len(keep) == n:
        return set(keep), edges
    original = {(int(u), int(v), tuple(int(x) for x in off)): data for u, v, off, data in edges}
    out = []
    for a, b, shift in zip(graph.src.tolist(), graph.dst.tolist(), graph.shift.tolist()):
        u, v, off = keep[a], keep[b], tuple(int(x) for x in shift)
        out.append((u, v, off, original.get((u, v, off), {"occupancy": 1.0})))
    return set(keep), out


def _teach_images(report: Report, options: Options) -> list[list[tuple[int, int, int]]]:
    """The cells each vertex is drawn in for the Teach view: the images less than half a block plus a
    quarter cell from the centre of the solid net's block (as many cells as the supercell), so that the
    nets interweave around one centre instead of sitting side by side: a net offset from the solid one
    by about half a cell gets one image more along that axis, reaching out on both sides, and one that
    sits level with the centre as many images as the block, as many on each side."""
    frac = report.net.frac()
    net_of = report.net_of_vertex()
    block = np.array(options.supercell, dtype=float)
    solid = [v for v in range(len(frac)) if net_of[v] == _solid_net(report, options)] or list(range(len(frac)))
    centre = frac[solid].mean(axis=0) + (block - 1) / 2
    reach = block / 2 + 0.25
    out = []
    for f in frac:
        low = np.ceil(centre - reach - f).astype(int)
        high = np.floor(centre + reach - f).astype(int)
        out.append([tuple(t) for t in itertools.product(*(range(a, b + 1) for a, b in zip(low.tolist(), high.tolist())))])
    return out


def _solid_net(report: Report, options: Options) -> int:
    """The net the Teach view draws solid: the lowest-dimensional shown periodic net (the layer a
    framework threads), else the first."""
    shown = [n for n in report.nets if n.dimensionality > 0 and n.id not in options.hidden_nets]
    if not shown:
        return 0
    return min(shown, key=lambda n: (n.dimensionality, n.id)).id if len({n.dimensionality for n in shown}) > 1 \
        else shown[0].id


PARTIAL_KEY = "partly occupied linker (indigo, marked by its occupancy)"
"""One wording for the app, figures and movies: the view writes the occupancy beside it, a figure fills
that share of a disc, a movie fades it by it."""


def legend(report: Report, options: Options) -> list[tuple[str, str]]:
    """Colour keys for what is drawn: each net (each copy of an interpenetrated net), TFA only when its
    atoms are drawn, partial occupancy only when something partly occupied is drawn."""
    entries: list[tuple[str, str]] = []
    atoms_drawn = options.atoms and report.crystal is not None
    if options.color_by == "element" and atoms_drawn:
        for e in sorted(set(report.crystal.elements.tolist())):
            entries.append((style.element_color(e), e))
    elif options.color_by == "occupancy" and atoms_drawn:
        entries += [(style.occupancy_color(x), f"occupancy {x:g}") for x in (1.0, 0.8, 0.5, 0.25)]
    if options.color_by == "net" or not atoms_drawn:
        for n, colors in zip(report.nets, palette.net_colors(report)):
            if n.dimensionality == 0 or n.id in options.hidden_nets:
                continue
            name = f"{n.topology} " if n.topology else ""
            what = {3: "framework", 2: "layer", 1: "chain"}[n.dimensionality]
            if n.fold > palette.MAX_DISTINCT:  # a graded scale: its two ends in the legend
                entries.append((colors[0], (f"{name}{what}, copy 1 of {n.fold} (net {n.id}; copies 1-{n.fold} "
                                            "shaded from dark blue to yellow)")))
                entries.append((colors[-1], f"{name}{what}, copy {n.fold} of {n.fold} (net {n.id})"))
            elif n.fold > 1:
                for k, color in enumerate(colors):
                    entries.append((color, f"{name}{what}, copy {k + 1} of {n.fold} (net {n.id})"))
            else:
                entries.append((colors[0], f"{name}{what} (net {n.id})"))
        if atoms_drawn and options.terminal and has_tfa(report) and options.color_by == "net":
            entries.append((style.TFA_COLOR, "TFA (CF3COO-, CF3COOH)"))
        if atoms_drawn and options.color_by == "net" and (grey := _grey_atoms(report, options)):
            entries.append((style.UNASSIGNED_COLOR, grey))
    if _partial_drawn(report, options):
        entries.append((style.PARTIAL_LINKER_COLOR, PARTIAL_KEY))
    return entries


GREY_KINDS = {GUEST: "guest molecules", TERMINAL: "other terminal ligands", LINKER: "linkers between no nodes"}


def _grey_atoms(report: Report, options: Options) -> str:
    """What the atoms drawn in the neutral grey are, in words ("guest molecules"), or "" if none are."""
    kinds = report.units.kind_of_atoms()
    grey = visible_atoms(report, options) & (np.array(atom_colors(report, "net"), dtype=object) == style.UNASSIGNED_COLOR)
    words = [GREY_KINDS.get(k, "other atoms") for k in dict.fromkeys(kinds[grey].tolist())]
    return " and ".join(dict.fromkeys(words))


def _partial_drawn(report: Report, options: Options) -> bool:
    """Whether a partly occupied linker is in the picture (as atoms or as a net edge)."""
    net_of = report.net_of_vertex()
    partial_edges = any(d["occupancy"] < 0.999 and net_of[u] not in options.hidden_nets
                        for u, _, _, d in report.net.edges())
    net_drawn = options.net or report.crystal is None or options.style == "cluster"
    return partial_edges and (net_drawn or (options.atoms and options.color_by == "net"))


def teach_direction(report: Report) -> tuple[int, int, int]:
    """The lattice direction to look along to see the nets thread: among the short directions [u v w]
    (entries -1 to 1), the one along which the nodes of different nets (and copies) stay farthest
    apart on the screen, so that each net's rings show with the other's nodes inside them; the
    shorter direction when two are as good (then the nodes of one net stack into columns)."""
    frac = report.net.frac()
    if len(frac) == 0:
        return (0, 0, 1)
    layers = [n for n in report.nets if n.dimensionality == 2]
    if layers and any(n.dimensionality == 3 for n in report.nets):  # a layer threaded by a framework: face on
        return _nearest_direction(report, layers[0].orientation or (0, 0, 1))
    images = list(itertools.product((-1, 0, 1), repeat=3))
    net_of = np.asarray(report.net_of_vertex())
    copies = palette.vertex_copies(report, images)  # (images, vertices)
    group = (net_of[None, :] * 64 + copies).ravel()
    orth = np.array(report.net.cell.orth.mat.tolist())
    points = np.concatenate([(frac + np.asarray(t)) @ orth.T for t in images])
    keep = np.isin(net_of, [n.id for n in report.nets if n.dimensionality > 0])
    keep = np.tile(keep, len(images))
    points, group = points[keep], group[keep]
    if len(set(group.tolist())) < 2 or len(points) > 4000:
        return (0, 0, 1)
    candidates = [d for d in itertools.product((-1, 0, 1), repeat=3) if d > (0, 0, 0)]
    best, best_key = (0, 0, 1), (-1.0, 0.0)
    for d in candidates:
        axis = orth @ np.asarray(d, float)
        length = float(np.linalg.norm(axis))
        axis /= length
        flat = points - np.outer(points @ axis, axis)
        gap = np.linalg.norm(flat[:, None, :] - flat[None, :, :], axis=2)
        gap[group[:, None] == group[None, :]] = np.inf
        key = (round(float(gap.min()), 1), -length)
        if key > best_key:
            best, best_key = d, key
    return best


def _nearest_direction(report: Report, plane: tuple[int, int, int]) -> tuple[int, int, int]:
    """The short lattice direction [u v w] (entries -2 to 2) closest to the normal of the (h k l) planes."""
    orth = np.array(report.net.cell.orth.mat.tolist())
    normal = np.linalg.inv(orth).T @ np.asarray(plane, float)
    normal /= np.linalg.norm(normal)
    candidates = [d for d in itertools.product(range(-2, 3), repeat=3) if d > (0, 0, 0)]
    return max(candidates, key=lambda d: (abs(np.dot(orth @ d, normal)) / np.linalg.norm(orth @ d),
                                          -np.linalg.norm(orth @ d)))
