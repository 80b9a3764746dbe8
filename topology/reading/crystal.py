"""The expanded crystal: every atom of the unit cell, as read and symmetry-expanded from a file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import gemmi
import numpy as np

from topology.reading.orbits import SiteOrbits


@dataclass(frozen=True, eq=False)
class Crystal:
    """All atoms of one unit cell (P1 after symmetry expansion).

    Arrays are parallel, one row per atom. ``frac`` is wrapped into [0, 1).
    ``disorder_group`` is 0 for ordered sites (CIF ``.``/``?``/0).
    ``symmetry_copy`` says which copy of its part a disordered atom is: the index of the operation
    that made it and the lattice translation that wrapped it into the cell, with operation -1 on a
    special position (the atom belongs to every copy). None when no site is disordered.
    """

    source: str
    cell: gemmi.UnitCell
    frac: np.ndarray
    elements: np.ndarray
    labels: np.ndarray
    occupancy: np.ndarray
    disorder_group: np.ndarray
    block: str = ""
    spacegroup: str = "P 1"
    notes: tuple[str, ...] = field(default=())
    disorder_assembly: np.ndarray | None = None  # CIF _atom_site_disorder_assembly, "" where none
    operations: tuple[str, ...] = ()  # the space group's operations as x,y,z triplets
    symmetry_copy: np.ndarray | None = None  # (n, 4) ints: operation, translation (see above)
    orbits: SiteOrbits | None = None  # the atoms as images of their sites, where read with the symmetry

    def __len__(self) -> int:
        return len(self.frac)

    @cached_property
    def symbols(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct element symbols and each atom's index among them (:func:`element_codes`), worked
        out once for the stages that ask: bonds, building units and the net."""
        return tuple(_read_only(a) for a in element_codes(self.elements))  # type: ignore[return-value]

    @cached_property
    def radii(self) -> np.ndarray:
        """Each atom's covalent radius (:func:`covalent_radii`)."""
        symbols, code = self.symbols
        return _read_only(covalent_radii(symbols)[code])

    @cached_property
    def metals(self) -> np.ndarray:
        """Which atoms are metals (:func:`metal_mask`)."""
        symbols, code = self.symbols
        return _read_only(metal_mask(symbols)[code])

    @property
    def orth(self) -> np.ndarray:
        """3x3 matrix taking fractional to Cartesian coordinates (columns are a, b, c)."""
        return np.array(self.cell.orth.mat.tolist())

    @property
    def cart(self) -> np.ndarray:
        return self.frac @ self.orth.T

    def select(self, mask: np.ndarray, note: str | None = None) -> Crystal:
        """A crystal with only the atoms where ``mask`` is true."""
        notes = self.notes + ((note,) if note else ())
        return replace(
            self,
            frac=self.frac[mask],
            elements=self.elements[mask],
            labels=self.labels[mask],
            occupancy=self.occupancy[mask],
            disorder_group=self.disorder_group[mask],
            disorder_assembly=None if self.disorder_assembly is None else self.disorder_assembly[mask],
            symmetry_copy=None if self.symmetry_copy is None else self.symmetry_copy[mask],
            orbits=self.orbits if self.orbits is not None and np.all(mask) else None,
            notes=notes,
        )

    def with_min_occupancy(self, threshold: float) -> Crystal:
        """Leave out sites whose occupancy is below ``threshold`` (0 keeps everything)."""
        if threshold <= 0:
            return self
        keep = self.occupancy >= threshold - 1e-9
        dropped = int((~keep).sum())
        note = f"{dropped} atoms with occupancy below {threshold:g} left out" if dropped else None
        return self.select(keep, note)


def _read_only(array: np.ndarray) -> np.ndarray:
    """A crystal's worked-out array, shared by every stage that asks: none may write to it."""
    array.flags.writeable = False
    return array


Operation = tuple[np.ndarray, np.ndarray]
"""A space-group operation in the cell's fractional basis: rotation (3x3) and translation (3)."""


