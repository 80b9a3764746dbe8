"""Frames between structures of a series: atoms paired across structures move, fade in or out.

Atoms are paired by label when the structures share labels (the in-situ series keeps them), else
by nearest position of the same element after the cells are aligned (in fractional coordinates,
so a cell that grows or shears does not break the pairing). A label names a site of the asymmetric
unit, which its symmetry copies share: the atoms of one label are paired among themselves by nearest
position, and the atoms a label leaves over (a site that one structure lists and the other makes by
symmetry) by nearest position among what is left. Between two structures the cell, the
positions (minimum image, so no atom flies across the cell) and the occupancies (as opacity)
change linearly; bonds that break or form fade; the colour switches at mid-step, so the net
colouring follows the nets. Nothing here knows chemistry: it interpolates what the reports say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from topology.net.bonds import find_bonds
from topology.report import Report
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

    @property
    def unpaired(self) -> int:
        return len(self.only_first) + len(self.only_second)


def pair_atoms(first: Report, second: Report) -> Pairing:
    """Pair the atoms of two structures by label, else by nearest position (see module docstring)."""
    a, b = first.crystal, second.crystal
    if a is None or b is None:
        raise ValueError("pairing atoms needs two crystal structures")
    labels_a, labels_b = set(map(str, a.labels)), set(map(str, b.labels))
    shared = labels_a & labels_b
    if shared and len(shared) >= LABEL_SHARE * min(len(labels_a), len(labels_b)):
        pairs = _pair_by_position(first, second, by_label=True)
        left_a = np.setdiff1d(np.arange(len(a)), pairs[:, 0])
        left_b = np.setdiff1d(np.arange(len(b)), pairs[:, 1])
        rest = _pair_by_position(first, second, left_a, left_b)
        pairs = np.array(sorted(map(tuple, np.concatenate([pairs, rest]).tolist())), dtype=int).reshape(-1, 2)
        by = "label"
    else:
        pairs = _pair_by_position(first, second)
        by = "position"
    return Pairing(pairs, np.setdiff1d(np.arange(len(a)), pairs[:, 0]),
                   np.setdiff1d(np.arange(len(b)), pairs[:, 1]), by)


def _pair_by_position(first: Report, second: Report, only_a: np.ndarray | None = None,
                      only_b: np.ndarray | None = None, by_label: bool = False) -> np.ndarray:
    """Closest pairs first, each atom used once, same element (``by_label``: same label) only, within
    PAIR_DISTANCE (``by_label``: at any distance); of the atoms ``only_a`` and ``only_b`` (default all)."""
    a, b = first.crystal, second.crystal
    only_a = np.arange(len(a)) if only_a is None else np.asarray(only_a, dtype=int)
    only_b = np.arange(len(b)) if only_b is None else np.asarray(only_b, dtype=int)
    if not len(only_a) or not len(only_b):
        return np.zeros((0, 2), dtype=int)
    key_a = (a.labels if by_label else a.elements)[only_a].astype(str)
    key_b = (b.labels if by_label else b.elements)[only_b].astype(str)
    scale = np.cbrt(abs(np.linalg.det(b.orth)))
    wrap = np.nextafter(1.0, 0)
    where_a, where_b = np.clip(np.mod(a.frac[only_a], 1.0), 0, wrap), np.clip(np.mod(b.frac[only_b], 1.0), 0, wrap)
    reach = np.inf if by_label else PAIR_DISTANCE / scale
    candidates = []
    for key in np.intersect1d(key_a, key_b):
        ia, ib = np.flatnonzero(key_a == key), np.flatnonzero(key_b == key)
        k = min(8, len(ib))
        dist, idx = cKDTree(where_b[ib], boxsize=1.0).query(where_a[ia], k=k, distance_upper_bound=reach)
        dist, idx = dist.reshape(len(ia), k), idx.reshape(len(ia), k)
        candidates += [(d, int(only_a[ia[i]]), int(only_b[ib[j]])) for i in range(len(ia))
                       for d, j in zip(dist[i], idx[i]) if np.isfinite(d)]
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in taken_a and j not in taken_b:
            pairs.append((i, j))
            taken_a.add(i)
            taken_b.add(j)
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
    """Tracks of all atoms through a series of reports, with each structure's cell and bonds."""

    names: list[str]
    cells: np.ndarray  # (n_structures, 3, 3) orthogonalisation matrices (columns a, b, c)
    tracks: list[Track]
    bonds: list[np.ndarray]  # per structure: (k, 2) track pairs bonded as drawn
    pairings: list[Pairing]  # per step
    track_of: list[np.ndarray]  # per structure: the track of each of its atoms


