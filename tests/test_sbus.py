"""Secondary building units found however their bridges are written: a paddlewheel's metals need not be
bonded to each other, and a rod stays a chain of metals whether mu-O atoms or carboxylates alone bridge it."""

from __future__ import annotations

from pathlib import Path

from topology import analyze
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
