"""Disorder as crystallographers write it: parts and assemblies, negative (SHELX) parts whose symmetry
copies are alternatives, atoms on special positions, and the major part of each assembly.

The model is a pillared Zn2 paddlewheel in P-1 (one pcu net), the kind of MOF whose pillar sits on an
inversion centre: its 4,4'-bipyridine pillar is written three ways, as refinements of such files do.
Coordinates are in Angstrom in an orthogonal cell, converted to fractions below; nothing is fitted.
"""

from __future__ import annotations

import numpy as np
import pytest

from topology import analyze
from topology.net.bonds import find_bonds
from topology.reading.cif import parse_cif

A, C = 10.9, 14.0  # cell a = b, c (Angstrom); paddlewheels at the origin, pillars along c

# the paddlewheel (centred on the inversion centre at the origin): Zn...Zn 2.9 A, no Zn-Zn bond;
# the carboxylates along +a and +b and half of each bdc ring (the other halves are their inversion images)
FRAMEWORK = [
    ("Zn1", "Zn", (0, 0, 1.45)),
    ("O1", "O", (1.95, 0, 1.1)), ("O2", "O", (1.95, 0, -1.1)), ("C1", "C", (2.5, 0, 0)),
    ("C2", "C", (4.05, 0, 0)), ("C3", "C", (4.75, 1.21, 0)), ("C4", "C", (4.75, -1.21, 0)),
    ("O3", "O", (0, 1.95, 1.1)), ("O4", "O", (0, 1.95, -1.1)), ("C5", "C", (0, 2.5, 0)),
    ("C6", "C", (0, 4.05, 0)), ("C7", "C", (1.21, 4.75, 0)), ("C8", "C", (-1.21, 4.75, 0)),
]


def pyridyl(name: str, twist: float, down: bool = False) -> list[tuple[str, str, tuple[float, float, float]]]:
    """One pyridyl ring of the pillar, N bound to the Zn above the origin (or, ``down``, to the Zn
    below the paddlewheel at z = c), its plane turned by ``twist`` degrees about c."""
    u = np.array([np.cos(np.radians(twist)), np.sin(np.radians(twist)), 0.0])
    ring = {"N": 3.5, "C2": 4.2, "C3": 5.6, "C4": 6.25}
    atoms = [("N", 0.0, ring["N"]), ("C2", 1.14, ring["C2"]), ("C6", -1.14, ring["C2"]),
             ("C3", 1.2, ring["C3"]), ("C5", -1.2, ring["C3"]), ("C4", 0.0, ring["C4"])]
    out = []
    for label, r, z in atoms:
        x, y, _ = r * u
        out.append((f"{label}{name}", label[0], (x, y, C - z if down else z)))
    return out


def cif(pillar: list[tuple[str, str, tuple[float, float, float], float, str, str]], framework=FRAMEWORK) -> str:
    """The model as a P-1 CIF; pillar rows carry occupancy, disorder assembly and group."""
    rows = [(label, el, xyz, 1.0, ".", ".") for label, el, xyz in framework] + pillar
    lines = ["data_model", f"_cell_length_a {A}", f"_cell_length_b {A}", f"_cell_length_c {C}",
             "_cell_angle_alpha 90", "_cell_angle_beta 90", "_cell_angle_gamma 90",
             "_space_group_name_H-M_alt 'P -1'", "loop_", "_space_group_symop_operation_xyz", "'x, y, z'",
             "'-x, -y, -z'", "loop_"] + [f"_atom_site_{t}" for t in (
                 "label", "type_symbol", "fract_x", "fract_y", "fract_z", "occupancy", "disorder_assembly",
                 "disorder_group")]
    for label, el, (x, y, z), occ, assembly, group in rows:
        lines.append(f"{label} {el} {x / A:.5f} {y / A:.5f} {z / C:.5f} {occ} {assembly} {group}")
    return "\n".join(lines) + "\n"


