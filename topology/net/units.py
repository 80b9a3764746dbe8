"""Building units: metal clusters, linkers, terminal ligands, guests and organic branch points.

A metal cluster is a connected set of metal atoms plus the non-metal atoms that bridge two or
more metals (the mu4-S of an Ag12(SR)6 core, the mu4-O of Zn4O). Whatever is left is organic;
each organic part is classified by how many distinct cluster images it binds (a linker bound
through several atoms of one cluster, like TCNB in its 1,2,4 mode, counts that cluster once):

====  ==========  =========================================
0     guest       solvent or counter-ion in the channels
1     terminal    a ligand that belongs to its node
2     linker      an edge of the net
>=3   branch      an organic vertex of the net
====  ==========  =========================================

A cluster that is infinite (a rod, as in MIL-53) is not collapsed: its metal atoms become
vertices joined through their bridging atoms. With no metal at all (a covalent organic framework or
a molecular crystal), and in an infinite organic part, the vertices are organic SBUs: groups of
bonded carbon atoms and the small rings they share (:mod:`topology.net.organic`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from topology.net.bonds import Bonds, bond_graph_arrays
from topology.net.organic import organic_sbus
from topology.net.periodic import lifted_components
from topology.reading.crystal import Crystal
from topology.tables import concatenated_ranges, unique_rows

GUEST, TERMINAL, LINKER, BRANCH, CLUSTER, ROD, ATOM, ORGANIC = (
    "guest", "terminal", "linker", "branch", "metal-cluster", "rod-metal", "atom", "organic-sbu",
)


@dataclass(eq=False, slots=True)
class Contact:
    """An organic unit bound to the image ``offset`` of vertex ``vertex`` (in the unit's own frame)."""

    vertex: int
    offset: tuple[int, int, int]


@dataclass(eq=False, slots=True)
class Unit:
    """One building unit: its atoms, what it is, and (for organic parts) what it binds."""

    kind: str
    atoms: np.ndarray
    contacts: tuple[Contact, ...] = ()
    vertex: int = -1  # vertex index for clusters, rod metals, branch points and atom vertices


@dataclass(eq=False)
class OrganicParts:
    """The organic parts as arrays (there may be thousands, most of them guests): part ``k`` has the
    atoms ``atoms[bounds[k]:bounds[k+1]]`` and the contact rows ``contacts[first[k]:first[k+1]]``
    (vertex, image a, b, c); ``kinds[k]`` and ``vertex[k]`` (for branch points, else -1)."""

    kinds: np.ndarray
    vertex: np.ndarray
    atoms: np.ndarray
    bounds: np.ndarray
    contacts: np.ndarray
    first: np.ndarray

    def unit(self, k: int) -> Unit:
        rows = self.contacts[self.first[k]: self.first[k + 1]].tolist()
        return Unit(str(self.kinds[k]), self.atoms[self.bounds[k]: self.bounds[k + 1]],
                    tuple(Contact(r[0], (r[1], r[2], r[3])) for r in rows), int(self.vertex[k]))


@dataclass(eq=False)
class BuildingUnits:
    """The crystal cut into units.

    ``unit[i]`` is the unit of atom i and ``shift[i]`` the lattice shift that puts the atom with the
    rest of its unit (``frac + shift`` is the whole unit). ``owner[i]`` is the vertex an atom is drawn
    with (-1 for linker and guest atoms). ``bridges`` lists the direct bonds between single-atom
    vertices (metal-metal in a rod, atom-atom in an organic net), and the rod metals a carboxylate-like
    group bridges, as (u, v, offset). The first units
    are the metal clusters and single-atom vertices, then come the organic parts.
    """

    vertex_like: list[Unit]
    organic: OrganicParts
    unit: np.ndarray
    shift: np.ndarray
    owner: np.ndarray
    vertex_units: list[int]
    bridges: list[tuple[int, int, tuple[int, int, int]]]
    notes: tuple[str, ...] = ()

    @cached_property
    def units(self) -> list[Unit]:
        """Every unit as a record (built on first use: the pipeline itself works on the arrays)."""
        return self.vertex_like + [self.organic.unit(k) for k in range(len(self.organic.kinds))]

    def kind_of_atoms(self) -> np.ndarray:
        """Unit kind of every atom (e.g. for hiding guests or terminal ligands)."""
        kinds = np.concatenate([np.array([u.kind for u in self.vertex_like], dtype=object), self.organic.kinds])
        return kinds[self.unit] if len(self.unit) else np.zeros(0, dtype=object)


def _sub_graph(mask: np.ndarray, src: np.ndarray, dst: np.ndarray, off: np.ndarray):
    """Bonds with both ends in ``mask``, renumbered to the masked atoms."""
    idx = np.nonzero(mask)[0]
    remap = np.full(len(mask), -1)
    remap[idx] = np.arange(len(idx))
    keep = mask[src] & mask[dst]
    return idx, remap[src[keep]], remap[dst[keep]], np.compress(keep, off, axis=0)


PADDLEWHEEL_REACH = 4.0
"""Metals bridged by a carboxylate-like group (O-C-O, N-C-N, S-C-S) closer than this (Angstrom)
belong to one SBU: the Zn2 or Cu2 paddlewheel, the Cd2 pair of a layer. Farther apart (an
imidazolate between two Zn, 6 A) the bridge is a linker."""


def _short_bridges(crystal: Crystal, src: np.ndarray, dst: np.ndarray, off: np.ndarray, metal: np.ndarray,
                   hydrogen: np.ndarray, in_cluster: np.ndarray,
                   metal_neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Atoms of carboxylate-like bridges between two nearby metals (the central atom and its donors),
    and the metal pairs they join as rows (M1, M2, image of M2 seen from M1).

    A paddlewheel's two metals need not be bonded to each other (Zn...Zn 2.9 A is beyond the
    covalent radii): what holds the SBU together is four O-C-O bridges. The central atom X binds two
    donors D1, D2 that each bind a metal, M1 != M2, and M1...M2 < :data:`PADDLEWHEEL_REACH`; besides
    its donors and terminal atoms (a phosphonate's P=O) X binds one atom at most, its anchor on the
    linker: X and its donors are the bridge, and belong to the SBU as carboxylate carbons do in the
    field's deconstruction (an X that binds two more atoms is part of the linker's own skeleton).
    Disordered alternatives of the anchor (a ring in two parts) count as one. Two such X bonded to
    each other (an oxalate) are a linker between two SBUs, not part of either: else the paddlewheels
    it joins would become one infinite rod.
    """
    n = len(metal)
    donor = ~metal & ~hydrogen & (metal_neighbours >= 1) & ~in_cluster
    central = ~metal & ~hydrogen & ~in_cluster
    heavy_degree = np.bincount(src[~hydrogen[dst]], minlength=n)
    anchor = ~hydrogen[dst] & (heavy_degree[dst] > 1) & ~donor[dst]  # X -> an atom bound to more than X
    ordered = crystal.disorder_group[dst] == 0
    anchors = np.bincount(src[anchor & ordered], minlength=n) + (np.bincount(src[anchor & ~ordered], minlength=n) > 0)
    xd = np.flatnonzero(central[src] & donor[dst] & (anchors[src] <= 1))  # X -> D
    dm = np.flatnonzero(donor[src] & metal[dst])  # D -> M
    if len(xd) == 0 or len(dm) == 0:
        return np.zeros(0, dtype=int), np.zeros((0, 5), dtype=int)
    # every path X -> D -> M as a row (x, d, m, image of m), joining the two bond lists on D
    dm = dm[np.argsort(src[dm], kind="stable")]
    lo = np.searchsorted(src[dm], dst[xd], side="left")
    count = np.searchsorted(src[dm], dst[xd], side="right") - lo
    first = np.repeat(xd, count)
    second = dm[concatenated_ranges(lo, count)]
    x, d, m, image = src[first], dst[first], dst[second], np.take(off, first, axis=0) + np.take(off, second, axis=0)
    order = np.argsort(x, kind="stable")
    x, d, m, image = x[order], d[order], m[order], np.take(image, order, axis=0)
    pos = (np.take(crystal.frac, m, axis=0) + image) @ crystal.orth.T
    # pairs of paths from one X through two donors to two metal images close to each other
    bridged = np.zeros(n, dtype=bool)
    joined = []
    for step in range(1, len(x)):
        p, q = np.arange(len(x) - step), np.arange(step, len(x))
        same_x = x[p] == x[q]
        if not same_x.any():
            break
        ok = same_x & (d[p] != d[q]) & ((m[p] != m[q]) | (image[p] != image[q]).any(axis=1))
        ok &= np.linalg.norm(pos[p] - pos[q], axis=1) < PADDLEWHEEL_REACH
        bridged[x[p[ok]]] = True
        joined.append(np.column_stack([x[p[ok]], m[p[ok]], m[q[ok]], image[q[ok]] - image[p[ok]]]))
    # two bridges bonded to each other are one linker between two SBUs (an oxalate's two carboxylates)
    bridged[src[bridged[src] & bridged[dst]]] = False
    path = bridged[x]
    pairs = np.concatenate(joined).astype(int) if joined else np.zeros((0, 6), dtype=int)
    in_bridge = np.zeros(n, dtype=bool)  # a mask, not np.unique: several times faster
    in_bridge[x[path]] = True
    in_bridge[d[path]] = True
    return np.flatnonzero(in_bridge), pairs[bridged[pairs[:, 0]], 1:]


def _bare_carboxylates(crystal: Crystal, src: np.ndarray, dst: np.ndarray, in_cluster: np.ndarray,
                       hydrogen: np.ndarray) -> int:
    """Carboxylate carbons of a metal cluster bonded to their two donor atoms and nothing else: a
    linker whose atoms the file does not hold (a formate keeps its H, a carbonate has three O)."""
    carbon = (crystal.elements == "C") & in_cluster
    degree = np.bincount(src, minlength=len(crystal))
    donors = np.bincount(src[in_cluster[dst] & ~hydrogen[dst]], minlength=len(crystal))
    return int((carbon & (degree == 2) & (donors == 2)).sum())


def find_units(crystal: Crystal, bonds: Bonds) -> BuildingUnits:
    """Cut the crystal into building units (see the module docstring)."""
    n = len(crystal)
    src, dst, off = bond_graph_arrays(bonds)
    metal = crystal.metals
    hydrogen = crystal.elements == "H"
    notes: list[str] = []
    # non-metals bridging two or more metal atoms (distinct images) belong to the cluster
    to_metal = metal[dst] & ~metal[src]
    pair = unique_rows(np.column_stack([src[to_metal], dst[to_metal], np.compress(to_metal, off, axis=0)]))
    n_metal_neighbours = np.bincount(pair[:, 0], minlength=n) if len(pair) else np.zeros(n, int)
    in_cluster = metal | ((n_metal_neighbours >= 2) & ~hydrogen)
    bridges_found, joined = _short_bridges(crystal, src, dst, off, metal, hydrogen, in_cluster, n_metal_neighbours)
    in_cluster[bridges_found] = True
    bare = _bare_carboxylates(crystal, src, dst, in_cluster, hydrogen)
    if bare:
        notes.append(f"{bare} carboxylate group(s) of the metal clusters bind no linker (a carbon bonded to its two "
                     "O atoms alone): the file leaves out the atoms beyond them, so those clusters have fewer "
                     "connections than the crystal gives them and the net is not the crystal's")

    unit = np.full(n, -1)
    shift = np.zeros((n, 3), dtype=int)
    owner = np.full(n, -1)
    units: list[Unit] = []
    vertex_units: list[int] = []
    bridges: list[tuple[int, int, tuple[int, int, int]]] = []

    def add_vertex_units(kind: str, groups: list[np.ndarray]) -> None:
        """One vertex unit per group of atoms, numbered on."""
        first_unit, first_vertex = len(units), len(vertex_units)
        vertex_units.extend(range(first_unit, first_unit + len(groups)))
        units.extend(Unit(kind=kind, atoms=atoms, vertex=first_vertex + k) for k, atoms in enumerate(groups))
        if groups:
            atoms = np.concatenate(groups)
            which = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
            unit[atoms] = first_unit + which
            owner[atoms] = first_vertex + which

    if not metal.any():
        notes.append("no metal atoms: organic SBUs (bonded carbon atoms and the small rings they share) are vertices"
                     if (crystal.elements == "C").any() else "no metal atoms: every non-hydrogen atom is a vertex")
        in_cluster = np.zeros(n, dtype=bool)
        atom_vertex = ~hydrogen
    else:
        atom_vertex = np.zeros(n, dtype=bool)

    # metal clusters and organic parts: periodic components of the bonds within each class, in one
    # search (bonds between a cluster and an organic atom are left out)
    same = in_cluster[src] == in_cluster[dst]
    lifted = lifted_components(n, src[same], dst[same], np.compress(same, off, axis=0))
    idx = np.flatnonzero(in_cluster)
    clusters = lifted.restrict(idx)
    finite = np.ones(clusters.count, dtype=bool)
    finite[list(clusters.bases)] = False
    shift[idx] = np.where(finite[clusters.labels][:, None], clusters.shift, np.take(shift, idx, axis=0))
    grouped = idx[clusters.order]
    add_vertex_units(CLUSTER, [grouped[a:b] for a, b, keep in
                               zip(clusters.bounds[:-1].tolist(), clusters.bounds[1:].tolist(), finite.tolist()) if keep])
    rods = int((~finite).sum())
    in_rod = idx[~finite[clusters.labels]]
    atom_vertex[in_rod[metal[in_rod]]] = True
    in_cluster[in_rod[~metal[in_rod]]] = False  # bridging atoms join the organic parts
    if rods:
        notes.append(f"{rods} infinite metal cluster(s) (rods): their metal atoms are vertices")

    # organic parts: the rest, as periodic components
    organic = ~in_cluster & ~atom_vertex
    add_vertex_units(ROD, [np.array([a]) for a in np.flatnonzero(atom_vertex & metal).tolist()])

    def add_organic_sbus(which: np.ndarray) -> None:
        groups, sbu_shift = organic_sbus(crystal.elements, which, src, dst, off)
        shift[which] = sbu_shift[which]
        for atoms in groups:
            add_vertex_units(ATOM if len(atoms) == 1 else ORGANIC, [atoms])

    if (atom_vertex & ~metal).any():
        add_organic_sbus(atom_vertex & ~metal)
    if rods or atom_vertex.any():  # the classes changed: search the organic part again
        idx, s, d, o = _sub_graph(organic, src, dst, off)
        parts = lifted_components(len(idx), s, d, o)
    else:
        idx = np.flatnonzero(organic)
        parts = lifted.restrict(idx)
    infinite = sorted(parts.bases)
    if infinite:
        # an infinite organic part: its non-hydrogen atoms become vertices, its H terminal to them
        atoms = np.concatenate([idx[parts.nodes(c)] for c in infinite])
        heavy = atoms[~hydrogen[atoms]]
        organic[heavy] = False
        add_organic_sbus(np.isin(np.arange(n), heavy))
        notes.append(f"{len(infinite)} infinite organic part(s): their organic SBUs are vertices")
        idx, s, d, o = _sub_graph(organic, src, dst, off)
        parts = lifted_components(len(idx), s, d, o)
    labels, n_parts = parts.labels, parts.count
    shift[idx] = parts.shift

    # contacts: bonds from organic atoms to atoms owned by a vertex
    from_org = organic[src] & (owner[dst] >= 0)
    c_src, c_dst, c_off = src[from_org], dst[from_org], np.compress(from_org, off, axis=0)
    # image of the vertex, in the organic unit's frame
    image = c_off + np.take(shift, c_src, axis=0) - np.take(shift, c_dst, axis=0)
    local = np.full(n, -1)
    local[idx] = labels if len(idx) else local[idx]
    comp_of_contact = local[c_src]
    # distinct (component, vertex, image) contacts, grouped by component with one sort
    rows = unique_rows(np.column_stack([comp_of_contact, owner[c_dst], image]).reshape(-1, 5))
    counts = np.bincount(rows[:, 0], minlength=n_parts)
    first = np.concatenate([[0], np.cumsum(counts)])
    kinds = np.array([GUEST, TERMINAL, LINKER, BRANCH], dtype=object)[np.minimum(counts, 3)]
    # branch points become vertices; terminal ligands go with (and are drawn beside) what they bind
    comp_owner = np.full(n_parts + 1, -1)
    comp_shift = np.zeros((n_parts + 1, 3), dtype=int)
    branch = np.nonzero(counts >= 3)[0]
    comp_owner[branch] = len(vertex_units) + np.arange(len(branch))
    vertex_units.extend((len(units) + branch).tolist())
    terminal = np.nonzero(counts == 1)[0]
    comp_owner[terminal] = rows[first[terminal], 1]
    comp_shift[terminal] = rows[first[terminal], 2:]
    if len(idx):
        owner[idx] = comp_owner[labels]
        shift[idx] = np.take(shift, idx, axis=0) - np.take(comp_shift, labels, axis=0)
        unit[idx] = len(units) + labels
    order = np.argsort(labels, kind="stable") if len(idx) else np.zeros(0, dtype=int)
    organic_parts = OrganicParts(
        kinds=kinds, vertex=np.where(counts >= 3, comp_owner[:-1], -1), atoms=idx[order],
        bounds=np.concatenate([[0], np.cumsum(np.bincount(labels, minlength=n_parts))]) if len(idx)
        else np.zeros(1, dtype=int),
        contacts=rows[:, 1:], first=first)

    # direct bonds between rod metals and organic SBUs (metal-metal in rods, between SBUs in organic nets)
    single = np.zeros(n, dtype=bool)
    for u in units:
        if u.kind in (ROD, ATOM, ORGANIC):
            single[u.atoms] = True
    direct = single[bonds.i] & single[bonds.j]
    # and the metals of a rod that a carboxylate-like group bridges: the rod stays a chain of metals
    # whether its bridges are mu-O atoms (linkers between them) or O-C-O groups alone
    in_rod = joined[single[joined[:, 0]] & single[joined[:, 1]]]
    for a, b, o in zip(np.concatenate([bonds.i[direct], in_rod[:, 0]]), np.concatenate([bonds.j[direct], in_rod[:, 1]]),
                       np.concatenate([bonds.offset[direct] + shift[bonds.i[direct]] - shift[bonds.j[direct]],
                                       in_rod[:, 2:]])):
        bridges.append((int(owner[a]), int(owner[b]), (int(o[0]), int(o[1]), int(o[2]))))
    return BuildingUnits(units, organic_parts, unit, shift, owner, vertex_units, bridges, tuple(notes))
