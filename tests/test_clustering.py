"""Clusterings as CrystalNets.jl names them: SingleNodes (every SBU one vertex) and AllNodes (each
branch point of an organic SBU a vertex)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from topology import analyze
from topology.net.clustering import branch_points
from viewer.cli import main

REAL = Path(__file__).parent / "data" / "real"


def test_a_linker_with_several_branch_points_is_named_both_ways() -> None:
    # PCN-61, Cu3(btei) (Zhao, Yuan, Sun & Zhou, JACS 131, 9186 (2009)): the hexacarboxylate has four
    # 3-c branch points (the central ring and the three isophthalate rings); with the Cu2 paddlewheels
    # as 4-c nodes that is the (3,4)-c net ntt, as the rht-type MOFs are deconstructed in the field
    single = analyze(REAL / "raspa2_PCN-61.cif")
    every = analyze(REAL / "raspa2_PCN-61.cif", clustering="AllNodes")
    assert single.clustering == "SingleNodes" and every.clustering == "AllNodes"
    assert [n.node_degrees for n in single.nets] == [(6, 4)]  # the whole linker one 6-c vertex
    assert [(n.topology, n.node_degrees) for n in every.nets] == [("ntt", (4, 3))]
    assert single.topology_by_clustering == every.topology_by_clustering
    assert every.topology_by_clustering["AllNodes"] == ["ntt"]
    assert single.topology_by_clustering["SingleNodes"] == ["nts"]  # as NOTT-112 (tests/test_sbus.py)


def test_a_linker_with_one_branch_point_is_the_same_under_both() -> None:
    report = analyze(REAL / "raspa2_Cu-BTC_HKUST-1.cif", clustering="AllNodes")
    assert report.topology_by_clustering == {"SingleNodes": ["tbo"], "AllNodes": ["tbo"]}


def test_branch_points_of_a_hand_made_skeleton() -> None:
    # two rings (atoms 0-5 and 10-15) joined by a bond 3-10, each ring binding two clusters
    ring = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0)]
    bonds = ring + [(a + 10, b + 10) for a, b in ring] + [(3, 10)]
    contacts = {1: {(0, 0, 0, 0)}, 5: {(1, 0, 0, 0)}, 12: {(2, 0, 0, 0)}, 14: {(3, 0, 0, 0)}}
    groups, edges = branch_points(np.array(sorted({a for b in bonds for a in b})), bonds, contacts)
    assert sorted(len(g) for g in groups) == [6, 6]
    assert sorted(e for e in edges if not isinstance(e[1], tuple)) == [(0, 1)]
    assert len([e for e in edges if isinstance(e[1], tuple)]) == 4


def test_cli_prints_the_names_per_clustering_when_they_differ(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(REAL / "raspa2_PCN-61.cif"), "--clustering", "AllNodes"]) == 0
    out = capsys.readouterr().out
    assert "  AllNodes: ntt" in out and "  SingleNodes: nts" in out
    assert main(["analyze", str(REAL / "raspa2_PCN-61.cif"), "--clustering", "AllNodes", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["clustering"] == "AllNodes" and record["topology_by_clustering"]["AllNodes"] == ["ntt"]


def test_an_unknown_clustering_is_refused() -> None:
    with pytest.raises(ValueError, match="clustering must be one of SingleNodes, AllNodes"):
        analyze(REAL / "raspa2_PCN-61.cif", clustering="Standard")
