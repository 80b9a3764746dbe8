"""Figures, movies and data files: types, sizes, frame counts, vector-only drawings, round trips."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from PIL import Image

from topology import analyze_file
from topology.cgd_writer import write_cgd
from topology.classify import analyze_bytes
from viewer.export import caption, downloads, net_graphml, render, structure_cif
from viewer.figure import to_ctk_scene
from viewer.graph2d import graph_image
from viewer.scene import Options, build_scene, legend

ROOT = Path(__file__).resolve().parent.parent
STRUCTURES = ROOT / "assets" / "structures"
PEERS = ROOT / "tests" / "data" / "crystalnets"
IDEAL = ROOT / "tests" / "data" / "ideal"
MODELS = ("SC-1", "SC-2-0.8", "SC-2-0.5", "SC-3")


def interlace(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer.cli", *args], check=False, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)


@pytest.fixture(scope="module")
def sc2():
    return analyze_file(STRUCTURES / "SC-2-0.5.cif")


def colour_pixels(image: Image.Image, rgb: tuple[int, int, int]) -> int:
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - rgb).sum(axis=2) < 40).sum())


def test_png_at_4000_px_shows_the_structure(sc2, artifacts) -> None:
    data = render(sc2, Options(net=True), "png", 4000)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.width == 4000
    (artifacts / "render-SC-2-0.5-4000.png").write_bytes(data)
    assert colour_pixels(image, (255, 193, 7)) > 10_000  # the half-occupied linkers, gold
    assert colour_pixels(image, (79, 195, 247)) > 10_000  # net 0, the paper's light blue
    assert colour_pixels(image, (30, 136, 229)) > 10_000  # net 1, blue


@pytest.mark.parametrize("name", MODELS)
def test_each_model_renders_in_the_papers_colours(name: str, artifacts) -> None:
    report = analyze_file(STRUCTURES / f"{name}.cif")
    image = Image.open(io.BytesIO(data := render(report, Options(), "png", 900)))
    (artifacts / f"render-{name}.png").write_bytes(data)
    assert image.width == 900
    assert colour_pixels(image, (229, 57, 53)) > 2000  # TFA red
    assert colour_pixels(image, (79, 195, 247)) > 2000  # a 3D net, light blue
    if name == "SC-1":
        assert colour_pixels(image, (251, 140, 0)) > 2000  # the 2D net, orange
    else:
        assert colour_pixels(image, (251, 140, 0)) < 50


def test_svg_and_pdf_are_vector_only(sc2, artifacts) -> None:
    svg = render(sc2, Options(), "svg", 1200)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<image" not in svg and b"data:image" not in svg
    n_atoms = int((sc2.crystal.elements != "H").sum())
    assert svg.count(b"<path") + svg.count(b"<use") > 2 * n_atoms  # atoms, sectors and bonds one by one
    pdf = render(sc2, Options(), "pdf", 1200)
    assert pdf.startswith(b"%PDF") and re.search(rb"/Subtype\s*/Image", pdf) is None  # no raster XObject
    (artifacts / "render-SC-2-0.5.svg").write_bytes(svg)
    (artifacts / "render-SC-2-0.5.pdf").write_bytes(pdf)
    assert svg == render(sc2, Options(), "svg", 1200) and pdf == render(sc2, Options(), "pdf", 1200)


def test_partial_occupancy_is_drawn_as_a_sector(sc2) -> None:
    cell = sc2.crystal.orth
    scene = to_ctk_scene(build_scene(sc2, Options()), cell)
    sectors = [p for p in scene.contents if p.type == "spheres" and p.phiEnd is not None]
    assert sectors and all(abs(p.phiEnd - np.pi) < 1e-6 for p in sectors)  # occupancy 0.5: half a turn
    assert np.allclose(np.array(scene.lattice).T, cell)
    assert "idealised model" in caption(sc2)


def test_a_users_file_is_not_called_a_model(tmp_path: Path) -> None:
    text = (STRUCTURES / "SC-3.cif").read_text()
    assert "_cell_length_c " in text
    moved = analyze_bytes("SC-3.cif", text.replace("_cell_length_c ", "_cell_length_c 1").encode())
    assert "idealised model" not in caption(moved) and "(structure)" in caption(moved)


CGD_CASES = sorted(PEERS.glob("*.cif")) + [STRUCTURES / f"{m}.cif" for m in MODELS] + sorted(IDEAL.glob("*.cgd"))


@pytest.mark.parametrize("path", CGD_CASES, ids=lambda p: p.name)
def test_cgd_round_trip_keeps_the_nets(path: Path) -> None:
    report = analyze_file(path)
    again = analyze_bytes(f"{path.stem}.cgd", write_cgd(report.net, path.stem).encode())

    def nets(r):
        return sorted((n.dimensionality, n.fold, n.node_degrees, len(n.vertices)) for n in r.nets)

    assert nets(again) == nets(report)
    assert again.classification == report.classification
    assert again.interpenetration_degree == report.interpenetration_degree


def test_cgd_round_trip_through_the_cli(tmp_path: Path) -> None:
    report = analyze_file(STRUCTURES / "SC-1.cif")
    out = tmp_path / "SC-1.cgd"
    out.write_text(write_cgd(report.net, "SC-1"))
    result = interlace("analyze", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert '"classification": "2D-3D interpenetrating"' in result.stdout


def test_graphml_loads_back(sc2) -> None:
    g = nx.read_graphml(io.BytesIO(net_graphml(sc2)))
    assert g.number_of_nodes() == sc2.net.graph.number_of_nodes()
    assert g.number_of_edges() == sc2.net.graph.number_of_edges()
    offsets = sorted(d["offset"] for _, _, d in g.edges(data=True))
    assert offsets == sorted(" ".join(map(str, off)) for _, _, off, _ in sc2.net.edges())


def test_cif_as_shown_reads_back_with_the_supercell(sc2) -> None:
    text = structure_cif(sc2, Options(supercell=(2, 1, 1), hydrogens=True))
    again = analyze_bytes("shown.cif", text.encode())
    assert len(again.crystal) == 2 * len(sc2.crystal)
    assert sorted(again.crystal.occupancy) == sorted(np.tile(sc2.crystal.occupancy, 2))
    assert {str(x).rsplit("_", 1)[0] for x in again.crystal.labels} == {str(x) for x in sc2.crystal.labels}
    assert again.classification == sc2.classification
    assert sorted(n.fold for n in again.nets if n.dimensionality == 3) == [1, 1]


def test_app_downloads_equal_the_cli(tmp_path: Path, sc2) -> None:
    files = {name: (data, mime) for _, name, data, mime in downloads(sc2, Options(), "b")}
    assert {"SC-2-0.5.png", "SC-2-0.5.svg", "SC-2-0.5.pdf", "SC-2-0.5-net.svg", "SC-2-0.5.cgd",
            "SC-2-0.5.graphml", "SC-2-0.5.json", "SC-2-0.5-shown.cif"} == set(files)
    assert b"<image" not in files["SC-2-0.5-net.svg"][0]
    for name, width in (("SC-2-0.5.svg", "1600"), ("SC-2-0.5.png", "2400")):
        out = tmp_path / name
        result = interlace("render", str(STRUCTURES / "SC-2-0.5.cif"), "-o", str(out), "--width", width,
                           "--view", "b")
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == files[name][0]


def test_animate_gif_and_mp4(tmp_path: Path, artifacts) -> None:
    import imageio.v3 as iio

    gif, mp4 = tmp_path / "series.gif", tmp_path / "series.mp4"
    files = [str(STRUCTURES / f"{n}.cif") for n in ("SC-1", "SC-2-0.5")]
    for out in (gif, mp4):
        result = interlace("animate", *files, "-o", str(out), "--width", "240", "--frames-per-step", "10")
        assert result.returncode == 0, result.stderr
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] >= 30 and frames.shape[2] == 240
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert mp4.read_bytes()[4:8] == b"ftyp"
    movie = iio.imread(mp4, index=None)
    assert movie.shape[0] == frames.shape[0] and movie.shape[2] == 240
    assert len({f.tobytes() for f in frames}) == len(frames)  # every frame differs (a time bar at least)
    (artifacts / "series.gif").write_bytes(gif.read_bytes())


@pytest.mark.parametrize("args", [
    ["render", "missing.cif", "-o", "x.png"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.bmp"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--width", "99999"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--supercell", "0", "1", "1"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--min-occupancy", "2"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "no-such-folder/x.png"],
    ["animate", str(STRUCTURES / "SC-1.cif"), "-o", "x.gif"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(IDEAL / "pcu.cgd"), "-o", "x.gif"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(STRUCTURES / "SC-3.cif"), "-o", "x.avi"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(STRUCTURES / "SC-3.cif"), "-o", "x.gif", "--width", "9"],
])
def test_bad_export_requests_exit_2(args: list[str], tmp_path: Path) -> None:
    result = interlace(*[str(tmp_path / a) if a.startswith(("x.", "no-such")) else a for a in args])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("interlace: ")
    assert "Traceback" not in result.stderr


def test_legend_keys_tfa_only_where_a_terminal_ligand_is_tfa() -> None:
    """The red TFA key belongs to the SC series' CF3COO-/CF3COOH ligands, not to every structure."""
    sc1 = [text for _, text in legend(analyze_file(STRUCTURES / "SC-1.cif"), Options())]
    afixew = [text for _, text in legend(analyze_file(PEERS / "AFIXEW_ASR.cif"), Options())]
    assert any(t.startswith("TFA") for t in sc1)
    assert not any(t.startswith("TFA") for t in afixew)
    assert afixew == ["net 0: bex (2D)"]
    jxust = [text for _, text in legend(analyze_file(PEERS / "JXUST-1.cif"), Options())]
    assert jxust == ["net 0: pcu (3D, 2 interpenetrating copies)"]
    hidden = [text for _, text in legend(analyze_file(STRUCTURES / "SC-1.cif"), Options(atoms=False))]
    assert not any(t.startswith("TFA") for t in hidden)  # no TFA key when no atom is drawn


@pytest.mark.parametrize("path", [STRUCTURES / "SC-2-0.5.cif", PEERS / "AFIXEW_ASR.cif"])
def test_connectivity_drawing_labels_every_edge_with_its_offset(path: Path) -> None:
    """One editable text label per edge (its lattice offset) and per vertex; partial linkers in gold."""
    report = analyze_file(path)
    svg = graph_image(report, "svg").decode()
    texts = Counter(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    edges = report.net.edges()
    assert texts == Counter([str(off) for _, _, off, _ in edges] + [str(v) for v in report.net.graph])
    partial = sum(1 for *_, data in edges if data["occupancy"] < 0.999)
    assert svg.lower().count("stroke: #ffc107") == partial
