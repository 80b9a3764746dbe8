"""Figures, movies and data files: types, sizes, frame counts, vector-only drawings, round trips."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from PIL import Image

from topology import analyze_file
from topology.classify import analyze_bytes
from viewer.export import downloads, net_graphml, render, structure_cif
from viewer.scene import Options

ROOT = Path(__file__).resolve().parent.parent
STRUCTURES = ROOT / "assets" / "structures"
PEERS = ROOT / "tests" / "data" / "crystalnets"


def interlace(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer.cli", *args], check=False, capture_output=True,
                          text=True, timeout=600, cwd=ROOT)


@pytest.fixture(scope="module")
def sc2():
    return analyze_file(STRUCTURES / "SC-2-0.5.cif")


def test_png_at_4000_px_shows_the_structure(sc2, artifacts) -> None:
    data = render(sc2, Options(net=True), "png", 4000)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.width == 4000
    (artifacts / "render-SC-2-0.5.png").write_bytes(data)
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    gold = (np.abs(pixels - [255, 193, 7]).sum(axis=2) < 40).sum()  # the half-occupied linkers
    cyan = (np.abs(pixels - [79, 195, 247]).sum(axis=2) < 40).sum()  # net 0, the paper's light blue
    assert gold > 1000 and cyan > 1000


def test_svg_and_pdf_are_vector_only(sc2, artifacts) -> None:
    svg = render(sc2, Options(), "svg", 1200)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<image" not in svg and b"data:image" not in svg
    assert svg.count(b"<path") > 300  # atoms, sectors and bonds drawn one by one
    pdf = render(sc2, Options(), "pdf", 1200)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf
    (artifacts / "render-SC-2-0.5.svg").write_bytes(svg)
    assert svg == render(sc2, Options(), "svg", 1200)  # reproducible


def test_partial_occupancy_is_drawn_as_a_sector(sc2) -> None:
    from viewer.figure import to_ctk_scene
    from viewer.scene import build_scene

    scene = to_ctk_scene(build_scene(sc2, Options()))
    sectors = [p for p in scene.contents if p.type == "spheres" and p.phiEnd is not None]
    assert sectors and all(abs(p.phiEnd - np.pi) < 1e-6 for p in sectors)  # occupancy 0.5: half a turn


@pytest.mark.parametrize("path", [STRUCTURES / "SC-1.cif", PEERS / "JXUST-1.cif", PEERS / "WEBZEK.cif",
                                  ROOT / "tests" / "data" / "ideal" / "dia.cgd"])
def test_cgd_round_trip_keeps_the_nets(path: Path) -> None:
    report = analyze_file(path)
    files = {name: data for _, name, data, _ in downloads_without_figures(report)}
    cgd = files[f"{path.stem}.cgd"]
    again = analyze_bytes(f"{path.stem}.cgd", cgd)

    def nets(r):
        return sorted((n.dimensionality, n.fold, n.node_degrees, len(n.vertices)) for n in r.nets)

    assert nets(again) == nets(report)
    assert again.classification == report.classification


def downloads_without_figures(report):
    from topology.cgd import write_cgd

    return [("cgd", f"{Path(report.source).stem}.cgd", write_cgd(report.net, report.source).encode(), "")]


def test_graphml_loads_back(sc2) -> None:
    g = nx.read_graphml(io.BytesIO(net_graphml(sc2)))
    assert g.number_of_nodes() == sc2.net.graph.number_of_nodes()
    assert g.number_of_edges() == sc2.net.graph.number_of_edges()


def test_cif_as_shown_reads_back_with_the_supercell(sc2) -> None:
    text = structure_cif(sc2, Options(supercell=(2, 1, 1), hydrogens=True))
    again = analyze_bytes("shown.cif", text.encode())
    assert len(again.crystal) == 2 * len(sc2.crystal)
    assert again.classification == sc2.classification
    assert sorted(n.fold for n in again.nets if n.dimensionality == 3) == [1, 1]


def test_app_downloads_equal_the_cli(tmp_path: Path, sc2) -> None:
    files = {name: data for _, name, data, _ in downloads(sc2, Options(), "c")}
    out = tmp_path / "SC-2-0.5.svg"
    result = interlace("render", str(STRUCTURES / "SC-2-0.5.cif"), "-o", str(out), "--width", "1600")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == files["SC-2-0.5.svg"]


def test_animate_gif_and_mp4(tmp_path: Path, artifacts) -> None:
    gif, mp4 = tmp_path / "series.gif", tmp_path / "series.mp4"
    files = [str(STRUCTURES / f"{n}.cif") for n in ("SC-1", "SC-2-0.5")]
    for out in (gif, mp4):
        result = interlace("animate", *files, "-o", str(out), "--width", "240", "--frames-per-step", "10")
        assert result.returncode == 0, result.stderr
    import imageio.v3 as iio

    frames = iio.imread(gif, index=None)
    assert frames.shape[0] >= 30 and frames.shape[2] == 240
    assert gif.read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    assert mp4.read_bytes()[4:8] == b"ftyp"
    assert iio.imread(mp4, index=None).shape[0] >= 30
    (artifacts / "series.gif").write_bytes(gif.read_bytes())


@pytest.mark.parametrize("args", [["render", "missing.cif", "-o", "x.png"],
                                  ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.bmp"],
                                  ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--width", "99999"],
                                  ["animate", str(STRUCTURES / "SC-1.cif"), "-o", "x.gif"]])
def test_bad_export_requests_exit_2(args: list[str], tmp_path: Path) -> None:
    result = interlace(*[a if not a.startswith("x.") else str(tmp_path / a) for a in args])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
