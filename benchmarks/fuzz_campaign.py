"""A fuzz campaign: thousands of mutants of the test structures put through ``interlace analyze --json``
in parallel worker processes, each under a memory cap and a time limit. Prints the outcome table.

    .venv/bin/python benchmarks/fuzz_campaign.py [--mutants N] [--jobs J] [--seed S] [--limit S] [--memory GiB]

Correct outcomes: analysed (exit 0, one JSON report, nothing on stderr) and refused (exit 2, one line
on stderr). Failures, by class: refused on several lines, warnings printed, traceback (by exception
type), over the time limit, out of memory (the worker's address space is capped), crashed (the
worker died), bad output. The mutations are those of tests/mutants.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from mutants import KINDS, OUTCOMES, cpu_count, mutants, run_all  # tests/ is on the path now

GOOD = ("analysed", "refused")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=2500)
    parser.add_argument("--jobs", type=int, default=cpu_count())
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per mutant (default 20)")
    parser.add_argument("--memory", type=float, default=3.0, help="GiB of address space per worker (default 3)")
    args = parser.parse_args()
    sources = sorted((ROOT / "tests" / "data" / "crystalnets").glob("*.cif")) \
        + sorted((ROOT / "tests" / "data" / "real").glob("*.cif")) \
        + sorted((ROOT / "assets" / "structures").glob("*.cif")) + sorted((ROOT / "tests" / "data" / "ideal").glob("*.cgd"))
    jobs = mutants(sources, args.mutants, args.seed)
    start = time.perf_counter()
    outcomes: Counter = Counter()
    by_kind: Counter = Counter()
    classes: Counter = Counter()
    slowest = []
    examples: dict[str, str] = {}
    for name, kind, outcome, detail, seconds in run_all(jobs, args.jobs, args.limit, int(args.memory * 2**30)):
        outcomes[outcome] += 1
        by_kind[(kind, outcome in GOOD and outcome)] += 1
        slowest.append((seconds, name, kind, outcome))
        if outcome not in GOOD:
            key = f"{outcome}: {detail.split(':')[0]}" if outcome == "traceback" else outcome
            classes[key] += 1
            examples.setdefault(key, f"{name} ({kind}): {detail}")
    wall = time.perf_counter() - start
    print(f"{args.mutants} mutants of {len(sources)} files (seed {args.seed}), {args.jobs} workers, {wall:.0f} s, "
          f"memory cap {args.memory:g} GiB, time limit {args.limit:g} s\n")
    print("| outcome | mutants |\n|---|---:|")
    for outcome in OUTCOMES:
        print(f"| {outcome} | {outcomes[outcome]:,} |")
    print("\n| mutation | analysed | refused | failed |\n|---|---:|---:|---:|")
    for kind in KINDS:
        failed = by_kind[(kind, False)]
        print(f"| {kind} | {by_kind[(kind, 'analysed')]} | {by_kind[(kind, 'refused')]} | {failed} |")
    if classes:
        print("\nfailures by class:")
        for key, count in classes.most_common():
            print(f"  {count:5d}  {key}   e.g. {examples[key][:160]}")
    slowest.sort(reverse=True)
    print("\nslowest:", "; ".join(f"{s:.1f} s {n} ({k}, {o})" for s, n, k, o in slowest[:5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
