"""How a space group's operations move the atoms of an expanded crystal.

Operations are integer Seitz pairs in units of 1/DEN (gemmi's), translations taken modulo the
lattice. A crystal read with its symmetry keeps, for every atom, the site and the operation that
made it, and for every site and operation the atom made: with the group's products, the atom any
operation takes any atom to is a lookup, not a search (the bonds of a cell follow from those of its
asymmetric unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np


def images_of(rot: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``out[n, m] = rot[m] @ points[n]``: the rotation parts of m operations applied to n points, as
    one matrix product."""
    return np.tensordot(points, rot, axes=([1], [2]))


GENERIC_POINT = np.array([0.1234567, 0.2718281, 0.3141593])
"""A point no operation of a space group fixes or maps onto another's image of it: operations are
told apart, and multiplied, by where they take it."""


def products(rot: np.ndarray, tran: np.ndarray, den: int, columns: np.ndarray) -> np.ndarray | None:
    """``table[a, k]`` = index of the operation ``ops[a] * ops[columns[k]]`` (translations modulo
    the lattice), or None when the operations are not a group (a file may list an incomplete set)
    or have matrix entries beyond -1..1 (an unusual setting, left to the k-d tree). Each product is
    found by where it takes :data:`GENERIC_POINT`: one matrix product for the whole table."""
    if np.abs(rot).max() > den:
        return None
    rot, tran = rot / den, tran / den
    generic = rot @ GENERIC_POINT + tran
    table = _operations_at(generic, images_of(rot, generic[columns]) + tran[None, :, :])
    return None if table is None else table.T


def multiplication_table(rot: np.ndarray, tran: np.ndarray, den: int) -> np.ndarray | None:
    """``table[a, b]``: the index of the operation ``ops[a] * ops[b]``, or None when the operations are
    no group. Kept for the last few lists of operations: the files of a survey share their groups."""
    rot, tran = np.ascontiguousarray(rot, dtype=np.int64), np.ascontiguousarray(tran, dtype=np.int64)
    return _table_of(rot.tobytes(), tran.tobytes(), den)


@lru_cache(maxsize=64)
def _table_of(rot: bytes, tran: bytes, den: int) -> np.ndarray | None:
    linear = np.frombuffer(rot, dtype=np.int64).reshape(-1, 3, 3) / den
    shift = np.frombuffer(tran, dtype=np.int64).reshape(-1, 3) / den
    generic = linear @ GENERIC_POINT + shift
    table = _operations_at(generic, images_of(linear, generic) + shift[None, :, :])  # [b, a]: a times b
    if table is None:
        return None
    table = np.ascontiguousarray(table.T)
    table.flags.writeable = False
    return table


def _operations_at(generic: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """For each of ``points``, the operation that takes :data:`GENERIC_POINT` there (``generic``: where
    each operation takes it), or None when some point is no operation's or two operations share one."""
    own = _position_keys(generic)
    keys = _position_keys(points)
    order = np.argsort(own)
    ranked = own[order]
    at = np.minimum(np.searchsorted(ranked, keys), len(own) - 1)
    if (ranked[1:] == ranked[:-1]).any() or not (ranked[at] == keys).all():
        return None
    return order[at]


def _position_keys(points: np.ndarray) -> np.ndarray:
    """One integer per point modulo the lattice (coordinates to a millionth)."""
    grid = np.round(points * 1_000_000).astype(np.int64) % 1_000_000
    return (grid[..., 0] * 1_000_000 + grid[..., 1]) * 1_000_000 + grid[..., 2]


def op_keys(rot: np.ndarray, tran: np.ndarray, den: int) -> np.ndarray:
    """One integer per operation: its rotation entries (-1, 0, 1) as base-3 digits, above its
    translation (in 1/DEN) as base-DEN digits."""
    rot_weights = 3 ** np.arange(8, -1, -1, dtype=np.int64) * den**3
    tran_weights = den ** np.arange(2, -1, -1, dtype=np.int64)
    return (rot // den + 1).reshape(*rot.shape[:-2], 9) @ rot_weights + tran @ tran_weights


@dataclass(frozen=True, eq=False)
class SiteOrbits:
    """The atoms of a cell as images of their sites: atom ``k`` is site ``site[k]`` moved by operation
    ``op[k]``, and ``atom_of[s, g]`` is the atom operation ``g`` makes of site ``s`` (on a special
    position several operations make one atom). ``rot``, ``tran``: the operations, in 1/``den``."""

    site: np.ndarray
    op: np.ndarray
    atom_of: np.ndarray
    rot: np.ndarray
    tran: np.ndarray
    den: int

    @cached_property
    def _linear(self) -> np.ndarray:
        return self.rot / self.den

    @cached_property
    def _shift(self) -> np.ndarray:
        return self.tran / self.den

    @cached_property
    def _table(self) -> np.ndarray | None:
        return multiplication_table(self.rot, self.tran, self.den)

    def images(self, frac: np.ndarray, ops: np.ndarray, atoms: np.ndarray,
               offsets: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """For each operation ``g`` of ``ops`` and atom ``k`` of ``atoms`` (paired; ``k`` moved by the
        lattice vector ``offsets`` where given): the atom ``t`` that ``g`` takes ``k`` to, the lattice
        translation ``s`` with ``g x_k = x_t + s``, and what is left over (fractional: zero but for
        atoms merged on special positions). None when the operations are no group.

        Atom ``k`` is site ``s`` moved by ``a``; ``g`` takes it to the image of ``s`` by ``g a``, read
        from the group's multiplication table."""
        if self._table is None:
            return None
        where = frac[atoms] if offsets is None else frac[atoms] + offsets
        linear, tran = self._linear[ops], self._shift[ops]
        return self._placed(frac, atoms, self._table[ops, self.op[atoms]], _turn(linear, where) + tran)

    def orbit_images(self, frac: np.ndarray, atoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """:meth:`images` of ``atoms`` by every operation: arrays of (operation, atom)."""
        if self._table is None:
            return None
        moved = images_of(self._linear, frac[atoms]).transpose(1, 0, 2) + self._shift[:, None, :]
        return self._placed(frac, np.broadcast_to(atoms, moved.shape[:2]), self._table[:, self.op[atoms]], moved)

    def _placed(self, frac: np.ndarray, atoms: np.ndarray, made_by: np.ndarray,
                moved: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The atoms at ``moved``, images of ``atoms`` by the operations ``made_by`` of their sites:
        which atoms, and the lattice translations and what is left between."""
        target = self.atom_of[self.site[atoms], made_by]
        left = moved - frac[target]
        shift = np.round(left)
        left -= shift
        return target, shift.astype(np.int64), left


def _turn(linear: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``linear @ point`` for a stack of 3x3 matrices, one for each point, written out by column:
    several times quicker than a stacked ``matmul`` or ``einsum`` on thousands of small products."""
    return (linear[..., 0] * points[..., 0, None] + linear[..., 1] * points[..., 1, None]
            + linear[..., 2] * points[..., 2, None])
