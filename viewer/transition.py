"""Frames between structures of a series: atoms paired across structures move, fade in or out.

Atoms are paired by label when the structures share labels (the in-situ series keeps them), else
by nearest position of the same element after the cells are aligned (fractional coordinates).
Between two structures the cell, the positions (minimum image, so no atom flies across the cell)
and the occupancies (as opacity) change linearly; the colour switches at mid-step, so the net
colouring follows the nets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.classify import Report
from viewer.scene import atom_colors

PAIR_DISTANCE = 1.0
"""Largest distance (A) between two atoms paired by position."""
LABEL_SHARE = 0.5
"""Pair by label when at least this fraction of the smaller structure's labels is shared."""


@dataclass(frozen=True)
class Pairing:
    """Index pairs (a in the first structure, b in the second); atoms of each left unpaired."""

    pairs: np.ndarray  # (k, 2)
    only_first: np.ndarray
    only_second: np.ndarray
    by: str  # "label" or "position"


def pair_atoms(first: Report, second: Report) -> Pairing:
    """Pair the atoms of two structures by label, else by nearest position (see module docstring)."""
    a, b = first.crystal, second.crystal
    assert a is not None and b is not None
    labels_a = {str(x): i for i, x in enumerate(a.labels)}
    labels_b = {str(x): i for i, x in enumerate(b.labels)}
    shared = labels_a.keys() & labels_b.keys()
    if len(shared) >= LABEL_SHARE * min(len(labels_a), len(labels_b)) and len(labels_a) == len(a):
        pairs = np.array(sorted((labels_a[x], labels_b[x]) for x in shared), dtype=int).reshape(-1, 2)
        by = "label"
    else:
        pairs = _pair_by_position(first, second)
        by = "position"
    return Pairing(pairs, np.setdiff1d(np.arange(len(a)), pairs[:, 0]),
                   np.setdiff1d(np.arange(len(b)), pairs[:, 1]), by)


def _pair_by_position(first: Report, second: Report) -> np.ndarray:
    a, b = first.crystal, second.crystal
    scale = np.cbrt(abs(np.linalg.det(a.orth)))
    tree = cKDTree(np.mod(b.frac, 1.0) * 0.999999, boxsize=1.0)
    dist, idx = tree.query(np.mod(a.frac, 1.0) * 0.999999, k=4, distance_upper_bound=PAIR_DISTANCE / scale)
    taken: set[int] = set()
    pairs = []
    for i in np.argsort(dist[:, 0], kind="stable"):
        for d, j in zip(dist[i], idx[i]):
            if np.isfinite(d) and j not in taken and a.elements[i] == b.elements[j]:
                pairs.append((i, j))
                taken.add(int(j))
                break
    return np.array(sorted(pairs), dtype=int).reshape(-1, 2)


@dataclass(frozen=True)
class Track:
    """One atom through a series: fractional position, occupancy and colour in every structure.

    Occupancy 0 where the atom is absent; its position there is where it was (or will be).
    """

    element: str
    label: str
    frac: np.ndarray  # (n_structures, 3), unwrapped so that consecutive positions are nearest images
    occupancy: np.ndarray  # (n_structures,)
    colors: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    """Tracks of all atoms through a series of reports, with each structure's cell."""

    cells: np.ndarray  # (n_structures, 3, 3) orthogonalisation matrices
    tracks: list[Track]
    unpaired: list[int]  # atoms that could not be paired, per step
    paired_by: list[str]


def track_series(reports: list[Report], color_by: str = "net") -> Series:
    """Follow every atom through consecutive structures."""
    n = len(reports)
    colors = [atom_colors(r, color_by) for r in reports]
    frac = [r.crystal.frac + r.units.shift for r in reports]
    # open tracks: atom index in the current structure -> track number
    tracks: list[dict] = []
    current: dict[int, int] = {}
    for i in range(len(reports[0].crystal)):
        current[i] = _new_track(tracks, reports, 0, i, frac, colors, n)
    unpaired, paired_by = [], []
    for s in range(1, n):
        pairing = pair_atoms(reports[s - 1], reports[s])
        paired_by.append(pairing.by)
        unpaired.append(len(pairing.only_first) + len(pairing.only_second))
        following: dict[int, int] = {}
        for i, j in pairing.pairs:
            t = tracks[current[int(i)]]
            previous = t["frac"][s - 1]
            step = frac[s][j] - previous
            t["frac"][s] = previous + step - np.round(step)  # nearest image
            t["occ"][s] = reports[s].crystal.occupancy[j]
            t["colors"][s] = colors[s][j]
            following[int(j)] = current[int(i)]
        for j in pairing.only_second:
            following[int(j)] = _new_track(tracks, reports, s, int(j), frac, colors, n)
        current = following
    out = [Track(t["element"], t["label"], t["frac"], t["occ"], tuple(t["colors"])) for t in tracks]
    cells = np.array([r.crystal.orth for r in reports])
    return Series(cells, out, unpaired, paired_by)


def _new_track(tracks: list[dict], reports: list[Report], s: int, i: int, frac, colors, n: int) -> int:
    """A track that starts in structure ``s``: before and after, it sits in place at occupancy 0."""
    crystal = reports[s].crystal
    occ = np.zeros(n)
    occ[s] = crystal.occupancy[i]
    color = colors[s][i]
    tracks.append({"element": str(crystal.elements[i]), "label": str(crystal.labels[i]),
                   "frac": np.repeat(frac[s][i][None], n, axis=0).astype(float), "occ": occ,
                   "colors": [color] * n})
    return len(tracks) - 1


@dataclass(frozen=True)
class Frame:
    """One picture of the movie: Cartesian positions, opacities and colours of every track."""

    step: int  # index of the structure the frame leaves from
    t: float  # 0..1 within the step
    xyz: np.ndarray
    opacity: np.ndarray
    colors: list[str]
    cell: np.ndarray


def frames(series: Series, per_step: int = 12, hold: int = 3) -> list[Frame]:
    """Frames of the whole series: ``hold`` still frames on each structure, ``per_step`` between."""
    out = []
    n = len(series.cells)
    frac = np.array([t.frac for t in series.tracks])  # (atoms, n, 3)
    occ = np.array([t.occupancy for t in series.tracks])  # (atoms, n)
    for s in range(n):
        out.extend(_frame(series, frac, occ, s, 0.0) for _ in range(hold))
        if s < n - 1:
            out.extend(_frame(series, frac, occ, s, (k + 1) / (per_step + 1)) for k in range(per_step))
    return out


def _frame(series: Series, frac: np.ndarray, occ: np.ndarray, s: int, t: float) -> Frame:
    n = len(series.cells)
    e = min(s + 1, n - 1)
    cell = (1 - t) * series.cells[s] + t * series.cells[e]
    f = (1 - t) * frac[:, s] + t * frac[:, e]
    o = (1 - t) * occ[:, s] + t * occ[:, e]
    colors = [tr.colors[s] if t < 0.5 else tr.colors[e] for tr in series.tracks]
    return Frame(s, t, f @ cell.T, o, colors, cell)
