"""Atomistic models of the SC-1 -> SC-2-0.8 -> SC-2-0.5 -> SC-3 series, built from the paper's numbers.

The deposited structures (CCDC 2384559-2384564) cannot be bundled, so Interlace ships idealised
models of them, built here deterministically (``interlace build-models``). Every number from the
paper (Ma et al., Nat. Commun. 2025, doi:10.1038/s41467-025-60720-6) is a named constant below with
its source; the standard bond lengths of the organic groups are in :mod:`topology.molecules`.

The design, in the paper's terms:

- Node: the [Ag12(iPrS)6]6+ cluster, a cuboctahedron of Ag (Ag...Ag = :data:`AG_AG`), each square
  face capped by a mu4 iPrS sulfur (Ag-S = :data:`AG_S`).
- Net X: Ag12 nodes joined in the (a, b) layer by mu3 TCNB (1,2,4 mode: two ortho nitriles on an
  Ag-Ag edge of one cluster, the para nitrile on the next) and along c by para (mu2, 1,4) TCNB
  pillars: a pcu-like 3D net, 6-connected.
- Net Y: the same inverted through a centre of the cell (the two nets related by inversion, as in
  the centrosymmetric P21/c of the real crystals), its node near (a + b + c) / 2, so its pillars
  thread the rings of X's layers and X's pillars thread Y's.
- SC-1: X with full pillars (3D, 6-c) and Y without pillars (2D layers, 4-c, carrying the two
  coordinated CF3COOH): 2D-3D interpenetrating.
- SC-2-0.8 / SC-2-0.5: X and Y both with pillars at occupancy 0.5 and coordinated CF3COOH at
  0.8 / 0.5: two 3D nets, 3D-3D interpenetrated; without the half-occupied pillars, 2D layers.
- SC-3: X alone with full pillars: one 3D net, non-interpenetrated; CH2Cl2 in the channels.

Composition per cell (two nodes, 24 Ag, except SC-3 with one node, 12 Ag), occupancy-weighted,
against the formulas of the paper's Table (paper-facts):

- SC-1 {Ag12(iPrS)6(CF3COO)6(TCNB)2(CF3COOH)2}{Ag12(iPrS)6(CF3COO)6(TCNB)3} 4 CF3COOH 2 C7H8:
  N = 4 x 5 TCNB = 20 per 24 Ag; F = 3 x (12 TFA + 2 + 4 acids) = 54 per 24 Ag.
- SC-2-0.8 {Ag12(iPrS)6(CF3COO)6(TCNB)2(TCNB)0.5}(CF3COOH)0.8x2 2 CF3COOH 2 C7H8 per 12 Ag:
  N = 4 x 2.5 = 10; F = 3 x (6 + 1.6 + 2) = 28.8.
- SC-2-0.5: as SC-2 with (CF3COOH)0.5x2, 2 CF3COOH, C7H8: N = 10; F = 3 x (6 + 1 + 2) = 27.
- SC-3 {Ag12(iPrS)6(CF3COO)6(TCNB)3} 2 CF3COOH 2 CH2Cl2: N = 12, F = 3 x (6 + 2) = 24, Cl = 4.
- S = 6 per 12 Ag in all.

The cell is P1: the model has no symmetry beyond translations (the paper reports P21/c for the
real crystals). Atom labels are numbered once over all sites of the series, so an atom keeps its
label in every structure it is part of, and transitions can pair atoms by label.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import gemmi
import numpy as np

from topology import molecules as mol
from topology.molecules import Atoms, unit

DOI = "10.1038/s41467-025-60720-6"
CITATION = ("K. Ma, X.-M. Liu, X.-Y. Dong, X.-M. Luo, H.-Y. Li, S.-Q. Zang, T. C. W. Mak, "
            "Photo-controlled vacancies and conductivity within single crystals of silver "
            "chalcogenolate cluster-based MOFs, Nat. Commun. (2025)")

AG_AG = 3.05
"""Ag...Ag edge of the cuboctahedron: within the paper's 2.924(8)-3.278(10) A (Results, Fig. 1)."""
AG_S = 2.52
"""Ag-S of the mu4 iPrS cap: within the paper's 2.374(8)-2.684(17) A (Results, Fig. 1)."""
AG_N = 2.38
"""Ag-N of a nitrile: the paper's para-mode value 2.384 A, range 2.304-2.478 A (Results, Fig. 1)."""
AG_O = 2.40
"""Ag-O of TFA: between the paper's 2.374(4) A (SC-1) and 2.450(5) A (SC-2) (Results)."""
LIGAND_TILT = 65.0
"""Angle (deg) between the two exo ligands of an Ag that carries two (e.g. a pillar N and an acid O)."""

STRUCTURE_DIR = Path(__file__).resolve().parent.parent / "assets" / "structures"

_K = AG_AG / np.sqrt(2.0)
AG_VERTICES = np.array([v for v in itertools.product((-1, 0, 1), repeat=3) if sum(map(abs, v)) == 2],
                       dtype=float) * _K
"""The 12 Ag of a cuboctahedron of edge AG_AG, centred at the origin."""
CAP_AXES = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)
CAP_HEIGHT = np.sqrt(AG_S**2 - _K**2)
"""Height of the mu4-S above its square face, so that all four Ag-S are AG_S."""


