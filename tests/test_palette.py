"""Net colours: the Okabe-Ito palette, each copy of a k-fold net in its own colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from topology.pipeline import analyze_file
from viewer import palette
from viewer.scene import Options, build_scene, legend

DATA = Path(__file__).parent / "data"
STRUCTURES = Path(__file__).resolve().parent.parent / "assets" / "structures"


def test_coset_index_counts_the_copies_of_a_sublattice() -> None:
    body_centred = np.array([[1, 1, 1], [0, 2, 0], [0, 0, 2]])  # index 4 in Z^3
    every = np.array([[x, y, z] for x in range(2) for y in range(2) for z in range(2)])
    assert sorted(set(palette.coset_index(body_centred, every).tolist())) == [0, 1, 2, 3]
    shifted = palette.coset_index(body_centred, every + body_centred[0] * 3 - body_centred[1])
    assert shifted.tolist() == palette.coset_index(body_centred, every).tolist()  # classes modulo the lattice
    layer = np.array([[2, 0, 0], [0, 1, 0]])  # a 2-fold layer in the ab plane: stacking does not count
    assert palette.coset_index(layer, np.array([[0, 0, 0], [1, 0, 0], [0, 0, 5], [1, 3, 7]])).tolist() == [0, 1, 0, 1]


def test_each_copy_of_a_twofold_net_has_its_own_colour_and_neighbours_share_it() -> None:
    report = analyze_file(DATA / "crystalnets" / "JXUST-1.cif")
    (net,) = report.nets
    assert net.fold == 2
    colors = palette.net_colors(report)
    assert len(colors[0]) == 2 and colors[0][0] != colors[0][1]
    images = [(x, y, z) for x in range(2) for y in range(2) for z in range(2)]
    copies = palette.vertex_copies(report, images)
    assert set(copies.ravel().tolist()) == {0, 1}
    index = {t: k for k, t in enumerate(images)}
    for u, v, off, _ in report.net.edges():  # a bond never joins two copies
        for t in images:
            far = tuple(int(a + b) for a, b in zip(t, off))
            if far in index:
                assert copies[index[t], u] == copies[index[far], v]
    scene = build_scene(report, Options(net=True, supercell=(2, 2, 2)))
    assert {n["color"] for n in scene.net_nodes} == set(colors[0])
    atom_colors = {a["color"] for a in scene.atoms}
    assert set(colors[0]) <= atom_colors  # the atoms of each copy too
    texts = [text for _, text in legend(report, Options())]
    assert any("copy 1 of 2" in t for t in texts) and any("copy 2 of 2" in t for t in texts)


def test_the_sc_series_keeps_the_papers_blue_framework_and_orange_layer() -> None:
    sc1 = analyze_file(STRUCTURES / "SC-1.cif")
    assert palette.net_colors(sc1) == [(palette.SKY_BLUE,), (palette.ORANGE,)]
    sc2 = analyze_file(STRUCTURES / "SC-2-0.5.cif", 0.6)  # two layers: neither in the partial-occupancy yellow
    colors = [c for copies in palette.net_colors(sc2) for c in copies]
    assert len(set(colors)) == 2 and palette.PARTIAL not in colors


@pytest.mark.parametrize("fold", [2, 3, 5])
def test_colours_stay_distinct_up_to_six_copies(fold: int) -> None:
    colors = palette.copy_colors([3], [fold])[0]
    assert len(set(colors)) == fold and palette.PARTIAL not in colors
