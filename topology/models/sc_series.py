"""Atomistic models of the SC-1 -> SC-2-0.8 -> SC-2-0.5 -> SC-3 series, built from the paper's numbers.

The deposited structures (CCDC 2384559-2384564) cannot be bundled, so Interlace ships idealised
models of them, built here deterministically (``interlace build-models``). Every number from the
paper (Ma et al., Nat. Commun. 2025, doi:10.1038/s41467-025-60720-6) is a named constant below with
its source; the standard bond lengths of the organic groups are in :mod:`topology.models.molecules`.

The design, in the paper's terms:

- Node: the [Ag12(iPrS)6]6+ cluster, a cuboctahedron of Ag (Ag...Ag = :data:`AG_AG`), each square
  face capped by a mu4 iPrS sulfur (Ag-S = :data:`AG_S`).
- Net X: Ag12 nodes joined in a layer by mu3 TCNB (1,2,4 mode: two ortho nitriles on an Ag-Ag edge
  of one cluster, the para nitrile on the next) along links A (= a) and B (= a + c), and between
  layers by para (mu2, 1,4) TCNB pillars: a pcu net, 6-connected. The links are tilted as real ones
  are (a mu3 TCNB turned about its Ag-Ag edge, a para nitrile bent at N, a pillar leaning off its
  Ag's radial direction). The node above a node is its image under the 2_1 screw along b (the layer
  normal): each net has two nodes per cell and the symmetry P 1 21 1.
- Net Y: net X inverted through the inversion centre at the origin (so also its image under the c
  glide): the two nets are related by the crystal's inversion and glide, as in the centrosymmetric
  P21/c the paper reports. Net Y's nodes sit near the centres of net X's cells, so its pillars thread
  the rings of X's layers and X's pillars thread Y's.
- SC-1: X with full pillars (3D, 6-c) and Y without pillars (2D layers, 4-c, carrying the two
  coordinated CF3COOH): 2D-3D interpenetrating. Its nets differ, so the inversion and the glide are
  not among its operations: it is written in P 1 21 1 (No. 4), both nets in the asymmetric unit.
- SC-2-0.8 / SC-2-0.5: X and Y both with pillars at occupancy 0.5 and coordinated CF3COOH at
  0.8 / 0.5: two 3D nets, 3D-3D interpenetrated; without the half-occupied pillars, 2D layers.
  Written in P 1 21/c 1 (No. 14): the asymmetric unit is one node of net X with its links, ligands
  and guests; every atom is on a general position (Z = 4 Ag12 per cell), the half-occupied pillars
  too (a pillar joins a node to its screw image, not two nodes through an inversion centre).
- SC-3: X alone with full pillars: one 3D net, non-interpenetrated; CH2Cl2 in the channels. One net
  has no image to be inverted onto: P 1 21 1, the symmetry of the net itself.

No atom can sit on an inversion centre here: a node there would make every link centrosymmetric,
and the mu3 TCNB (three of its four nitriles bound) is not.

Composition per 12 Ag or 24 Ag (the cell holds 48), occupancy-weighted, against the formulas of the
paper's Table (paper-facts):

- SC-1 {Ag12(iPrS)6(CF3COO)6(TCNB)2(CF3COOH)2}{Ag12(iPrS)6(CF3COO)6(TCNB)3} 4 CF3COOH 2 C7H8:
  N = 4 x 5 TCNB = 20 per 24 Ag; F = 3 x (12 TFA + 2 + 4 acids) = 54 per 24 Ag.
- SC-2-0.8 {Ag12(iPrS)6(CF3COO)6(TCNB)2(TCNB)0.5}(CF3COOH)0.8x2 2 CF3COOH 2 C7H8 per 12 Ag:
  N = 4 x 2.5 = 10; F = 3 x (6 + 1.6 + 2) = 28.8.
- SC-2-0.5: as SC-2 with (CF3COOH)0.5x2, 2 CF3COOH, C7H8: N = 10; F = 3 x (6 + 1 + 2) = 27.
- SC-3 {Ag12(iPrS)6(CF3COO)6(TCNB)3} 2 CF3COOH 2 CH2Cl2: N = 12, F = 3 x (6 + 2) = 24, Cl = 4.
- S = 6 per 12 Ag in all.

The cell is monoclinic (a along link A, b the 2_1 axis, c = link B - link A, beta 135 deg: the
P 1 21/c 1 setting in which the glide's translation, half of links A + B, is what relates net Y's
nodes to the centres of net X's cells). The files list the asymmetric unit and the symmetry
operations. Atom labels are numbered once over all sites of the series, so an atom keeps its label in
every structure that lists it; net Y's atoms, listed in SC-1 and made by symmetry in SC-2, are paired
by position (:mod:`viewer.transition`). The flexible groups (isopropyls, TFA and acids, pillars,
guests) are posed by :func:`topology.models.packing.relax` on the asymmetric unit, every contact with
the images of the unit measured, which ends with a restrained regularisation of every atom
(:mod:`topology.models.restraints`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from topology.models import molecules as mol
from topology.models import packing
from topology.models.molecules import Atoms, unit
from topology.models.packing import FREE, HANG, SPIN, Part, perpendicular_to, rotation

DOI = "10.1038/s41467-025-60720-6"
CITATION = ("K. Ma, X.-M. Liu, X.-Y. Dong, X.-M. Luo, H.-Y. Li, S.-Q. Zang, T. C. W. Mak, "
            "Photo-controlled vacancies and conductivity within single crystals of silver "
            "chalcogenolate cluster-based MOFs, Nat. Commun. (2025)")

AG_AG = 3.05
"""Ag...Ag edge of the cuboctahedron: within the paper's 2.924(8)-3.278(10) A (Results, Fig. 1); its
opposite Ag3 faces are then 4.98 A apart, as the paper's 4.97 A of SC-3 (Results, Supplementary Fig. 13)."""
AG_S = 2.52
"""Ag-S of the mu4 iPrS cap: within the paper's 2.374(8)-2.684(17) A (Results, Fig. 1)."""
AG_N = 2.38
"""Ag-N of a nitrile: the paper's para-mode value 2.384 A, range 2.304-2.478 A (Results, Fig. 1)."""
AG_O = 2.40
"""Ag-O of TFA: between the paper's 2.374(4) A (SC-1) and 2.450(5) A (SC-2) (Results)."""