@dataclass
class Part:
    """A group of atoms with one occupancy, named so that it can be kept or dropped per structure.

    A part that may turn about a bond (an iPr about S-C, a TFA about Ag-O, a pillar about its axis)
    has a ``pivot`` and an ``axis``; :func:`relax` turns it to make room.
    """

    name: str
    atoms: Atoms
    occupancy: float = 1.0
    pivot: np.ndarray | None = None
    axis: np.ndarray | None = None
    alternatives: tuple[Part, ...] = ()

    def turned(self, angle: float) -> Part:
        """This part rotated by ``angle`` (radians) about its axis."""
        assert self.pivot is not None and self.axis is not None
        k = unit(self.axis)
        c, s = np.cos(angle), np.sin(angle)
        rot = c * np.eye(3) + s * np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]]) \
            + (1 - c) * np.outer(k, k)
        atoms = [(e, self.pivot + rot @ (x - self.pivot)) for e, x in self.atoms]
        return Part(self.name, atoms, self.occupancy, self.pivot, self.axis)

    def options(self) -> list[Part]:
        """Every pose :func:`relax` may choose from: each turn of this part and of its alternatives."""
        return [p.turned(t) for p in (self, *self.alternatives) for t in TURNS]


def cluster(centre: np.ndarray, net: str) -> list[Part]:
    """The Ag12S6 core and its six iPr groups (each free to turn about its S-C bond)."""
    atoms: Atoms = [("Ag", centre + v) for v in AG_VERTICES]
    atoms += [("S", centre + (_K + CAP_HEIGHT) * a) for a in CAP_AXES]
    parts = [Part(f"{net}.core", atoms)]
    for k, a in enumerate(CAP_AXES):
        sulfur = centre + (_K + CAP_HEIGHT) * a
        options = [Part(f"{net}.ipr{k + 1}", mol.isopropyl_thiolate(sulfur, d), pivot=sulfur, axis=d)
                   for d in leaning(a, IPR_LEANS)]
        options[0].alternatives = tuple(options[1:])
        parts.append(options[0])
    return parts


IPR_LEANS = (0.0, 15.0, 30.0)
"""Angles (deg) by which the S-C bond of an iPr may lean off the normal of its Ag4 face: a mu4-S
keeps its four Ag-S bonds, and the isopropyl turns where there is room."""
LIGAND_LEANS = (0.0, 15.0, 30.0, 45.0, 60.0, 65.0, 70.0, 80.0)
"""Angles (deg) by which an Ag-O bond may lean off the radial direction of its Ag."""
AZIMUTHS = np.radians(np.arange(0, 360, 30))
"""Directions (radians, about the unleaned bond) in which a bond may lean."""
CF3_TURNS = (0.0, 60.0)
"""Turns (deg) of a CF3 about its C-C bond: staggered and eclipsed on the carboxylate (it is three-fold)."""
MIN_O_AG = 2.9
"""Least distance (A) from a carboxylate O to the Ag it does not bind and to the S caps: beyond
bonding reach (such pairs are 1-3 through the Ag, so the search does not see them)."""


def leaning(axis: np.ndarray, leans: tuple[float, ...]) -> list[np.ndarray]:
    """Unit vectors at the angles ``leans`` (deg) from ``axis``, in every direction of AZIMUTHS
    (``axis`` itself first)."""
    r = unit(axis)
    p = perpendicular_to(r)
    q = np.cross(r, p)
    out = []
    for lean in leans:
        t = np.radians(lean)
        for phi in (AZIMUTHS if lean else (0.0,)):
            out.append(np.cos(t) * r + np.sin(t) * (np.cos(phi) * p + np.sin(phi) * q))
    return out


def perpendicular_to(r: np.ndarray) -> np.ndarray:
    """A unit vector perpendicular to ``r``, taken along a cell-frame axis where ``r`` has none."""
    axis = np.eye(3)[int(np.argmin(np.abs(r)))]
    return unit(axis - np.dot(axis, r) * r)


@dataclass(frozen=True)
class Mu3Link:
    """A mu3 TCNB on edge (a, b) of the cluster at the origin, binding vertex ``w`` of the next one."""

    a: int
    b: int
    w: int
    atoms: tuple
    vector: np.ndarray = field(compare=False)


def mu3_link(a: int, b: int) -> Mu3Link:
    """Place a TCNB with its nitriles 1 and 2 on Ag ``a`` and ``b`` (AG_N each) and find the cluster
    its nitrile 4 binds: the one whose Ag, AG_N beyond that N, lies along the nitrile."""
    pa, pb = AG_VERTICES[a], AG_VERTICES[b]
    e = unit(pb - pa)
    mid = (pa + pb) / 2
    m = unit(mid - np.dot(mid, e) * e)
    half_chord = mol.NITRILE_REACH / 2  # N1...N2 of ortho nitriles is one ring radius of 3.98 A
    lift = np.sqrt(AG_N**2 - (half_chord - AG_AG / 2) ** 2)
    centre = mid + lift * m + mol.NITRILE_REACH * np.cos(np.radians(30)) * m
    u = -np.cos(np.radians(30)) * m - 0.5 * e
    v = -0.5 * m + np.cos(np.radians(30)) * e
    atoms, nitrogen = mol.tcnb(centre, u, v)
    ag_far = atoms[nitrogen[180]][1] - AG_N * u
    w = int(np.argmax(AG_VERTICES @ u))
    return Mu3Link(a, b, w, tuple(atoms), ag_far - AG_VERTICES[w])


