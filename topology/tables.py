"""Integer tables of a crystal and its nets: their rows sorted, told apart and ranked, and index
ranges gathered, with numpy calls that stay quick on the small tables every analysis makes many of.
Every stage uses them; they know nothing of crystals."""

from __future__ import annotations

import numpy as np


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[k], starts[k] + 1, ..., starts[k] + counts[k] - 1`` for every k, one after another, in
    one array (the rows of many slices gathered at once).

    >>> concatenated_ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    counts = np.asarray(counts)
    return np.repeat(np.asarray(starts) - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))


RADIX_FROM = 1024
"""Keys from which :func:`stable_argsort` sorts by radix passes (measured: slower below about a thousand)."""

SHORT_TABLE = 256
"""Rows up to which :func:`column_range` reduces along the rows (measured: quicker up to about 400 rows
of five columns)."""


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for non-negative integer keys, by radix passes over 16 bits
    at a time (numpy sorts 16-bit keys by radix, ten times faster than its merge sort of wider ones)
    where the keys are many: below :data:`RADIX_FROM`, numpy's own sort is quicker."""
    keys = np.asarray(keys)
    if len(keys) < RADIX_FROM or keys.dtype.kind not in "iu" or keys.min() < 0:
        return np.argsort(keys, kind="stable")
    top = int(keys.max())
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    bits = 16
    while top >> bits:
        order = order[np.argsort(((keys[order] >> bits) & 0xFFFF).astype(np.uint16), kind="stable")]
        bits += 16
    return order


def unique_rows(table: np.ndarray) -> np.ndarray:
    """Distinct rows of an integer table, sorted, as ``np.unique(table, axis=0)`` gives them but
    through one integer key per row (several times faster on the small tables of a crystal).

    >>> unique_rows(np.array([[1, -1], [0, 2], [1, -1]])).tolist()
    [[0, 2], [1, -1]]
    """
    table = np.asarray(table, dtype=np.int64)
    if table.size == 0:
        return table.reshape(0, table.shape[1] if table.ndim == 2 else 0)
    packed = _row_keys(table)
    if packed is None:
        return np.unique(table, axis=0)
    order = stable_argsort(packed[0])
    key = packed[0][order]
    return table[order[np.append(True, key[1:] != key[:-1])]]


def lexicographic_order(table: np.ndarray) -> np.ndarray:
    """The order that sorts the rows of an integer table lexicographically, through one integer key
    per row where the entries allow (a radix sort), else one lexsort."""
    table = np.asarray(table, dtype=np.int64)
    if len(table) == 0:
        return np.zeros(0, dtype=np.intp)
    packed = _row_keys(table)
    return np.lexsort(table.T[::-1]) if packed is None else stable_argsort(packed[0])


def _row_keys(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One non-negative integer per row of a non-empty integer table, in the rows' lexicographic
    order (mixed radix from each column's least entry), with that least entry and each column's
    weight; None when the keys would not fit in 62 bits."""
    low, high = column_range(table)
    span = high - low + 1
    if np.prod(span.astype(float)) >= 2.0**62:
        return None
    weights = np.concatenate([np.cumprod(span[::-1])[::-1][1:], [1]])
    return (table - low) @ weights, low, weights


def row_ranks(rows: np.ndarray) -> np.ndarray:
    """Each row's rank among the distinct rows of a table of numbers (no NaN) in lexicographic order, as
    ``np.unique(rows, axis=0, return_inverse=True)`` numbers them, from one lexsort (several times
    faster on the small tables of a net); unlike :func:`unique_rows`, for entries of any size."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    ranks = np.empty(len(rows), dtype=np.int64)
    ranks[order] = np.concatenate([[0], (ordered[1:] != ordered[:-1]).any(axis=1).cumsum()])
    return ranks


def first_rows(table: np.ndarray) -> np.ndarray:
    """The index of each distinct row's first occurrence, ascending: the rows once each, in the order
    they are met.

    >>> first_rows(np.array([[1, 2], [0, 5], [1, 2], [3, 3]])).tolist()
    [0, 1, 3]
    """
    return np.sort(np.unique(row_ranks(table), return_index=True)[1])


def column_range(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least and greatest entry of each column of a non-empty table: one column at a time where the
    table is tall (numpy reduces a tall, narrow table along its rows twenty times slower), in one call
    along its rows where it is short."""
    table = table.reshape(len(table), -1)
    if len(table) <= SHORT_TABLE:
        return table.min(axis=0), table.max(axis=0)
    columns = table.T
    return np.array([c.min() for c in columns]), np.array([c.max() for c in columns])
