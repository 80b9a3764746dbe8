"""The app's analyses run in worker processes, each under the same limits as the command line
(:data:`~topology.limits.TIME_LIMIT`, :data:`~topology.limits.MEMORY_LIMIT`), at most one per core at
a time, so that one hostile upload can neither hold the server's processor nor take its memory.

Workers are forked from a server process that has imported the engine once (``forkserver``): an
analysis starts in milliseconds, and a worker stopped over its limit takes nothing down with it.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import sys
import threading
import types
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from topology.errors import InputError
from topology.limits import MEMORY_LIMIT, TIME_LIMIT, time_limit
from viewer.arguments import cores

if TYPE_CHECKING:
    from topology.report import Report

GRACE = 2.0
"""Seconds past the time limit before a worker stuck in compiled code (where the alarm cannot
reach) is killed."""

LOG = logging.getLogger("interlace")
_slots = threading.BoundedSemaphore(cores())
_starting = threading.Lock()


@lru_cache(maxsize=1)
def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["topology.pipeline"])
    return context


def analyse(name: str, data: bytes, min_occupancy: float, time_s: float | None = None,
            memory: int | None = None, clustering: str = "SingleNodes") -> Report:
    """The report of a file under ``clustering``, analysed in a worker process under ``time_s`` seconds
    and ``memory`` bytes (the limits of :mod:`topology.limits` by default); an :class:`InputError` in
    one line when the file is refused or a limit is hit."""
    time_s, memory = time_s or TIME_LIMIT, memory or MEMORY_LIMIT
    with _slots:
        receive, send = _context().Pipe(duplex=False)
        worker = _context().Process(target=_work, args=(send, name, data, min_occupancy, time_s, memory, clustering),
                                    daemon=True)
        _start(worker)
        send.close()
        try:
            if not receive.poll(time_s + GRACE):
                raise InputError(name, f"analysis took longer than the {time_s:g} s limit")
            kind, value = receive.recv()
        except EOFError:  # the worker died without a word: killed for its memory, or crashed
            raise InputError(name, f"the analysis stopped without a result (over the {memory / 2**30:.3g} GiB memory "
                                   f"limit?)") from None
        finally:
            if worker.is_alive():
                worker.kill()
            worker.join()
            receive.close()
    if kind == "report":
        return value
    if kind == "failed":
        LOG.error("analysis of %r failed in its worker: %s", name, value)
        raise RuntimeError(value)
    raise InputError(*value)


def _start(worker: multiprocessing.process.BaseProcess) -> None:
    """Start ``worker`` with a blank ``__main__``: multiprocessing re-imports the main module in the
    worker, and under Streamlit that is the page script itself (it would run the page there)."""
    with _starting:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            worker.start()
        finally:
            sys.modules["__main__"] = main


def _work(send: Connection, name: str, data: bytes, min_occupancy: float, time_s: float, memory: int,
          clustering: str) -> None:
    """In the worker: cap the address space, analyse, send ``(kind, value)`` back."""
    from topology.pipeline import analyze_bytes

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        with time_limit(time_s, name):
            result = ("report", analyze_bytes(name, data, min_occupancy, clustering=clustering))
    except InputError as err:
        result = ("error", (err.source, err.problem))
    except MemoryError:
        result = ("error", (name, f"analysis needed more than the {memory / 2**30:.3g} GiB memory limit"))
    except Exception as err:  # noqa: BLE001 - told to the server's log, shown as one line
        result = ("failed", f"{type(err).__name__}: {err}")
    try:
        send.send(result)
    except MemoryError:
        send.send(("error", (name, "the report is too large to send back within the memory limit")))