def pillar(vertex: int) -> tuple[Atoms, np.ndarray]:
    """A para TCNB along Ag ``vertex``: N1 on it, N4 on the opposite Ag of the next cluster."""
    d = unit(AG_VERTICES[vertex])
    reach = np.linalg.norm(AG_VERTICES[vertex]) + AG_N + mol.NITRILE_REACH
    atoms, _ = mol.tcnb(reach * d, -d, mol.perpendicular(d))
    return atoms, 2 * reach * d


EDGE_A = (0, 1)
EDGE_B = (2, 3)
PILLAR = 5
"""The Ag-Ag edges that carry the mu3 links along a and b, and the Ag of the pillar along c: of
the arrangements that use eight different Ag for the links and give a cell that is not flat, the
one that leaves the most room between the two nets."""
NET_Y_OFFSET = np.array([0.45, 0.45, 0.60])
"""Where net Y's node sits in the cell (fractional): the position of most room found for a
translated net Y, which of the two tried for the inverted net Y (the other (0.45, 0.45, 0.70))
left fewer close contacts."""


def lattice() -> np.ndarray:
    """Rows a, b, c (Angstrom) of the cell."""
    return np.array([mu3_link(*EDGE_A).vector, mu3_link(*EDGE_B).vector, pillar(PILLAR)[1]])


def node_parts(net: str, origin: np.ndarray) -> list[Part]:
    """One node of net ``net`` at ``origin``, with the links it owns (+a, +b, +c) and its ligands."""
    parts = cluster(origin, net)
    la, lb = mu3_link(*EDGE_A), mu3_link(*EDGE_B)
    parts.append(Part(f"{net}.link_a", [(e, x + origin) for e, x in la.atoms]))
    parts.append(Part(f"{net}.link_b", [(e, x + origin) for e, x in lb.atoms]))
    atoms, _ = pillar(PILLAR)
    parts.append(Part(f"{net}.pillar", [(e, x + origin) for e, x in atoms], pivot=origin,
                      axis=AG_VERTICES[PILLAR]))
    opposite = int(np.argmin(np.linalg.norm(AG_VERTICES + AG_VERTICES[PILLAR], axis=1)))
    used = [la.a, la.b, la.w, lb.a, lb.b, lb.w, PILLAR, opposite]
    partner = _nitrile_directions()
    for k, i in enumerate(i for i in range(12) if i not in used):
        parts.append(_ligand(f"{net}.tfa{k + 1}", origin, [i], partner, acid=False))
    for k in (5, 6):  # two more TFA, on the Ag of the mu3 links where they find most room
        parts.append(_ligand(f"{net}.tfa{k}", origin, [la.a, la.b, la.w, lb.a, lb.b, lb.w], partner, acid=False))
    for k, i in enumerate((PILLAR, opposite)):
        parts.append(_ligand(f"{net}.acid{k + 1}", origin, [i], partner, acid=True))
    return parts


def _nitrile_directions() -> dict[int, np.ndarray]:
    """For each Ag of a node that binds a nitrile N, the direction of that N (own links, and the
    links and pillar arriving from the previous nodes)."""
    la, lb = mu3_link(*EDGE_A), mu3_link(*EDGE_B)
    atoms, _ = pillar(PILLAR)
    nitrogens = [x + shift for link, shift in ((la.atoms, 0.0), (la.atoms, -la.vector), (lb.atoms, 0.0),
                                                (lb.atoms, -lb.vector), (atoms, 0.0), (atoms, -pillar(PILLAR)[1]))
                 for e, x in link if e == "N"]
    out = {}
    for i, v in enumerate(AG_VERTICES):
        bound = [n for n in nitrogens if np.linalg.norm(n - v) < AG_N + 0.01]
        if bound:
            out[i] = unit(bound[0] - v)
    return out


def _ligand(name: str, origin: np.ndarray, vertices: list[int], partner: dict[int, np.ndarray],
            acid: bool) -> Part:
    """A carboxylate bound through one O to one of the Ag ``vertices``, free to turn about the Ag-O
    bond and to lean off the radial direction: at least LIGAND_TILT from the N its Ag may bind
    (``partner``), and with its O beyond bonding reach of the other Ag and of the S caps."""
    options = []
    for vertex in vertices:
        silver = origin + AG_VERTICES[vertex]
        others = np.vstack([np.delete(AG_VERTICES, vertex, axis=0), (_K + CAP_HEIGHT) * CAP_AXES])
        for d in leaning(AG_VERTICES[vertex], LIGAND_LEANS):
            if vertex in partner and np.degrees(np.arccos(np.clip(d @ partner[vertex], -1, 1))) < LIGAND_TILT:
                continue
            if np.linalg.norm(others - (AG_VERTICES[vertex] + AG_O * d), axis=1).min() < MIN_O_AG:
                continue
            options += [Part(name, mol.carboxylate(silver + AG_O * d, d, perpendicular_to(d), acid, turn),
                             pivot=silver, axis=d) for turn in CF3_TURNS]
    options[0].alternatives = tuple(options[1:])
    return options[0]


