"""The engine's cost is bounded by design: supercells cost what their cell costs, and nets that would
take unbounded time or memory (very high degree, hundreds of vertex kinds, many copies) are analysed
or refused in one line under a memory cap, their limits said in notes, never a MemoryError."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from random_nets import parallel_lines, periodic_graph, random_net

from topology.naming.canonical import canonical_form
from topology.naming.frames import MAX_FRAMES
from topology.naming.graph import PeriodicGraph
from topology.naming.identify import identify
from topology.pipeline import analyze_bytes
from topology.stages import STAGES

ROOT = Path(__file__).parent.parent
MEMORY_CAP = 2 * 1024**3


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def interlace_capped(path: Path) -> subprocess.CompletedProcess:
    """The CLI on one file under a 2 GB address-space cap (a MemoryError would show as a traceback)."""
    return subprocess.run([sys.executable, "-m", "viewer.cli", "analyze", "--json", str(path)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, preexec_fn=_capped, check=False)


@pytest.mark.parametrize(("vertices", "hub"), [(100, 0), (400, 0), (1000, 0), (500, 400)])
def test_random_nets_are_analysed_or_refused_in_one_line_under_the_memory_cap(tmp_path: Path, vertices: int,
                                                                               hub: int) -> None:
    path = tmp_path / f"random-{vertices}.cgd"
    path.write_text(random_net(vertices, seed=vertices + hub, hub_degree=hub))
    result = interlace_capped(path)
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-500:]
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1
        return
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    net = report["nets"][0]
    assert net["dimensionality"] == 3 and net["n_vertices"] == vertices
    # what the bounds left out is said, not silently dropped
    if net["point_symbol"] is None:
        assert any("point symbol not computed" in note for note in report["notes"])
    if not net["td10"]:
        assert any("shells only" in note for note in report["notes"])


def test_a_vertex_of_very_high_degree_is_not_named_with_a_note_instead_of_exhausting_memory() -> None:
    # two vertices joined by 342 edges: 2 x 342 x 341 x 340 frames if made
    offsets = [(a, b, c) for a in range(-4, 4) for b in range(-4, 4) for c in range(-4, 4)][:342]
    graph = PeriodicGraph.from_edges(3, [(0, 1, off) for off in offsets])
    form = canonical_form(graph)
    assert not form.stable and form.key.startswith("~")
    assert f"{79_302_960:,} frames" in form.reason and 79_302_960 > MAX_FRAMES
    ident = identify(graph)
    assert ident.topology is None and any(note.startswith("not named:") for note in ident.notes)


def test_a_supercell_costs_its_cell_and_keeps_its_name() -> None:
    """The 6x6x6 P1 supercell of diamond (1,728 vertices) is reduced to the 2-vertex cell of dia; the
    translations are found in bounded batches (before, every candidate at once: 1 GB here)."""
    edges = []
    n = 6
    index = {}
    for i in range(n):
        for j in range(n):
            for k in range(n):
                for s in range(2):
                    index[(i, j, k, s)] = len(index)
    for (i, j, k, s), v in index.items():
        if s == 0:
            for di, dj, dk in ((0, 0, 0), (-1, 0, 0), (0, -1, 0), (0, 0, -1)):
                a, b, c = i + di, j + dj, k + dk
                shift = (a // n, b // n, c // n)
                edges.append((v, index[(a % n, b % n, c % n, 1)], shift))
    big = PeriodicGraph.from_edges(3, edges)
    form = canonical_form(big)
    assert form.stable and form.graph.n == 2
    assert identify(big).topology == "dia"


def test_many_parallel_chains_are_paired_in_bounded_time() -> None:
    report = analyze_bytes("lines.cgd", parallel_lines(12).encode())
    assert [n.dimensionality for n in report.nets] == [1] * 12
    assert report.classification == "1D chains"


def test_timings_name_every_stage_that_ran(tmp_path: Path) -> None:
    path = tmp_path / "sql.cgd"
    path.write_text(periodic_graph("sql", [(1, 1, (1, 0, 0)), (1, 1, (0, 1, 0)), (1, 2, (0, 0, 0)),
                                          (2, 2, (1, 0, 0)), (2, 2, (0, 1, 0))]))
    result = subprocess.run([sys.executable, "-m", "viewer.cli", "analyze", "--json", "--timings", str(path)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    timings = json.loads(result.stdout)["timings"]
    assert set(timings) <= {*STAGES, "total"} and {"reading", "naming", "total"} <= set(timings)
    assert all(v >= 0 for v in timings.values())
    assert sum(v for k, v in timings.items() if k != "total") <= timings["total"] + 1e-3
