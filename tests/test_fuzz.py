"""Broken files: hundreds of seeded mutants of the test files, and one file per failure class found by
fuzzing, each analysed or refused in one line by ``interlace analyze``, never a crash or a hang."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from mutants import cpu_count, mutants, run_all

from viewer.cli import main

DATA = Path(__file__).parent / "data"
SOURCES = [DATA / "crystalnets" / n for n in ("ZIF-8.cif", "JXUST-1.cif", "MIL-53.cif", "PCN-700.cif", "MOF-801.cif")] \
    + [DATA / "ideal" / n for n in ("pcu.cgd", "dia.cgd", "sql.cgd", "pcu-2fold-primitive.cgd")] \
    + [DATA / "real" / "raspa2_IRMOF-9.cif", Path(__file__).parent.parent / "assets" / "structures" / "SC-3.cif"]
LIMIT_S = 30
MEMORY = 2 * 2**30


def test_mutants_are_analysed_or_refused_in_one_line():
    """400 mutants through the CLI entry point in capped worker processes: exit 0 with one JSON report,
    or exit 2 with one line on stderr; no traceback, no warning, none over the time limit or the memory cap."""
    outcomes: Counter = Counter()
    failures = []
    for name, kind, outcome, detail, _ in run_all(mutants(SOURCES, 400, seed=12), min(cpu_count(), 2), LIMIT_S, MEMORY):
        outcomes[outcome] += 1
        if outcome not in ("analysed", "refused"):
            failures.append((name, kind, outcome, detail))
    assert failures == []
    assert outcomes["analysed"] > 40 and outcomes["refused"] > 40  # the mutants exercise both outcomes


def cif(cell: str, rows: str, extra: str = "", disorder: bool = True) -> str:
    a, b, c, al, be, ga = cell.split()
    return (f"data_t\n_cell_length_a {a}\n_cell_length_b {b}\n_cell_length_c {c}\n_cell_angle_alpha {al}\n"
            f"_cell_angle_beta {be}\n_cell_angle_gamma {ga}\n{extra}loop_\n_atom_site_label\n_atom_site_type_symbol\n"
            f"_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
            + ("_atom_site_disorder_group\n" if disorder else "") + rows)


def rows(n: int, element: str = "C", where=lambda k: "0.5 0.5 0.5") -> str:
    return "".join(f"{element}{k} {element} {where(k)} .\n" for k in range(n))


ZIF8 = (DATA / "crystalnets" / "ZIF-8.cif").read_text()
SYMOPS = "loop_\n_symmetry_equiv_pos_as_xyz\n"

FAILURE_CLASSES = [
    # memory: atoms per volume, piles of atoms, cells too thin, estimated before anything is allocated
    ("tiny-cell.cif", cif("0.01 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n"), "too thin"),
    ("dense.cif", cif("1 1 1 90 90 90", rows(2000, where=lambda k: f"{k / 2000:.5f} 0.5 0.5")), "per volume"),
    ("one-place.cif", cif("20 20 20 90 90 90", rows(20000)), "per volume"),
    ("silver.cif", cif("40 40 40 90 90 90", rows(199000, "Ag", lambda k: f"{k / 199000:.7f} 0.1 0.1")), "per volume"),
    ("pile.cif", cif("20 20 20 90 90 90", rows(5000, where=lambda k: f"0.5 0.5 {0.5 + k * 1e-5:.5f}")),
     "pairs of atoms within bonding distance"),
    ("crushed.cif", re.sub(r"_cell_length_a\s+\S+", "_cell_length_a 2", (DATA / "crystalnets" / "MOF-801.cif").read_text()),
     "the cell is too small for its contents"),
    ("pile-of-images.cif", cif("100 100 100 90 90 90", rows(20000, where=lambda k: "0.5 0.5 0.2"),
                               SYMOPS + "x,y,z\n-y,x,z\n"), "pairs of atoms"),
    ("too-many-sites.cif", cif("300 300 300 90 90 90", rows(5000, where=lambda k: f"{k / 5000:.5f} 0.1 0.2"),
                               "_symmetry_space_group_name_H-M 'F m -3 m'\n"), "too big"),
    ("rows.cif", cif("300 300 300 90 90 90", rows(520_000)), "3,120,020 values outside text fields"),
    # cells
    ("angle180.cif", cif("10 10 10 90 90 180", "Zn1 Zn 0 0 0 .\n"), "impossible unit cell"),
    ("angle-tiny.cif", cif("10 10 10 5e-324 90 90", "Zn1 Zn 0 0 0 .\n"), "impossible unit cell"),
    ("huge-cell.cif", cif("1e308 0.012 0.018 90 90 90", "Zn1 Zn 0 0 0 .\n"), "impossible unit cell"),
    # symmetry and numbers
    ("group.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 -99999999999999999999\n"), "disorder group"),
    ("number.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", "_space_group_IT_number 99999999999999999999\n"),
     "space group number '99999999999999999999' (line 8) is not one of 1-230"),
    ("number-zero.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", "_space_group_IT_number 0\n"),
     "space group number '0' (line 8) is not one of 1-230"),
    ("number-digit.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", "_space_group_IT_number '\u00b2'\n"),
     "is not one of 1-230"),
    ("hall.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", "_space_group_name_Hall 'Q 9 z'\n"),
     "Hall symbol 'Q 9 z' (line 8) cannot be read and no H-M name or space-group number is given"),
    ("disagree.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", SYMOPS + ("x,y,z\n-x,-y,-z\n"
                         "loop_\n_space_group_symop_operation_xyz\nx,y,z\n-x,y,z\n")),
     ("the symmetry operations of _space_group_symop_operation_xyz (line 12, 2 operations) and "
      "_symmetry_equiv_pos_as_xyz (line 8, 2 operations) disagree")),
    *[(f"occupancy{value}.cif", cif("10 10 10 90 90 90", f"Zn1 Zn 0 0 0 . {value}\n").replace(
        "_atom_site_disorder_group\n", "_atom_site_disorder_group\n_atom_site_occupancy\n"),
       f"occupancy {float(value):g} of site 'Zn1' (the atom loop at line 8) is negative")
      for value in ("-3", "-0.5")],
    ("flat-op.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", SYMOPS + "x,y,z\nx,x,z\n"),
     "'x,x,z' is not a symmetry of any lattice"),
    ("shear-op.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", SYMOPS + "x+y,y,z\n"), "not a symmetry"),
    ("many-ops.cif", cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\n", SYMOPS + "".join(
        f"{x}+{k}/24,{yz}\n" for k in range(24) for x in ("x", "-x") for yz in ("y,z", "-y,-z", "z,y", "-z,-y", "y,-z"))),
     "more than 192 distinct symmetry operations"),
    # nothing left to build a net from
    ("hydrogen.cif", cif("10 10 10 90 90 90", "H1 H 0 0 0 .\n"), "no atoms other than hydrogen"),
    ("no-element.cif", cif("10 10 10 90 90 90", "Q1 ? 0 0 0 .\nQ2 ? 0.5 0 0 .\n"), "no atom site has a recognisable"),
    # .cgd nets
    ("cell.cgd", "CRYSTAL\nGROUP P1\nCELL 1e308 1 1 90 90 90\nNODE 1 4 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "line 3: '1e308' is not a usable number"),
    ("zero.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 4 1/0 0 0\nEND\n", "line 4: '1/0' is not a number"),
    ("short.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 4 0\nEND\n", "line 4: NODE needs"),
    ("negative.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 -4 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "line 4: the degree of NODE '1' is not a positive whole number"),
    ("superscript.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 \u00b2 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "line 4: the degree of NODE '1' is not a positive whole number ('\u00b2')"),
    ("arabic.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 4 \u0663 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "line 4: '\u0663' is not a number"),
    ("underscore.cgd", "CRYSTAL\nGROUP P1\nCELL 1_0 1 1 90 90 90\nNODE 1 4 0 0 0\nEND\n", "line 3: '1_0' is not a number"),
    ("graph-digit.cgd", "PERIODIC_GRAPH\nEDGES\n1 1 \u00b9 0 0\nEND\n", "line 3: cannot read edge"),
    ("garbage.cgd", "PERIODIC_GRAPH\nEDGES\n1 1 1 0 0\nx y z 1 1\nEND\n", "line 4: unknown keyword 'x'"),
    ("keyword.cgd", "PERIODIC_GRAPH\nFOO 1 2\nEDGES\n1 1 1 0 0\nEND\n", "line 2: unknown keyword 'FOO'"),
    ("crystal-keyword.cgd", "CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 6 0 0 0\nSPIN 1 2\nEDGE 0 0 0 1 0 0\nEND\n",
     "line 5: unknown keyword 'SPIN' in a CRYSTAL block"),
    ("long-edge.cgd", "CRYSTAL\nGROUP Im-3m\nCELL 1 1 1 90 90 90\nNODE 1 6 0 0 0\nEDGE 0 0 5e-324 360 1e-9 0\nEND\n",
     "an edge 360 long in a cell 1 wide"),
    ("thin.cgd", "CRYSTAL\nGROUP P4/mmm\nCELL 1.0 90.0 3.0 90.0 90.0 1.0\nNODE 1 4 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "in a cell 0.0175 wide"),
    ("flat.cgd", "CRYSTAL\nGROUP P4/mmm\nCELL 1 1 5e-324 90 90 90\nNODE 1 4 0 0 0\nEDGE 0 0 0 1 0 0\nEND\n",
     "impossible CELL"),
    ("million.cgd", "PERIODIC_GRAPH\nEDGES\n" + "".join(f"{k} {k + 1} 0 0 0\n" for k in range(1_000_000)) + "END\n",
     "net file too big"),
    ("distinct.cgd", "PERIODIC_GRAPH\nEDGES\n" + "".join(f"{k} {k + 1} 0 0 0\n" for k in range(400_000)) + "END\n",
     "net too big"),
]


@pytest.mark.parametrize(("name", "text", "says"), FAILURE_CLASSES, ids=[c[0] for c in FAILURE_CLASSES])
def test_each_failure_class_is_one_line_and_exit_2(tmp_path, capsys, name, text, says):
    path = tmp_path / name
    path.write_text(text)
    assert main(["analyze", str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert captured.out == "" and len(err) == 1 and err[0].startswith(f"interlace: {name}: ") and says in err[0], err


@pytest.mark.parametrize(("text", "note"), [
    (cif("10 10 10 90 90 90", "Zn1 Zn 0.1 0.2 0.1 .\nO1 O 0.1 0.2 0.3 .\n", SYMOPS + "'x,y,-z+1/24'\n"),
     "the symmetry operations do not include x,y,z; added"),
    (cif("10 10 10 90 90 90", "Zn1 Zn 0.1 0.2 0.1 .\nO1 O 0.1 0.2 0.3 .\n", SYMOPS + "x,y,z\n-y,x,z\n"),
     "the 2 symmetry operations listed are not a group; applied as listed"),
    (cif("10 10 10 90 90 90", "Zn1 Zn 0.1 0.2 0.1 .\n", SYMOPS + "x,y,z\n" * 100_000),
     "99999 repeated symmetry operations read once"),
    (ZIF8 + "\n" + ZIF8.replace("'x, y, z'", "'x,y,-z+1/24'"), "a second data block named 'zif8_100k_0m'"),
    (cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\nO1 O 0.2 0 0 .\n", "_space_group_name_Hall 'Q 9 z'\n"
         "_symmetry_space_group_name_H-M 'P m -3 m'\n"),
     "Hall symbol 'Q 9 z' (line 8) cannot be read; symmetry from _symmetry_space_group_name_H-M 'P m -3 m' (line 9)"),
])
def test_odd_symmetry_text_is_read_or_refused_in_one_line(tmp_path, capsys, text, note):
    """Operations with no identity, not a group, repeated 100,000 times, blocks duplicated with their
    operations: once an einsum ValueError, now read with a note (or refused in one line)."""
    path = tmp_path / "odd.cif"
    path.write_text(text)
    code = main(["analyze", "--json", str(path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert any(note in n for n in json.loads(captured.out)["notes"])


def test_two_lists_of_operations_take_the_one_that_holds_the_other(tmp_path, capsys):
    """HKUST-1 with a second operation list of x,y,z alone (once read as P 1: '0D discrete'): the 192
    operations are used, with a note naming both lists and their lines."""
    text = (DATA / "crystalnets" / "HKUST-1.cif").read_text()
    both = text.replace("loop_\n_symmetry_equiv_pos_as_xyz", "loop_\n_space_group_symop_operation_xyz\n'x, y, z'\n"
                        "loop_\n_symmetry_equiv_pos_as_xyz", 1)
    assert both != text
    path = tmp_path / "HKUST-1.cif"
    path.write_text(both)
    assert main(["analyze", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["classification"] == "non-interpenetrated" and report["nets"][0]["topology"] == "tbo"
    assert ("operations of _symmetry_equiv_pos_as_xyz (line 64, 192 operations) used; "
            "_space_group_symop_operation_xyz (line 61, 1 operation) holds only some of them") in report["notes"]


def test_values_are_counted_outside_text_fields_only():
    """Reflections in a text field are one value to a CIF parser; rows outside count a value a word."""
    from topology.reading.cif import count_values

    hkl = "_shelx_hkl_file\n;\n" + "   1   2   3  100.0   2.0\n" * 700_000 + ";\n"
    assert count_values("data_x\n" + hkl + "_cell_length_a 10\n") == 4
    assert count_values("data_x\n" + "C1 C 0 0 0\n" * 700_000) == 1 + 5 * 700_000


def test_labels_with_no_element_are_left_out_with_a_note(tmp_path, capsys):
    path = tmp_path / "dummies.cif"
    path.write_text(cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\nQ1 ? 0.5 0.5 0.5 .\nCg1 . 0.2 0.2 0.2 .\n"))
    assert main(["analyze", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_atoms"] == 2
    assert any("1 sites with no recognisable element left out (Q1)" in n for n in report["notes"])


def test_one_edge_repeated_300000_times_is_read_once(tmp_path, capsys):
    path = tmp_path / "repeated.cgd"
    path.write_text("PERIODIC_GRAPH\nEDGES\n" + "1 1 1 0 0\n1 1 0 1 0\n" * 150_000 + "END\n")
    assert main(["analyze", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [n["topology"] for n in report["nets"]] == ["sql"]
    assert "299998 repeated lines read once" in report["notes"]


def test_min_occupancy_above_every_site_is_a_message(tmp_path, capsys):
    path = tmp_path / "half.cif"
    path.write_text(cif("10 10 10 90 90 90", "Zn1 Zn 0 0 0 .\nO1 O 0.2 0 0 .\n").replace(
        "_atom_site_disorder_group\n", "_atom_site_disorder_group\n_atom_site_occupancy\n").replace(" .\n", " . 0.5\n"))
    assert main(["analyze", "--min-occupancy", "0.6", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "occupancy 0.6" in err[0]


def test_gzip_bit_flips_are_records_and_the_survey_goes_on(tmp_path, capsys):
    """40 seeded bit flips of a .cif.gz in one folder: every file gets its record (analysed, or an error
    naming it), a resume finds nothing left to do, and the intact file is analysed when named directly."""
    packed = gzip.compress((DATA / "crystalnets" / "MIL-53.cif").read_bytes())
    rng = random.Random(23)
    folder = tmp_path / "flips"
    folder.mkdir()
    for k in range(40):
        data = bytearray(packed)
        data[rng.randrange(10, len(data))] ^= 1 << rng.randrange(8)  # past the header's fixed bytes
        (folder / f"flip{k:02d}.cif.gz").write_bytes(bytes(data))
    out = tmp_path / "out.jsonl"
    code = main(["analyze", str(folder), "-o", str(out), "--jobs", "1"])
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 40 and code == 2
    errors = [r["error"] for r in records if "error" in r]
    assert errors and all(re.fullmatch(r"flip\d\d\.cif(\.gz)?: [^\n]+", e) for e in errors), errors
    assert any("not a readable gzip file" in e for e in errors)
    capsys.readouterr()
    assert main(["analyze", str(folder), "-o", str(out), "--resume", "--jobs", "1"]) == 0
    assert "nothing left to do" in capsys.readouterr().err
    whole = tmp_path / "MIL-53.cif.gz"
    whole.write_bytes(packed)
    assert main(["analyze", "--json", str(whole)]) == 0
    assert json.loads(capsys.readouterr().out)["nets"][0]["topology"] == "bpq"
