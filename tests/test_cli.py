"""The ``interlace`` command as a user runs it: tables, JSON Lines, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from viewer import cli, export_cli
from viewer.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


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


def test_a_file_name_starting_with_a_dash_goes_after_double_dash(tmp_path: Path) -> None:
    dashed = tmp_path / "-ITV.cgd"
    dashed.write_text((DATA / "ideal" / "pcu.cgd").read_text())
    result = subprocess.run([sys.executable, "-m", "viewer.cli", "analyze", "--json", "--", "-ITV.cgd"], check=False,
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "-ITV.cgd"
    refused = subprocess.run([sys.executable, "-m", "viewer.cli", "analyze", "-ITV.cgd"], check=False,
                             capture_output=True, text=True, timeout=120, cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "goes after '--'" in refused.stderr
    for command in ("analyze", "render", "animate"):
        assert "after '--'" in " ".join(interlace(command, "--help").stdout.split())


@pytest.mark.parametrize("args", [
    ["render"],
    ["render", "a.cif", "-o", "x.png", "--supercell", "1", "2"],
    ["render", "a.cif", "-o", "x.png", "--style", "cartoon"],
    ["render", "a.cif", "-o", "x.png", "--width", "wide"],
    ["animate", "a.cif"],
    ["animate", "a.cif", "b.cif", "-o", "x.gif", "--fps", "fast"],
    ["analyze"],
    ["analyze", "--disorder", "some", "a.cif"],
    ["analyze", "a.cif", "--frobnicate"],
    ["frobnicate"],
    [],
])
def test_argument_errors_are_one_line_and_exit_2(args: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.count("\n") == 1 and err.startswith("interlace") and "usage:" not in err, err


def test_render_refuses_a_supercell_too_big_to_draw_before_any_analysis(tmp_path: Path, monkeypatch, capsys) -> None:
    def no_analysis(*_, **__):
        raise AssertionError("analysed before the size was checked")

    monkeypatch.setattr("topology.pipeline.analyze_file", no_analysis)
    path = DATA / "crystalnets" / "MIL-101.cif"
    assert main(["render", str(path), "-o", str(tmp_path / "m.png"), "--supercell", "3", "3", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [(f"interlace: MIL-101.cif: 16000 atoms x 27 cells = 432000 atoms to draw; the limit is "
                   f"{export_cli.MAX_FIGURE_ATOMS} (a smaller --supercell)")]
    assert main(["render", str(path), "-o", str(tmp_path / "no" / "m.png")]) == 2  # the folder, before any work
    assert "the folder to write in does not exist" in capsys.readouterr().err
    many = [str(DATA / "ideal" / "pcu.cgd")] * (export_cli.MAX_MOVIE_STRUCTURES + 1)
    assert main(["animate", *many, "-o", str(tmp_path / "x.gif")]) == 2
    assert f"a movie takes at most {export_cli.MAX_MOVIE_STRUCTURES}" in capsys.readouterr().err


def test_an_analysis_over_the_time_limit_is_one_line(monkeypatch, capsys) -> None:
    def slow(*_, **__):
        time.sleep(5)

    monkeypatch.setattr("topology.pipeline.analyze_file", slow)
    started = time.monotonic()
    assert main(["analyze", "--timeout", "0.2", str(DATA / "ideal" / "pcu.cgd")]) == 2
    assert time.monotonic() - started < 3
    assert capsys.readouterr().err == "interlace: pcu.cgd: analysis took longer than the 0.2 s limit\n"
