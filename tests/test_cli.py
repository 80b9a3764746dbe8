"""The ``interlace`` command as a user runs it: tables, JSON Lines, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from viewer import export_cli
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


PCU = str(DATA / "ideal" / "pcu.cgd")


def _one_line(capsys, says: str) -> None:
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("interlace") and says in err[0], captured.err
    assert "Traceback" not in captured.err


def _outputs(tmp: Path) -> dict[str, Path]:
    (tmp / "folder").mkdir()
    (tmp / "dangling.jsonl").symlink_to(tmp / "nowhere" / "x.jsonl")
    for fifo in ("fifo.jsonl", "fifo.png"):
        os.mkfifo(tmp / fifo)
    (tmp / "bad.parquet").write_text("not parquet")
    return {"folder": tmp / "folder", "missing": tmp / "missing" / "out.jsonl", "dangling": tmp / "dangling.jsonl",
            "fifo": tmp / "fifo.jsonl", "fifo_png": tmp / "fifo.png", "parquet": tmp / "bad.parquet"}


@pytest.mark.parametrize(("args", "says"), [
    (["analyze", PCU, "-o", "{folder}"], "--output: is a folder"),
    (["analyze", PCU, "-o", "{missing}"], "--output: the folder to write in does not exist"),
    (["analyze", PCU, "-o", "{dangling}"], "--output: a link to nothing"),
    (["analyze", PCU, "-o", "/dev/full"], "--output: not a regular file"),
    (["analyze", PCU, "-o", "{fifo}", "--resume"], "--output: not a regular file"),
    (["analyze", PCU, "--summary", "{folder}"], "--summary: is a folder"),
    (["analyze", PCU, "--summary", "{missing}"], "--summary: the folder to write in does not exist"),
    (["analyze", PCU, "-o", "{folder}/o.jsonl", "--summary", "{parquet}", "--resume"], "--summary: not a Parquet file"),
    (["analyze", PCU, "-o", "{folder}/o.jsonl", "--summary", "{folder}/o.jsonl"], "are the same file"),
    (["render", PCU, "-o", "{fifo_png}"], "--output: not a regular file"),
    (["render", PCU, "-o", "{missing}.png"], "the folder to write in does not exist"),
])
def test_output_paths_are_checked_before_any_work(tmp_path: Path, monkeypatch, capsys, args, says) -> None:
    """Folders, missing folders, links to nothing, devices, pipes (which would block) and a summary that
    cannot be resumed: one line and exit 2, and no file analysed."""
    def no_analysis(*_, **__):
        raise AssertionError("analysed before the output was checked")

    monkeypatch.setattr("topology.pipeline.analyze_file", no_analysis)
    monkeypatch.setattr("topology.batch.analyze_bytes", no_analysis)
    names = _outputs(tmp_path)
    assert main([a.format(**names) for a in args]) == 2
    _one_line(capsys, says)


@pytest.mark.parametrize(("args", "says"), [
    (["analyze", PCU, "--timeout", "inf"], "--timeout: 'inf' is not a finite number"),
    (["analyze", PCU, "--timeout", "nan"], "--timeout: 'nan' is not a finite number"),
    (["analyze", PCU, "--timeout", "1e300"], "--timeout: must be 0 (no limit) or between"),
    (["analyze", PCU, "--timeout", "1e-9"], "--timeout: must be 0 (no limit) or between"),
    (["analyze", PCU, "--jobs", "1000"], "--jobs: must be between 1 and"),
    (["analyze", PCU, "--jobs", "0"], "--jobs: must be between 1 and"),
    (["analyze", PCU, "--scheduler", "garbage"], "--scheduler: 'garbage' is not a scheduler address"),
    (["analyze", PCU, "--scheduler", "tcp://host:99999"], "is not a scheduler address"),
    (["analyze", PCU, "--min-occupancy", "nan"], "is not a finite number"),
    (["render", PCU, "-o", "x.png", "--view", "q:1e308,1e308,nan,1"], "is not an orientation"),
    (["render", PCU, "-o", "x.png", "--width", "0"], "--width: must be between 16 and 8000"),
    (["render", PCU, "-o", "x.png", "--supercell", "1", "0", "1"], "--supercell: must be between 1 and 3"),
    (["animate", PCU, PCU, "-o", "x.gif", "--fps", "0"], "--fps: must be between 1 and 60"),
    (["animate", PCU, PCU, "-o", "x.gif", "--width", "100000"], "--width: must be between 64 and 4000"),
    (["animate", PCU, PCU, "-o", "x.gif", "--frames-per-step", "-1"], "--frames-per-step: must be between"),
    (["app", "--port", "70000"], "--port: must be between 1 and 65535"),
])
def test_options_are_checked_when_parsed(capsys, args, says) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    _one_line(capsys, says)


def test_a_huge_orientation_is_scaled_not_overflowed(tmp_path: Path) -> None:
    out = tmp_path / "q.svg"
    assert main(["render", PCU, "-o", str(out), "--view", "q:1e308,1e308,1,1"]) == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")


def test_an_unreachable_scheduler_is_one_line_within_its_connect_timeout(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("topology.batch.SCHEDULER_CONNECT", 1)
    out = tmp_path / "kept.jsonl"
    out.write_text('{"path": "a"}\n')
    started = time.monotonic()
    assert main(["analyze", PCU, "-o", str(out), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert time.monotonic() - started < 20
    _one_line(capsys, "tcp://127.0.0.1:1: cannot reach the Dask scheduler within 1 s")
    assert out.read_text() == '{"path": "a"}\n'  # checked before the output was opened


@pytest.mark.parametrize(("args", "says"), [
    ([""], "'': an empty file name"),
    (["{empty}"], "no .cif, .cif.gz, .cgd file in this folder"),
    (["{empty}/*.cif"], "no file matches this pattern"),
    (["{empty}", "-o", "{empty}/out.jsonl"], "no .cif, .cif.gz, .cgd file in this folder"),
    ([PCU, "--resume"], "--resume: needs --output"),
])
def test_nothing_to_analyse_says_so_and_exits_2(tmp_path: Path, capsys, args, says) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["analyze", *(a.format(empty=tmp_path / "empty") for a in args)]) == 2
    _one_line(capsys, says)


def test_a_pattern_matching_nothing_beside_a_file_is_said(tmp_path: Path, capsys) -> None:
    assert main(["analyze", PCU, str(tmp_path / "*.cif")]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("pcu.cgd: non-interpenetrated")
    assert captured.err.strip().splitlines() == [f"interlace: {tmp_path / '*.cif'}: no file matches this pattern"]


def test_resume_keeps_a_last_record_written_without_its_newline(tmp_path: Path, capsys) -> None:
    """A complete last record with no newline is kept (a newline added) and its file not done again; a last
    line that does not parse is cut."""
    other = tmp_path / "dia.cgd"
    other.write_text((DATA / "ideal" / "dia.cgd").read_text())
    out = tmp_path / "out.jsonl"
    assert main(["analyze", PCU, "-o", str(out), "--jobs", "1"]) == 0
    whole = out.read_text()
    out.write_text(whole.rstrip("\n"))
    assert main(["analyze", PCU, str(other), "-o", str(out), "--resume", "--jobs", "1"]) == 0
    assert "1 already done" in capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert lines[0] == whole.rstrip("\n") and [json.loads(x)["source"] for x in lines] == ["pcu.cgd", "dia.cgd"]
    out.write_text(lines[0] + "\n" + lines[1][:40])
    assert main(["analyze", PCU, str(other), "-o", str(out), "--resume", "--jobs", "1"]) == 0
    assert [json.loads(x)["source"] for x in out.read_text().splitlines()] == ["pcu.cgd", "dia.cgd"]


@pytest.mark.parametrize("name", ["new\nline.cgd", "esc\x1b[2J\x1b]0;owned\x07.cgd", "bidi\u202egdc.cgd", "tab\there.cgd"])
def test_hostile_file_names_print_escaped_on_one_line(tmp_path: Path, capsys, name: str) -> None:
    """Control characters, escape sequences and bidirectional overrides in a name reach neither the
    terminal nor the CSV raw: refusals are one line, tables and summaries show the escapes."""
    from topology.errors import printable

    bad = tmp_path / name
    bad.write_text("CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nEND\n")
    good = tmp_path / f"ok-{name}"
    good.write_text((DATA / "ideal" / "pcu.cgd").read_text())
    assert main(["analyze", str(bad)]) == 2
    _one_line(capsys, f"{printable(name)}: the CRYSTAL block has no NODE")
    assert main(["analyze", str(good)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith(f"{printable('ok-' + name)}: non-interpenetrated")
    summary = tmp_path / "s.csv"
    assert main(["analyze", str(bad), str(good), "--summary", str(summary), "--jobs", "1"]) == 2
    captured = capsys.readouterr()
    for text in (summary.read_text(), captured.err, captured.out):
        assert not any(not ch.isprintable() and ch not in "\n\r" for ch in text), repr(text)
    assert summary.read_text().count("\n") == 3 and captured.err.count("\n") == 1