def framework() -> tuple[np.ndarray, list[Part]]:
    """The cell and every framework part of the series (nets X and Y, all ligands), as built."""
    cell = lattice()
    return cell, node_parts("X", np.zeros(3)) + [inverted(p, NET_Y_OFFSET @ cell) for p in node_parts("Y", np.zeros(3))]


def inverted(part: Part, centre: np.ndarray) -> Part:
    """``part`` (built at the origin) inverted through ``centre / 2``, so that its node sits at
    ``centre``: net Y is the inverse of net X, the two nets related by an inversion centre as in a
    centrosymmetric crystal (the paper's P21/c), which packs their ligands against each other better
    than a plain translate."""
    out = Part(part.name, [(e, centre - x) for e, x in part.atoms], part.occupancy,
               None if part.pivot is None else centre - part.pivot, None if part.axis is None else -part.axis)
    out.alternatives = tuple(inverted(p, centre) for p in part.alternatives)
    return out


NEED = {(True, True): 3.2, (True, False): 2.5, (False, True): 2.5, (False, False): 2.0}
"""Distance (A) wanted between atoms of different parts that are neither bonded nor bonded to a
common atom (heavy-heavy, heavy-H, H-H): above the 3.0 A a crystallographer expects between heavy
atoms, so that the search keeps a margin."""
MARGIN = 0.2
"""Shortfall (A) from NEED that is tolerated at the plain cost: NEED - MARGIN is 3.0 A between heavy
atoms, the least distance between heavy atoms of different units in a real crystal of this kind."""
HARD = 100.0
"""How much more a shortfall beyond MARGIN weighs: one clash is not traded for a few near misses."""
STATIC_SLACK = 0.5
"""Crowding against the parts that never move (cores, mu3 links) above which a pose is dropped
before the search (a pose that already crowds them cannot be made good by the others)."""
MIN_POSES = 288
"""Poses kept for the search at the least, the least crowded first, even where none is clear."""
TURNS = np.radians(np.arange(0, 360, 10))
"""Turns (radians) tried for every rotatable part."""
BOND_TOLERANCE = 0.45
"""Added to the sum of covalent radii to call two atoms bonded (as :mod:`topology.bonds` does)."""


def _min_image(cell: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """Lengths of the difference vectors ``diff`` (..., 3) to their nearest lattice image."""
    frac = diff @ np.linalg.inv(cell)
    frac -= np.round(frac)
    return np.linalg.norm(frac @ cell, axis=-1)


def _hangs(part: Part) -> bool:
    """Whether ``part`` hangs on one atom at its pivot (a ligand's Ag, an iPr's S) by its first atom."""
    return part.pivot is not None and part.name.split(".")[1].startswith(("tfa", "acid", "ipr"))


def _bonds(cell: np.ndarray, parts: list[Part]) -> np.ndarray:
    """Which atom pairs are bonded: within a part, and from a fixed part (core, links, pillar) to
    the Ag of its own net. A part that hangs on an atom is bonded to it through its first atom,
    which :func:`relax` adds for the pose it takes."""
    elements = np.array([e for p in parts for e, _ in p.atoms])
    xyz = np.array([x for p in parts for _, x in p.atoms])
    sizes = [len(p.atoms) for p in parts]
    owner = np.repeat(np.arange(len(parts)), sizes)
    net = np.repeat([p.name.split(".")[0] for p in parts], sizes)
    fixed = np.repeat([not _hangs(p) for p in parts], sizes)
    radius = np.array([gemmi.Element(e).covalent_r for e in elements])
    anchor = np.isin(elements, ("Ag", "S"))
    bonded = _min_image(cell, xyz[:, None] - xyz[None]) < radius[:, None] + radius[None] + BOND_TOLERANCE
    across = (net[:, None] == net[None]) & (anchor[:, None] | anchor[None]) & fixed[:, None] & fixed[None]
    bonded &= (owner[:, None] == owner[None]) | across
    bonded &= (elements[:, None] != "H") | (elements[None] != "H")
    np.fill_diagonal(bonded, False)
    return bonded


def _anchor(part: Part, xyz: np.ndarray, net: np.ndarray) -> int:
    """Index of the atom ``part`` hangs on: the atom of its own net at its pivot."""
    here = (np.linalg.norm(xyz - part.pivot, axis=1) < 1e-6) & (net == part.name.split(".")[0])
    return int(np.flatnonzero(here)[0])


IMAGES = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=float)
"""Lattice shifts of the neighbouring cells, where a part meets the images of the others."""


def _need(heavy: np.ndarray, others_heavy: np.ndarray) -> np.ndarray:
    """NEED for every pair of ``heavy`` x ``others_heavy`` atoms."""
    both, one = heavy[:, None] & others_heavy[None], heavy[:, None] | others_heavy[None]
    return np.where(both, NEED[(True, True)], np.where(one, NEED[(True, False)], NEED[(False, False)]))


