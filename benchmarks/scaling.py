"""Time and peak memory of the whole analysis of P1 supercells, 2x2x2 to 8x8x8, of diamond and of a MOF
(IRMOF-1 in P1), each in a fresh process so that peak memory is the file's own. Prints a Markdown table.

    .venv/bin/python benchmarks/scaling.py [--largest 8] [--mof tests/data/real/raspa2_IRMOF-1.cif]

Linear cost means the seconds and the memory above the interpreter's grow at most like the atoms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import gemmi

ROOT = Path(__file__).resolve().parent.parent
DIAMOND_A = 3.567  # A, diamond's cubic cell


def p1_supercell(structure: gemmi.SmallStructure, n: int) -> str:
    """A P1 CIF of the n x n x n supercell of ``structure`` (every site of the cell written out)."""
    cell = structure.cell
    sites = structure.get_all_unit_cell_sites()
    lines = ["data_supercell", f"_cell_length_a {cell.a * n:.5f}", f"_cell_length_b {cell.b * n:.5f}",
             f"_cell_length_c {cell.c * n:.5f}", f"_cell_angle_alpha {cell.alpha}", f"_cell_angle_beta {cell.beta}",
             f"_cell_angle_gamma {cell.gamma}", "_symmetry_space_group_name_H-M 'P 1'", "loop_",
             "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
             "_atom_site_fract_z"]
    k = 0
    for i in range(n):
        for j in range(n):
            for m in range(n):
                for s in sites:
                    f = s.fract
                    k += 1
                    lines.append(f"{s.type_symbol or s.element.name}{k} {s.element.name} "
                                 f"{(f.x % 1 + i) / n:.6f} {(f.y % 1 + j) / n:.6f} {(f.z % 1 + m) / n:.6f}")
    return "\n".join(lines) + "\n"


def diamond() -> gemmi.SmallStructure:
    doc = gemmi.cif.read_string(f"""data_diamond
_cell_length_a {DIAMOND_A}
_cell_length_b {DIAMOND_A}
_cell_length_c {DIAMOND_A}
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F d -3 m:2'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
C1 C 0.125 0.125 0.125
""")
    return gemmi.make_small_structure_from_block(doc.sole_block())


MEASURE = """
import json, resource, sys, time
from topology import analyze_file
start = time.perf_counter()
report = analyze_file(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "atoms": report.n_atoms, "nets": report.topologies, "class": report.classification}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--largest", type=int, default=8)
    parser.add_argument("--mof", type=Path, default=ROOT / "tests" / "data" / "real" / "raspa2_IRMOF-1.cif")
    args = parser.parse_args()
    baseline = measure_baseline()
    print(f"interpreter with the engine loaded: {baseline:.0f} MB\n")
    print("| structure | n | atoms | seconds | peak MB | MB above baseline | nets | classification |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    mof = gemmi.read_small_structure(str(args.mof))
    with tempfile.TemporaryDirectory() as tmp:
        for label, structure, largest in (("diamond", diamond(), args.largest), (args.mof.stem, mof, min(args.largest, 4))):
            for n in range(1, largest + 1):
                path = Path(tmp) / f"{label}-{n}.cif"
                path.write_text(p1_supercell(structure, n))
                r = measure(path)
                if "error" in r:
                    print(f"| {label} | {n} | | | | | {r['error'][:80]} | |")
                    continue
                print(f"| {label} | {n} | {r['atoms']} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | "
                      f"{r['peak_mb'] - baseline:.0f} | {r['nets']} | {r['class']} |", flush=True)


def measure_baseline() -> float:
    code = "import resource, topology.pipeline; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                check=True).stdout)


if __name__ == "__main__":
    main()
