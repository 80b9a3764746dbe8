"""The expanded crystal: every atom of the unit cell, as read and symmetry-expanded from a file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import gemmi
import numpy as np


@dataclass(frozen=True, eq=False)
class Crystal:
    """All atoms of one unit cell (P1 after symmetry expansion).

    Arrays are parallel, one row per atom. ``frac`` is wrapped into [0, 1).
    ``disorder_group`` is 0 for ordered sites (CIF ``.``/``?``/0).
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

    def __len__(self) -> int:
        return len(self.frac)

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
