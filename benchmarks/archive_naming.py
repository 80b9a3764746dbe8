"""Name every net of the RCSR archive from its own graph, as given and under random descriptions
(vertex order, lattice representatives, lattice basis, supercells), as CrystalNets.jl's "Archive"
and "Module" tests do. Prints how many are named back and how long it takes.

    .venv/bin/python benchmarks/archive_naming.py [--limit N] [--supercell-every K]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_identify import rebase, relabel, supercell  # the same transformations as the tests

from topology.naming.archive import arc_entries, lookup
from topology.naming.canonical import canonical_form


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N nets (0: all)")
    parser.add_argument("--supercell-every", type=int, default=10, help="a 2x1x1 supercell of every K-th net")
    args = parser.parse_args()
    entries = arc_entries()[: args.limit or None]
    rng = random.Random(2026)
    counts = {"as given": [0, 0, 0.0], "relabelled, rebased": [0, 0, 0.0], "2x1x1 supercell": [0, 0, 0.0]}
    missed: list[str] = []
    for k, (name, graph) in enumerate(entries):
        trials = [("as given", graph), ("relabelled, rebased", rebase(relabel(graph, rng), rng))]
        if k % args.supercell_every == 0:
            trials.append(("2x1x1 supercell", relabel(supercell(graph, (2, 1, 1)[: graph.dim]), rng)))
        for label, g in trials:
            start = time.perf_counter()
            form = canonical_form(g)
            got = lookup(form.digest) if form.stable else None
            row = counts[label]
            row[2] += time.perf_counter() - start
            row[1] += 1
            if got == name:
                row[0] += 1
            elif label == "as given":
                missed.append(name)
    print("| description | nets | named back | total (s) | per net (ms) |")
    print("|---|---:|---:|---:|---:|")
    for label, (ok, n, seconds) in counts.items():
        print(f"| {label} | {n} | {ok} | {seconds:.1f} | {1000 * seconds / max(n, 1):.1f} |")
    print(f"\nNot named back ({len(missed)}): {', '.join(missed)}")
    sizes = np.array([g.n for _, g in entries])
    print(f"Vertices per net: median {int(np.median(sizes))}, largest {sizes.max()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