STRUCTURE_DIR = Path(__file__).resolve().parents[2] / "assets" / "structures"

_K = AG_AG / np.sqrt(2.0)
AG_VERTICES = np.array([v for v in itertools.product((-1, 0, 1), repeat=3) if sum(map(abs, v)) == 2],
                       dtype=float) * _K
"""The 12 Ag of a cuboctahedron of edge AG_AG, centred at the origin."""
CAP_AXES = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=float)
CAP_HEIGHT = np.sqrt(AG_S**2 - _K**2)
"""Height of the mu4-S above its square face, so that all four Ag-S are AG_S."""

IPR_LEANS = (0.0, 15.0, 30.0)
"""Angles (deg) by which the S-C bond of an iPr may lean off the normal of its Ag4 face: a mu4-S
keeps its four Ag-S bonds, and the isopropyl turns where there is room."""
LIGAND_LEANS = (0.0, 20.0, 40.0, 60.0, 80.0)
"""Angles (deg) by which an Ag-O bond may lean off the radial direction of its Ag (listed poses; the
settling leans in between, up to the last)."""
AZIMUTHS = np.radians(np.arange(0, 360, 30))
"""Directions (radians, about the unleaned bond) in which a bond may lean."""
CF3_TURNS = (0.0, 60.0)
"""Turns (deg) of a CF3 about its C-C bond: staggered and eclipsed on the carboxylate (it is three-fold)."""


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


def cluster(centre: np.ndarray, net: str) -> list[Part]:
    """The Ag12S6 core and its six iPr groups (each free to turn about its S-C bond and to lean)."""
    atoms: Atoms = [("Ag", centre + v) for v in AG_VERTICES]
    atoms += [("S", centre + (_K + CAP_HEIGHT) * a) for a in CAP_AXES]
    parts = [Part(f"{net}.core", atoms)]
    for k, a in enumerate(CAP_AXES):
        sulfur = centre + (_K + CAP_HEIGHT) * a
        options = [Part(f"{net}.ipr{k + 1}", mol.isopropyl_thiolate(sulfur, d), pivot=sulfur, axis=d,
                        motion=HANG, home=a, lean=max(IPR_LEANS)) for d in leaning(a, IPR_LEANS)]
        options[0].alternatives = tuple(options[1:])
        parts.append(options[0])
    return parts


MAX_NITRILE_BEND = 30.0
"""Largest bend (deg) at the N of a nitrile bound to Ag (Ag-N-C down to 150 deg, a usual range for
silver nitrile complexes): the para nitrile of a turned mu3 TCNB bends by what brings its Ag's radial
direction onto the N."""


