"""Disorder that keeps the framework whole: of two parts, the one that keeps every metal's bonds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from topology import analyze
from topology.reading.cif import parse_cif
from topology.reading.disorder import assemblies, major_parts, metal_bonds

MOF177 = Path(__file__).parent / "data" / "crystalnets" / "MOF-177.cif"


def _occupancies(text: str, new: dict[str, str]) -> str:
    """The CIF with the occupancy (eighth column of the atom loop) of the named sites replaced."""
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 10 and fields[0] in new:
            fields[7] = new[fields[0]]
            line = " ".join(fields)
        out.append(line)
    return "\n".join(out) + "\n"


def test_parts_differ_in_the_bonds_they_give_the_metals() -> None:
    """MOF-177 (CCDC 1441201) writes the carboxylate O atoms of a Zn4O cluster in two parts of
    assembly A, 0.50 each, beside half-occupied Zn1 and Zn2 sites of two cluster orientations:
    part 1 (O1, O2) is bonded to more Zn atoms than part 2 (O1', O2')."""
    crystal = parse_cif(MOF177.read_text(), MOF177.name)
    part = {p: np.flatnonzero((assemblies(crystal) == "A") & (crystal.disorder_group == p)) for p in (1, 2)}
    bonds = {p: metal_bonds(crystal, atoms) for p, atoms in part.items()}
    assert (bonds[1] >= bonds[2]).all() and bonds[1].sum() > bonds[2].sum() > 0
    assert set(crystal.labels[np.flatnonzero(bonds[1] > bonds[2])]) == {"Zn1"}


def test_more_occupied_part_that_breaks_a_metals_coordination_gives_way() -> None:
    """The same file with assembly A's occupancies exchanged (part 2 at 0.60): the most occupied part
    would leave Zn1 with no carboxylate bond, so part 1 is kept, the note says why, and the net is the
    one of the file as published."""
    text = MOF177.read_text()
    swapped = _occupancies(text, {"O1": "0.4", "O2": "0.4", "O1'": "0.6", "O2'": "0.6"})
    crystal = major_parts(parse_cif(swapped, MOF177.name))
    assert "O1" in set(crystal.labels) and "O1'" not in set(crystal.labels)
    note = next(n for n in crystal.notes if n.startswith("major disorder parts"))
    assert "part 1 (0.40) kept over the more occupied part 2 (0.60), which leaves Zn1 with fewer bonds" in note
    as_published = analyze(parse_cif(text, MOF177.name))
    exchanged = analyze(parse_cif(swapped, MOF177.name))
    shape = [[(n.dimensionality, n.node_degrees, n.point_symbol) for n in r.nets] for r in (as_published, exchanged)]
    assert shape[0] == shape[1]


def test_parts_that_bond_alike_keep_the_most_occupied() -> None:
    """UiO-66 (CrystalNets.jl's copy) writes the mu3-O and mu3-OH of its Zr6 cluster as parts 3 (0.51) and
    4 (0.49), each bonded to three Zr: the more occupied one is kept as before."""
    path = MOF177.with_name("UiO-66.cif")
    crystal = major_parts(parse_cif(path.read_text(), path.name))
    assert "O2A" in set(crystal.labels) and "O2B" not in set(crystal.labels)
    assert not any("kept over" in n for n in crystal.notes)
