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
- Net Y: the same, shifted by (a + b + c) / 2, so its pillars thread the rings of X's layers and
  X's pillars thread Y's.
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
GUEST_CLEARANCE = 3.0
"""Least distance (A) from a guest atom to any other atom: far from bonding, as in the channels."""

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
        parts.append(Part(f"{net}.ipr{k + 1}", mol.isopropyl_thiolate(sulfur, a), pivot=sulfur, axis=a))
    return parts


def tilt_axis(vertex: np.ndarray) -> np.ndarray:
    """The axis along which an Ag has no component: tilting a ligand that way keeps it off the S caps."""
    return np.array([1.0 if abs(x) < 1e-9 else 0.0 for x in vertex])


def slot(vertex: np.ndarray, sign: int) -> np.ndarray:
    """Direction of an exo ligand on an Ag: radial (sign 0) or tilted by LIGAND_TILT (sign +1/-1)."""
    r = unit(vertex)
    if sign == 0:
        return r
    t = np.radians(LIGAND_TILT)
    return np.cos(t) * r + sign * np.sin(t) * tilt_axis(vertex)


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
"""Where net Y sits in the cell (fractional), found the same way: the position of most room."""


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
    tfa_sites = [(i, 0) for i in range(12) if i not in used] + [(la.w, 1), (lb.w, 1)]
    for k, (i, sign) in enumerate(tfa_sites):
        parts.append(_ligand(f"{net}.tfa{k + 1}", origin, i, sign, acid=False))
    for k, i in enumerate((PILLAR, opposite)):
        parts.append(_ligand(f"{net}.acid{k + 1}", origin, i, 1, acid=True))
    return parts


def _ligand(name: str, origin: np.ndarray, vertex: int, sign: int, acid: bool) -> Part:
    """A carboxylate on Ag ``vertex`` through one O, free to turn about the Ag-O bond; a tilted one
    may also lean the other way."""
    silver = origin + AG_VERTICES[vertex]

    def on(side: int) -> Part:
        d = slot(AG_VERTICES[vertex], side)
        plane = tilt_axis(AG_VERTICES[vertex]) if side == 0 else unit(AG_VERTICES[vertex])
        return Part(name, mol.carboxylate(silver + AG_O * d, d, plane, acid), pivot=silver, axis=d)

    part = on(sign)
    if sign:
        part.alternatives = (on(-sign),)
    return part


def framework() -> tuple[np.ndarray, list[Part]]:
    """The cell and every framework part of the series (nets X and Y, all ligands), relaxed."""
    cell = lattice()
    parts = node_parts("X", np.zeros(3)) + node_parts("Y", NET_Y_OFFSET @ cell)
    return cell, relax(cell, parts)


NEED = {(True, True): 2.8, (True, False): 2.2, (False, True): 2.2, (False, False): 1.8}
"""Distance (A) wanted between atoms of different parts, heavy-heavy, heavy-H and H-H."""
TURNS = np.radians(np.arange(0, 360, 15))


def _room(cell: np.ndarray, mine: list[tuple[str, np.ndarray]], others: np.ndarray, others_heavy: np.ndarray) -> float:
    """Least (distance - wanted distance) from the atoms ``mine`` to ``others``, over periodic images."""
    inv = np.linalg.inv(cell)
    xyz = np.array([x for _, x in mine])
    heavy = np.array([e != "H" for e, _ in mine])
    diff = (xyz[:, None] - others[None]) @ inv
    diff -= np.round(diff)
    d = np.linalg.norm(diff @ cell, axis=-1)
    need = np.where(heavy[:, None] & others_heavy[None], NEED[(True, True)],
                    np.where(heavy[:, None] | others_heavy[None], NEED[(True, False)], NEED[(False, False)]))
    return float((d - need).min())