def two_parts() -> str:
    """Half a pillar in the asymmetric unit (the inversion centre at its middle makes the rest), in two
    orientations: part 1 (0.568) and part 2 (0.432) of assembly A."""
    return cif([(label, el, xyz, 0.568, "A", "1") for label, el, xyz in pyridyl("A", 0)]
               + [(label, el, xyz, 0.432, "A", "2") for label, el, xyz in pyridyl("B", 60)])


def two_disorders_without_assemblies() -> str:
    """The pillar in parts 1 (0.568) and 2 (0.432) and, elsewhere, two ring carbons of a bdc in parts 3 (0.6)
    and 4 (0.4, the ring turned 40 degrees about its axis), with no assembly written, as most SHELX CIFs."""
    turned = (4.75, 1.21 * np.cos(np.radians(40)), 1.21 * np.sin(np.radians(40)))
    ring = [("C3", "C", (4.75, 1.21, 0), 0.6, ".", "3"), ("C4", "C", (4.75, -1.21, 0), 0.6, ".", "3"),
            ("C3X", "C", turned, 0.4, ".", "4"), ("C4X", "C", tuple(-x if k else x for k, x in enumerate(turned)),
                                                       0.4, ".", "4")]
    framework = [row for row in FRAMEWORK if row[0] not in ("C3", "C4")]
    pillar = [(label, el, xyz, 0.568, ".", "1") for label, el, xyz in pyridyl("A", 0)] + [
        (label, el, xyz, 0.432, ".", "2") for label, el, xyz in pyridyl("B", 60)]
    return cif(pillar + ring, framework)


def negative_part() -> str:
    """The whole pillar in the asymmetric unit, its rings twisted +20 and -20 degrees, at half occupancy
    in PART -1: its inversion image (the same pillar with the twists swapped) is the other half of the
    disorder, 0.8 A away."""
    atoms = pyridyl("T", 20) + pyridyl("U", -20, down=True)
    return cif([(label, el, xyz, 0.5, ".", "-1") for label, el, xyz in atoms])


def pcu_summary(report) -> list[tuple[int, int, tuple[int, ...], str | None]]:
    return [(n.dimensionality, n.fold, n.node_degrees, n.topology) for n in report.nets]


@pytest.mark.parametrize("disorder", ["major", "all"])
@pytest.mark.parametrize("model", [two_parts, two_disorders_without_assemblies, negative_part])
def test_pillar_on_an_inversion_centre_leaves_one_six_connected_pcu(model, disorder) -> None:
    report = analyze(parse_cif(model(), "model.cif"), disorder=disorder)
    assert pcu_summary(report) == [(3, 1, (6,), "pcu")]
    compositions = {report.net.graph.nodes[v]["composition"] for v in report.net.graph}
    assert compositions == {"C4O8Zn2"}  # one paddlewheel with its four carboxylates, however bridged
    pillars = {d["linker"] for *_, d in report.net.edges() if d["offset"] == (0, 0, 1)}
    assert pillars == {"C10N2"}  # whole bipyridines, never two alternatives fused into one


def test_major_part_of_each_assembly_is_kept_and_said() -> None:
    crystal = parse_cif(two_parts(), "model.cif")
    report = analyze(crystal)
    assert any("assembly A: part 1 (0.57) kept, part 2 (0.43) left out" in note for note in report.notes)
    assert set(report.crystal.labels.tolist()) & {"NB", "C2B"} == set()
    every = analyze(crystal, disorder="all")
    assert {"NA", "NB"} <= set(every.crystal.labels.tolist())
    bonds = find_bonds(every.crystal)
    groups = every.crystal.disorder_group
    assert not np.any((groups[bonds.i] * groups[bonds.j] != 0) & (groups[bonds.i] != groups[bonds.j]))


