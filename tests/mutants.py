"""Seeded mutants of structure files and a runner that puts each through ``interlace analyze``, for
the fuzz test and the fuzz campaign (benchmarks/fuzz_campaign.py).

Mutations: byte flips, truncations, deleted and duplicated lines, values swapped within rows, loop
columns swapped, huge, NaN and negative numbers, odd cells, odd symmetry text, rows repeated or
piled on one point, duplicated blocks, digits of other scripts, impossible occupancies, space-group
numbers and Hall symbols no group has, two lists of operations that disagree. Mutants run in forked worker processes with their address
space capped and a hard time limit; the outcome of each is one of :data:`OUTCOMES`.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import random
import re
import resource
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

NUMBERS = ["0", "-1", "1e308", "-1e308", "nan", "inf", "5e-324", "0.01", "180", "-99999999999999999999",
           "99999999999999999999", "1/0", "1e-9", "360", "?", ".", "-0", "1e-320", "2.5e6"]
CELL_VALUES = ["0.01", "1e308", "5e-324", "180", "0", "-10", "nan", "1e5", "2", "0.5", "179.99", "1e-3"]
SYMOPS = ["x,y,-z+1/24", "x,y", "x+y+z", "a,b,c", "x,y,z,", "'x,y,z'", "-x,-y,-z", "x*2,y,z", "x,y,z+1/0",
          "", "x,x,z", "-y,x,z", "x+y,y,z", "y,z,x", "1/2+x,y,z", "x,y,z+99999999999999999999"]
UNICODE_DIGITS = ["²", "٣", "５", "߇", "𝟠", "Ⅻ", "¼", "⁹"]
OCCUPANCIES = ["-3", "5", "1e6", "nan", "-0.5", "1.5", "0"]
SPACE_GROUP_LINES = ["_space_group_IT_number 0", "_space_group_IT_number 231", "_symmetry_space_group_name_Hall 'Q 9 z'",
                     "_space_group_name_Hall '-P 2ac 2n'", "_space_group_IT_number -4", "_space_group_IT_number 2.5"]
KINDS = ("flip", "truncate", "delete", "duplicate", "swap", "columns", "number", "cell", "symop", "block",
         "repeat", "pile", "digits", "occupancy", "space-group", "two-symmetry-lists")

OUTCOMES = ("analysed", "refused", "refused on several lines", "warnings printed", "traceback", "over the time limit",
            "out of memory", "crashed", "bad output")
"""What a mutant can come to: the first two are correct behaviour, the rest failures."""


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutant of ``text`` and the name of the mutation."""
    kind = rng.choice(KINDS)
    lines = text.split("\n")
    rows = [k for k, line in enumerate(lines) if len(line.split()) >= 4 and not line.lstrip().startswith(("_", "#"))]
    if kind == "flip":
        data = bytearray(text.encode("utf-8", "replace"))
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return data.decode("utf-8", "replace"), kind
    if kind == "truncate":
        return text[: rng.randrange(max(len(text), 1))], kind
    if kind == "delete":
        for _ in range(rng.randint(1, 5)):
            if lines:
                del lines[rng.randrange(len(lines))]
        return "\n".join(lines), kind
    if kind == "duplicate":
        k = rng.randrange(len(lines))
        lines[k:k] = [lines[k]] * rng.choice([1, 2, 50])
        return "\n".join(lines), kind
    if kind == "swap":
        for k in rng.sample(rows, min(len(rows), 20)):
            w = lines[k].split()
            i, j = rng.sample(range(len(w)), 2)
            w[i], w[j] = w[j], w[i]
            lines[k] = " ".join(w)
        return "\n".join(lines), kind
    if kind == "columns":  # two tags of one loop header swapped: every row's values change meaning
        heads = [k for k in range(len(lines) - 1)
                 if lines[k].lstrip().startswith("_") and lines[k + 1].lstrip().startswith("_")]
        if heads:
            k = rng.choice(heads)
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        return "\n".join(lines), kind
    if kind == "number":
        numbers = list(re.finditer(r"-?\d+\.?\d*(\(\d+\))?", text))
        if not numbers:
            return text, kind
        out = text
        for m in sorted(rng.sample(numbers, min(len(numbers), rng.randint(1, 4))), key=lambda m: -m.start()):
            out = out[: m.start()] + rng.choice(NUMBERS) + out[m.end():]
        return out, kind
    if kind == "cell":
        cells = [k for k, line in enumerate(lines) if re.match(r"\s*(_cell_(length|angle)_\w+|CELL)\b", line)]
        if cells:
            k = rng.choice(cells)
            words = lines[k].split()
            words[rng.randrange(1, len(words))] = rng.choice(CELL_VALUES)
            lines[k] = " ".join(words)
        return "\n".join(lines), kind
    if kind == "symop":
        op = rng.choice(SYMOPS)
        block = f"loop_\n_symmetry_equiv_pos_as_xyz\n'{op}'\n" if rng.random() < 0.5 else \
            "loop_\n_symmetry_equiv_pos_as_xyz\n" + "x,y,z\n" * rng.choice([2, 500, 20000])
        if rng.random() < 0.5:  # the file's own operations taken out, so the new ones are the only ones
            text = re.sub(r"(?ms)^loop_\s*\n(\s*_(symmetry_equiv|space_group_symop)\S*\s*\n)+.*?(?=^\s*(loop_|_|$))",
                          "", text)
            lines = text.split("\n")
        k = next((i for i, line in enumerate(lines) if line.startswith("_cell_length_a")), 1)
        lines[k:k] = block.split("\n")
        return "\n".join(lines), kind
    if kind == "block":
        return text + "\n" + text, kind
    if kind == "digits":  # digits of other scripts, superscripts, fractions where numbers stand
        digits = [m.start() for m in re.finditer(r"\d", text)]
        out = list(text)
        for k in rng.sample(digits, min(len(digits), rng.randint(1, 5))):
            out[k] = rng.choice(UNICODE_DIGITS)
        return "".join(out), kind
    if kind == "occupancy":
        if "_atom_site_occupancy" not in text:
            lines[1:1] = ["_atom_site_occupancy " + rng.choice(OCCUPANCIES)]
            return "\n".join(lines), kind
        return re.sub(r"(?m)^(\s*\S+(?:\s+\S+){3,})\s+1(\.0+)?\s*$",
                      lambda m: m.group(1) + " " + rng.choice(OCCUPANCIES), text, count=rng.randint(1, 5)), kind
    if kind == "space-group":  # a number or Hall symbol no group has, beside or instead of the file's own
        k = next((i for i, line in enumerate(lines) if line.startswith("_cell_length_a")), 1)
        lines[k:k] = [rng.choice(SPACE_GROUP_LINES)]
        return "\n".join(lines), kind
    if kind == "two-symmetry-lists":  # the old and the new tag, one of them holding only x,y,z
        k = next((i for i, line in enumerate(lines) if line.startswith("_cell_length_a")), 1)
        tag = rng.choice(["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"])
        lines[k:k] = ["loop_", tag, "'x,y,z'"] + (["'-x,-y,-z'"] if rng.random() < 0.5 else [])
        return "\n".join(lines), kind
    if not rows:
        return text, kind
    k = rng.choice(rows)
    if kind == "repeat":  # one row many times: the same site again and again
        lines[k:k] = [lines[k]] * rng.choice([200, 3000, 20000])
        return "\n".join(lines), kind
    # pile: many sites of new labels on one point
    first, rest = lines[k].split(None, 1)
    lines[k:k] = [f"{first}p{i} {rest}" for i in range(rng.choice([300, 3000, 20000]))]
    return "\n".join(lines), kind


