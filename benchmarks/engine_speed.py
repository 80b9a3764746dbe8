"""Time Interlace's analysis of the 16 real MOFs and the SC models (with and without naming the nets,
and the entanglement stage alone) beside gemmi's bare read-and-expand and ASE's
``analyze_dimensionality`` on the same files, all in one process. Prints a Markdown table.

    .venv/bin/python benchmarks/engine_speed.py [--repeat N]

Each figure is the best of N runs (default 3) after one warm-up, so imports and caches do not count.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import gemmi

from topology import analyze_file
from topology.pipeline import entanglements

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "crystalnets"
MODELS = ROOT / "assets" / "structures"


def best_of(repeat: int, fn, *args) -> float:
    """Best wall time of ``fn(*args)`` over ``repeat`` runs, after one warm-up run."""
    fn(*args)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def each(fn, paths: list[Path]) -> None:
    for path in paths:
        fn(path)


def gemmi_read_and_expand(path: Path) -> int:
    structure = gemmi.read_small_structure(str(path))
    return len(structure.get_all_unit_cell_sites())


def ase_dimensionality(path: Path) -> str | None:
    """ASE's dimensionality analysis; None where ASE cannot read the file."""
    from ase.geometry.dimensionality import analyze_dimensionality
    from ase.io import read

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            atoms = read(str(path))
        except Exception:  # noqa: BLE001 - any failure of the third-party reader is reported as such
            return None
    return analyze_dimensionality(atoms, method="RDA")[0].dimtype


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; best of {args.repeat} runs\n")
    print("| file | atoms | Interlace (s) | without naming (s) | entanglement (s) | gemmi read+expand (s) | ratio | "
          "ASE dimensionality (s) | Interlace result |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    paths = sorted(DATA.glob("*.cif"))
    for path in paths + sorted(MODELS.glob("*.cif")):
        report = analyze_file(path)
        ours = best_of(args.repeat, analyze_file, path)
        unnamed = best_of(args.repeat, analyze_file, path, 0.0, False)
        tangle = best_of(args.repeat, entanglements, report.net, report.nets)
        bare = best_of(args.repeat, gemmi_read_and_expand, path)
        ase = best_of(1, ase_dimensionality, path)
        ase_text = f"{ase:.3f}" if ase_dimensionality(path) is not None else "cannot read"
        nets = ", ".join(f"{n.dimensionality}D x{n.fold} {n.topology or ''}".rstrip()
                         for n in report.nets if n.dimensionality > 0)
        print(f"| {path.name} | {report.n_atoms} | {ours:.3f} | {unnamed:.3f} | {tangle:.3f} | {bare:.3f} | "
              f"{ours / bare:.1f} | {ase_text} | {nets} |")
    # the whole suite in one pass, as a user analysing a folder would run it
    ours = best_of(args.repeat, each, analyze_file, paths)
    unnamed = best_of(args.repeat, each, lambda p: analyze_file(p, 0.0, False), paths)
    bare = best_of(args.repeat, each, gemmi_read_and_expand, paths)
    ase = best_of(1, each, ase_dimensionality, paths)
    print(f"| **16 MOFs, one pass** | | **{ours:.3f}** | **{unnamed:.3f}** | | **{bare:.3f}** | **{ours / bare:.1f}** "
          f"| **{ase:.2f}** | |")
    print(f"\nNaming makes the analysis {ours / unnamed:.1f} times slower in all.")


if __name__ == "__main__":
    main()
