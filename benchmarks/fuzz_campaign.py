"""A fuzz campaign: thousands of mutants of the test structures analysed in parallel worker processes,
each under a memory cap and a time limit. Prints the outcome table.

    .venv/bin/python benchmarks/fuzz_campaign.py [--mutants N] [--jobs J] [--seed S]

Outcomes: analysed (a report that serialises to JSON), refused (one-line InputError, as the CLI
prints it with exit 2), and the failures: traceback (any other exception), over the time limit,
out of memory (the worker's address space is capped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from mutants import mutate

MEMORY_CAP = 3 * 2**30
LIMIT_S = 20


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _alarm(*_):
    raise TimeoutError


def run(job: tuple[str, str, str]) -> tuple[str, str, str]:
    """(outcome, mutation, detail) of one mutant."""
    from topology import InputError
    from topology.classify import analyze_bytes

    name, kind, text = job
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_S)
    try:
        json.dumps(analyze_bytes(name, text.encode()).to_dict())
        return "analysed", kind, ""
    except InputError as err:
        return ("refused" if "\n" not in str(err) else "refused on several lines"), kind, ""
    except TimeoutError:
        return f"over {LIMIT_S} s", kind, name
    except MemoryError:
        return "out of memory", kind, name
    except Exception as err:  # noqa: BLE001 - every other exception is what the campaign looks for
        return "traceback", kind, f"{name}: {type(err).__name__}: {str(err)[:120]}"
    finally:
        signal.alarm(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=2500)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sources = sorted((ROOT / "tests" / "data" / "crystalnets").glob("*.cif")) + \
        sorted((ROOT / "assets" / "structures").glob("*.cif")) + sorted((ROOT / "tests" / "data" / "ideal").glob("*.cgd"))
    texts = {p: p.read_text() for p in sources}
    rng = random.Random(args.seed)
    jobs = []
    for _ in range(args.mutants):
        source = rng.choice(sources)
        text, kind = mutate(texts[source], rng)
        jobs.append((source.name, kind, text))
    start = time.perf_counter()
    outcomes: Counter = Counter()
    by_kind: Counter = Counter()
    details = []
    with ProcessPoolExecutor(args.jobs, initializer=_limit_memory) as pool:
        for outcome, kind, detail in pool.map(run, jobs, chunksize=4):
            outcomes[outcome] += 1
            by_kind[(kind, outcome)] += 1
            if detail:
                details.append(detail)
    seconds = time.perf_counter() - start
    print(f"{args.mutants} mutants of {len(sources)} files, {args.jobs} workers, {seconds:.0f} s, "
          f"memory cap {MEMORY_CAP // 2**30} GiB, time limit {LIMIT_S} s\n")
    print("| outcome | mutants |\n|---|---:|")
    for outcome in ("analysed", "refused", "refused on several lines", "traceback", f"over {LIMIT_S} s", "out of memory"):
        print(f"| {outcome} | {outcomes[outcome]} |")
    print("\n| mutation | analysed | refused | failed |\n|---|---:|---:|---:|")
    for kind in sorted({k for k, _ in by_kind}):
        failed = sum(v for (k, o), v in by_kind.items() if k == kind and o not in ("analysed", "refused"))
        print(f"| {kind} | {by_kind[(kind, 'analysed')]} | {by_kind[(kind, 'refused')]} | {failed} |")
    for detail in details[:20]:
        print("  ", detail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