def mutants(sources: list[Path], n: int, seed: int) -> list[tuple[str, str, str]]:
    """``n`` mutants as (file name, mutation, text), the same for the same seed."""
    rng = random.Random(seed)
    texts = {p: p.read_text() for p in sources}
    jobs = []
    for _ in range(n):
        source = rng.choice(sources)
        text, kind = mutate(texts[source], rng)
        jobs.append((source.name, kind, text))
    return jobs


def _outcome(code: int | None, out: str, err: str) -> tuple[str, str]:
    """What ``interlace analyze --json`` did with a mutant, from its exit code and output."""
    err_lines = err.strip().splitlines()
    if "Traceback" in err:
        return "traceback", err_lines[-1][:160] if err_lines else ""
    if code == 0:
        try:
            ok = [set(json.loads(line)) >= {"source", "nets", "classification"} for line in out.strip().splitlines()]
        except ValueError:
            ok = []
        if ok != [True]:
            return "bad output", out[:160]
        return ("analysed", "") if not err_lines else ("warnings printed", err_lines[0][:160])
    if code == 2 and len(err_lines) == 1 and err_lines[0].startswith("interlace: "):
        if "took longer than" in err_lines[0]:
            return "over the time limit", err_lines[0][:160]
        return "refused", ""
    if code == 2 and len(err_lines) > 1:
        return "refused on several lines", " | ".join(err_lines)[:160]
    return "bad output", f"exit {code}: {' | '.join(err_lines)[:160]}"


