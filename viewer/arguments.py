"""Types of the CLI's options: each value is checked when the command line is parsed, so a bad one
is one line and exit 2 before any file is read (never an OverflowError, a fork bomb or a hang later)."""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable

MAX_TIMEOUT = 86_400.0
"""Longest ``--timeout``, in seconds (a day); a timer beyond it overflows or never rings."""

MIN_TIMEOUT = 0.1
"""Shortest ``--timeout``: below it the alarm rings before the analysis can be set up."""

_SCHEDULER = re.compile(r"(tcp|tls)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})")


def cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def occupancy(text: str) -> float:
    """A site occupancy threshold, 0 to 1."""
    value = _finite(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def timeout(text: str) -> float:
    """Seconds per file: 0 for no limit, else between :data:`MIN_TIMEOUT` and :data:`MAX_TIMEOUT`."""
    value = _finite(text)
    if value != 0 and not MIN_TIMEOUT <= value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or between {MIN_TIMEOUT:g} and {MAX_TIMEOUT:g} seconds")
    return value


def jobs(text: str) -> int:
    """Worker processes: 1 to four per core (more only share the same cores and their memory)."""
    most = 4 * cores()
    return bounded(1, most, f"{most} (4 per core of this machine)")(text)


def scheduler(text: str) -> str:
    """A Dask scheduler's address, ``tcp://HOST:PORT`` (or ``tls://``)."""
    match = _SCHEDULER.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(3)) <= 65535:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a scheduler address tcp://HOST:PORT")
    return text.strip()


def bounded(low: int, high: int, shown: str | None = None) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:30]!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {shown or high}")
        return value

    return parse


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:30]!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:30]!r} is not a finite number")
    return value