@dataclass(frozen=True)
class Mu3Link:
    """A mu3 TCNB on edge (a, b) of the cluster at the origin, binding vertex ``w`` of the next one."""

    a: int
    b: int
    w: int
    atoms: tuple
    vector: np.ndarray = field(compare=False)


def mu3_link(a: int, b: int, turn: float) -> Mu3Link:
    """A TCNB with its nitriles 1 and 2 on Ag ``a`` and ``b`` (AG_N each), turned by ``turn`` (deg)
    about the a-b edge, and the cluster its nitrile 4 binds: the one whose Ag sees the N along its
    radial direction, the nitrile bending at N (at most MAX_NITRILE_BEND) to meet it."""
    pa, pb = AG_VERTICES[a], AG_VERTICES[b]
    e = unit(pb - pa)
    mid = (pa + pb) / 2
    m = unit(mid - np.dot(mid, e) * e)
    half_chord = mol.NITRILE_REACH / 2  # N1...N2 of ortho nitriles is one ring radius of 3.98 A
    lift = np.sqrt(AG_N**2 - (half_chord - AG_AG / 2) ** 2)
    centre = mid + lift * m + mol.NITRILE_REACH * np.cos(np.radians(30)) * m
    u = -np.cos(np.radians(30)) * m - 0.5 * e
    v = -0.5 * m + np.cos(np.radians(30)) * e
    flat, nitrogen = mol.tcnb(centre, u, v)
    spin = rotation(e * np.radians(turn))
    atoms = [(el, pa + spin @ (x - pa)) for el, x in flat]
    n4 = atoms[nitrogen[180]][1]
    along = unit(n4 - atoms[nitrogen[180] - 1][1])  # C -> N of the para nitrile
    w = int(np.argmax(AG_VERTICES @ -along))
    off = np.arccos(np.clip(unit(-AG_VERTICES[w]) @ along, -1.0, 1.0))
    bend = min(off, np.radians(MAX_NITRILE_BEND))
    to_ag = along if off < 1e-9 else rotation(unit(np.cross(along, -AG_VERTICES[w])) * bend) @ along
    return Mu3Link(a, b, w, tuple(atoms), n4 + AG_N * to_ag - AG_VERTICES[w])


def layer_normal() -> np.ndarray:
    """Unit normal of the layer of mu3 links (the monoclinic b axis): along (link B) x (link A)."""
    return unit(np.cross(mu3_link(*LINK_B).vector, mu3_link(*LINK_A).vector))


def screw_rotation() -> np.ndarray:
    """The rotation part of the 2_1 screw: a half turn about the layer normal."""
    n = layer_normal()
    return 2 * np.outer(n, n) - np.eye(3)


def pillar_direction() -> np.ndarray:
    """Direction of the pillar: from Ag PILLAR of one node to Ag LANDING of the node above, which is
    the first turned by the screw. Halfway between the two Ag's radial directions (which would put it
    on the layer normal), tilted by PILLAR_TILT across their plane, so that the node above is not
    straight above (a net whose nodes all sat on the 2_1 axes would have half of b as a translation)."""
    bisector = unit(unit(AG_VERTICES[PILLAR]) - unit(screw_rotation() @ AG_VERTICES[LANDING]))
    side = unit(AG_VERTICES[PILLAR] - np.dot(AG_VERTICES[PILLAR], bisector) * bisector)
    turn = np.radians(PILLAR_TILT_TURN)
    axis = np.cos(turn) * side + np.sin(turn) * np.cross(bisector, side)
    return rotation(axis * np.radians(PILLAR_TILT)) @ bisector


def pillar() -> tuple[Atoms, np.ndarray]:
    """A straight para TCNB: N1 on Ag PILLAR, N4 on Ag LANDING of the next node up (the image of
    this one under the 2_1 screw), and the vector from this node's centre to that node's."""
    d = pillar_direction()
    centre = AG_VERTICES[PILLAR] + (AG_N + mol.NITRILE_REACH) * d
    atoms, _ = mol.tcnb(centre, -d, mol.perpendicular(d))
    return atoms, 2 * centre - screw_rotation() @ AG_VERTICES[LANDING] - AG_VERTICES[PILLAR]