def relax(cell: np.ndarray, parts: list[Part], passes: int = 4) -> list[Part]:
    """Turn every rotatable part, one at a time, to the angle that gives it the most room."""
    parts = list(parts)
    for _ in range(passes):
        for k, part in enumerate(parts):
            if part.axis is None:
                continue
            rest = [x for j, p in enumerate(parts) if j != k for x in p.atoms if not _bonded(part, x)]
            others = np.array([x for _, x in rest])
            heavy = np.array([e != "H" for e, _ in rest])
            parts[k] = max(part.options(), key=lambda p: _room(cell, p.atoms, others, heavy))
    return parts


def _bonded(part: Part, atom: tuple[str, np.ndarray]) -> bool:
    """Whether ``atom`` is what ``part`` hangs on (its Ag or S), which is no clash."""
    return part.pivot is not None and bool(np.linalg.norm(atom[1] - part.pivot) < 2.7) and atom[0] in ("Ag", "S")


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
GUEST_ORIENTATIONS = [(np.array(u, float), np.array(v, float)) for u, v in
                      (((1, 0, 0), (0, 1, 0)), ((0, 1, 0), (0, 0, 1)), ((0, 0, 1), (1, 0, 0)),
                       ((1, 1, 0), (0, 0, 1)), ((1, -1, 0), (0, 0, 1)), ((0, 1, 1), (1, 0, 0)),
                       ((0, 1, -1), (1, 0, 0)), ((1, 0, 1), (0, 1, 0)), ((1, 0, -1), (0, 1, 0)))]
GUEST_GRID = 16
"""Points per cell axis tried as guest centres."""


def _guest_room(cell: np.ndarray, guest: Atoms, host: Atoms) -> float:
    """Least gap between a guest and its host beyond bonding distance (covalent radii + 0.45 A),
    counting hydrogen atoms as needing 1.2 A: positive means the guest bonds to nothing."""
    inv = np.linalg.inv(cell)
    g_xyz, h_xyz = np.array([x for _, x in guest]), np.array([x for _, x in host])
    g_r = np.array([0.0 if e == "H" else gemmi.Element(e).covalent_r for e, _ in guest])
    h_r = np.array([0.0 if e == "H" else gemmi.Element(e).covalent_r for e, _ in host])
    d = (g_xyz[:, None] - h_xyz[None]) @ inv
    d -= np.round(d)
    dist = np.linalg.norm(d @ cell, axis=-1)
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
            for g in np.argsort(-clearance, kind="stable")[:60]:
                for u, v in GUEST_ORIENTATIONS:
                    v = unit(v - np.dot(v, unit(u)) * unit(u))
                    guest = GUEST_BUILDERS[kind](grid[g] @ cell, unit(u), v)
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


def all_sites() -> tuple[np.ndarray, list[Site]]:
    """Every atom site of the series with its label, numbered once per element in a fixed order."""
    cell, parts = framework()
    sc1_sc2 = [a for p in parts for a in p.atoms]
    sc3 = [a for p in parts if p.name in SERIES[-1].keep for a in p.atoms]
    parts = parts + place_guests(cell, sc1_sc2, GUEST_SITES) + place_guests(cell, sc3, SC3_GUEST_SITES)
    inv = np.linalg.inv(cell)
    counts: dict[str, int] = {}
    sites = []
    for part in parts:
        for element, xyz in part.atoms:
            counts[element] = counts.get(element, 0) + 1
            frac = np.round(xyz @ inv, 9)  # so that -1e-17 wraps to 0, not to 0.99999...
            sites.append(Site(f"{element}{counts[element]}", element, frac - np.floor(frac), 1.0, part.name))
    return cell, sites


def model_sites(model: Model, sites: list[Site]) -> list[Site]:
    """The sites a structure keeps, with their occupancies."""
    out = []
    for site in sites:
        if site.part.startswith("guest."):
            kind, number = site.part.split(".")[1].rsplit("-", 1)
            if int(number) <= model.guests.get(kind, 0):
                out.append(site)
        elif site.part in model.keep:
            out.append(Site(site.label, site.element, site.frac, model.keep[site.part], site.part))
    return out


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
    cell, sites = all_sites()
    written = []
    for model in SERIES:
        path = out / f"{model.name}.cif"
        path.write_text(cif_text(model, cell, model_sites(model, sites)))
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
