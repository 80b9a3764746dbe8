"""Pairing atoms across a series, the frames between structures, and the transitions page."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from topology import analyze, analyze_file
from viewer import style
from viewer.export import animate, paper_order, transition_captions
from viewer.transition import frames, pair_atoms, track_series

ROOT = Path(__file__).resolve().parent.parent
STRUCTURES = ROOT / "assets" / "structures"
DEMO = ROOT / "tests" / "data" / "series_demo"
PAGE = str(ROOT / "viewer" / "views" / "transitions.py")


def reports(*names: str):
    return [analyze_file(STRUCTURES / f"{n}.cif") for n in names]


@pytest.fixture(scope="module")
def demo():
    return [analyze_file(DEMO / f"{n}.cif") for n in ("before", "after")]


def test_bundled_series_pairs_by_label() -> None:
    sc1, sc2 = reports("SC-1", "SC-2-0.8")
    pairing = pair_atoms(sc1, sc2)
    assert pairing.by == "label"
    a, b = sc1.crystal, sc2.crystal
    assert len(pairing.pairs) + len(pairing.only_first) == len(a)
    assert len(pairing.pairs) + len(pairing.only_second) == len(b)
    # every atom of SC-1 stays in SC-2-0.8; each pair is one place, and shares its label except where
    # SC-1 (P 1 21 1) lists net Y's atoms that SC-2 (P 1 21/c 1) makes from net X's by symmetry
    assert len(pairing.only_first) == 0
    diff = a.frac[pairing.pairs[:, 0]] - b.frac[pairing.pairs[:, 1]]
    assert np.abs(diff - np.round(diff)).max() < 1e-4
    same = a.labels[pairing.pairs[:, 0]] == b.labels[pairing.pairs[:, 1]]
    assert same.sum() == np.isin(a.labels, b.labels).sum() > 0  # every atom whose label SC-2 has, by label
    assert set(a.labels[pairing.pairs[~same, 0]]) <= set(a.labels) - set(b.labels)


def test_pairs_by_nearest_position_when_labels_differ() -> None:
    sc1, sc2 = reports("SC-1", "SC-2-0.8")
    crystal = sc2.crystal
    renamed = analyze(replace(crystal, labels=np.array([f"Q{i}" for i in range(len(crystal))], dtype=object)))
    by_label, by_position = pair_atoms(sc1, sc2), pair_atoms(sc1, renamed)
    assert by_position.by == "position"
    assert {tuple(p) for p in by_position.pairs} == {tuple(p) for p in by_label.pairs}


def test_a_users_series_pairs_by_position_and_counts_the_unpaired(demo) -> None:
    before, after = demo
    pairing = pair_atoms(before, after)
    assert pairing.by == "position"
    # Zn, O, O and C (across the cell face) pair; N leaves and Cl arrives
    assert pairing.pairs.tolist() == [[0, 0], [1, 1], [2, 2], [3, 3]]
    assert pairing.unpaired == 2
    assert before.crystal.elements[pairing.only_first].tolist() == ["N"]
    assert after.crystal.elements[pairing.only_second].tolist() == ["Cl"]


def test_demo_frames_move_by_the_minimum_image_and_fade(demo) -> None:
    series = track_series(demo)
    movie = frames(series, per_step=9, hold=1)
    carbon = next(k for k, t in enumerate(series.tracks) if t.label == "C1")
    path = np.array([f.xyz[carbon] for f in movie])
    assert np.linalg.norm(np.diff(path, axis=0), axis=1).max() < 0.1  # 0.99 -> 1.01 along a, not across the cell
    nitrogen = next(k for k, t in enumerate(series.tracks) if t.label == "N1")
    chlorine = next(k for k, t in enumerate(series.tracks) if t.label == "Cl9")
    ts = np.array([f.t if f.step == 0 else 1.0 for f in movie])
    assert np.allclose([f.opacity[nitrogen] for f in movie], 1 - ts)
    assert np.allclose([f.opacity[chlorine] for f in movie], ts)
    oxygen = next(k for k, t in enumerate(series.tracks) if t.label == "O1")
    assert movie[-1].opacity[oxygen] == pytest.approx(0.5)  # occupancy 1 -> 0.5 as opacity
    # the cell changes smoothly from one structure's to the other's
    assert np.allclose(movie[0].cell, demo[0].crystal.orth) and np.allclose(movie[-1].cell, demo[1].crystal.orth)
    middle = movie[5]
    assert np.allclose(middle.cell, (1 - middle.t) * demo[0].crystal.orth + middle.t * demo[1].crystal.orth)


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
        assert np.allclose(still.cell, report.crystal.orth)
        # the bonds drawn are bonds of the structure: short, between present atoms
        lengths = np.linalg.norm(still.xyz[still.bonds[:, 0]] - still.xyz[still.bonds[:, 1]], axis=1)
        assert len(lengths) > len(report.crystal) / 2 and lengths.max() < 3.2


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


def test_net_colours_change_when_the_nets_change() -> None:
    series = track_series(reports("SC-1", "SC-2-0.5"))
    movie = frames(series, per_step=10, hold=1)
    start, end = movie[0], movie[-1]
    def shown(frame) -> set[str]:
        return {c for c, o in zip(frame.colors, frame.opacity) if o > 0}

    partial = style.PARTIAL_LINKER_COLOR  # SC-2's half-occupied pillars; SC-1 has none
    assert partial not in shown(start) and partial in shown(end)
    assert start.colors != end.colors
    before_switch, after_switch = movie[5], movie[6]  # t = 5/11 and 6/11
    assert before_switch.colors == start.colors and after_switch.colors == end.colors


def test_captions_come_from_series_json() -> None:
    captions = transition_captions(reports(*paper_order()))  # SC-1, SC-2-0.8, SC-2-0.5, SC-1, SC-3
    assert "UV light, 2 min" in captions.steps[0] and "Fig. 3" in captions.steps[0]
    assert "10 min" in captions.steps[1]
    assert captions.cuts == (2,)  # SC-2-0.5 does not turn into SC-1: the second path starts again
    assert "a week in the mother liquor" in captions.steps[3]
    assert "1.92 eV" in captions.structures[0] and "3.08 × 10⁻⁸ S cm⁻¹" in captions.structures[0]
    assert "0.57 eV" in captions.structures[2] and "brown" in captions.structures[2]
    assert "Idealised model" in captions.caveat
    skipping = transition_captions(reports("SC-1", "SC-2-0.5"))  # through the documented 2 min intermediate
    assert "2 min" in skipping.steps[0] and "10 min in all" in skipping.steps[0]


def srcdoc(at: AppTest) -> str:
    return at.get("iframe")[0].proto.srcdoc


def test_transitions_page_plays_the_bundled_series_from_local_3dmol() -> None:
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    html = srcdoc(at)
    assert "/app/static/3Dmol-min.js" in html and "cdn" not in html.lower() and "https://" not in html
    assert "UV light, 10 min in all" in html and "setTimeout(tick" in html
    notes = [c.value for c in at.caption] + shown(at, "caption")
    assert any("Idealised model" in n and "SC-1 again to SC-3" in n for n in shown(at, "warning"))
    assert any("paired by label" in n and "60 could not be paired (60 fade out, 0 fade in)" in n for n in notes)


HOSTILE = "<img src=x onerror=alert(1)>[x](javascript:alert(1))"


def shown(at, kind: str) -> list[str]:
    """Texts the page showed through viewer.plain.show as ``kind`` boxes, as the reader sees them."""
    import html
    import re

    return [html.unescape(re.sub(r"<[^>]+>", "", m.value)) for m in at.markdown if f"message-{kind}" in m.value]


def test_a_users_series_on_the_page_escaped_with_the_movie_the_cli_makes() -> None:
    files = [(f"{HOSTILE}{n}.cif", (DEMO / f"{n}.cif").read_bytes(), "chemical/x-cif") for n in ("before", "after")]
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.file_uploader(key="series_uploads").set_value(files).run()
    assert not at.exception
    assert any("paired by position" in w and "2 could not be paired (1 fade out, 1 fade in)" in w
               for w in shown(at, "warning"))
    html = srcdoc(at)
    assert "<img src=x" not in html and "\\u003cimg src=x" in html  # labels and names only inside escaped JSON
    texts = [e.value for e in [*at.markdown, *at.caption, *at.warning] if "img" in e.value]
    assert texts and all("<img" not in t.replace("\\<img", "") and "](" not in t for t in texts)
    at.radio(key="movie_format").set_value("gif").run()
    at.button(key="make_movie").click().run()
    assert not at.exception
    from topology.pipeline import analyze_bytes

    reports = [analyze_bytes(name, data) for name, data, _ in files]
    made = at.session_state["movie"][1]
    assert made[:6] == b"GIF89a" and made == animate(reports, "gif", width=800, per_step=12)


def test_player_draws_each_structures_nets_and_holds_captions_to_read() -> None:
    """The in-app player gets the Teach nets of every structure (SC-1: two nets of different
    dimension, its layers in two stacks of one colour; SC-2: two pcu copies with half-occupied links), short captions, and each caption stays
    its reading time (3 words a second and one more)."""
    from viewer.movie3d import player_data
    from viewer.storyboard import frame_seconds

    rs = reports("SC-1", "SC-2-0.5")
    series = track_series(rs)
    captions = transition_captions(rs)
    movie = frames(series, per_step=6, hold=1)
    titles = [captions.titles[0], captions.step_titles[0], captions.titles[1]]
    caption_of = [0 if f.t == 0 and f.step == 0 else 2 if f.t == 0 else 1 for f in movie]
    data = player_data(series, rs, movie, titles, caption_of, frame_seconds([titles[c] for c in caption_of], movie, 12))
    first, second = data["nets"]
    assert len({n[4] for n in first["nodes"]}) == 2 and len({n[4] for n in second["nodes"]}) == 2
    assert not any(e[10] < 1 for e in first["edges"]) and any(e[10] == 0.5 for e in second["edges"])
    held: dict[int, float] = {}
    for f in data["frames"]:
        held[f["caption"]] = held.get(f["caption"], 0.0) + f["seconds"]
    for k, title in enumerate(titles):
        assert len(title.split()) <= 10 and held[k] >= len(title.split()) / 3 + 1 - 0.05


def test_every_frame_of_a_step_shows_its_nets_strongly() -> None:
    """A cross-fade: at every moment of a step one of the two structures' nets is fully drawn, the
    leaving one never gone before the next one is there (a fade through white left the middle of each
    step nearly blank)."""
    from viewer.storyboard import fades
    from viewer.transition import Frame

    empty = np.zeros((0, 3))
    for t in (0.1, 0.25, 0.5, 0.75, 0.9):
        shown = fades(Frame(0, t, empty, np.zeros(0), [], np.eye(3), np.zeros((0, 2), dtype=int), np.zeros(0)))
        assert max(strength for _, strength in shown) == 1.0 and sum(strength for _, strength in shown) >= 1.0