def _run_one(name: str, text: str, limit: float, folder: str) -> tuple[str, str]:
    """Run one mutant through the CLI entry point; its outcome and a detail for failures."""
    from viewer.cli import main

    path = Path(folder) / name
    path.write_text(text, encoding="utf-8", errors="replace")
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["analyze", "--json", "--timeout", str(limit), str(path)])
        return _outcome(code, out.getvalue(), err.getvalue())
    except MemoryError:
        return "out of memory", name
    except BaseException as exc:  # noqa: BLE001 - anything escaping the CLI is the failure looked for
        return "traceback", f"{type(exc).__name__}: {str(exc)[:140]}"
    finally:
        path.unlink(missing_ok=True)


def _address_space() -> int:
    """Bytes of virtual memory this process holds now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _worker(conn, limit: float, memory: int, folder: str) -> None:
    """A forked worker: ``memory`` bytes allowed beyond what it starts with (a fork inherits the
    parent's address space, which depends on what the parent has loaded), every warning shown,
    mutants run until told to stop."""
    cap = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    warnings.simplefilter("always")  # a warning printed is a failure: show every one
    while (job := conn.recv()) is not None:
        conn.send(_run_one(*job, limit, folder))


def run_all(jobs: Iterable[tuple[str, str, str]], workers: int, limit: float, memory: int,
            grace: float = 5.0) -> Iterator[tuple[str, str, str, str, float]]:
    """(file, mutation, outcome, detail, seconds) of each mutant, ``workers`` at a time, in the order
    they finish. A worker still busy ``grace`` seconds past ``limit`` is killed (the alarm could not
    reach it) and its mutant counts as over the time limit; one that dies, as crashed. A new worker
    replaces it."""
    from topology import batch  # noqa: F401 - imported once here, shared by every forked worker
    from topology.pipeline import analyze_bytes
    from viewer import cli  # noqa: F401

    analyze_bytes("warm.cgd", b"PERIODIC_GRAPH\nEDGES\n1 1 1 0 0\n1 1 0 1 0\n1 1 0 0 1\nEND\n")  # load shared data once
    ctx = multiprocessing.get_context("fork")
    pending = list(jobs)[::-1]
    idle: list = []
    busy: dict = {}  # connection -> (process, name, kind, start)
    with tempfile.TemporaryDirectory() as folder:

        def start_worker() -> None:
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(there, limit, memory, folder), daemon=True)
            proc.start()
            there.close()
            idle.append((here, proc))

        for _ in range(min(workers, len(pending))):
            start_worker()
        while pending or busy:
            while pending and idle:
                conn, proc = idle.pop()
                name, kind, text = pending.pop()
                conn.send((name, text))
                busy[conn] = (proc, name, kind, time.monotonic())
            ready = wait(list(busy), timeout=0.5)
            now = time.monotonic()
            for conn in list(busy):
                proc, name, kind, start = busy[conn]
                if conn in ready:
                    try:
                        outcome, detail = conn.recv()
                    except EOFError:
                        proc.join()
                        outcome, detail = "crashed", f"worker ended with exit code {proc.exitcode}"
                elif now - start > limit + grace:
                    outcome, detail = "over the time limit", "killed"
                else:
                    continue
                del busy[conn]
                if outcome in ("crashed", "out of memory") or detail == "killed":  # a fresh worker for the next
                    proc.kill()
                    proc.join()
                    conn.close()
                    start_worker()
                else:
                    idle.append((conn, proc))
                yield name, kind, outcome, detail, now - start
        for conn, proc in idle:
            conn.send(None)
            proc.join()


def cpu_count() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
