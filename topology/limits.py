"""Size and time limits: every input is measured against them before anything large is allocated.

A file from the internet can ask for any amount of memory or time (a cell of 0.01 Å, one row
repeated a million times, atoms piled on one point). Each limit here is checked on a cheap
estimate (sites x operations, atoms per Å^3, pairs counted without being listed) so that a file
beyond it is refused in one line instead of taking the machine's memory; the time limit is the
last guard for work no estimate foresees.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from topology.errors import InputError

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Files larger than this are refused before parsing."""

MAX_CIF_VALUES = 3_000_000
"""Most values (whitespace-separated words outside semicolon text fields) in a CIF, counted before
it is parsed: MAX_ATOMS sites with ten columns and their other loops. A CIF parser keeps about 140
bytes a value, so a 60 MB file of 1.7 million atom rows once took 1.7 GB and 15 s before it was
refused; reflection data (an hkl file in a text field) is one value."""

MAX_ATOMS = 200_000
"""Largest number of atoms in the unit cell after symmetry expansion."""

MAX_DENSITY = 1.0
"""Most atoms per cubic Angstrom (diamond has 0.18, dense disordered files about 0.3)."""

MAX_OPERATIONS = 192
"""Most distinct symmetry operations (Fm-3m with its centring has 192)."""

MAX_BOND_CANDIDATES = 5_000_000
"""Most pairs of atoms within bonding reach (counted before they are listed). Real frameworks have
a few per atom (MIL-101's 16,000 atoms: about 50,000); atoms piled on one point have n^2 / 2."""

MAX_SCREENED = 100_000_000
"""Most (atom, cell image) pairs screened for bonds (atoms x images of the cell; one byte each)."""

MAX_IMAGE_POINTS = 5_000_000
"""Most atoms and atom images put in the tree that finds bonds (the cell and a margin around it)."""

SHORT_CONTACT = 0.75
"""Two atoms closer than this fraction of their bond length (sum of covalent radii) are too close."""

MAX_SHORT_CONTACTS = 0.25
"""Largest fraction of ordered, fully occupied atoms allowed in such contacts. Real frameworks have
under 3% (MIL-100); a cell shortened by a typo crushes most atoms into each other, and a net of such
a crystal costs minutes to name for nothing."""

MAX_EDGE_SPAN = 8.0
"""Longest edge of a net read from a .cgd file, in widths of its cell (the distance between opposite
faces, narrowest first). Nets join neighbouring cells; an edge 360 cells long, or a cell 0.017 wide,
would make the search for rings and links among images take the machine's memory."""

MAX_NET_LINES = 600_000
"""Most lines of a .cgd file (twice the edges a net may have, so repeated lines can be dropped)."""

MAX_NET_NODES = 100_000
"""Largest number of vertices in a net read from a .cgd file, after symmetry expansion."""

MAX_NET_EDGES = 300_000
"""Most distinct edges of a net read from a .cgd file."""

TIME_LIMIT = 60.0
"""Seconds one file may take to analyse, in the app and from the command line (``--timeout`` sets
another there). The slowest real framework here takes under a second."""

MEMORY_LIMIT = 2 * 2**30
"""Bytes of address space of the process analysing one file in the app or in a survey's worker."""


def check_values(source: str, n_values: int) -> None:
    """Refuse a CIF with more values than any structure's atom list before a parser holds them all."""
    if n_values > MAX_CIF_VALUES:
        raise InputError(source, f"{n_values:,} values outside text fields: more than any crystal's atom list "
                                 f"(limit {MAX_CIF_VALUES:,})")


def check_atoms(source: str, n_sites: int, n_operations: int, volume: float) -> None:
    """Refuse a structure whose expansion by symmetry would be too big or too dense, from the
    numbers of sites and operations alone (before the images are computed)."""
    estimate = n_sites * n_operations
    if n_sites > MAX_ATOMS or estimate > 4 * MAX_ATOMS:
        raise InputError(source, f"structure too big: {n_sites} sites x {n_operations} symmetry operations "
                                 f"(limit {MAX_ATOMS} atoms)")
    if n_sites / volume > MAX_DENSITY:
        raise InputError(source, f"{n_sites} sites in a cell of {volume:.3g} A^3: more atoms per volume than any "
                                 f"crystal (limit {MAX_DENSITY:g} per A^3)")


def check_expanded(source: str, n_atoms: int, volume: float) -> None:
    """Refuse a unit cell holding too many atoms, or more per volume than any crystal."""
    if n_atoms > MAX_ATOMS:
        raise InputError(source, f"structure too big: {n_atoms} atoms in the cell, limit {MAX_ATOMS}")
    if n_atoms / volume > MAX_DENSITY:
        raise InputError(source, f"{n_atoms} atoms in a cell of {volume:.3g} A^3: more atoms per volume than any "
                                 f"crystal (limit {MAX_DENSITY:g} per A^3)")


def check_images(source: str, n_atoms: int, n_images: int, n_points: int | None = None) -> None:
    """Refuse a cell so thin for its atoms that the images to search for bonds would not fit."""
    if n_atoms * n_images > MAX_SCREENED or (n_points or 0) > MAX_IMAGE_POINTS:
        raise InputError(source, f"unit cell too thin for its {n_atoms} atoms: {n_images} cell images to search "
                                 f"for bonds")


def check_pairs(source: str, n_pairs: int, n_atoms: int) -> None:
    """Refuse a structure with more atom pairs within bonding reach than memory allows to list."""
    if n_pairs > MAX_BOND_CANDIDATES:
        raise InputError(source, f"{n_pairs:.3g} pairs of atoms within bonding distance among {n_atoms} atoms "
                                 f"(limit {MAX_BOND_CANDIDATES:.0e}): atoms overlap, or the cell is too small")


def check_contacts(source: str, n_crushed: int, n_atoms: int) -> None:
    """Refuse a crystal most of whose atoms are crushed into their neighbours (see :data:`MAX_SHORT_CONTACTS`)."""
    if n_crushed > max(4, MAX_SHORT_CONTACTS * n_atoms):
        raise InputError(source, f"{n_crushed} of {n_atoms} atoms closer to a neighbour than {SHORT_CONTACT:g} of a bond "
                                 f"length: the cell is too small for its contents (check the cell lengths)")


class _Overtime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` on the way swallows it."""


@contextmanager
def time_limit(seconds: float | None, source: str) -> Iterator[None]:
    """Stop the work inside after ``seconds`` with an :class:`InputError` (None or 0: no limit).

    Works through SIGALRM, so only in the main thread of a process (the CLI, a survey worker);
    elsewhere (a web server's thread) it does nothing. A limit already running outside is kept
    and restored, the shorter of the two applying.

    >>> import time
    >>> with time_limit(0.05, "slow.cif"):
    ...     time.sleep(1)
    Traceback (most recent call last):
    topology.errors.InputError: slow.cif: analysis took longer than the 0.05 s limit
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left < seconds:
        yield  # an outer limit ends first: let it act
        return

    def _alarm(*_: object) -> None:
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # an alarm that rings before this is still caught below
    except _Overtime:
        raise InputError(source, f"analysis took longer than the {seconds:g} s limit") from None
    finally:
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-3))