def file_operations(triplets: tuple[str, ...]) -> list[Operation]:
    """The operations a file gives, as x,y,z triplets (the identity when it gives none)."""
    ops = [gemmi.Op(t) for t in triplets] or [gemmi.Op("x,y,z")]
    return [(np.array(op.rot, dtype=float) / gemmi.Op.DEN, np.array(op.tran, dtype=float) / gemmi.Op.DEN)
            for op in ops]


def lengths(vectors: np.ndarray) -> np.ndarray:
    """Euclidean lengths along the last axis, of length 3: ``np.linalg.norm(vectors, axis=-1)`` to the
    last bit (the same sums in the same order), without its reduction over so short an axis, several
    times slower."""
    x, y, z = vectors[..., 0], vectors[..., 1], vectors[..., 2]
    return np.sqrt(x * x + y * y + z * z)


def covalent_radii(elements: np.ndarray) -> np.ndarray:
    """Covalent radius of each element symbol (Angstrom)."""
    return _element_values(elements, "covalent_r")


def metal_mask(elements: np.ndarray) -> np.ndarray:
    """Which atoms are metals (gemmi's definition: B, Si, Ge, As, Sb, Te are not)."""
    return _element_values(elements, "is_metal").astype(bool)


def element_codes(elements: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(elements, return_inverse=True)``, the distinct symbols in the same order, found by
    counting integer keys (:func:`_symbol_keys`) rather than sorting strings, many times slower on a
    large crystal."""
    keys = _symbol_keys(elements)
    if keys is None:
        symbols, code = np.unique(elements, return_inverse=True)
        return symbols, code.ravel()
    present = np.bincount(keys, minlength=SYMBOL_KEYS) > 0
    distinct = np.flatnonzero(present)
    code = (np.cumsum(present) - 1)[keys]
    return np.array([_symbol(k) for k in distinct.tolist()], dtype=np.asarray(elements).dtype), code


_ELEMENT_TABLES: dict[str, np.ndarray] = {}
"""gemmi's value of an element attribute by symbol key (:func:`_symbol_keys`), NaN until first met."""


def _element_values(elements: np.ndarray, attribute: str) -> np.ndarray:
    """gemmi's ``attribute`` of each element symbol, as floats: read from a table indexed by the
    symbols' integer keys, each symbol asked of gemmi once per process."""
    keys = _symbol_keys(elements)
    if keys is None:
        symbols, code = np.unique(elements, return_inverse=True)
        return np.array([float(getattr(gemmi.Element(str(s)), attribute)) for s in symbols])[code.ravel()]
    table = _ELEMENT_TABLES.setdefault(attribute, np.full(SYMBOL_KEYS, np.nan))
    values = table[keys]
    missing = np.isnan(values)
    if missing.any():
        for key in np.unique(keys[missing]).tolist():
            table[key] = float(getattr(gemmi.Element(_symbol(key)), attribute))
        values = table[keys]
    return values


def _symbol_keys(elements: np.ndarray) -> np.ndarray | None:
    """Each symbol of a capital and at most one small letter (as read) as one integer below
    :data:`SYMBOL_KEYS`, ordered as the symbols are: the capital's place in the alphabet times 27 plus
    the small letter's (0 for none). None for arrays of other symbols, and for fewer than
    :data:`KEYED_FROM` atoms, where sorting the strings is as quick."""
    elements = np.asarray(elements)
    if (elements.dtype.kind != "U" or elements.dtype.itemsize > 8 or elements.ndim != 1
            or len(elements) < KEYED_FROM):
        return None
    chars = np.ascontiguousarray(elements, dtype="<U2").view(np.uint32).reshape(-1, 2).astype(np.int64)
    first, second = chars[:, 0] - ord("A"), np.where(chars[:, 1] > 0, chars[:, 1] - ord("a") + 1, 0)
    if len(chars) and (first.min() < 0 or first.max() > 25 or second.min() < 0 or second.max() > 26):
        return None
    return first * 27 + second


SYMBOL_KEYS = 26 * 27

KEYED_FROM = 2000


def _symbol(key: int) -> str:
    return chr(ord("A") + key // 27) + (chr(ord("a") + key % 27 - 1) if key % 27 else "")
