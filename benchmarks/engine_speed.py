"""Time Interlace's whole analysis (names and entanglement included) of the 16 peer MOFs, the real CIFs
and the SC models beside gemmi's bare read-and-expand of the same files, all in one process, with each
stage's share (and, with --ase, ASE's ``analyze_dimensionality``). Prints Markdown tables.

    .venv/bin/python benchmarks/engine_speed.py [--repeat N] [--ase]

Each figure is the best of N runs (default 5) after one warm-up, so imports and caches do not count; the
16 peer MOFs' passes alternate with gemmi's, and the spread of their ratios is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from pathlib import Path

import gemmi

from topology import analyze_file
from topology.stages import STAGES, profile

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "tests" / "data" / "crystalnets"
REAL = ROOT / "tests" / "data" / "real"
MODELS = ROOT / "assets" / "structures"
PEER_SUITE = ["AFIXEW_ASR", "HKUST-1", "JXUST-1", "MIL-100", "MIL-101", "MIL-53", "MOF-11", "MOF-14", "MOF-177",
              "MOF-5", "MOF-801", "PCN-700", "UiO-66", "WEBZEK", "ZIF-67", "ZIF-8"]


def best_of(repeat: int, fn, *args) -> float:
    """Best wall time of ``fn(*args)`` over ``repeat`` runs, after one warm-up run."""
    fn(*args)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def paired_passes(repeat: int, paths: list[Path]) -> tuple[list[float], list[float]]:
    """Wall times of ``repeat`` passes of our analysis over ``paths``, each followed by a pass of gemmi's
    read and expand (after one warm-up pair): both sides of each ratio meet the same state of the machine."""
    ours, bare = [], []
    for run in range(repeat + 1):
        start = time.perf_counter()
        for path in paths:
            analyze_file(path)
        middle = time.perf_counter()
        for path in paths:
            gemmi_read_and_expand(path)
        if run:
            ours.append(middle - start)
            bare.append(time.perf_counter() - middle)
    return ours, bare


def stages_of(repeat: int, paths: list[Path]) -> dict[str, float]:
    """Seconds per stage for analysing ``paths`` once, from the run with the least total."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        with profile() as seconds:
            for path in paths:
                analyze_file(path)
        if best is None or sum(seconds.values()) < sum(best.values()):
            best = dict(seconds)
    return best or {}


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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ase", action="store_true", help="also time ASE's dimensionality analysis (slow)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.2f} at the start; best of {args.repeat} runs\n")
    print("| file | atoms | Interlace (s) | gemmi read+expand (s) | ratio |" + (" ASE (s) |" if args.ase else "")
          + " result |")
    print("|---|---:|---:|---:|---:|" + ("---:|" if args.ase else "") + "---|")
    peers = [PEERS / f"{name}.cif" for name in PEER_SUITE]
    slowest = []
    for path in peers + sorted(REAL.glob("*.cif")) + sorted(MODELS.glob("*.cif")):
        report = analyze_file(path)
        ours = best_of(args.repeat, analyze_file, path)
        try:
            bare = best_of(args.repeat, gemmi_read_and_expand, path)
        except (ValueError, RuntimeError):  # a file our reader repairs and gemmi refuses
            bare = None
        slowest.append((ours, path.name))
        ase = ""
        if args.ase:
            ase = f" {best_of(1, ase_dimensionality, path):.3f} |" if ase_dimensionality(path) else " cannot read |"
        nets = report.topologies or report.classification
        bare_text = f"{bare:.4f} | {ours / max(bare, 1e-6):.0f}" if bare is not None else "cannot read |"
        print(f"| {path.name} | {report.n_atoms} | {ours:.3f} | {bare_text} |{ase} {nets} |")
    ours, bare = paired_passes(args.repeat, peers)
    print(f"| **16 peer MOFs, one pass** | | **{min(ours):.3f}** | **{min(bare):.3f}** | **{min(ours) / min(bare):.1f}** |"
          + (" |" if args.ase else "") + " |")
    ratios = sorted(a / b for a, b in zip(ours, bare))
    print(f"\nEach of the {len(ours)} passes of the 16 peer MOFs beside one of gemmi's: ratio {ratios[0]:.1f} to "
          f"{ratios[-1]:.1f}, median {statistics.median(ratios):.1f}; our median pass {statistics.median(ours):.3f} s "
          f"(the machine's drift shows in the spread; load average {os.getloadavg()[0]:.2f} at the end)")
    seconds = stages_of(args.repeat, peers)
    total = sum(seconds.values())
    print("\nWhere the 16 peer MOFs' time goes (one pass, best of the runs):\n")
    print("| stage | seconds | share |")
    print("|---|---:|---:|")
    for stage in STAGES:
        print(f"| {stage} | {seconds.get(stage, 0.0):.3f} | {100 * seconds.get(stage, 0.0) / total:.0f} % |")
    worst = sorted(slowest)[-3:]
    print("\nSlowest files: " + ", ".join(f"{name} {t:.3f} s" for t, name in reversed(worst)))


if __name__ == "__main__":
    main()
