"""Survey speed: files per second on a corpus of real CIFs (the 16 peer MOFs and the 13 published
structures of tests/data, repeated), with 1 and 2 worker processes and on a local Dask cluster.
Prints a table and the time projected for 12,000 and 100,000 CIFs.

    .venv/bin/python benchmarks/survey_speed.py [--copies N]
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from topology import batch as survey

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def corpus(folder: Path, copies: int) -> int:
    sources = sorted((DATA / "crystalnets").glob("*.cif")) + sorted((DATA / "real").glob("*.cif"))
    for k in range(copies):
        sub = folder / f"copy{k:02d}"
        sub.mkdir()
        for path in sources:
            shutil.copy(path, sub / path.name)
    return copies * len(sources)


def timed(paths: list[str], **kwargs) -> tuple[float, int]:
    sink = io.StringIO()
    start = time.perf_counter()
    outcome = survey.survey(paths, sink, {"timeout": 120}, **kwargs)
    return time.perf_counter() - start, outcome.total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        n = corpus(Path(tmp), args.copies)
        paths = [tmp]
        print(f"{n} files ({args.copies} copies of {n // args.copies} real CIFs)\n")
        print("| run | seconds | files/s | relative to 1 worker |\n|---|---:|---:|---:|")
        one, _ = timed(paths, jobs=1)
        print(f"| --jobs 1 | {one:.1f} | {n / one:.1f} | 1.00 |")
        two, _ = timed(paths, jobs=2)
        print(f"| --jobs 2 | {two:.1f} | {n / two:.1f} | {two / one:.2f} |")
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            dask, _ = timed(paths, scheduler=cluster.scheduler_address)
        print(f"| Dask, 2 local workers | {dask:.1f} | {n / dask:.1f} | {dask / one:.2f} |")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nPeak memory: {own:.0f} MB in this process, {children:.0f} MB in the largest worker.")
    rate = n / one  # files per second per worker core
    for total in (12_000, 100_000):
        print(f"{total:,} CIFs at {rate:.1f} files/s per core: {total / rate / 60:.0f} min on one core, "
              f"{total / rate / 60 / 16:.1f} min on 16 cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
