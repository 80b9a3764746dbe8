"""Surveys: the same analysis over thousands of files, in worker processes or on a Dask cluster.

One record per file streams to a JSON Lines file as soon as it is ready: the report of
``interlace analyze --json`` plus ``path``, or ``{"path", "source", "error"}`` for a file that could not be
read (the survey goes on). Records do not hold timings, so the same files give the same records
whatever the number of workers; the timings go to the summary table. A survey can be resumed: the
paths already in the output are skipped. Memory stays bounded: only a few files per worker are in
flight and no report is kept once written.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import SimpleQueue
from pathlib import Path
from typing import IO

from topology import InputError
from topology.errors import printable
from topology.limits import MEMORY_LIMIT
from topology.options import SCHEDULER_CONNECT
from topology.pipeline import analyze_bytes
from topology.reading.cif import read_bytes

SUFFIXES = (".cif", ".cif.gz", ".cgd")
SUMMARY_FIELDS = ("path", "source", "classification", "class", "Z", "nets", "dimensionalities", "folds", "topologies",
                  "seconds", "error")


def discover(paths: Iterable[str], unmatched: list[str] | None = None) -> Iterator[Path]:
    """Files named, the structure files in folders (recursively, in sorted order) and glob matches.
    An empty name, a folder with no structure file and a pattern that matches nothing yield nothing;
    a line saying so is added to ``unmatched``, if given."""
    for given in paths:
        path = Path(given)
        found, problem = [path], None
        if not given:
            found, problem = [], InputError("''", "an empty file name")
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES))
            problem = InputError(given, f"no {', '.join(SUFFIXES)} file in this folder")
        elif not path.exists() and any(ch in given for ch in "*?["):
            found = [Path(p) for p in sorted(glob.glob(given, recursive=True)) if Path(p).is_file()]
            problem = InputError(given, "no file matches this pattern")
        if not found and problem and unmatched is not None:
            unmatched.append(str(problem))
        yield from found


HARD_GRACE = 2.0  # seconds past --timeout before a worker stuck in compiled code is killed
_killed: SimpleQueue | None = None  # in a pool worker: where the path of a killed task is told


class _Overtime(Exception):
    pass


def _worker_init(killed: SimpleQueue) -> None:
    """In a pool worker: where to tell of a killed task, and the memory cap of the app's workers on top
    of what the worker holds when it starts (it is forked from its caller, whose address space, a
    long test session's or a notebook's, it inherits)."""
    global _killed
    _killed = killed
    held = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE") \
        if Path("/proc/self/statm").exists() else 0
    resource.setrlimit(resource.RLIMIT_AS, (held + MEMORY_LIMIT, held + MEMORY_LIMIT))


def _hard_stop(path: str) -> None:
    """End this worker process (a task stuck where the alarm cannot reach), telling the parent which file."""
    if _killed is not None:
        _killed.put(path)
    os._exit(70)


def _alarm(*_: object) -> None:
    raise _Overtime


def analyse_bytes(path: str, name: str, data: bytes, options: dict) -> tuple[dict, float]:
    """The record of one file and the seconds it took (run in a worker: never raises)."""
    start = time.perf_counter()
    timeout = options.get("timeout") or 0
    timed = timeout > 0 and threading.current_thread() is threading.main_thread()
    if timed:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    watchdog = threading.Timer(timeout + HARD_GRACE, _hard_stop, (path,)) if timed and _killed is not None else None
    if watchdog:
        watchdog.daemon = True
        watchdog.start()
    try:
        report = analyze_bytes(name, data, options.get("min_occupancy", 0.0), disorder=options.get("disorder", "major"),
                               clustering=options.get("clustering", "SingleNodes"))
        record = {"path": path, **report.to_dict()}
    except InputError as err:
        record = {"path": path, "source": name, "error": str(err)}
    except _Overtime:
        record = {"path": path, "source": name, "error": str(InputError(name, f"analysis took longer than the {timeout:g} s limit"))}
    except MemoryError:
        record = {"path": path, "source": name, "error": str(InputError(name, "analysis needed more memory than allowed"))}
    except Exception as err:  # noqa: BLE001 - one file's failure must not end a survey of thousands
        record = {"path": path, "source": name, "error": str(InputError(name, f"internal error ({type(err).__name__}: {err})"))}
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if watchdog:
            watchdog.cancel()
    return record, time.perf_counter() - start


def analyse_path(path: str, options: dict) -> tuple[dict, float]:
    """:func:`analyse_bytes` on a file the worker reads itself (a shared folder)."""
    try:
        name, data = read_bytes(path)
    except InputError as err:
        return {"path": path, "source": Path(path).name, "error": str(err)}, 0.0
    return analyse_bytes(path, name, data, options)


@dataclass
class Progress:
    """Counts of a running survey, drawn as one line on a terminal's stderr."""

    total: int
    done: int = 0
    errors: int = 0
    start: float = field(default_factory=time.perf_counter)
    stream: IO[str] | None = None

    def update(self, failed: bool) -> None:
        self.done += 1
        self.errors += failed
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r{self.done}/{self.total} files  {rate:.1f} files/s  {self.errors} errors  "
                          f"ETA {eta:.0f} s ")
        self.stream.flush()
        if self.done == self.total:
            self.stream.write("\n")


