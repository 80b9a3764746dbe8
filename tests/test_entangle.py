"""Entanglement proven from geometry: linked rings, threaded rings, the field's classes."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from topology import analyze_file
from topology.entanglement.entangle import Fans, fan_linking_numbers, linking_number, pair_linking_numbers, pierces
from topology.pipeline import analyze_bytes

DATA = Path(__file__).parent / "data"
MODELS = Path(__file__).parent.parent / "assets" / "structures"


def pairs(report) -> dict:
    return {tuple(e.between): e for e in report.entanglement}


def test_linking_number_of_hand_made_rings():
    square = np.array([[0, 0, 0], [2, 0, 0], [2, 2, 0], [0, 2, 0]], float)
    through = np.array([[1, 1, -1], [1, 1, 1], [3, 1, 1], [3, 1, -1]], float)  # passes once through the square
    assert linking_number(square, through) == 1
    assert linking_number(square, through[::-1]) == -1  # the other orientation
    assert linking_number(square, through + [5, 0, 0]) == 0  # beside it
    twice = np.array([[1, 1, -1], [1, 1, 1], [3, 1, 1], [3, 3, -1], [1.5, 1.5, -1], [1.5, 1.5, 1], [4, 4, 1], [4, 4, -1]],
                     float)  # winds through the square twice
    assert linking_number(square, twice) == 2
    assert pierces(square, np.array([[1.0, 1.0, -1.0]]), np.array([[1.0, 1.0, 1.0]])).tolist() == [True]
    assert pierces(square, np.array([[3.0, 1.0, -1.0]]), np.array([[3.0, 1.0, 1.0]])).tolist() == [False]


def test_fan_crossings_count_the_linking_number():
    rng = np.random.default_rng(7)
    angle = np.linspace(0, 2 * np.pi, 7, endpoint=False)
    ring = np.stack([3 * np.cos(angle), 3 * np.sin(angle), rng.normal(0, 0.8, 7)], axis=1)  # a puckered ring
    loop = np.stack([3 * np.cos(angle), np.zeros(7), 3 * np.sin(angle)], axis=1)
    others = loop[None] + rng.normal(0, 0.7, (3000, 7, 3)) + rng.uniform(-4, 4, (3000, 1, 3))
    count, unsure = fan_linking_numbers(Fans(ring[None], ring.mean(axis=0)[None]), np.zeros(3000, dtype=int), others)
    gauss = pair_linking_numbers(np.broadcast_to(ring, (3000, 7, 3)), others)
    assert (count[~unsure] == gauss[~unsure]).all()
    assert (gauss != 0).sum() > 500 and unsure.sum() < 30  # many linked loops, few too close to call


def test_sc1_layer_is_entangled_with_the_framework():
    report = analyze_file(MODELS / "SC-1.cif")
    link = pairs(report)[(0, 1)]
    assert link.kind == "polycatenation" and link.hopf_links > 0
    assert pairs(report)[(1, 1)].kind == "none"  # the stacked layers are not linked to each other
    assert report.classification == "2D-3D interpenetrating" and report.interpenetration_class is None


@pytest.mark.parametrize("model", ["SC-2-0.8", "SC-2-0.5"])
def test_sc2_frameworks_are_linked(model):
    report = analyze_file(MODELS / f"{model}.cif")
    assert pairs(report)[(0, 1)].kind == "interpenetration" and pairs(report)[(0, 1)].hopf_links > 0
    assert report.interpenetration_class["Z"] == 2


def test_sc3_has_nothing_to_entangle():
    report = analyze_file(MODELS / "SC-3.cif")
    assert report.entanglement == [] and report.classification == "non-interpenetrated"


def test_jxust1_copies_are_translation_related():
    report = analyze_file(DATA / "crystalnets" / "JXUST-1.cif")
    assert pairs(report)[(0, 0)].hopf_links > 0
    assert report.interpenetration_class == {"class": "Ia", "Z": 2, "Zt": 2, "Zn": 1}


def test_mof14_two_pto_nets():
    # The two pto nets of MOF-14 (Im-3) are mapped onto each other only by the operations of the
    # body-centring coset, the centring translation x+1/2,y+1/2,z+1/2 among them: by the definition of
    # Blatov et al. they are translation-related (Zt = 2), so Zn = 1 and the class is Ia.
    report = analyze_file(DATA / "crystalnets" / "MOF-14.cif")
    assert [n.topology for n in report.nets if n.dimensionality == 3] == ["pto", "pto"]
    assert pairs(report)[(0, 1)].hopf_links > 0
    assert report.interpenetration_class == {"class": "Ia", "Z": 2, "Zt": 2, "Zn": 1}


def test_webzek_bcu_and_dia_are_entangled():
    report = analyze_file(DATA / "crystalnets" / "WEBZEK.cif")
    assert pairs(report)[(0, 1)].kind == "interpenetration" and pairs(report)[(0, 1)].hopf_links > 0
    assert report.interpenetration_class == {"class": None, "Z": 2, "Zt": 1, "Zn": 1}  # no operation relates them


def test_afixew_stacked_layers_are_not_entangled():
    report = analyze_file(DATA / "crystalnets" / "AFIXEW_ASR.cif")
    assert all(e.kind == "none" for e in report.entanglement)
    assert report.classification == "2D layers"


def test_perpendicular_sql_layers_are_inclined_polycatenation():
    report = analyze_file(DATA / "real" / "cod7051132_Co-bpe2-NCS2_MeOH.cif")
    assert pairs(report)[(0, 1)].kind == "polycatenation" and pairs(report)[(0, 1)].hopf_links > 0
    assert report.classification == "2D-2D inclined polycatenation"


@pytest.mark.parametrize(("name", "z"), [("raspa2_IRMOF-9.cif", 2), ("raspa2_COF-300_PXRD-model.cif", 5)])
def test_real_interpenetrated_frameworks(name, z):
    report = analyze_file(DATA / "real" / name)
    assert report.interpenetration_class["Z"] == z
    assert any(e.kind == "interpenetration" and e.hopf_links > 0 for e in report.entanglement)
    assert report.classification == "3D-3D interpenetrated"


def crystal_cgd(nodes: list, edges: list) -> bytes:
    """A P1 CRYSTAL block in a unit cube from node positions and edges (pairs of points)."""
    lines = ["CRYSTAL", "GROUP P1", "CELL 10 10 10 90 90 90"]
    lines += [f"NODE {k + 1} 4 {x:.6f} {y:.6f} {z:.6f}" for k, (x, y, z) in enumerate(nodes)]
    lines += [f"EDGE {a[0]:.6f} {a[1]:.6f} {a[2]:.6f} {b[0]:.6f} {b[1]:.6f} {b[2]:.6f}" for a, b in edges]
    return ("\n".join(lines + ["END"]) + "\n").encode()


def diamond(shift) -> tuple[list, list]:
    fcc = [np.array(p) for p in ((0, 0, 0), (0, 0.5, 0.5), (0.5, 0, 0.5), (0.5, 0.5, 0))]
    a = [(p + shift) % 1 for p in fcc]
    b = [(p + 0.25 + shift) % 1 for p in fcc]
    edges = []
    for p in a:
        for q in b:
            for t in itertools.product((-1, 0, 1), repeat=3):
                if abs(np.linalg.norm(q + t - p) - np.sqrt(3) / 4) < 1e-6:
                    edges.append((p, q + t))
    return a + b, edges


def test_two_fold_diamond_is_interpenetrated_and_linked():
    n1, e1 = diamond(np.zeros(3))
    n2, e2 = diamond(np.full(3, 0.5))
    report = analyze_bytes("dia-2fold.cgd", crystal_cgd(n1 + n2, e1 + e2))
    # in the cube the two copies are two components, related by the translation (1/2, 1/2, 1/2)
    assert [(n.topology, n.fold) for n in report.nets] == [("dia", 1), ("dia", 1)]
    assert report.classification == "3D-3D interpenetrated"
    assert report.interpenetration_class == {"class": "Ia", "Z": 2, "Zt": 2, "Zn": 1}
    one, _ = analyze_bytes("dia.cgd", crystal_cgd(*diamond(np.zeros(3)))), None
    assert one.classification == "non-interpenetrated"


def test_hopf_links_per_primitive_cell_do_not_depend_on_the_cell():
    conventional = analyze_file(DATA / "ideal" / "pcu-2fold-conventional.cgd")
    primitive = analyze_file(DATA / "ideal" / "pcu-2fold-primitive.cgd")
    assert [e.hopf_links for e in conventional.entanglement] == [e.hopf_links for e in primitive.entanglement]
    assert conventional.interpenetration_class == primitive.interpenetration_class


def pcu_with(chain_nodes: list, chain_edges: list) -> bytes:
    nodes = [np.zeros(3)] + chain_nodes
    edges = [(np.zeros(3), np.eye(3)[k]) for k in range(3)] + chain_edges
    return crystal_cgd(nodes, edges)


def test_chain_through_pcu_rings_is_threading():
    report = analyze_bytes("chain.cgd", pcu_with([np.array([0.5, 0.5, 0.5])],
                                                 [(np.array([0.5, 0.5, 0.5]), np.array([0.5, 0.5, 1.5]))]))
    (pair,) = [e for e in report.entanglement if e.between == (0, 1)]
    assert pair.kind == "polythreading" and pair.threaded_rings >= 1 and pair.hopf_links == 0
    assert report.classification == "1D-3D interpenetrating"


def test_chain_between_stacked_layers_is_not_entangled():
    # sql layers at z = 0 and a chain along x at z = 1/2, between two layers
    nodes = [np.zeros(3), np.array([0.0, 0.5, 0.5])]
    edges = [(np.zeros(3), np.array([1.0, 0, 0])), (np.zeros(3), np.array([0, 1.0, 0])),
             (nodes[1], nodes[1] + [1.0, 0, 0])]
    report = analyze_bytes("layers.cgd", crystal_cgd(nodes, edges))
    assert sorted(n.dimensionality for n in report.nets) == [1, 2]
    assert all(e.kind == "none" for e in report.entanglement)
    assert report.classification == "2D layers and 1D chains"


def test_hopf_links_per_primitive_cell_survive_a_supercell():
    # the body-centred 2-fold pcu written in P1 as a 2x1x1 supercell of its cubic cell: four vertices
    nodes = [np.array(p) for p in ((0, 0, 0), (0.5, 0, 0), (0.25, 0.5, 0.5), (0.75, 0.5, 0.5))]
    edges = []
    for p in nodes:
        edges += [(p, p + [0.5, 0, 0]), (p, p + [0, 1.0, 0]), (p, p + [0, 0, 1.0])]
    big = analyze_bytes("pcu-2fold-2x1x1.cgd", crystal_cgd(nodes, edges).replace(b"CELL 10 10 10", b"CELL 20 10 10"))
    conventional = analyze_file(DATA / "ideal" / "pcu-2fold-conventional.cgd")
    assert [e.hopf_links for e in big.entanglement if e.kind != "none"] == \
        [e.hopf_links for e in conventional.entanglement if e.kind != "none"]
    assert big.interpenetration_class == conventional.interpenetration_class


def sql_stacks(catenated: bool) -> bytes:
    """Layer A: flat sql at z = 0 (cell 2 x 1 x 1 in units of its edge). Layer B: sql too, either flat at
    z = 1/2 or corrugated so that its rings dip through A's rings (parallel polycatenation)."""
    a = [np.array([0.0, 0, 0]), np.array([0.5, 0, 0])]
    dip = 0.5 if catenated else 0.0
    b = [np.array([0.125, 0.5, 0.5]), np.array([0.625, 0.5, 0.5 - 2 * dip])]
    edges = [(a[0], a[1]), (a[1], a[0] + [1, 0, 0]), (a[0], a[0] + [0, 1, 0]), (a[1], a[1] + [0, 1, 0]),
             (b[0], b[1]), (b[1], b[0] + [1, 0, 0]), (b[0], b[0] + [0, 1, 0]), (b[1], b[1] + [0, 1, 0])]
    nodes = a + [b[0], b[1] % 1.0]
    edges = [(p, q) for p, q in edges]
    text = crystal_cgd(nodes, edges).replace(b"CELL 10 10 10", b"CELL 20 10 10")
    return text