def node() -> np.ndarray:
    """Where net X's node sits in the cell (fractional): where the 2_1 screw takes it to the node its
    pillar binds (x and z from the pillar's step), at the height NODE_Y."""
    step = pillar()[1] @ np.linalg.inv(lattice())
    return np.array([-step[0] / 2, NODE_Y, (0.5 - step[2]) / 2])


LINK_A = (0, 1, 0.0)
LINK_B = (7, 2, 5.0)
PILLAR = 5
LANDING = 6
PILLAR_TILT = 10.0
PILLAR_TILT_TURN = 30.0
"""The mu3 links of the layer (Ag of nitrile 1, Ag of nitrile 2, turn in deg about their edge) and
the pillar between layers (from Ag PILLAR up to Ag LANDING of the node above, tilted by PILLAR_TILT
deg off the layer normal, about an axis turned PILLAR_TILT_TURN deg from the plane of its two Ag's
radial directions). The links: of the arrangements that use eight different Ag for the
nitriles, one of the largest cells within 10 deg of orthogonal with the least bending. The pillar:
of the Ag pairs that no link binds, the one that joins a node to the one above it nearest the layer
normal (its Ag-N bonds lean 24 and 34 deg off their Ag's radial directions). The tilt moves the node
above 2.2 A sideways, off the 2_1 axis and off the diagonal between links A and B (the links are
nearly alike), so that the net's own embedding (nodes and link midpoints, within 0.5 A) has no more
symmetry than the crystal."""
NODE_Y = 0.125
"""Height (fractional y) of net X's node: net Y's node, its image through the inversion centre at
the origin, then sits near the centre of a cell of net X (as in the usual 2-fold interpenetrated pcu;
net X's links run along a, a + c and about b/2), and away from the heights (multiples of 1/4) at
which a translation would carry net X onto net Y."""

SYMMETRY_OPERATIONS = ("x, y, z", "-x, y+1/2, -z+1/2", "-x, -y, -z", "x, -y+1/2, z+1/2")
"""P 1 21/c 1 (No. 14): identity, 2_1 screw along b, inversion, c glide. The first two (P 1 21 1,
No. 4) keep each net; the inversion and the glide turn net X into net Y."""
NET_KEEPING = 2
"""How many of SYMMETRY_OPERATIONS (the first) keep each net: the group of a structure whose two nets
differ (SC-1) or that has one net (SC-3)."""


def lattice() -> np.ndarray:
    """Rows a, b, c (Angstrom) of the monoclinic cell: a along link A, b twice the pillar's step
    along the layer normal (the 2_1 axis), c = link B - link A (so that the c glide's translation,
    half of link A + link B, puts net Y's nodes at the centres of net X's cells)."""
    link_a, link_b = mu3_link(*LINK_A).vector, mu3_link(*LINK_B).vector
    n = layer_normal()
    return np.array([link_a, 2 * np.dot(pillar()[1], n) * n, link_b - link_a])


