"""Secondary building units found however their bridges are written: a paddlewheel's metals need not be
bonded to each other, and a rod stays a chain of metals whether mu-O atoms or carboxylates alone bridge it."""

from __future__ import annotations

from pathlib import Path

from topology import analyze, analyze_file
from topology.reading.cif import parse_cif

PEERS = Path(__file__).parent / "data" / "crystalnets"


def test_rod_bridged_by_carboxylates_alone_is_the_same_rod() -> None:
    """MIL-53's Cr chains are bridged by mu-OH and by pairs of carboxylates; with the OH deleted the
    carboxylates alone hold each chain, which must stay a rod of 6-connected metals (bpq), not fall
    apart into metals joined only through the linkers (lvt)."""
    lines = (PEERS / "MIL-53.cif").read_text().splitlines()
    text = "\n".join(lines) + "\n"
    without_oh = "\n".join(line for line in lines if not line.startswith("O O1 ")) + "\n"
    assert len(without_oh.splitlines()) == len(lines) - 1
    nets = {}
    for name, cif in (("with OH", text), ("without OH", without_oh)):
        report = analyze(parse_cif(cif, "MIL-53.cif"))
        assert any("rods" in note for note in report.notes)
        nets[name] = [(n.dimensionality, n.node_degrees, n.topology) for n in report.nets if n.dimensionality]
    assert nets["with OH"] == nets["without OH"] == [(3, (6, 4), "bpq")]


REAL = Path(__file__).parent / "data" / "real"


def test_paddlewheels_joined_by_an_oxalate_stay_apart() -> None:
    """A hypothetical pillared paddlewheel MOF with BDC and oxalate (hMOF 22242, MOFid's test file): MOFid
    gives pcu "after correctly detecting neighboring paddlewheels (not xah topology)". The oxalate's two
    carboxylate carbons are bonded to each other: they are one linker between two paddlewheels, not two
    bridges that would weld every paddlewheel into one rod of Zn atoms."""
    report = analyze_file(REAL / "mofid_hypotheticalMOF_22242_paddlewheel-oxalate.cif")
    g = report.net.graph
    assert {g.nodes[v]["kind"] for v in g} == {"metal-cluster"}  # no rod metals, no oxalate vertex
    assert [(n.dimensionality, n.node_degrees, n.topology) for n in report.nets] == [(3, (6,), "pcu")]
    assert sorted({d["linker"] for *_, d in report.net.edges()}) == ["C2O4", "C4H4N2", "C6H4"]
    assert report.topology_by_clustering == {"SingleNodes": ["pcu"], "AllNodes": ["pcu"]}


def test_rod_mof_is_named_under_both_conventions() -> None:
    """MIL-47 (V rods): CrystalNets.jl names its isostructural MIL-53 bpq under SingleNodes and rna under
    AllNodes (its test suite); MOFid, whose deconstruction keeps the rod's points of extension, gives rna
    (its known_mof_info.json)."""
    report = analyze_file(REAL / "mofid_MIL-47-RASPA.cif")
    assert report.topology_by_clustering == {"SingleNodes": ["bpq"], "AllNodes": ["rna"]}
    assert any("rods" in note for note in report.notes)


def test_zn4o_tricarboxylate_mof_is_qom() -> None:
    """A MOF-177 analogue (Zn4O and a fluorinated BTB, a P1 model): every Zn4O cluster whole and
    6-connected, every BTB a 3-c branch point; MOFid names it qom, MOF-177's net (its known_mof_info.json)."""
    report = analyze_file(REAL / "mofid_ja512311a_si_007_Zn4O-qom.cif")
    g = report.net.graph
    clusters = [v for v in g if g.nodes[v]["kind"] == "metal-cluster"]
    assert clusters and {g.nodes[v]["composition"].count("Zn4") for v in clusters} == {1}
    assert {g.degree(v) for v in clusters} == {6}
    assert [(n.dimensionality, n.node_degrees, n.topology) for n in report.nets] == [(3, (6, 3), "qom")]


