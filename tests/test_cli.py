"""The ``interlace`` command as a user runs it: tables, JSON Lines, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"


def interlace(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer.cli", *args], check=False, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)


def test_analyze_prints_a_table() -> None:
    result = interlace("analyze", str(DATA / "crystalnets" / "JXUST-1.cif"))
    assert result.returncode == 0, result.stderr
    assert "3D-3D interpenetrated" in result.stdout and "interpenetration degree 2" in result.stdout


def test_analyze_json_lines_follow_the_report_schema() -> None:
    files = [DATA / "crystalnets" / "WEBZEK.cif", DATA / "ideal" / "sql-pcu-threaded.cgd"]
    result = interlace("analyze", "--json", *map(str, files))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    webzek, threaded = (json.loads(line) for line in lines)
    for report in (webzek, threaded):
        assert set(report) >= {"source", "n_atoms", "min_occupancy", "classification", "interpenetration_degree",
                               "nets", "vertices", "edges"}
        for net in report["nets"]:
            assert set(net) >= {"id", "dimensionality", "fold", "n_vertices", "node_degrees", "topology"}
        for edge in report["edges"]:
            assert len(edge["offset"]) == 3 and 0 < edge["occupancy"] <= 1
        assert all(report["nets"][v["net"]]["id"] == v["net"] for v in report["vertices"])
    assert webzek["source"] == "WEBZEK.cif" and webzek["interpenetration_degree"] == 2
    assert threaded["classification"] == "2D-3D interpenetrating"


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.cif"
    broken.write_text("data_x\n_cell_length_a 10\nloop_\n_atom_site_label\n")
    for path in (broken, tmp_path / "missing.cif"):
        result = interlace("analyze", str(path))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and path.name in result.stderr
        assert "Traceback" not in result.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "broken.cif"
    broken.write_bytes(b"\x00\x01binary")
    result = interlace("analyze", "--json", str(broken), str(DATA / "ideal" / "pcu.cgd"))
    assert result.returncode == 2
    assert json.loads(result.stdout)["classification"] == "non-interpenetrated"


def test_min_occupancy_must_be_a_fraction() -> None:
    result = interlace("analyze", "--min-occupancy", "2", str(DATA / "ideal" / "pcu.cgd"))
    assert result.returncode == 2 and "between 0 and 1" in result.stderr
