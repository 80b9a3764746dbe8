"""Pairing atoms across a series and the frames between structures."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from topology import analyze, analyze_file
from viewer.transition import frames, pair_atoms, track_series

STRUCTURES = Path(__file__).resolve().parent.parent / "assets" / "structures"


def reports(*names: str):
    return [analyze_file(STRUCTURES / f"{n}.cif") for n in names]


def test_bundled_series_pairs_by_label() -> None:
    sc1, sc2 = reports("SC-1", "SC-2-0.8")
    pairing = pair_atoms(sc1, sc2)
    assert pairing.by == "label"
    a, b = sc1.crystal, sc2.crystal
    assert (a.labels[pairing.pairs[:, 0]] == b.labels[pairing.pairs[:, 1]]).all()
    assert len(pairing.pairs) + len(pairing.only_first) == len(a)
    assert len(pairing.pairs) + len(pairing.only_second) == len(b)


def test_pairs_by_nearest_position_when_labels_differ() -> None:
    sc1, sc2 = reports("SC-1", "SC-2-0.8")
    crystal = sc2.crystal
    renamed = analyze(replace(crystal, labels=np.array([f"Q{i}" for i in range(len(crystal))], dtype=object)))
    by_label, by_position = pair_atoms(sc1, sc2), pair_atoms(sc1, renamed)
    assert by_position.by == "position"
    assert {tuple(p) for p in by_position.pairs} == {tuple(p) for p in by_label.pairs}


def test_frames_start_and_end_on_the_structures() -> None:
    rs = reports("SC-1", "SC-2-0.5", "SC-3")
    series = track_series(rs)
    movie = frames(series, per_step=10, hold=2)
    assert len(movie) == 3 * 2 + 2 * 10
    for k, report in enumerate(rs):
        still = next(f for f in movie if f.step == k and f.t == 0)
        present = still.opacity > 0
        assert present.sum() == len(report.crystal)
        xyz = still.xyz[present]
        expected = (report.crystal.frac + report.units.shift) @ report.crystal.orth.T
        # every atom of the structure is drawn at one of its lattice images
        diff = (xyz[:, None] - expected[None]) @ np.linalg.inv(report.crystal.orth).T
        assert np.abs(diff - np.round(diff)).max(axis=2).min(axis=1).max() < 1e-6
        assert sorted(np.round(still.opacity[present], 3)) == sorted(np.round(report.crystal.occupancy, 3))


def test_leaving_atoms_fade_and_half_linkers_go_to_half() -> None:
    series = track_series(reports("SC-1", "SC-2-0.8", "SC-2-0.5"))
    movie = frames(series, per_step=8, hold=1)
    halving = [k for k, t in enumerate(series.tracks) if t.occupancy[0] == 1 and t.occupancy[1] == 0.5]
    leaving = [k for k, t in enumerate(series.tracks) if t.occupancy[1] == 1 and t.occupancy[2] == 0]
    assert halving and leaving  # the para-TCNB pillars of net X; the toluene that leaves
    middle = movie[1 + 4]  # step 0, t = 4/9
    assert np.allclose(middle.opacity[halving], 1 - 0.5 * middle.t)
    later = movie[1 + 8 + 1 + 4]  # step 1, t = 4/9
    assert np.allclose(later.opacity[leaving], 1 - later.t)
    # no atom jumps across the cell between consecutive frames
    steps = [np.linalg.norm(b.xyz - a.xyz, axis=1).max() for a, b in itertools.pairwise(movie)]
    assert max(steps) < 3.0
