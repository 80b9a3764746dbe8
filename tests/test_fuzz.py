"""Hundreds of broken variants of real files: each is analysed or refused in one line, never a crash or a hang."""

from __future__ import annotations

import json
import random
import signal
from collections import Counter
from pathlib import Path

import pytest
from mutants import mutate

from topology import InputError
from topology.classify import analyze_bytes
from viewer.cli import main

DATA = Path(__file__).parent / "data"
SOURCES = [DATA / "crystalnets" / n for n in ("ZIF-8.cif", "JXUST-1.cif", "MIL-53.cif", "PCN-700.cif", "MOF-801.cif")] \
    + [DATA / "ideal" / n for n in ("pcu.cgd", "dia.cgd", "sql.cgd", "pcu-2fold-primitive.cgd")] \
    + [Path(__file__).parent.parent / "assets" / "structures" / "SC-3.cif"]
LIMIT_S = 10


class TooSlow(Exception):
    pass


def _alarm(*_):
    raise TooSlow


@pytest.mark.parametrize("seed", range(3))
def test_mutants_are_analysed_or_refused_in_one_line(seed):
    rng = random.Random(seed)
    outcomes: Counter = Counter()
    failures = []
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for _ in range(100):
            source = rng.choice(SOURCES)
            text, kind = mutate(source.read_text(), rng)
            signal.alarm(LIMIT_S)
            try:
                report = analyze_bytes(source.name, text.encode())
                json.loads(json.dumps(report.to_dict()))
                outcomes["analysed"] += 1
            except InputError as err:
                outcomes["refused"] += 1
                if "\n" in str(err):
                    failures.append((source.name, kind, "message on several lines"))
            except TooSlow:
                failures.append((source.name, kind, f"over {LIMIT_S} s"))
            except Exception as err:  # noqa: BLE001 - every other exception is a failure of the engine
                failures.append((source.name, kind, f"{type(err).__name__}: {err}"[:200]))
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
    assert failures == []
    assert outcomes["analysed"] > 10 and outcomes["refused"] > 10  # the mutants exercise both outcomes


@pytest.mark.parametrize(("text", "problem"), [
    ("loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,-z+1/24'\n", None),  # one operation, not the identity
    ("_atom_site_disorder_group_x\n", None),
    ("loop_\n_symmetry_equiv_pos_as_xyz\n" + "x,y,z\n" * 100_000, None),  # the identity 100,000 times
])
def test_odd_symmetry_text(tmp_path, capsys, text, problem):
    base = (DATA / "crystalnets" / "ZIF-8.cif").read_text().replace("_cell_length_a", text + "_cell_length_a", 1)
    path = tmp_path / "odd.cif"
    path.write_text(base)
    code = main(["analyze", "--json", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert len(err.strip().splitlines()) <= 1


def cif(cell: str, rows: str, extra: str = "") -> str:
    a, b, c, al, be, ga = cell.split()
    return (f"data_t\n_cell_length_a {a}\n_cell_length_b {b}\n_cell_length_c {c}\n_cell_angle_alpha {al}\n"
            f"_cell_angle_beta {be}\n_cell_angle_gamma {ga}\n{extra}loop_\n_atom_site_label\n_atom_site_type_symbol\n"
            f"_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_disorder_group\n{rows}")


@pytest.mark.parametrize(("name", "text", "says"), [
    ("tiny.cif", cif("0.01 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n"), "too thin"),
    ("dense.cif", cif("10 10 10 90 90 90", "".join(f"C{k} C {k / 2000:.5f} 0.5 0.5 .\n" for k in range(2000))),
     "per volume"),
    ("one-place.cif", cif("20 20 20 90 90 90", "".join(f"C{k} C 0.5 0.5 0.5 .\n" for k in range(20000))),
     "per volume"),
    ("silver.cif", cif("40 40 40 90 90 90", "".join(f"Ag{k} Ag {k / 199000:.7f} 0.1 0.1 .\n" for k in range(199000))),
     "per volume"),
    ("angle180.cif", cif("10 10 10 90 90 180", "Zn1 Zn 0 0 0 .\n"), "cell"),
    ("angle-tiny.cif", cif("10 10 10 5e-324 90 90", "Zn1 Zn 0 0 0 .\n"), "cell"),
    ("huge-cell.cif", cif("1e308 0.012 0.018 90 90 90", "Zn1 Zn 0 0 0 .\n"), "cell"),
    ("group.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 -99999999999999999999\n"), "disorder group"),
    ("number.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", "_space_group_IT_number 99999999999999999999\n"),
     "space group"),
    ("hydrogen.cif", cif("10 10 10 90 90 90", "H1 H 0 0 0 .\n"), "hydrogen"),
    ("cell.cgd", "CRYSTAL\nGROUP P1\nCELL 1e308 1 1 90 90 90\nNODE 1 4 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n", "not a usable"),
    ("zero.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 4 1/0 0 0\nEND\n", "not a number"),
    ("short.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 4 0\nEND\n", "NODE"),
    ("garbage.cgd", "PERIODIC_GRAPH\nEDGES\n1 1 1 0 0\nx y z 1 1\nEND\n", "cannot read edge 'x y z 1 1'"),
    ("keyword.cgd", "PERIODIC_GRAPH\nFOO 1 2\nEDGES\n1 1 1 0 0\nEND\n", "unknown keyword"),
    ("million.cgd", "PERIODIC_GRAPH\nEDGES\n" + "".join(f"{k} {k + 1} 0 0 0\n" for k in range(400_000)) + "END\n",
     "too big"),
])
def test_each_failure_class_is_one_line_and_exit_2(tmp_path, capsys, name, text, says):
    path = tmp_path / name
    path.write_text(text)
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0] and says in err[0], err


def test_one_edge_repeated_300000_times_is_read_once(tmp_path, capsys):
    path = tmp_path / "repeated.cgd"
    path.write_text("PERIODIC_GRAPH\nEDGES\n" + "1 1 1 0 0\n1 1 0 1 0\n" * 150_000 + "END\n")
    assert main(["analyze", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [n["topology"] for n in report["nets"]] == ["sql"]


def test_min_occupancy_above_every_site_is_a_message(tmp_path, capsys):
    path = tmp_path / "half.cif"
    path.write_text(cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\nO1 O 0.2 0 0 .\n").replace(
        "_atom_site_disorder_group\n", "_atom_site_disorder_group\n_atom_site_occupancy\n").replace(" .\n", " . 0.5\n"))
    assert main(["analyze", "--min-occupancy", "0.6", str(path)]) == 2
    assert "occupancy 0.6" in capsys.readouterr().err