def track_series(reports: list[Report], color_by: str = "net") -> Series:
    """Follow every atom through consecutive structures."""
    if len(reports) < 2 or any(r.crystal is None for r in reports):
        raise ValueError("a series needs two or more crystal structures")
    n = len(reports)
    colors = [atom_colors(r, color_by) for r in reports]
    frac = [r.crystal.frac + r.units.shift for r in reports]
    tracks: list[dict] = []
    track_of = [np.zeros(len(r.crystal), dtype=int) for r in reports]
    for i in range(len(reports[0].crystal)):
        track_of[0][i] = _new_track(tracks, reports, 0, i, frac, colors)
    pairings = []
    for s in range(1, n):
        pairing = pair_atoms(reports[s - 1], reports[s])
        pairings.append(pairing)
        for i, j in pairing.pairs:
            t = tracks[track_of[s - 1][i]]
            previous = t["frac"][s - 1]
            step = frac[s][j] - previous
            t["frac"][s:] = previous + step - np.round(step)  # nearest image; it stays there if it leaves
            t["occ"][s] = reports[s].crystal.occupancy[j]
            t["colors"][s:] = [colors[s][j]] * (n - s)
            track_of[s][j] = track_of[s - 1][i]
        for j in pairing.only_second:
            track_of[s][j] = _new_track(tracks, reports, s, int(j), frac, colors)
    out = [Track(t["element"], t["label"], t["frac"], t["occ"], tuple(t["colors"])) for t in tracks]
    track_frac = np.array([t.frac for t in out])
    bonds = [_bonds_as_drawn(r, track_of[s], track_frac[:, s]) for s, r in enumerate(reports)]
    return Series([r.source for r in reports], np.array([r.crystal.orth for r in reports]), out, bonds, pairings,
                  track_of)


def _new_track(tracks: list[dict], reports: list[Report], s: int, i: int, frac: list[np.ndarray],
               colors: list[list[str]]) -> int:
    """A track that starts in structure ``s``, at occupancy 0 everywhere else: before it arrives it
    waits where it will appear."""
    n = len(reports)
    crystal = reports[s].crystal
    occ = np.zeros(n)
    occ[s] = crystal.occupancy[i]
    tracks.append({"element": str(crystal.elements[i]), "label": str(crystal.labels[i]),
                   "frac": np.repeat(frac[s][i][None], n, axis=0).astype(float), "occ": occ,
                   "colors": [colors[s][i]] * n})
    return len(tracks) - 1


def _bonds_as_drawn(report: Report, track_of: np.ndarray, track_frac: np.ndarray) -> np.ndarray:
    """Bonds of a structure between tracks, where both atoms are drawn in the bonded images."""
    bonds = find_bonds(report.crystal)
    if len(bonds) == 0:
        return np.zeros((0, 2), dtype=int)
    ti, tj = track_of[bonds.i], track_of[bonds.j]
    expected = report.crystal.frac[bonds.j] + bonds.offset - report.crystal.frac[bonds.i]
    drawn = track_frac[tj] - track_frac[ti]
    keep = np.abs(drawn - expected).max(axis=1) < 1e-6
    pairs = np.sort(np.column_stack([ti[keep], tj[keep]]), axis=1)
    return np.unique(pairs, axis=0).reshape(-1, 2)


@dataclass(frozen=True)
class Frame:
    """One picture of the movie: Cartesian positions, opacities and colours of every track; the
    bonds shown and their opacity; the cell (columns a, b, c)."""

    step: int  # index of the structure the frame leaves from
    t: float  # 0..1 within the step
    xyz: np.ndarray
    opacity: np.ndarray
    colors: list[str]
    cell: np.ndarray
    bonds: np.ndarray  # (k, 2) track pairs
    bond_opacity: np.ndarray  # (k,)


def frames(series: Series, per_step: int = 12, hold: int = 3, cuts: tuple[int, ...] = ()) -> list[Frame]:
    """Frames of the whole series: ``hold`` still frames on each structure, ``per_step`` between,
    except after the structures in ``cuts``, where the next one follows at once (a second branch
    of the series starting again from an earlier structure: nothing turns into it)."""
    out = []
    n = len(series.cells)
    frac = np.array([t.frac for t in series.tracks])  # (atoms, n, 3)
    occ = np.array([t.occupancy for t in series.tracks])  # (atoms, n)
    for s in range(n):
        out.extend(frame_at(series, frac, occ, s, 0.0) for _ in range(hold))
        if s < n - 1 and s not in cuts:
            out.extend(frame_at(series, frac, occ, s, (k + 1) / (per_step + 1)) for k in range(per_step))
    return out


def frame_at(series: Series, frac: np.ndarray, occ: np.ndarray, s: int, t: float) -> Frame:
    """The frame a fraction ``t`` of the way from structure ``s`` to the next one."""
    e = min(s + 1, len(series.cells) - 1)
    cell = (1 - t) * series.cells[s] + t * series.cells[e]
    f = (1 - t) * frac[:, s] + t * frac[:, e]
    o = (1 - t) * occ[:, s] + t * occ[:, e]
    colors = [tr.colors[s] if t < 0.5 else tr.colors[e] for tr in series.tracks]
    before, after = series.bonds[s], series.bonds[e]
    both = np.unique(np.concatenate([before, after]), axis=0).reshape(-1, 2)
    weight = (1 - t) * _member(both, before) + t * _member(both, after)
    bond_opacity = weight * np.minimum(o[both[:, 0]], o[both[:, 1]]) if len(both) else np.zeros(0)
    return Frame(s, t, f @ cell.T, o, colors, cell, both, bond_opacity)


def _member(rows: np.ndarray, of: np.ndarray) -> np.ndarray:
    """1.0 where a row of ``rows`` is a row of ``of``."""
    if not len(of):
        return np.zeros(len(rows))
    keys = {tuple(r) for r in of.tolist()}
    return np.array([tuple(r) in keys for r in rows.tolist()], dtype=float)