def test_mof177_file_without_the_linkers_on_its_threefold_axes_says_so() -> None:
    """CrystalNets.jl's MOF-177 (CCDC 1441201) writes each Zn4O cluster whole but leaves out the BTB
    linkers about (0, 0, z): carboxylate C41 is bonded to its two O8 atoms alone (the file's own bond
    table). Six clusters then have five connections; the report must say the file lacks those atoms
    rather than present the net as MOF-177's."""
    report = analyze_file(PEERS / "MOF-177.cif")
    g = report.net.graph
    degrees = sorted(g.degree(v) for v in g if g.nodes[v]["kind"] == "metal-cluster")
    assert degrees.count(5) == 6 and set(degrees) == {5, 6}
    assert report.nets[0].topology is None
    assert any(note.startswith("6 carboxylate group(s) of the metal clusters bind no linker") for note in report.notes)
    assert not any("bind no linker" in note for note in analyze_file(REAL / "mofid_ja512311a_si_007_Zn4O-qom.cif").notes)


def test_nott112_all_nodes_ntt_and_its_unstable_single_nodes_net_nts() -> None:
    """NOTT-112 (Cu2 paddlewheels, a hexacarboxylate with three branch points): CrystalNets.jl's test suite
    gives ntt under AllNodes and nts under SingleNodes. nts is unstable (two vertices at one barycentric
    position): it has no canonical key, and is named by its coordination sequences matching those of
    nts in CrystalNets.jl's RCSR archive, with a note that says so."""
    report = analyze_file(PEERS / "NOTT-112.cif")
    assert report.topology_by_clustering == {"SingleNodes": ["nts"], "AllNodes": ["ntt"]}
    net = report.nets[0]
    assert (net.dimensionality, net.fold, net.node_degrees) == (3, 1, (6, 4))
    assert net.topology_key.startswith("~") and net.archive == "RCSR (CrystalNets.jl)"
    assert any("named nts by its coordination sequences" in note and "two vertices share a barycentric position"
               in note for note in report.notes)


def test_two_branch_point_tetracarboxylate_named_both_ways() -> None:
    """CIZPOS (a paddlewheel MOF of a tetracarboxylate whose two rings each carry two carboxylates):
    CrystalNets.jl's test suite gives "AllNodes: fof" and "SingleNodes: nbo"."""
    report = analyze_file(PEERS / "CIZPOS.cif")
    assert report.topology_by_clustering == {"SingleNodes": ["nbo"], "AllNodes": ["fof"]}
    assert analyze_file(PEERS / "CIZPOS.cif", clustering="AllNodes").nets[0].node_degrees == (4, 3)


def test_organic_branch_points_of_juc101_ewetuw_and_wemfif() -> None:
    """Three more structures with CrystalNets.jl's per-clustering answers (its test/runtests.jl):
    JUC-101 "SingleNodes: nia", "AllNodes: jjt"; EWETUW "SingleNodes: fit"; WEMFIF dia under both."""
    assert analyze_file(PEERS / "JUC-101.cif").topology_by_clustering == {"SingleNodes": ["nia"], "AllNodes": ["jjt"]}
    assert analyze_file(PEERS / "EWETUW_clean.cif").topology_by_clustering["SingleNodes"] == ["fit"]
    assert analyze_file(PEERS / "WEMFIF_clean.cif").topology_by_clustering == {"SingleNodes": ["dia"],
                                                                                 "AllNodes": ["dia"]}


def test_mofid_known_mofs() -> None:
    """MOFs with the nets MOFid gives them (its known_mof_info.json, or its own simplified net read back):
    a ToBaCCo tetracarboxylate with two branch points, "nbo,fof" (SingleNodes, AllNodes); NU-1000 csq;
    a Co isonicotinate whose carboxylate-bridged Co pair is no paddlewheel, rtl; MIL-88 acs."""
    assert analyze_file(REAL / "mofid_nbob_tobacco_nbo-fof.cif").topology_by_clustering == {
        "SingleNodes": ["nbo"], "AllNodes": ["fof"]}
    for name, net in [("mofid_NU-1000_S1_csq.cif", "csq"), ("mofid_ABAVIJ_clean_rtl.cif", "rtl"),
                      ("mofid_01_MIL-88_acs.cif", "acs")]:
        report = analyze_file(REAL / name)
        assert report.topology_by_clustering == {"SingleNodes": [net], "AllNodes": [net]}, name
        assert report.classification == "non-interpenetrated", name