def run_local(paths: list[str], options: dict, jobs: int) -> Iterator[tuple[dict, float]]:
    """Records in the order they finish, from ``jobs`` worker processes (in this process for 1)."""
    jobs = min(jobs, len(paths))  # never more workers than files
    if jobs <= 1:
        for path in paths:
            yield analyse_path(path, options)
        return
    yield from _pooled(paths, options, jobs)


def _pooled(paths: list[str], options: dict, jobs: int, attempts: int = 3) -> Iterator[tuple[dict, float]]:
    """A process pool with at most ``4 * jobs`` tasks in flight that survives the death of a worker: a task
    killed over its time limit is recorded as an error, the others caught in the broken pool run again in a
    fresh one (a file whose worker dies ``attempts`` times, e.g. out of memory, is recorded as an error)."""
    queue = iter(paths)
    retry: list[str] = []
    broken_count: dict[str, int] = {}
    timeout = options.get("timeout") or 0

    def fill(pool: ProcessPoolExecutor, pending: dict[Future, str]) -> None:
        while len(pending) < 4 * jobs:
            path = retry.pop() if retry else next(queue, None)
            if path is None:
                return
            pending[pool.submit(analyse_path, path, options)] = path

    while True:
        killed: SimpleQueue = SimpleQueue()
        broken = False
        with ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(killed,)) as pool:
            pending: dict[Future, str] = {}
            fill(pool, pending)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    path = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        broken_count[path] = broken_count.get(path, 0) + 1
                        retry.append(path)
                        continue
                    yield result
                if not broken:
                    fill(pool, pending)
        if not broken:
            return
        culprits = set()
        while not killed.empty():
            culprits.add(killed.get())
        for path in list(retry):
            name = Path(path).name.removesuffix(".gz")
            if path in culprits:
                error = InputError(name, f"analysis took longer than the {timeout:g} s limit (its worker was stopped)")
            elif broken_count[path] >= attempts:
                error = InputError(name, "the worker process analysing it ended (out of memory?)")
            else:
                continue
            retry.remove(path)
            yield {"path": path, "source": name, "error": str(error)}, 0.0


def connect(scheduler: str):
    """A Dask client of ``scheduler``, or one line saying why not within :data:`SCHEDULER_CONNECT` seconds."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=f"{SCHEDULER_CONNECT}s")
    except Exception as err:  # noqa: BLE001 - refused, unreachable, not a scheduler: one line, whatever Dask raises
        reason = " ".join(str(err).split())[:160] or type(err).__name__
        raise InputError(scheduler, f"cannot reach the Dask scheduler within {SCHEDULER_CONNECT} s ({reason})") from None


def run_dask(paths: list[str], options: dict, scheduler: str, send_bytes: bool = True) -> Iterator[tuple[dict, float]]:
    """Records from a Dask cluster, as they finish. By default each file's bytes travel with its task,
    so workers need no shared folder; ``send_bytes=False`` lets workers read the paths themselves."""
    from distributed import as_completed

    with connect(scheduler) as client:
        limit = 16 * max(len(client.scheduler_info().get("workers", {})), 1)
        queue = iter(paths)
        running = as_completed()
        failed: list[tuple[dict, float]] = []

        def submit_next() -> bool:
            for path in queue:
                if not send_bytes:
                    running.add(client.submit(analyse_path, path, options, pure=False))
                    return True
                try:
                    name, data = read_bytes(path)
                except InputError as err:
                    failed.append(({"path": path, "source": Path(path).name, "error": str(err)}, 0.0))
                    continue
                running.add(client.submit(analyse_bytes, path, name, data, options, pure=False))
                return True
            return False

        for _ in range(limit):
            if not submit_next():
                break
        yield from failed
        failed.clear()
        for future in running:
            yield future.result()
            future.release()
            submit_next()
            yield from failed
            failed.clear()


def already_done(output: Path) -> set[str]:
    """Paths with a record in an existing output file (for ``--resume``). Every complete record is
    kept, the last one too when an interrupted run wrote it without its newline (one is added); only
    a last line that does not parse, cut short by the interruption, is removed, so that its file is
    done again and the next record starts on a line of its own."""
    if not output.exists():
        return set()
    done = set()
    data = output.read_bytes()
    complete = data.rfind(b"\n") + 1
    lines = data[:complete].decode("utf-8", "replace").splitlines()
    if complete < len(data):
        last = _path_of(data[complete:].decode("utf-8", "replace"))
        with open(output, "r+b") as fh:
            if last is None:
                fh.truncate(complete)
            else:
                fh.seek(0, os.SEEK_END)
                fh.write(b"\n")
                done.add(last)
    for line in lines:
        path = _path_of(line)
        if path is not None:
            done.add(path)
    return done


def _path_of(line: str) -> str | None:
    """The ``path`` of a survey record, None if the line is not one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    path = record.get("path") if isinstance(record, dict) else None
    return path if isinstance(path, str) else None