def test_parts_without_assemblies_are_grouped_where_they_overlap() -> None:
    """Read as one assembly, the ring's part 3 (0.6) would be the only part kept and the pillar lost."""
    report = analyze(parse_cif(two_disorders_without_assemblies(), "model.cif"))
    (note,) = [n for n in report.notes if "disorder" in n]
    assert "part 1 (0.57) kept, part 2 (0.43) left out" in note
    assert "part 3 (0.60) kept, part 4 (0.40) left out" in note
    assert {"NA", "C3"} <= set(report.crystal.labels.tolist())


def test_negative_part_never_bonds_to_its_own_symmetry_copy() -> None:
    crystal = parse_cif(negative_part(), "model.cif")
    part = crystal.disorder_group == -1
    assert part.sum() == 24  # 12 pillar atoms, and their inversion images
    bonds = find_bonds(crystal)
    copy = crystal.symmetry_copy
    within = part[bonds.i] & part[bonds.j]
    assert within.sum() == 2 * 13  # each copy: two rings of 6 bonds and the C4-C4 bond between them
    same = (copy[bonds.i, 0] == copy[bonds.j, 0]) & (copy[bonds.i, 1:] == copy[bonds.j, 1:] + bonds.offset).all(axis=1)
    assert same[within].all()
    # read as if the part were positive, the two copies (0.8 A apart) fuse into one blob
    positive = parse_cif(negative_part().replace(" -1\n", " 1\n"), "model.cif")
    fused = find_bonds(positive)
    both = (positive.disorder_group[fused.i] == 1) & (positive.disorder_group[fused.j] == 1)
    assert both.sum() > within.sum()


def test_atom_of_a_negative_part_on_a_special_position_joins_both_copies() -> None:
    # a slightly bent C5 chain disordered about the inversion centre at (1/2, 1/2, 1/2), its middle atom on it:
    # the inverted copy lies 0.3 A from the first one, and its Q4 1.35 A from Q1
    centre = np.array([A / 2, A / 2, C / 2])
    chain = {"Q1": (-2.7, 0.0), "Q2": (-1.35, 0.25), "Q3": (0.0, 0.0), "Q4": (1.35, 0.05), "Q5": (2.7, 0.35)}
    text = cif([(label, "C", tuple(centre + (x, y, 0)), 0.5, ".", "-1") for label, (x, y) in chain.items()])
    crystal = parse_cif(text, "model.cif")
    (middle,) = np.flatnonzero(crystal.labels == "Q3")
    assert crystal.symmetry_copy[middle, 0] == -1
    bonds = find_bonds(crystal)
    assert ((bonds.i == middle) | (bonds.j == middle)).sum() == 4  # Q2 and Q4 of both copies
    copy = crystal.symmetry_copy
    chain_bonds = np.isin(crystal.labels[bonds.i], list(chain)) & np.isin(crystal.labels[bonds.j], list(chain))
    away = chain_bonds & (bonds.i != middle) & (bonds.j != middle)
    assert away.sum() == 2 * 2  # Q1-Q2 and Q4-Q5 in each copy, nothing between the copies
    assert (copy[bonds.i[away], 0] == copy[bonds.j[away], 0]).all()


def test_halves_of_a_molecule_in_a_negative_part_still_meet() -> None:
    """Half a pillar written in negative parts, the inversion centre making the other half: the two copies
    meet at the central C-C bond without overlapping, so they are one molecule, not alternatives."""
    text = two_parts().replace(" A 1\n", " A -1\n").replace(" A 2\n", " A -2\n")
    report = analyze(parse_cif(text, "model.cif"))
    assert pcu_summary(report) == [(3, 1, (6,), "pcu")]
    assert {d["linker"] for *_, d in report.net.edges() if d["offset"] == (0, 0, 1)} == {"C10N2"}


def test_disorder_option_is_one_of_two() -> None:
    with pytest.raises(ValueError, match="major"):
        analyze(parse_cif(two_parts(), "model.cif"), disorder="minor")
