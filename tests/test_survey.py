"""Surveys over folders: a record for every file, errors recorded, resumable, the same on 1 or 2
workers and on a Dask cluster."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import pytest

from topology import batch as survey
from viewer.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of structures in sub-folders, with broken files among them."""
    root = tmp_path / "cifs"
    (root / "mofs" / "more").mkdir(parents=True)
    for name in ("ZIF-8.cif", "JXUST-1.cif", "MOF-14.cif"):
        shutil.copy(DATA / "crystalnets" / name, root / "mofs" / name)
    shutil.copy(DATA / "ideal" / "pcu-2fold-primitive.cgd", root / "mofs" / "more" / "pcu2.cgd")
    (root / "mofs" / "more" / "PCN-700.cif.gz").write_bytes(gzip.compress((DATA / "crystalnets" / "PCN-700.cif").read_bytes()))
    (root / "mofs" / "broken.cif").write_text("data_broken\n_cell_length_a 0\n")
    (root / "mofs" / "more" / "empty.cif").write_text("")
    (root / "notes.txt").write_text("not a structure")
    return root


def records(path: Path) -> list[dict]:
    return sorted((json.loads(line) for line in path.read_text().splitlines()), key=lambda r: r["path"])


def test_folder_survey_records_every_file_and_its_errors(tree, tmp_path, capsys):
    out, table = tmp_path / "out.jsonl", tmp_path / "summary.csv"
    assert main(["analyze", str(tree), "-o", str(out), "--summary", str(table), "--jobs", "1"]) == 2
    got = records(out)
    assert len(got) == 7  # every .cif, .cif.gz and .cgd, not the .txt
    errors = {Path(r["path"]).name for r in got if "error" in r}
    assert errors == {"broken.cif", "empty.cif"}
    by_name = {Path(r["path"]).name: r for r in got}
    assert by_name["PCN-700.cif.gz"]["nets"][0]["topology"] == "bcu"
    assert by_name["JXUST-1.cif"]["interpenetration_degree"] == 2
    assert "2 could not be read" in capsys.readouterr().err
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 7 and {r["Z"] for r in rows if Path(r["path"]).name == "MOF-14.cif"} == {"2"}
    assert all(float(r["seconds"]) >= 0 for r in rows)


def test_resume_does_nothing_the_second_time(tree, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    main(["analyze", str(tree), "-o", str(out), "--jobs", "1"])
    first = out.read_text()
    assert main(["analyze", str(tree), "-o", str(out), "--resume", "--jobs", "1"]) == 0
    assert out.read_text() == first
    assert "7 already done" in capsys.readouterr().err


def test_resume_finishes_an_interrupted_survey(tree, tmp_path):
    out = tmp_path / "out.jsonl"
    main(["analyze", str(tree), "-o", str(out), "--jobs", "1"])
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:3]) + "\n" + lines[3][:20])  # cut short mid-record
    main(["analyze", str(tree), "-o", str(out), "--resume", "--jobs", "1"])
    assert len({r["path"] for r in records_tolerant(out)}) == 7


