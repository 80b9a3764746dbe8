"""Published structures the engine has never been tuned on, against what the literature says of their nets
(tests/data/real/labels.json, with sources and licences in that folder's README).

Every file is read as published (IRMOF-9 and IRMOF-16 carry a citation line that is not valid CIF and
are read through the repair the notes name). The counts asserted come from labels.json.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from topology import analyze_file
from topology.net.bonds import find_bonds
from topology.reading.cif import read_cif

REAL = Path(__file__).parent / "data" / "real"
LABELS = json.loads((REAL / "labels.json").read_text())
ZN_CAT = "citable_Zn-CAT-NO2_as-synthesized_CCDC2036574.cif"


@cache
def report_of(name: str, disorder: str = "major"):
    return analyze_file(REAL / name, disorder=disorder)


def periodic(report) -> list:
    return [n for n in report.nets if n.dimensionality > 0]


def label_dimensionalities(label: dict) -> list[int]:
    """The periodic nets a label speaks of, by dimensionality: "2+1+1" is a layer and two chains; a
    3 or a 2 is nets of that kind only (how many is the fold, or unsaid); 0 is none."""
    text = str(label["dimensionality"])
    return sorted((int(d) for d in text.split("+")), reverse=True) if "+" in text else [int(text)] * (text != "0")


@pytest.mark.parametrize("name", sorted(LABELS))
def test_every_file_has_the_dimensionality_the_literature_gives(name):
    report = report_of(name)
    want = label_dimensionalities(LABELS[name])
    got = sorted((n.dimensionality for n in periodic(report)), reverse=True)
    if len(want) > 1:  # a mixed crystal: exactly these nets
        assert got == want
    else:  # nets of one dimensionality, however many
        assert set(got) == set(want)


@pytest.mark.parametrize("name", sorted(k for k, v in LABELS.items() if v["dimensionality"] == 3))
def test_frameworks_have_the_literature_nets_and_folds(name):
    label = LABELS[name]
    report = report_of(name)
    frameworks = [n for n in report.nets if n.dimensionality == 3]
    assert sum(n.fold for n in frameworks) == label["fold"]
    assert report.interpenetration_degree == label["fold"]
    assert {n.topology for n in frameworks} == {label["topology"]}
    expected = "non-interpenetrated" if label["fold"] == 1 else "3D-3D interpenetrated"
    assert report.classification == expected


def test_interpenetrated_irmof9_is_two_pcu_nets():
    report = report_of("raspa2_IRMOF-9.cif")
    assert [(n.topology, n.node_degrees) for n in report.nets if n.dimensionality == 3] == [("pcu", (6,))] * 2


def test_perpendicular_sql_layers():
    report = report_of("cod7051132_Co-bpe2-NCS2_MeOH.cif")
    layers = [n for n in report.nets if n.dimensionality == 2]
    assert [n.topology for n in layers] == [LABELS["cod7051132_Co-bpe2-NCS2_MeOH.cif"]["topology"]] * 2
    assert {n.orientation for n in layers} == {(1, 1, 0), (1, -1, 0)}  # labels: (110) and (1-10)
    assert report.classification == "2D-2D inclined polycatenation"


def test_three_in_one_crystal_has_a_layer_and_two_different_chains():
    """labels: one 2-periodic [Cd(L)2(NO3)2] layer in (110), 1D chains along [11-2] and [1-10]."""
    report = report_of("cod7114517_Cd_three-in-one.cif")
    (layer,) = [n for n in report.nets if n.dimensionality == 2]
    chains = [n for n in report.nets if n.dimensionality == 1]
    assert (layer.orientation, layer.node_degrees, layer.topology) == ((1, 1, 0), (4,), "sql")
    assert sorted(n.orientation for n in chains) == [(1, -1, 0), (1, 1, -2)]
    # two different polymers, not two copies of one: a linear chain of 2-connected Cd, and a chain of Cd2
    # pairs and Cd atoms joined by double ligand bridges and nitrate
    assert sorted(n.node_degrees for n in chains) == [(2,), (4, 3)]
    compositions = sorted(report.net.graph.nodes[v]["composition"] for n in chains for v in n.vertices)
    assert [c[:3] for c in compositions] == ["Cd", "Cd", "Cd", "Cd2"]  # Cd1 and Cd4 share a nitrate O


def test_molecular_crystal_has_no_net():
    report = report_of("mofid_COD_2100028_nonMOF.cif")
    assert all(n.dimensionality == 0 for n in report.nets)
    assert report.classification == "0D discrete"


@pytest.mark.parametrize("name", ["raspa2_IRMOF-9.cif", "raspa2_IRMOF-16.cif"])
def test_syntax_repairs_are_noted(name):
    report = report_of(name)
    assert any("line 7" in note and "_citation_author_name" in note for note in report.notes)


def test_disordered_pillared_paddlewheel_is_two_pcu_nets_either_way():
    major = report_of(ZN_CAT)
    assert [(n.topology, n.node_degrees) for n in major.nets if n.dimensionality == 3] == [("pcu", (6,))] * 2
    assert any("assembly A: part 1 (0.57) kept, part 2 (0.43) left out" in note for note in major.notes)
    every = report_of(ZN_CAT, "all")  # both pillar parts present, never bonded to each other
    assert [(n.topology, n.node_degrees) for n in every.nets if n.dimensionality == 3] == [("pcu", (6,))] * 2
    assert every.n_atoms > major.n_atoms
    paddlewheels = {every.net.graph.nodes[v]["composition"] for n in every.nets if n.dimensionality == 3
                    for v in n.vertices}
    assert paddlewheels == {"C4O8Zn2"}  # Zn...Zn 2.9 A, no Zn-Zn bond: the four O-C-O bridges make the SBU


def test_alternatives_written_as_separate_assemblies_never_bond():
    """The file puts each of four mutually exclusive NO2 positions in an assembly of its own (D to H,
    one part each), their atoms 0.7-0.9 A apart: atoms of different parts never bond, whatever the
    assemblies say, as SHELX bonds parts."""
    crystal = read_cif(REAL / ZN_CAT)
    bonds = find_bonds(crystal)
    g = crystal.disorder_group
    assert not np.any((g[bonds.i] != 0) & (g[bonds.j] != 0) & (g[bonds.i] != g[bonds.j]))
    close = {frozenset(p) for p in [("N5A", "N5B"), ("O13A", "O13B")]}  # assemblies E and F
    bonded = {frozenset((crystal.labels[i], crystal.labels[j])) for i, j in zip(bonds.i, bonds.j)}
    assert not close & bonded
    assert any("assembly D (part 7, 0.32), assembly E (part 8, 0.18)" in note for note in report_of(ZN_CAT).notes)


def test_paddlewheel_is_one_node_with_its_carboxylates():
    report = report_of("raspa2_ZnBDCdabco_DMOF-1.cif")
    g = report.net.graph
    (paddlewheel,) = [v for v in g if g.nodes[v]["kind"] == "metal-cluster"]
    assert g.nodes[paddlewheel]["composition"] == "C4O8Zn2"


def test_activated_zn_cat_is_two_pcu_nets_as_the_as_synthesized_form():
    """Its nitro groups (0.29 each) are disordered about the inversion centre without a negative part:
    an O of one comes 1.5 A from an O of the copy on the next linker. Copies that sparse are alternatives,
    so no O-O bond threads the linkers into a chain and the framework stays two pcu nets."""
    activated = report_of("citable_Zn-CAT-NO2_activated_CCDC2036575.cif")
    synthesized = report_of(ZN_CAT)
    for report in (activated, synthesized):
        assert sorted((n.topology, n.node_degrees) for n in report.nets if n.dimensionality == 3 for _ in range(n.fold)) \
            == [("pcu", (6,))] * 2
    crystal = read_cif(REAL / "citable_Zn-CAT-NO2_activated_CCDC2036575.cif")
    bonds = find_bonds(crystal)
    oxygen = crystal.elements == "O"
    assert not np.any(oxygen[bonds.i] & oxygen[bonds.j])


@pytest.mark.parametrize(("name", "node"), [("curatedcofs_18023N3_COF-DL229-8fold-dia.cif", 4),
                                            ("curatedcofs_21111N3_JUC-569-2fold-acs.cif", 6)])
def test_organic_node_of_a_cof_is_one_vertex(name, node):
    """The tetrahedral core of COF-DL229 and the triptycene of JUC-569 are one vertex each (the field's
    node), not a cluster of 3-connected atoms (dia-a, or an unnamed net)."""
    report = report_of(name)
    g = report.net.graph
    degrees = report.net.coordination()
    nodes = [v for v in g if degrees[v] >= 3]
    assert {degrees[v] for v in nodes} == {node}
    assert all(g.nodes[v]["kind"] == "organic-sbu" and len(g.nodes[v]["atoms"]) > 6 for v in nodes)
