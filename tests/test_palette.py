"""Net colours: the Okabe-Ito palette, each copy of a k-fold net in its own colour."""

from __future__ import annotations

import io
import itertools
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
    assert palette.net_colors(sc1) == [(palette.SKY_BLUE,), (palette.ORANGE,), (palette.ORANGE,)]  # two stacks
    sc2 = analyze_file(STRUCTURES / "SC-2-0.5.cif", 0.6)  # layers only, images of each other: one colour
    colors = [c for copies in palette.net_colors(sc2) for c in copies]
    assert len(colors) == 4 and set(colors) == {palette.ORANGE}
    assert [c for copies in palette.net_colors(analyze_file(STRUCTURES / "SC-2-0.5.cif")) for c in copies] == \
        [palette.SKY_BLUE, palette.ORANGE]  # two entangled pcu nets keep two colours


@pytest.mark.parametrize("fold", [2, 3, 5])
def test_colours_stay_distinct_up_to_six_copies(fold: int) -> None:
    colors = palette.copy_colors([3], [fold])[0]
    assert len(set(colors)) == fold and palette.PARTIAL not in colors


# Machado, Oliveira & Fernandes (2009), severity 1: dichromat vision as a matrix on linear RGB
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])


def lab(rgb: np.ndarray, matrix: np.ndarray | None = None) -> np.ndarray:
    """CIELAB (D65) of sRGB pixels (..., 3) in 0-255, as seen through ``matrix`` if given."""
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(linear @ matrix.T, 0, 1)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    f = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(f > 216 / 24389, np.cbrt(f), (24389 / 27 * f + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def test_colours_of_a_rendered_figure_stay_apart_for_colour_blind_readers(artifacts) -> None:
    """SC-2-0.8 drawn with its two nets, partly occupied linkers, TFA and guests: each key's pixels
    (the darkest and lightest quarter of its shades, as shading makes them) still differ from every
    other key's by more than 20 CIELAB units under simulated deuteranopia and protanopia."""
    from PIL import Image

    from viewer import style
    from viewer.export import render

    report = analyze_file(STRUCTURES / "SC-2-0.8.cif")
    data = render(report, Options(net=True), "png", 1400)
    (artifacts / "render-SC-2-0.8-colour-blind.png").write_bytes(data)
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)
    keys = [c for c, _ in legend(report, Options(net=True))]
    assert {style.PARTIAL_LINKER_COLOR, style.TFA_COLOR, palette.ORANGE, palette.SKY_BLUE} <= set(keys)
    seen = {}
    for key in keys:
        rgb = np.array([int(key[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)
        near = pixels[np.abs(pixels - rgb).sum(axis=2) < 60]
        assert len(near) > 500, key
        shade = near.sum(axis=1)
        seen[key] = np.vstack([near[shade <= np.quantile(shade, 0.25)].mean(axis=0),
                               near[shade >= np.quantile(shade, 0.75)].mean(axis=0)])
    for matrix in (DEUTERANOPIA, PROTANOPIA):
        for a, b in itertools.combinations(keys, 2):
            gap = np.linalg.norm(lab(seen[a], matrix)[:, None] - lab(seen[b], matrix)[None], axis=2).min()
            assert gap > 20, (a, b, round(float(gap), 1))
