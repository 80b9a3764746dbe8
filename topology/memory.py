"""How the engine asks the C library's allocator to treat freed memory.

An analysis makes thousands of short-lived numpy arrays, many of them above glibc's default 128 KB
threshold for mapping memory afresh from the system: each such array then costs a new mapping and one
page fault for every 4 KB it touches, and freed memory at the top of the heap goes back to the system
only to be asked for again (about 3,000 page faults in one pass over the 16 peer MOFs, some 8 % of
its time). Raised thresholds keep freed memory in the process for the next array. They are set once,
where glibc is the allocator and the user has not chosen them through its environment variables.
"""

from __future__ import annotations

import functools
import os

MMAP_THRESHOLD = 64 << 20
"""Blocks up to this size (bytes) come from the heap, reused, rather than from a mapping of their own."""

TRIM_THRESHOLD = 128 << 20
"""Free memory at the top of the heap kept for reuse, at most (bytes)."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


@functools.cache
def keep_freed_memory() -> bool:
    """Raise glibc's mapping and trim thresholds for this process (once); whether they were set."""
    if not uses_glibc() or {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"} & set(os.environ):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def uses_glibc() -> bool:
    """Whether the C library is glibc, whose allocator these thresholds tune."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # no confstr (Windows), or no such name (macOS, musl)
        return False