def _crowding(poses: np.ndarray, heavy: np.ndarray, others: np.ndarray, others_heavy: np.ndarray,
              skip: np.ndarray) -> np.ndarray:
    """For each pose (n_poses, n_atoms, 3) of a part, the sum of squared shortfalls from NEED
    against the atoms ``others`` (pairs marked in ``skip`` left out), the part of a shortfall beyond
    MARGIN counting HARD times more: zero when every contact has the room wanted."""
    d = np.linalg.norm(poses[:, :, None] - others[None, None], axis=-1)
    short = np.where(skip, 0.0, np.clip(_need(heavy, others_heavy)[None] - d, 0.0, None))
    tight = np.clip(short - MARGIN, 0.0, None)
    return (short**2).sum(axis=(1, 2)) + HARD * (tight**2).sum(axis=(1, 2))


def relax(cell: np.ndarray, parts: list[Part], passes: int = 8) -> list[Part]:
    """Turn every rotatable part, one at a time, to the pose with the least crowding against all
    the others (a sum, so that one tight contact is not traded for many), until no part moves.

    Pairs bonded or bonded to a common atom (1-2 and 1-3) sit at their bond geometry and are left
    out, as a crystallographer leaves them out of the contacts. Poses that already crowd the parts
    that never move (cores, mu3 links) are dropped first (see STATIC_SLACK)."""
    poses = list(parts)
    choices = [p.options() if p.axis is not None else [] for p in parts]
    heavy = np.array([e != "H" for p in parts for e, _ in p.atoms])
    core = np.array([e in ("Ag", "S") for p in parts for e, _ in p.atoms])  # two donors on one Ag do meet
    net = np.repeat([p.name.split(".")[0] for p in parts], [len(p.atoms) for p in parts])
    start = np.cumsum([0] + [len(p.atoms) for p in parts])
    still = np.repeat([p.axis is None for p in parts], [len(p.atoms) for p in parts])
    bonds = _bonds(cell, poses)
    xyz = np.array([x for p in poses for _, x in p.atoms])
    held = {k: _anchor(part, xyz, net) for k, part in enumerate(parts) if _hangs(part)}
    anchors = {k: np.array([_anchor(p, xyz, net) for p in choices[k]]) for k in held}

    def hold(k: int, on: bool) -> None:
        """Bond (or unbond) the first atom of part ``k`` to the atom it hangs on."""
        bonds[start[k], held[k]] = bonds[held[k], start[k]] = on

    shifts = IMAGES @ cell
    reach = max(NEED.values())

    def scores(k: int, which: np.ndarray, among: np.ndarray) -> np.ndarray:
        """Crowding of the options ``which`` of part ``k`` against the atoms ``among``."""
        option_xyz = np.array([[x for _, x in choices[k][i].atoms] for i in which])
        mine = np.arange(start[k], start[k + 1])
        rest = np.setdiff1d(among, mine)
        centre = option_xyz.reshape(-1, 3).mean(axis=0)
        radius = np.linalg.norm(option_xyz - centre, axis=-1).max() + reach
        images = (xyz[rest][None] + shifts[:, None]).reshape(-1, 3)
        index = np.tile(rest, len(shifts))
        close = np.linalg.norm(images - centre, axis=1) < radius
        images, index = images[close], index[close]
        inner = bonds[np.ix_(mine, mine)]
        fixed = bonds[np.ix_(mine, index)] | (inner.astype(int) @ bonds[np.ix_(mine, index)] > 0)
        out = np.empty(len(which))
        for a in np.unique(anchors[k][which]) if k in held else [-1]:
            # the first atom bonds to the anchor; the anchor's Ag and S neighbours are 1-3
            skip = fixed.copy()
            if a >= 0:
                skip[0] |= (index == a) | (bonds[a, index] & core[index])
                skip[inner[0]] |= index == a
            group = np.flatnonzero(anchors[k][which] == a) if a >= 0 else np.arange(len(which))
            for chunk in np.array_split(group, max(1, len(group) // 256)):
                out[chunk] = _crowding(option_xyz[chunk], heavy[mine], images, heavy[index], skip[None])
        return out

    everything = np.arange(len(xyz))
    allowed = {}
    for k, c in enumerate(choices):
        if c:
            static = scores(k, np.arange(len(c)), np.flatnonzero(still))
            keep = max(int((static <= STATIC_SLACK).sum()), MIN_POSES)
            allowed[k] = np.sort(np.argsort(static, kind="stable")[:keep])
    taken = {k: int(w[0]) for k, w in allowed.items()}
    poses = [choices[k][taken[k]] if k in taken else p for k, p in enumerate(parts)]
    held = {k: int(anchors[k][taken[k]]) for k in held}
    for k in held:
        hold(k, True)
    for _ in range(passes):
        moved = False
        for k, which in allowed.items():
            xyz = np.array([x for p in poses for _, x in p.atoms])
            if k in held:
                hold(k, False)
            s = scores(k, which, everything)
            best = int(which[int(np.argmin(s))])
            if s.min() < s[int(np.flatnonzero(which == taken[k])[0])] - 1e-9:
                poses[k], taken[k] = choices[k][best], best
                moved = True
            if k in held:
                held[k] = int(anchors[k][taken[k]])
                hold(k, True)
        if not moved:
            break
    return poses


@dataclass(frozen=True)
class Model:
    """One structure of the series: which parts it keeps, at which occupancy, and its guests."""

    name: str
    ccdc: str
    keep: dict[str, float]
    guests: dict[str, int]


def _net_parts(net: str, pillar_occ: float | None, acid_occ: float | None) -> dict[str, float]:
    keep = {f"{net}.{name}": 1.0 for name in ("core", "link_a", "link_b")}
    keep.update({f"{net}.ipr{k}": 1.0 for k in range(1, 7)})
    keep.update({f"{net}.tfa{k}": 1.0 for k in range(1, 7)})
    if pillar_occ is not None:
        keep[f"{net}.pillar"] = pillar_occ
    if acid_occ is not None:
        keep[f"{net}.acid1"] = keep[f"{net}.acid2"] = acid_occ
    return keep


SERIES = (
    Model("SC-1", "2384559", {**_net_parts("X", 1.0, None), **_net_parts("Y", None, 1.0)},
          {"acid": 4, "toluene": 2}),
    Model("SC-2-0.8", "2384563", {**_net_parts("X", 0.5, 0.8), **_net_parts("Y", 0.5, 0.8)},
          {"acid": 4, "toluene": 4}),
    Model("SC-2-0.5", "2384564", {**_net_parts("X", 0.5, 0.5), **_net_parts("Y", 0.5, 0.5)},
          {"acid": 4, "toluene": 2}),
    Model("SC-3", "2384561", _net_parts("X", 1.0, None), {"acid3": 2, "dcm": 2}),
)
"""The four structures: occupancies of the pillars (para TCNB) and coordinated acids, and guests
per cell, from the paper's formulas (paper-facts, structures table; see the module docstring)."""

GUEST_SITES = (("acid", 4), ("toluene", 4))
"""Guest sites of SC-1 and SC-2, placed once against both nets so that a guest keeps its place
(and label) while it stays; SC-3's guests are placed against its own single net."""
SC3_GUEST_SITES = (("acid3", 2), ("dcm", 2))
GUEST_BUILDERS = {"acid": mol.free_acid, "acid3": mol.free_acid, "toluene": mol.toluene,
                  "dcm": mol.dichloromethane}
GUEST_AXES = [np.array(u, float) for u in itertools.product((-1, 0, 1), repeat=3) if u > (0, 0, 0)]
"""The 13 directions of a cube (axes, face and body diagonals) along which a guest's first axis is laid."""
GUEST_ORIENTATIONS = [(unit(u), np.cos(t) * perpendicular_to(unit(u)) + np.sin(t) * np.cross(unit(u), perpendicular_to(unit(u))))
                      for u in GUEST_AXES for t in np.radians(np.arange(0, 180, 45))]
"""Orientations (first axis, second axis) tried for a guest: each cube direction, turned in four steps."""
GUEST_CENTRES = 100
"""Grid points with the most clearance tried as centres for each guest."""
GUEST_GRID = 16
"""Points per cell axis tried as guest centres."""


def _guest_room(cell: np.ndarray, guest: Atoms, host: Atoms) -> float:
    """Least gap between a guest and its host beyond bonding distance (covalent radii + 0.45 A),
    counting hydrogen atoms as needing 1.2 A: positive means the guest bonds to nothing."""
    g_xyz, h_xyz = np.array([x for _, x in guest]), np.array([x for _, x in host])
    g_r = np.array([0.0 if e == "H" else gemmi.Element(e).covalent_r for e, _ in guest])
    h_r = np.array([0.0 if e == "H" else gemmi.Element(e).covalent_r for e, _ in host])
    dist = _min_image(cell, g_xyz[:, None] - h_xyz[None])
    need = np.where((g_r[:, None] > 0) & (h_r[None] > 0), g_r[:, None] + h_r[None] + 0.45 + 0.4, 1.2)
    return float((dist - need).min())


def place_guests(cell: np.ndarray, host: Atoms, sites: tuple[tuple[str, int], ...]) -> list[Part]:
    """Put the guest molecules one by one where they have the most room (grid search, fixed order)."""
    inv = np.linalg.inv(cell)
    placed: list[Part] = []
    grid = np.stack(np.meshgrid(*[np.arange(GUEST_GRID) / GUEST_GRID] * 3, indexing="ij"), -1).reshape(-1, 3)
    for kind, count in sites:
        for k in range(count):
            atoms = host + [a for p in placed for a in p.atoms]
            diff = grid[:, None] - (np.array([x for _, x in atoms]) @ inv)[None]
            diff -= np.round(diff)
            clearance = np.linalg.norm(diff @ cell, axis=-1).min(axis=1)
            best: tuple[float, Atoms] | None = None
            for g in np.argsort(-clearance, kind="stable")[:GUEST_CENTRES]:
                for u, v in GUEST_ORIENTATIONS:
                    guest = GUEST_BUILDERS[kind](grid[g] @ cell, u, v)
                    room = _guest_room(cell, guest, atoms)
                    if best is None or room > best[0]:
                        best = (room, guest)
            assert best is not None
            placed.append(Part(f"guest.{kind}-{k + 1}", best[1]))
    return placed


@dataclass(frozen=True)
class Site:
    label: str
    element: str
    frac: np.ndarray
    occupancy: float
    part: str


def arrange(cell: np.ndarray, parts: list[Part]) -> dict[str, list[Part]]:
    """The parts of every structure, relaxed, with their guests placed in the room left.

    SC-1 and SC-2 share one arrangement, relaxed with all their parts and guests placed against all
    of them, so that an atom keeps its place (and label) while it stays; SC-3, whose framework
    re-forms, is relaxed on its own and its guests placed against its single net."""
    shared = relax(cell, [p for p in parts if any(p.name in m.keep for m in SERIES[:-1])])
    shared += place_guests(cell, [a for p in shared for a in p.atoms], GUEST_SITES)
    alone = relax(cell, [p for p in parts if p.name in SERIES[-1].keep])
    alone += place_guests(cell, [a for p in alone for a in p.atoms], SC3_GUEST_SITES)
    return {m.name: alone if m is SERIES[-1] else shared for m in SERIES}


def labels(parts: list[Part]) -> dict[tuple[str, int], str]:
    """The label of every atom of the series, by (part name, index in the part): numbered once per
    element over the framework parts and then every guest site, in a fixed order."""
    ex, ey = np.eye(3)[:2]
    guests = [(f"guest.{kind}-{k + 1}", GUEST_BUILDERS[kind](np.zeros(3), ex, ey))
              for kind, count in GUEST_SITES + SC3_GUEST_SITES for k in range(count)]
    counts: dict[str, int] = {}
    out = {}
    for name, atoms in [(p.name, p.atoms) for p in parts] + guests:
        for index, (element, _) in enumerate(atoms):
            counts[element] = counts.get(element, 0) + 1
            out[(name, index)] = f"{element}{counts[element]}"
    return out


def all_sites() -> tuple[np.ndarray, dict[str, list[Site]]]:
    """The cell and the atom sites of every structure of the series, labelled once for the series."""
    cell, parts = framework()
    names = labels(parts)
    order = {label: k for k, label in enumerate(names.values())}
    inv = np.linalg.inv(cell)
    arranged = arrange(cell, parts)
    structures = {}
    for model in SERIES:
        sites = []
        for part in arranged[model.name]:
            if part.name.startswith("guest."):
                kind, number = part.name.split(".")[1].rsplit("-", 1)
                if int(number) > model.guests.get(kind, 0):
                    continue
            elif part.name not in model.keep:
                continue
            occupancy = model.keep.get(part.name, 1.0)
            for index, (element, xyz) in enumerate(part.atoms):
                frac = np.round(xyz @ inv, 9)  # so that -1e-17 wraps to 0, not to 0.99999...
                sites.append(Site(names[(part.name, index)], element, frac - np.floor(frac), occupancy, part.name))
        structures[model.name] = sorted(sites, key=lambda s: order[s.label])
    return cell, structures


def cell_parameters(cell: np.ndarray) -> tuple[float, ...]:
    a, b, c = np.linalg.norm(cell, axis=1)
    def angle(x: np.ndarray, y: np.ndarray) -> float:
        return float(np.degrees(np.arccos(np.dot(x, y) / np.linalg.norm(x) / np.linalg.norm(y))))
    return (a, b, c, angle(cell[1], cell[2]), angle(cell[0], cell[2]), angle(cell[0], cell[1]))


def cif_text(model: Model, cell: np.ndarray, sites: list[Site]) -> str:
    """The model as a CIF, with the caveat in its header."""
    caveat = (f"Idealised model of {model.name} built by Interlace from the numbers of doi:{DOI}; "
              f"not the deposited structure. The real structure is CCDC {model.ccdc} (free from the CCDC).")
    a, b, c, alpha, beta, gamma = cell_parameters(cell)
    lines = [f"# {caveat}", f"data_{model.name}",
             "_audit_creation_method 'interlace build-models (idealised model)'",
             "_publ_section_comment", ";", caveat, ";",
             f"_database_code_CSD_real_structure {model.ccdc}",
             f"_cell_length_a {a:.4f}", f"_cell_length_b {b:.4f}", f"_cell_length_c {c:.4f}",
             f"_cell_angle_alpha {alpha:.3f}", f"_cell_angle_beta {beta:.3f}", f"_cell_angle_gamma {gamma:.3f}",
             "_symmetry_space_group_name_H-M 'P 1'", "_space_group_IT_number 1",
             "loop_", "_space_group_symop_operation_xyz", "'x, y, z'",
             "loop_", "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
             "_atom_site_fract_z", "_atom_site_occupancy"]
    for s in sites:
        x, y, z = s.frac
        lines.append(f"{s.label:<6} {s.element:<2} {x:.5f} {y:.5f} {z:.5f} {s.occupancy:.2f}")
    return "\n".join(lines) + "\n"


def write_models(out: Path | None = None) -> list[Path]:
    """Write the four model CIFs and series.json into ``out`` (default: the bundled structures)."""
    out = Path(out) if out is not None else STRUCTURE_DIR
    out.mkdir(parents=True, exist_ok=True)
    cell, structures = all_sites()
    written = []
    for model in SERIES:
        path = out / f"{model.name}.cif"
        path.write_text(cif_text(model, cell, structures[model.name]))
        written.append(path)
    path = out / "series.json"
    path.write_text(json.dumps(series_document(), indent=1, ensure_ascii=False) + "\n")
    written.append(path)
    return written


MODEL_CAVEAT = ("Idealised model built by Interlace from the numbers reported in doi:" + DOI
                + "; not the deposited crystal structure. The real CIF is free from the CCDC under the number given.")

FACTS = {
    "SC-1": {
        "formula": ("[{Ag12(iPrS)6(CF3COO)6(TCNB)2(CF3COOH)2}·{Ag12(iPrS)6(CF3COO)6(TCNB)3}]n·4CF3COOH·2C7H8",
                    "Results, structure descriptions (Fig. 2)"),
        "nets": (("a 2D layer net of 4-connected Ag12 nodes interpenetrating a 3D framework of 6-connected "
                 "Ag12 nodes: 2D-3D interpenetrating"), "Fig. 2"),
        "colour": ("transparent light yellow", "Results, optical properties (Fig. 4a, b)"),
        "emission": ("yellow, peak at 540 nm (excitation 375 nm)", "Results, optical properties (Fig. 4b)"),
        "conductivity": ("3.08 × 10⁻⁸ S cm⁻¹ (single crystal, room temperature, dark)", "Fig. 5a"),
        "band gap": ("1.92 eV (Tauc, indirect)", "Fig. 4f"),
    },
    "SC-2-0.8": {
        "formula": ("[{Ag12(iPrS)6(CF3COO)6(TCNB)2(TCNB)0.5}·(CF3COOH)0.8×2]n·2CF3COOH·2C7H8",
                    "Results, in situ SCXRD (Fig. 3)"),
        "nets": (("two interpenetrated 3D frameworks; para-TCNB at 0.5 and coordinated CF3COOH at 0.8 "
                 "occupancy: an intermediate captured in situ after 2 min of UV"), "Fig. 3"),
    },
    "SC-2-0.5": {
        "formula": ("[{Ag12(iPrS)6(CF3COO)6(TCNB)2(TCNB)0.5}·(CF3COOH)0.5×2]n·2CF3COOH·C7H8",
                    "Results, in situ SCXRD (Fig. 3)"),
        "nets": (("two interpenetrated 3D frameworks with ordered vacancies: para-TCNB and coordinated "
                 "CF3COOH at 0.5 occupancy (the stable phase after 10 min of UV, = SC-2)"), "Fig. 3"),
        "colour": ("brown", "Results, optical properties (Fig. 4a, b)"),
        "emission": ("the yellow emission fades", "Results, optical properties (Fig. 4b)"),
        "conductivity": (("1.45 × 10⁻⁶ S cm⁻¹, about fifty times SC-1 (room temperature); "
                         "5.43 × 10⁻⁶ S cm⁻¹ at 418 K"), "Fig. 5a, b, d"),
        "band gap": ("0.57 eV (Tauc, indirect)", "Fig. 4f"),
    },
    "SC-3": {
        "formula": ("[{Ag12(iPrS)6(CF3COO)6(TCNB)3}]n·2CF3COOH·2CH2Cl2", "Results, SC-1 to SC-3"),
        "nets": (("one 3D framework, no interpenetration and no vacancies: a TCNB rotates and the "
                 "framework re-forms"), "Results, SC-1 to SC-3"),
        "conductivity": ("close to that of SC-1", "Results, electrical properties"),
    },
}
"""The paper's facts used in captions, each with where the paper gives it (paper-facts)."""

STEPS = (
    ("SC-1", "SC-2-0.8", "UV light, 2 min (in situ single-crystal X-ray diffraction)", "Fig. 3; Results"),
    ("SC-2-0.8", "SC-2-0.5", "UV light, 10 min in all: the stable SC-2 phase", "Fig. 3; Results"),
    ("SC-1", "SC-3", "a week in the mother liquor, in the dark (from SC-1, not from SC-2)",
     "Results, SC-1 to SC-3 (Fig. 1)"),
)


def series_document() -> dict:
    """series.json: the order of the series, names, CCDC numbers, steps and facts with sources.

    Schema: ``{"doi", "citation", "model_caveat", "structures": [{"name", "file", "ccdc",
    "facts": [{"label", "value", "source"}]}], "steps": [{"from", "to", "condition", "source"}]}``.
    """
    return {
        "doi": DOI,
        "citation": CITATION,
        "model_caveat": MODEL_CAVEAT,
        "structures": [
            {"name": m.name, "file": f"{m.name}.cif", "ccdc": m.ccdc,
             "facts": [{"label": label, "value": value, "source": source}
                       for label, (value, source) in FACTS[m.name].items()]}
            for m in SERIES
        ],
        "steps": [{"from": a, "to": b, "condition": c, "source": s} for a, b, c, s in STEPS],
    }