@pytest.mark.parametrize(("catenated", "classification"), [(False, "2D layers"),
                                                           (True, "2D-2D parallel polycatenation")])
def test_parallel_sql_stacks_with_and_without_catenation(catenated, classification):
    report = analyze_bytes("stacks.cgd", sql_stacks(catenated))
    assert [(n.dimensionality, n.topology) for n in report.nets] == [(2, "sql"), (2, "sql")]
    assert report.classification == classification


def p1_export(path: Path, repeat: tuple[int, int, int] = (1, 1, 1)) -> bytes:
    """The crystal of ``path`` written as a P1 CIF of its expanded cell (or a supercell of it), as
    RASPA or a modelling program exports one: every atom, no symmetry."""
    from topology.reading.cif import read_cif

    crystal = read_cif(path)
    a, b, c, al, be, ga = crystal.cell.parameters
    na, nb, nc = repeat
    rows = []
    for shift in itertools.product(range(na), range(nb), range(nc)):
        frac = (crystal.frac + shift) / repeat
        rows += [f"{lab}_{len(rows)} {el} {x:.6f} {y:.6f} {z:.6f} {occ:.3f}"
                 for lab, el, (x, y, z), occ in zip(crystal.labels, crystal.elements, frac, crystal.occupancy)]
    return (f"data_p1\n_cell_length_a {a * na}\n_cell_length_b {b * nb}\n_cell_length_c {c * nc}\n"
            f"_cell_angle_alpha {al}\n_cell_angle_beta {be}\n_cell_angle_gamma {ga}\n"
            "_symmetry_space_group_name_H-M 'P 1'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
            "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
            + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("name, repeat", [("JXUST-1.cif", (1, 1, 1)), ("JXUST-1.cif", (1, 2, 1)),
                                          ("MOF-14.cif", (1, 1, 1))])
def test_p1_export_and_supercell_get_the_class_of_the_symmetric_file(name: str, repeat) -> None:
    symmetric = analyze_file(DATA / "crystalnets" / name)
    exported = analyze_bytes(f"{name}-P1.cif", p1_export(DATA / "crystalnets" / name, repeat))
    assert symmetric.interpenetration_class["class"] == "Ia"
    assert exported.interpenetration_class["class"] == symmetric.interpenetration_class["class"]
    assert exported.interpenetration_class["Z"] == symmetric.interpenetration_class["Z"]
    assert any(note.startswith("symmetry found, not read") for note in exported.notes)


def test_irmof9_in_p1_gets_the_class_of_its_found_symmetry() -> None:
    # RASPA's IRMOF-9 is an ordered P1 model (one twist of each biphenyl): its atoms have no symmetry,
    # its net has that of the crystal's Pnnm cell (Eddaoudi et al., Science 295, 469 (2002))
    report = analyze_file(DATA / "real" / "raspa2_IRMOF-9.cif")
    c = report.interpenetration_class
    assert c["Z"] == 2 and c["Z"] == c["Zt"] * c["Zn"] and c["class"].endswith("a")
    assert any("Pnnm" in note for note in report.notes)


def test_a_class_never_contradicts_its_numbers() -> None:
    for path in [DATA / "crystalnets" / "WEBZEK.cif", DATA / "real" / "raspa2_COF-300_PXRD-model.cif"]:
        c = analyze_file(path).interpenetration_class
        if c["class"] is None:
            assert c["Zt"] == c["Zn"] == 1
            continue
        numeral, letter = c["class"][:-1], c["class"][-1]
        assert numeral == ("I" if c["Zn"] == 1 else "II" if c["Zt"] == 1 else "III")
        assert (letter == "a") == (c["Z"] == c["Zt"] * c["Zn"])


@pytest.mark.parametrize("copies", [20, 40])
def test_many_copies_shifted_along_a_diagonal_are_all_interpenetrated(copies: int) -> None:
    """Copies of pcu 1/k apart along [111] in a cell of 1: the structure's translations carry each copy
    onto the next, so no pair's links are divided among them, and no tolerance sees two copies as one."""
    lines = ["CRYSTAL", "  GROUP P1", "  CELL 1 1 1 90 90 90"]
    for i in range(copies):
        f = i / copies
        lines.append(f"  NODE {i + 1} 6 {f:.6f} {f:.6f} {f:.6f}")
        lines += [f"  EDGE {f:.6f} {f:.6f} {f:.6f} {f + a:.6f} {f + b:.6f} {f + c:.6f}"
                  for a, b, c in ((1, 0, 0), (0, 1, 0), (0, 0, 1))]
    report = analyze_bytes(f"pcu-{copies}.cgd", ("\n".join(lines + ["END"]) + "\n").encode())
    assert report.classification == "3D-3D interpenetrated"
    assert report.interpenetration_class == {"class": "Ia", "Z": copies, "Zt": copies, "Zn": 1}
    assert all(e.kind == "interpenetration" and e.hopf_links > 0 for e in report.entanglement)


def test_nearly_repeating_positions_give_translations_of_finite_order():
    """BEXVAD (a P1 file of a C-centred cobalt MOF, from CrystalNets.jl's tests): its vertices repeat
    under (1/2, 1/2, 0) only to within a few hundredths of an Angstrom, and the measured shift, never
    coming back to the origin, once filled the cell with 800,000 "translations" (the analysis ran past
    its time limit). The shift is taken as the nearest fraction of small order: two lattice points."""
    from topology.verdict import CellLattice

    report = analyze_file(DATA / "crystalnets" / "BEXVAD.cif")
    assert [n.topology for n in report.nets] == ["dia", "dia"]
    assert report.classification == "3D-3D interpenetrated"
    translations = CellLattice(report.net).translations
    assert len(translations) == 2
    assert np.allclose(translations[1] % 1.0, [0.5, 0.5, 0.0])


def _ring_keys(geometry) -> set:
    """Each ring as its (vertex, shift) images, moved so that its least image sits at the origin cell:
    one key for a ring and all its lattice translates."""
    keys = set()
    for ring in geometry.rings:
        images = sorted(zip(ring.vertices, ring.shifts))
        origin = np.array(images[0][1])
        keys.add(tuple((v, tuple(int(x) for x in np.array(s) - origin)) for v, s in images))
    return keys


def test_rings_carried_by_a_translation_are_those_found_on_the_net_it_makes() -> None:
    """MOF-14's two pto nets are one another's images by the body-centring translation: the second
    net's rings and edges are the first's carried over, and they are what a search on it finds."""
    from topology.entanglement.entangle import translation_moves
    from topology.entanglement.rings import net_geometry
    from topology.verdict import CellLattice

    report = analyze_file(DATA / "crystalnets" / "MOF-14.cif")
    net = report.net
    lifted = net.lifted()
    first, second = (lifted.component(int(lifted.labels[n.vertices[0]])) for n in report.nets)
    centring = next(t for t in CellLattice(net).translations[1:] if np.allclose(t, 0.5))
    (move,) = translation_moves(net.frac(), [centring])
    assert sorted(move.target[first.nodes].tolist()) == second.nodes.tolist()
    carried = net_geometry(*net.directed_arrays(), first).moved(move)
    found = net_geometry(*net.directed_arrays(), second)
    assert len(found.rings) == len(carried.rings) > 0 and _ring_keys(carried) == _ring_keys(found)
    assert {(u, v, s) for u, v, s in carried.edges} | {(v, u, tuple(-x for x in s)) for u, v, s in carried.edges} == \
        {(u, v, s) for u, v, s in found.edges} | {(v, u, tuple(-x for x in s)) for u, v, s in found.edges}


def test_rings_searched_from_one_vertex_of_each_orbit_are_those_searched_from_every_vertex() -> None:
    """WEBZEK's bcu net is mapped onto itself by the body-centring translation: searched from half of
    its vertices and carried to the others, its rings are those a search from every vertex finds."""
    from topology.entanglement.entangle import translation_moves
    from topology.entanglement.rings import net_geometry
    from topology.verdict import CellLattice

    report = analyze_file(DATA / "crystalnets" / "WEBZEK.cif")
    net = report.net
    lifted = net.lifted()
    bcu = next(n for n in report.nets if n.topology == "bcu")
    component = lifted.component(int(lifted.labels[bcu.vertices[0]]))
    centring = next(t for t in CellLattice(net).translations[1:] if np.allclose(t, 0.5))
    (move,) = translation_moves(net.frac(), [centring])
    assert sorted(move.target[list(bcu.vertices)].tolist()) == list(bcu.vertices)
    every = net_geometry(*net.directed_arrays(), component)
    halved = net_geometry(*net.directed_arrays(), component, (move,))
    assert len(every.rings) == len(halved.rings) > 0 and _ring_keys(every) == _ring_keys(halved)
    assert [tuple(zip(r.vertices, r.shifts)) for r in every.rings] == [tuple(zip(r.vertices, r.shifts)) for r in halved.rings]


@pytest.mark.parametrize("generators", [("a",), ("a", "b"), ("a", "b", "ab")])
def test_rings_carried_by_generators_of_the_translations_are_the_rings(generators) -> None:
    """pcu in a 2x2x1 supercell, its translations by half the a and b axes given as generators that are
    a group or not (a and b without their sum): the rings carried over are those found at every vertex."""
    from topology.entanglement.rings import smallest_rings
    from topology.naming.graph import PeriodicGraph

    def vertex(i: int, j: int) -> int:
        return 2 * (i % 2) + j % 2

    edges = []
    for i, j in itertools.product(range(2), range(2)):
        edges.append((vertex(i, j), vertex(i + 1, j), (i, 0, 0)))  # crossing the cell from i = 1
        edges.append((vertex(i, j), vertex(i, j + 1), (0, j, 0)))
        edges.append((vertex(i, j), vertex(i, j), (0, 0, 1)))
    adj = PeriodicGraph.from_edges(3, edges).adjacency()

    def shift(di: int, dj: int) -> tuple:
        cells = [(i, j) for i in range(2) for j in range(2)]
        return [vertex(i + di, j + dj) for i, j in cells], [((i + di) // 2, (j + dj) // 2, 0) for i, j in cells]

    moves = tuple(shift(*{"a": (1, 0), "b": (0, 1), "ab": (1, 1)}[g]) for g in generators)
    every = smallest_rings(adj)
    carried = smallest_rings(adj, moves=moves)
    assert len(every) == 12 and [(r.vertices, r.shifts) for r in carried] == [(r.vertices, r.shifts) for r in every]


def test_a_translation_that_simplification_does_not_keep_is_not_used() -> None:
    """A chain of two 2-connected vertices that a half translation swaps (a fuzzed file gave one):
    simplification keeps one of them, so the translation cannot carry the simplified net's rings; it is
    left out, and the net's geometry is what it is without it. A move that is not one to one, or that
    takes an edge where there is none, is no automorphism."""
    from topology.entanglement.entangle import Move, automorphisms
    from topology.entanglement.rings import net_geometry
    from topology.net.periodic import periodic_components

    src, dst = np.array([0, 1, 1, 0]), np.array([1, 0, 0, 1])
    off = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0], [-1, 0, 0]])
    (component,) = periodic_components(2, src, dst, off)
    swap = Move(np.array([1, 0]), np.array([[0, 0, 0], [1, 0, 0]]))
    assert automorphisms([swap], src, dst, off) == [swap]
    assert net_geometry(src, dst, off, component, (swap,)) == net_geometry(src, dst, off, component)
    assert automorphisms([Move(np.array([0, 0]), np.zeros((2, 3), dtype=int))], src, dst, off) == []
    assert automorphisms([Move(np.array([1, 0]), np.zeros((2, 3), dtype=int))], src, dst, off) == []