def check_parquet(path: Path) -> None:
    """Refuse to resume a summary that is not a Parquet table of survey rows (before any work)."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as err:  # noqa: BLE001 - pyarrow raises several types for a file that is not Parquet
        raise InputError(str(path), f"--summary: not a Parquet file, cannot add to it ({type(err).__name__})") from None
    if names != list(SUMMARY_FIELDS):
        raise InputError(str(path), "--summary: a Parquet file with other columns than a survey summary")


def is_record(record: object) -> bool:
    """Whether a line of a results file holds what :func:`summary_row` reads, of the right types: a
    record of ``interlace analyze -o``, or one edited or written by hand as such."""
    if not isinstance(record, dict) or not isinstance(record.get("path"), str):
        return False
    if "error" in record:
        return isinstance(record["error"], str) and isinstance(record.get("source", ""), str)
    nets = record.get("nets")
    return (isinstance(nets, list) and isinstance(record.get("source", ""), str)
            and isinstance(record.get("classification"), str) and type(record.get("interpenetration_degree")) is int
            and all(isinstance(n, dict) and type(n.get("dimensionality")) is int and type(n.get("fold")) is int
                    and isinstance(n.get("topology"), (str, type(None))) for n in nets))


def summary_row(record: dict, seconds: float) -> dict:
    """One row of the summary table. ``nets`` reads each periodic net whole ("3D pcu x1; 2D sql x1"); the
    per-net columns after it have one entry per periodic net in the same order ("-" for a net
    without a name), so they line up with each other."""
    nets = [n for n in record.get("nets", []) if n["dimensionality"] > 0]
    klass = record.get("interpenetration_class") or {}
    return {"path": printable(record["path"]), "source": printable(record.get("source", "")),
            "classification": record.get("classification", ""), "class": klass.get("class", ""),
            "Z": record.get("interpenetration_degree", ""),
            "nets": "; ".join(f"{n['dimensionality']}D {n.get('topology') or '-'} x{n['fold']}" for n in nets),
            "dimensionalities": " ".join(str(n["dimensionality"]) for n in nets),
            "folds": " ".join(str(n["fold"]) for n in nets),
            "topologies": " ".join(n.get("topology") or "-" for n in nets),
            "seconds": round(seconds, 3), "error": record.get("error", "")}


class SummaryTable:
    """The summary as CSV, or Parquet when the name ends in ``.parquet`` (written in batches of rows,
    so memory stays bounded; on resume the rows already there are kept)."""

    BATCH = 1000

    def __init__(self, path: Path, append: bool) -> None:
        self.path = path
        self.parquet = path.suffix.lower() == ".parquet"
        append = append and path.exists()
        if not self.parquet:
            self.fh = open(path, "a" if append else "w", newline="", encoding="utf-8")  # noqa: SIM115
            self.csv = csv.DictWriter(self.fh, SUMMARY_FIELDS)
            if not append:
                self.csv.writeheader()
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.schema = pa.schema([(f, pa.int64() if f == "Z" else pa.float64() if f == "seconds" else pa.string())
                                 for f in SUMMARY_FIELDS])
        self.partial = path.with_name(path.name + ".partial")
        self.writer = pq.ParquetWriter(self.partial, self.schema)
        if append:
            self.writer.write_table(pq.read_table(path).cast(self.schema))
        self.rows: list[dict] = []

    def add(self, row: dict) -> None:
        if not self.parquet:
            self.csv.writerow(row)
            return
        self.rows.append({**row, "Z": row["Z"] if row["Z"] != "" else None})
        if len(self.rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, self.schema))
            self.rows = []

    def close(self) -> None:
        if not self.parquet:
            self.fh.close()
            return
        self._flush()
        self.writer.close()
        self.partial.replace(self.path)


@dataclass
class Outcome:
    total: int
    skipped: int
    errors: int


def survey(paths: Iterable[str], output: IO[str], options: dict, jobs: int = 1, scheduler: str | None = None,
           done: set[str] | None = None, summary: Path | None = None, progress: bool = False) -> Outcome:
    """Analyse every structure file under ``paths`` but those ``done``; one JSON line per file to ``output``."""
    files = [str(p) for p in discover(paths)]
    todo = [p for p in files if p not in (done or set())]
    bar = Progress(len(todo), stream=sys.stderr if progress else None)
    results = run_dask(todo, options, scheduler) if scheduler else run_local(todo, options, jobs)
    table = SummaryTable(summary, append=bool(done)) if summary else None
    try:
        for record, seconds in results:
            output.write(json.dumps(record) + "\n")
            output.flush()
            if table:
                table.add(summary_row(record, seconds))
            bar.update("error" in record)
    finally:
        if table:
            table.close()
    return Outcome(len(files), len(files) - len(todo), bar.errors)
