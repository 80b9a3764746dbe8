"""Where the time of an analysis goes: each stage of the pipeline reports its wall time to the
profile in force, if any (``interlace analyze --timings``, the benchmarks).

>>> with profile() as times:
...     with stage("reading"):
...         pass
>>> list(times)
['reading']
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

STAGES = ("reading", "bonds", "units", "net", "naming", "entanglement", "verdict")
"""The stages, in the order the pipeline runs them."""

_current: ContextVar[dict[str, float] | None] = ContextVar("profile", default=None)


@contextmanager
def profile() -> Iterator[dict[str, float]]:
    """Collect the seconds spent in each stage of the analyses run inside the block (summed when a stage
    runs more than once, as for several files)."""
    times: dict[str, float] = {}
    token = _current.set(times)
    try:
        yield times
    finally:
        _current.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` of the profile in force (nothing is recorded without one)."""
    times = _current.get()
    if times is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - start