def operation(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The rotation and translation (fractional) of a symmetry operation written as x, y, z."""
    rows = []
    for term in text.replace(" ", "").split(","):
        values = [float(eval(term, {}, dict(zip("xyz", v)))) for v in np.vstack([np.zeros(3), np.eye(3)])]
        rows.append((np.array(values[1:]) - values[0], values[0]))
    return np.array([r for r, _ in rows]), np.array([t for _, t in rows])


def symmetry(cell: np.ndarray, count: int) -> packing.Symmetry:
    """The first ``count`` SYMMETRY_OPERATIONS in Cartesian form, with the names of the images of a
    part: under the inversion and the glide a part of net X becomes one of net Y (a guest one of the
    inverted guests, ``guesti``); a screw or glide image is primed."""
    m = cell.T
    rotations, translations = [], []
    for text in SYMMETRY_OPERATIONS[:count]:
        w, t = operation(text)
        rotations.append(m @ w @ np.linalg.inv(m))
        translations.append(m @ t)
    table = np.array([[a ^ b for b in range(count)] for a in range(count)])  # the group is Z2 x Z2

    def rename(name: str, g: int) -> str:
        head, rest = name.split(".", 1)
        if g >= 2:
            head = {"X": "Y", "Y": "X"}.get(head, head + "i")
        return f"{head}.{rest}" + ("'" if g % 2 else "")
    return packing.Symmetry(np.array(rotations), np.array(translations), table, rename)


def node_parts(net: str, origin: np.ndarray) -> list[Part]:
    """One node of net ``net`` at ``origin``, with the links it owns (+a, +b, +c) and its ligands:
    four TFA on the four Ag that no nitrile binds, and two TFA and two coordinated acids that may
    each take any Ag with a place left (at most two ligands per Ag, see :data:`packing.MAX_EXO`)."""
    parts = cluster(origin, net)
    la, lb = mu3_link(*LINK_A), mu3_link(*LINK_B)
    parts.append(Part(f"{net}.link_a", [(e, x + origin) for e, x in la.atoms]))
    parts.append(Part(f"{net}.link_b", [(e, x + origin) for e, x in lb.atoms]))
    atoms, _ = pillar()
    parts.append(Part(f"{net}.pillar", [(e, x + origin) for e, x in atoms], pivot=origin + AG_VERTICES[PILLAR],
                      axis=pillar_direction(), motion=SPIN))
    bound = {la.a, la.b, la.w, lb.a, lb.b, lb.w, PILLAR, LANDING}
    free = [i for i in range(12) if i not in bound]
    for k, i in enumerate(free):
        parts.append(_ligand(f"{net}.tfa{k + 1}", origin, [i], acid=False))
    for name in ("tfa5", "tfa6", "acid1", "acid2"):
        parts.append(_ligand(f"{net}.{name}", origin, list(range(12)), acid=name.startswith("acid")))
    return parts


def _ligand(name: str, origin: np.ndarray, vertices: list[int], acid: bool) -> Part:
    """A carboxylate bound through one O to one of the Ag ``vertices``, free to turn about the Ag-O
    bond and to lean off the radial direction of its Ag."""
    options = []
    for vertex in vertices:
        silver = origin + AG_VERTICES[vertex]
        for d in leaning(AG_VERTICES[vertex], LIGAND_LEANS):
            options += [Part(name, mol.carboxylate(silver + AG_O * d, d, perpendicular_to(d), acid, turn),
                             pivot=silver, axis=d, motion=HANG, home=AG_VERTICES[vertex], lean=max(LIGAND_LEANS))
                        for turn in CF3_TURNS]
    options[0].alternatives = tuple(options[1:])
    return options[0]


def framework() -> tuple[np.ndarray, list[Part]]:
    """The cell and the parts of net X's node in the asymmetric unit (every ligand), as built; the
    rest of the crystal is their images under SYMMETRY_OPERATIONS."""
    cell = lattice()
    return cell, node_parts("X", node() @ cell)


@dataclass(frozen=True)
class Model:
    """One structure of the series: which parts it keeps (of both nets), at which occupancy, its
    guests (per asymmetric unit of P 1 21/c 1, 12 Ag; the inverted guests ``guesti`` follow them), and
    whether its two nets are alike, so that the inversion and the glide belong to its symmetry."""

    name: str
    ccdc: str
    keep: dict[str, float]
    guests: dict[str, int]
    centric: bool

    def holds(self, name: str) -> bool:
        """Whether the part (or guest site) ``name``, or its image, is in this structure."""
        name = name.rstrip("'")
        if name.startswith("guest"):
            kind, number = name.split(".")[1].rsplit("-", 1)
            return int(number) <= self.guests.get(kind, 0)
        return name in self.keep

    def operations(self) -> tuple[str, ...]:
        """Its symmetry operations: P 1 21/c 1, or P 1 21 1 when its nets differ or it has one."""
        return SYMMETRY_OPERATIONS if self.centric else SYMMETRY_OPERATIONS[:NET_KEEPING]

    def written(self, name: str) -> bool:
        """Whether the part ``name`` is listed in the file (the asymmetric unit), not made by its operations."""
        if name.endswith("'") or not self.holds(name):
            return False
        return not self.centric or name.split(".")[0] in ("X", "guest")


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
          {"acid": 2, "toluene": 1}, centric=False),
    Model("SC-2-0.8", "2384563", {**_net_parts("X", 0.5, 0.8), **_net_parts("Y", 0.5, 0.8)},
          {"acid": 2, "toluene": 2}, centric=True),
    Model("SC-2-0.5", "2384564", {**_net_parts("X", 0.5, 0.5), **_net_parts("Y", 0.5, 0.5)},
          {"acid": 2, "toluene": 1}, centric=True),
    Model("SC-3", "2384561", _net_parts("X", 1.0, None), {"acid3": 2, "dcm": 2}, centric=False),
)
"""The four structures: occupancies of the pillars (para TCNB) and coordinated acids, and guests
per 12 Ag, from the paper's formulas (paper-facts, structures table; see the module docstring)."""

GUEST_SITES = (("acid", 2), ("toluene", 2))
"""Guest sites of SC-1 and SC-2 in the asymmetric unit, placed once against both nets so that a
guest keeps its place (and label) while it stays; SC-3's guests are placed against its own single net."""
SC3_GUEST_SITES = (("acid3", 2), ("dcm", 2))
GUEST_BUILDERS = {"acid": mol.free_acid, "acid3": mol.free_acid, "toluene": mol.toluene,
                  "dcm": mol.dichloromethane}


def guests(sites: tuple[tuple[str, int], ...]) -> list[tuple[Part, packing.Builder]]:
    """The guest molecules of ``sites``, each with the function that builds it (placed by the relaxation)."""
    ex, ey = np.eye(3)[:2]
    return [(Part(f"guest.{kind}-{k + 1}", GUEST_BUILDERS[kind](np.zeros(3), ex, ey), motion=FREE),
             GUEST_BUILDERS[kind]) for kind, count in sites for k in range(count)]


@dataclass(frozen=True)
class Site:
    label: str
    element: str
    frac: np.ndarray
    occupancy: float
    part: str


def shared_weight(names: list[str], models: tuple[Model, ...]) -> np.ndarray:
    """For every two parts, how many of ``models`` hold both: a contact that appears in three
    structures weighs three times one that appears in one."""
    held = np.array([[m.holds(n) for m in models] for n in names], dtype=float)
    return held @ held.T


def arrange(cell: np.ndarray, parts: list[Part]) -> dict[str, list[Part]]:
    """The parts of every structure (the asymmetric unit's and their images), relaxed with their guests.

    SC-1 and SC-2 share one arrangement in P 1 21/c 1, relaxed with all their parts and guests, so
    that an atom keeps its place (and label) while it stays (each contact weighed by the structures
    that hold it; SC-1, whose nets differ, keeps a subset of it with the symmetry P 1 21 1); SC-3,
    whose framework re-forms, is relaxed on its own with its guests in P 1 21 1."""
    four, two = symmetry(cell, len(SYMMETRY_OPERATIONS)), symmetry(cell, NET_KEEPING)
    shared_parts = [p for p in parts if any(m.holds(p.name) for m in SERIES[:-1])]
    visitors = guests(GUEST_SITES)
    unit_names = [p.name for p in shared_parts] + [g.name for g, _ in visitors]
    names = [four.rename(n, g) for g in range(len(four)) for n in unit_names]
    shared = packing.relax(cell, shared_parts, visitors, shared_weight(names, SERIES[:-1]), symmetry=four)
    alone = packing.relax(cell, [p for p in parts if SERIES[-1].holds(p.name)], guests(SC3_GUEST_SITES), symmetry=two)
    return {m.name: alone if m is SERIES[-1] else shared for m in SERIES}


def labels(names: list[tuple[str, list[str]]]) -> dict[tuple[str, int], str]:
    """The label of every atom of the series, by (part name, index in the part), from the parts'
    names and elements in a fixed order: numbered once per element."""
    counts: dict[str, int] = {}
    out = {}
    for name, elements in names:
        for index, element in enumerate(elements):
            counts[element] = counts.get(element, 0) + 1
            out[(name, index)] = f"{element}{counts[element]}"
    return out


def all_sites() -> tuple[np.ndarray, dict[str, list[Site]]]:
    """The cell and the atom sites of every structure of the series (its asymmetric unit), labelled
    once for the series: net X's parts and the guests, then net Y's parts and the inverted guests
    (listed in SC-1 only), then SC-3's guests."""
    cell, parts = framework()
    inv = np.linalg.inv(cell)
    arranged = arrange(cell, parts)
    listed = {p.name: [e for e, _ in p.atoms] for p in arranged[SERIES[0].name] + arranged[SERIES[-1].name]
              if any(m.written(p.name) for m in SERIES)}
    names = labels(list(listed.items()))
    order = {label: k for k, label in enumerate(names.values())}
    structures = {}
    for model in SERIES:
        sites = []
        for part in arranged[model.name]:
            if not model.written(part.name):
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
             "_space_group_crystal_system monoclinic",
             f"_space_group_name_H-M_alt '{'P 1 21/c 1' if model.centric else 'P 1 21 1'}'",
             f"_space_group_IT_number {14 if model.centric else 4}",
             "loop_", "_space_group_symop_operation_xyz", *[f"'{op}'" for op in model.operations()],
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