def records_tolerant(path: Path) -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def test_one_and_two_workers_give_the_same_records(tree, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    main(["analyze", str(tree), "-o", str(one), "--jobs", "1"])
    main(["analyze", str(tree), "-o", str(two), "--jobs", "2"])
    assert records(one) == records(two)


def test_globs_and_files_mix(tree, tmp_path):
    out = tmp_path / "out.jsonl"
    main(["analyze", str(tree / "mofs" / "*.cif"), str(tree / "mofs" / "more" / "pcu2.cgd"), "-o", str(out)])
    assert {Path(r["path"]).name for r in records(out)} == {"ZIF-8.cif", "JXUST-1.cif", "MOF-14.cif", "broken.cif",
                                                            "pcu2.cgd"}


def test_a_file_over_the_time_limit_is_an_error_record(tmp_path):
    record, _ = survey.analyse_path(str(DATA / "crystalnets" / "MIL-100.cif"), {"timeout": 0.001})
    assert "longer than" in record["error"]


def test_dask_cluster_gives_the_same_records(tree, tmp_path):
    from distributed import LocalCluster

    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    main(["analyze", str(tree), "-o", str(local), "--jobs", "1"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as c:
        assert main(["analyze", str(tree), "-o", str(remote), "--scheduler", c.scheduler_address]) == 2
        shared = list(survey.run_dask([str(p) for p in survey.discover([str(tree)])], {}, c.scheduler_address,
                                      send_bytes=False))
    assert records(remote) == records(local)
    assert sorted((r for r, _ in shared), key=lambda r: r["path"]) == records(local)


def test_a_worker_stuck_past_the_time_limit_is_stopped_and_the_pool_goes_on(tree, monkeypatch):
    """A task stuck where the alarm cannot reach it (signals blocked, as in compiled code) is killed with
    its worker process; the file gets an error record and every other file its normal record."""
    import signal
    import time

    real = survey.analyze_bytes

    def stuck_on_zif8(name, data, *args, **kwargs):
        if name == "ZIF-8.cif":
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(60)
        return real(name, data, *args, **kwargs)

    monkeypatch.setattr(survey, "analyze_bytes", stuck_on_zif8)  # inherited by the forked workers
    paths = [str(p) for p in survey.discover([str(tree)])]
    start = time.perf_counter()
    got = {Path(r["path"]).name: r for r, _ in survey.run_local(paths, {"timeout": 5.0}, 2)}
    assert time.perf_counter() - start < 50
    assert len(got) == 7
    assert "longer than the 5 s limit" in got["ZIF-8.cif"]["error"]
    assert got["JXUST-1.cif"]["interpenetration_degree"] == 2
    assert {n for n, r in got.items() if "error" in r} == {"ZIF-8.cif", "broken.cif", "empty.cif"}


def test_parquet_summary_keeps_its_rows_on_resume(tree, tmp_path):
    import pyarrow.parquet as pq

    out, table = tmp_path / "out.jsonl", tmp_path / "summary.parquet"
    main(["analyze", str(tree), "-o", str(out), "--summary", str(table), "--jobs", "1"])
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:4]) + "\n")
    first = pq.read_table(table).slice(0, 4)
    pq.write_table(first, table)  # the state after an interruption: four files done
    main(["analyze", str(tree), "-o", str(out), "--summary", str(table), "--resume", "--jobs", "1"])
    rows = pq.read_table(table).to_pylist()
    assert sorted(r["path"] for r in rows) == sorted(r["path"] for r in records(out)) and len(rows) == 7
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["MOF-14.cif"]["Z"] == 2 and by_name["broken.cif"]["Z"] is None and by_name["broken.cif"]["error"]


def test_summary_rows_give_the_class_and_nets_that_line_up():
    from topology import analyze_file
    from topology.batch import SUMMARY_FIELDS, summary_row

    root = Path(__file__).resolve().parent
    jxust = summary_row({"path": "JXUST-1.cif", **analyze_file(root / "data" / "crystalnets" / "JXUST-1.cif").to_dict()}, 0)
    assert jxust["class"] == "Ia" and jxust["nets"] == "3D pcu x2"
    cd = summary_row({"path": "cd.cif", **analyze_file(root / "data" / "real" / "cod7114517_Cd_three-in-one.cif").to_dict()}, 0)
    assert cd["class"] == ""
    columns = [cd[k].split() for k in ("dimensionalities", "folds", "topologies")]
    assert len({len(c) for c in columns}) == 1 and len(columns[0]) == len(cd["nets"].split("; ")) >= 2
    for dim, name, part in zip(columns[0], columns[2], cd["nets"].split("; ")):
        assert part.startswith(f"{dim}D {name} x")
    assert list(jxust) == list(SUMMARY_FIELDS) and "class" in SUMMARY_FIELDS
