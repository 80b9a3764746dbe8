"""Figures, movies and data files: types, sizes, frame counts, vector-only drawings, round trips."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import numpy as np
import pytest
from PIL import Image, ImageColor

from topology import analyze_file
from topology.naming.cgd_writer import write_cgd
from topology.pipeline import analyze_bytes
from viewer import palette, style
from viewer.export import (
    caption,
    closing_cards,
    downloads,
    net_graphml,
    paper_order,
    render,
    structure_cif,
    transition_captions,
)
from viewer.figure import MAX_HEIGHT_IN, extent, to_ctk_scene
from viewer.graph2d import graph_image
from viewer.scene import Options, Scene, build_scene, legend
from viewer.storyboard import add_block_net, block_net
from viewer.transition import frames, track_series

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


def colour_pixels(image: Image.Image, color: str) -> int:
    """Pixels within a small distance of a palette colour (the lit face of a ball or rod)."""
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - ImageColor.getrgb(color)).sum(axis=2) < 40).sum())


def test_png_at_4000_px_shows_the_structure(sc2, artifacts) -> None:
    data = render(sc2, Options(net=True), "png", 4000)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.width == 4000
    (artifacts / "render-SC-2-0.5-4000.png").write_bytes(data)
    first, second = (colors[0] for colors in palette.net_colors(sc2))
    assert colour_pixels(image, style.PARTIAL_LINKER_COLOR) > 10_000  # the half-occupied linkers
    assert colour_pixels(image, first) > 10_000 and colour_pixels(image, second) > 10_000  # each net its own


@pytest.mark.parametrize("name", MODELS)
def test_each_model_renders_in_the_nets_colours(name: str, artifacts) -> None:
    report = analyze_file(STRUCTURES / f"{name}.cif")
    image = Image.open(io.BytesIO(data := render(report, Options(), "png", 900)))
    (artifacts / f"render-{name}.png").write_bytes(data)
    assert image.width == 900
    assert colour_pixels(image, style.TFA_COLOR) > 2000
    assert colour_pixels(image, palette.SKY_BLUE) > 2000  # a 3D net, the paper's blue
    layer = colour_pixels(image, palette.ORANGE)  # the paper's orange 2D layer (SC-1), or SC-2's second net
    assert layer > 2000 if name != "SC-3" else layer < 50


def test_svg_and_pdf_are_vector_only(sc2, artifacts) -> None:
    svg = render(sc2, Options(), "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<image" not in svg and b"data:image" not in svg
    n_atoms = int((sc2.crystal.elements != "H").sum())
    assert svg.count(b"<path") + svg.count(b"<use") > 2 * n_atoms  # atoms, sectors and bonds one by one
    pdf = render(sc2, Options(), "pdf")
    assert pdf.startswith(b"%PDF") and re.search(rb"/Subtype\s*/Image", pdf) is None  # no raster XObject
    (artifacts / "render-SC-2-0.5.svg").write_bytes(svg)
    (artifacts / "render-SC-2-0.5.pdf").write_bytes(pdf)
    assert svg == render(sc2, Options(), "svg") and pdf == render(sc2, Options(), "pdf")


def svg_size_in(svg: bytes) -> tuple[float, float]:
    root = ElementTree.fromstring(svg)
    return tuple(float(root.get(k).removesuffix("pt")) / 72 for k in ("width", "height"))  # type: ignore[return-value]


def svg_texts(svg: bytes) -> list[tuple[str, float]]:
    """(text, font size in pt) of every <text> element (the SVG's units are points)."""
    out = []
    for element in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
        size = re.search(r"font-size:\s*([\d.]+)px", element.get("style", ""))
        out.append(("".join(element.itertext()), float(size.group(1)) if size else 0.0))
    return out


@pytest.mark.parametrize(("column", "width_in"), [("double", 7.2), ("single", 3.5)])
def test_journal_figure_size_and_editable_text(sc2, column: str, width_in: float, artifacts) -> None:
    """Default: a double-column figure (7.2 in) with every text at least 7 pt at that size, as <text>
    (editable), no title; PDF fonts embedded as TrueType (Type 42), not outlines."""
    svg = render(sc2, Options(), "svg", column=column)
    (artifacts / f"figure-{column}.svg").write_bytes(svg)
    width, height = svg_size_in(svg)
    assert width == pytest.approx(width_in, abs=0.01) and height <= MAX_HEIGHT_IN + 0.01  # fits a page
    texts = svg_texts(svg)
    words = " ".join(t for t, _ in texts)
    assert texts and min(size for _, size in texts) >= 7.0
    for key in ("pcu framework (net 0)", "pcu framework (net 1)", "guest molecules", "marked by its occupancy"):
        assert key in words
    assert {"a", "b", "c"} <= {t for t, _ in texts}  # the axis triad
    assert "interpenetrated" not in words  # no title unless asked
    assert "3D-3D interpenetrated" in " ".join(t for t, _ in svg_texts(render(sc2, Options(), "svg", title=True)))
    pdf = render(sc2, Options(), "pdf", column=column)
    box = [float(x) for x in re.search(rb"/MediaBox\s*\[([^\]]+)\]", pdf).group(1).split()]
    assert (box[2] - box[0]) / 72 == pytest.approx(width_in, abs=0.01)
    assert b"/FontFile2" in pdf and not re.search(rb"/Subtype\s*/Type3", pdf)  # TrueType embedded, not Type 3


def test_figure_along_a_chosen_direction(sc2, tmp_path: Path) -> None:
    """--view takes a cell axis, a direction [u v w] or a turn saved from the app: each turns the
    structure as asked (the triad shows the axes as seen), and a turn that looks down c is down c."""
    from viewer.orientation import axis_rows, direction_rows, quaternion_rows, rows_quaternion

    cell = np.array(sc2.net.cell.orth.mat.tolist())
    down_c = render(sc2, Options(), "svg", view="c")
    along = render(sc2, Options(), "svg", view=(1, 1, 0))
    assert along != down_c
    rows = direction_rows(cell, (1, 1, 0))
    assert np.allclose(rows @ rows.T, np.eye(3)) and np.allclose(np.cross(rows[0], rows[1]), rows[2])
    toward = cell @ np.array([1.0, 1.0, 0.0])
    assert np.allclose(rows[2], toward / np.linalg.norm(toward))
    q = rows_quaternion(axis_rows(cell, "c"))
    assert np.allclose(quaternion_rows(q), axis_rows(cell, "c"), atol=1e-5)
    scene = to_ctk_scene(build_scene(sc2, Options()), cell)
    assert np.allclose(extent(scene, tuple(q)), extent(scene, "c"), atol=1e-3)  # the saved turn is down c
    assert not np.allclose(extent(scene, (1, 1, 0)), extent(scene, "c"), atol=0.5)
    out = tmp_path / "along.svg"
    result = interlace("render", str(STRUCTURES / "SC-2-0.5.cif"), "-o", str(out), "--view", "[1 1 0]")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == along
    saved = "q:" + ",".join(map(str, q))
    result = interlace("render", str(STRUCTURES / "SC-2-0.5.cif"), "-o", str(out), "--view", saved)
    assert result.returncode == 0, result.stderr


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
    for name in ("SC-2-0.5.svg", "SC-2-0.5.png"):
        out = tmp_path / name
        result = interlace("render", str(STRUCTURES / "SC-2-0.5.cif"), "-o", str(out), "--view", "b")
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == files[name][0]


def gif_durations(path: Path) -> list[int]:
    image, out = Image.open(path), []
    for k in range(image.n_frames):
        image.seek(k)
        out.append(int(image.info["duration"]))
    return out


def words(text: str) -> int:
    return len(text.split())


def test_animate_gif_and_mp4_hold_each_caption_long_enough_to_read(tmp_path: Path, artifacts) -> None:
    """Each picture stays at least as long as a reader needs for its caption (3 words a second and
    one more second): a still alone, a step's frames together; closing cards with the facts follow;
    the MP4 repeats each picture for as long; a time bar makes every frame differ."""
    import imageio.v3 as iio

    gif, mp4 = tmp_path / "series.gif", tmp_path / "series.mp4"
    files = [str(STRUCTURES / f"{n}.cif") for n in ("SC-1", "SC-2-0.5")]
    for out in (gif, mp4):
        result = interlace("animate", *files, "-o", str(out), "--width", "240", "--frames-per-step", "10")
        assert result.returncode == 0, result.stderr
    reports = [analyze_file(f) for f in files]
    captions = transition_captions(reports)
    cards = closing_cards(reports, captions)
    frames_ = iio.imread(gif, index=None)
    assert frames_.shape[0] == 2 + 10 + len(cards) and frames_.shape[2] == 240
    shown = gif_durations(gif)
    assert all(words(t) <= 10 for t in (*captions.titles, *captions.step_titles))  # short captions on the picture
    need = [1000 * (words(captions.titles[0]) / 3 + 1), 1000 * (words(captions.step_titles[0]) / 3 + 1),
            1000 * (words(captions.titles[1]) / 3 + 1)] + [1000 * (words(c) / 3 + 1) for c in cards]
    got = [shown[0], sum(shown[1:11]), shown[11]] + shown[12:]
    assert all(g >= n - 10 for g, n in zip(got, need)), (got, need)  # GIF keeps hundredths of a second
    assert "1.92 eV (Tauc, indirect) (Fig. 4f)" in cards[0] and "Fig. 3" in cards[-2] and "Idealised model" in cards[-1]
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert mp4.read_bytes()[4:8] == b"ftyp"
    movie = iio.imread(mp4, index=None)
    assert movie.shape[0] == sum(round(d * 12 / 1000) for d in shown) and movie.shape[2] == 240
    assert len({f.tobytes() for f in frames_}) == len(frames_)  # every frame differs (a time bar at least)
    (artifacts / "series.gif").write_bytes(gif.read_bytes())


def test_movie_follows_the_papers_two_paths() -> None:
    """SC-1 -> SC-2-0.5 is a documented step; SC-2-0.5 -> SC-1 is not (the second path starts again
    from SC-1): the movie cuts there instead of turning SC-2 into SC-1; SC-1 -> SC-3 is a step.
    Without SC-1 again, SC-2-0.5 -> SC-3 is a cut but no path starts again."""
    assert paper_order() == ["SC-1", "SC-2-0.8", "SC-2-0.5", "SC-1", "SC-3"]
    reports = [analyze_file(STRUCTURES / f"{n}.cif") for n in ("SC-1", "SC-2-0.5", "SC-1", "SC-3")]
    captions = transition_captions(reports)
    assert captions.cuts == (1,)
    assert "mother liquor" in captions.steps[2] and "UV" in captions.steps[0]
    assert captions.structures[2].startswith("The other path")
    series = track_series(reports)
    movie = frames(series, per_step=5, hold=1, cuts=captions.cuts)
    assert [f.step for f in movie if f.t == 0] == [0, 1, 2, 3]
    assert [f.step for f in movie if f.t > 0] == [0] * 5 + [2] * 5  # no frames from SC-2-0.5 to SC-1
    direct = transition_captions([reports[0], reports[1], reports[3]])
    assert direct.cuts == (1,)
    assert not any("start again" in text for text in (*direct.structures, *direct.steps))


def test_movie_nets_are_the_teach_nets_and_follow_their_atoms() -> None:
    """On a structure the movie draws the Teach view's nets where the Teach view draws them; between
    two structures every node moves with the middle of its atoms."""
    reports = [analyze_file(STRUCTURES / f"{n}.cif") for n in ("SC-1", "SC-2-0.5")]
    series = track_series(reports)
    movie = frames(series, per_step=4, hold=1)
    for s, frame in ((0, movie[0]), (1, movie[-1])):
        teach = build_scene(reports[s], Options(atoms=False, net=True, cell=False, teach=True, supercell=(3, 3, 3)))
        scene = Scene()
        add_block_net(scene, block_net(series, reports[s], s), frame, 1.0)
        assert len(scene.net_nodes) == len(teach.net_nodes) > 27 and len(scene.net_edges) == len(teach.net_edges)
        for ours, theirs in zip(scene.net_nodes, teach.net_nodes):
            assert np.allclose(ours["xyz"], theirs["xyz"], atol=1e-6) and ours["color"] == theirs["color"]
    net = block_net(series, reports[0], 0)
    a, b = movie[0], movie[2]
    first, second = Scene(), Scene()
    add_block_net(first, net, a, 1.0)
    add_block_net(second, net, b, 1.0)
    for v, tracks in net.tracks.items():
        moved = b.xyz[tracks].mean(axis=0) - a.xyz[tracks].mean(axis=0)
        home = [k for k, n in enumerate(first.net_nodes) if n["vertex"] == v]  # any image the block draws
        cell_change = (b.cell - a.cell) @ (np.asarray(first.net_nodes[home[0]]["image"]) + net.offset[v])
        assert np.allclose(second.net_nodes[home[0]]["xyz"] - first.net_nodes[home[0]]["xyz"], moved + cell_change)


def near(image: Image.Image, color: str) -> int:
    """Pixels of a colour, lit or shaded or seen through (each channel within 40 of it)."""
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - ImageColor.getrgb(color)).max(axis=2) < 40).sum())


def test_movie_frames_of_sc1_and_sc2_show_their_own_nets(tmp_path: Path, artifacts) -> None:
    """The still of SC-1 shows its sql layer and pcu framework, that of SC-2 its two pcu copies and
    the half-occupied linkers, each in its legend colour and large enough to see (a net is more than
    a few rods): the share of each colour changes as the layer becomes a framework."""
    import imageio.v3 as iio

    files = [STRUCTURES / f"{n}.cif" for n in ("SC-1", "SC-2-0.5")]
    out = tmp_path / "two.gif"
    assert interlace("animate", *map(str, files), "-o", str(out), "--width", "400", "--frames-per-step", "2").returncode == 0
    pictures = iio.imread(out, index=None)
    reports = [analyze_file(f) for f in files]
    shares = []
    for picture, report in ((pictures[0], reports[0]), (pictures[3], reports[1])):
        drawing = Image.fromarray(picture[40:300])  # below the caption, above the legend
        area = drawing.width * drawing.height
        keys = dict(legend(report, Options(atoms=False, net=True, cell=False, teach=True)))
        nets = [c for c, text in keys.items() if "net " in text]
        assert len(nets) == 2  # SC-1: the pcu and its layers (two stacks, one colour)
        share = [near(drawing, c) / area for c in nets]
        assert min(share) > 0.015, (report.source, share)
        if style.PARTIAL_LINKER_COLOR in keys:
            assert near(drawing, style.PARTIAL_LINKER_COLOR) / area > 0.003
        shares.append(share)
        Image.fromarray(picture).save(artifacts / f"movie-{report.source}.png")
    assert style.PARTIAL_LINKER_COLOR in dict(legend(reports[1], Options(atoms=False, net=True, teach=True)))
    ratio = [a / b for a, b in shares]
    assert max(ratio) / min(ratio) > 1.2  # the layers of SC-1 are a framework in SC-2: their shares change


@pytest.mark.parametrize("args", [
    ["render", "missing.cif", "-o", "x.png"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.bmp"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--width", "99999"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--supercell", "0", "1", "1"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--min-occupancy", "2"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--view", "0 0 0"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "x.png", "--view", "q:1,2"],
    ["render", str(STRUCTURES / "SC-1.cif"), "-o", "no-such-folder/x.png"],
    ["animate", str(STRUCTURES / "SC-1.cif"), "-o", "x.gif"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(IDEAL / "pcu.cgd"), "-o", "x.gif"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(STRUCTURES / "SC-3.cif"), "-o", "x.avi"],
    ["animate", str(STRUCTURES / "SC-1.cif"), str(STRUCTURES / "SC-3.cif"), "-o", "x.gif", "--width", "9"],
])
def test_bad_export_requests_exit_2(args: list[str], tmp_path: Path) -> None:
    result = interlace(*[str(tmp_path / a) if a.startswith(("x.", "no-such")) else a for a in args])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and re.match(r"interlace( render| animate)?: ", result.stderr)
    assert "Traceback" not in result.stderr


def test_legend_keys_tfa_only_where_a_terminal_ligand_is_tfa() -> None:
    """The red TFA key belongs to the SC series' CF3COO-/CF3COOH ligands, not to every structure."""
    sc1 = [text for _, text in legend(analyze_file(STRUCTURES / "SC-1.cif"), Options())]
    afixew = [text for _, text in legend(analyze_file(PEERS / "AFIXEW_ASR.cif"), Options())]
    assert any(t.startswith("TFA") for t in sc1)
    assert not any(t.startswith("TFA") for t in afixew)
    assert afixew[0] == "bex layer (net 0)"
    jxust = {text: color for color, text in legend(analyze_file(PEERS / "JXUST-1.cif"), Options())}
    copies = [jxust.get(f"pcu framework, copy {k} of 2 (net 0)") for k in (1, 2)]
    assert None not in copies and copies[0] != copies[1]  # each copy its own colour
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
    assert svg.lower().count(f"stroke: {style.PARTIAL_LINKER_COLOR.lower()}") == partial


@pytest.mark.parametrize(("name", "column", "width_in"), [("SC-1", "single", 3.5), ("SC-2-0.8", "double", 7.2)])
def test_why_figure_shows_both_rings_open_at_the_column_width(name: str, column: str, width_in: float,
                                                               tmp_path: Path) -> None:
    """``render --why``: the picture is turned so that neither ring is seen edge-on (each shows at least
    half its area), it is centred on the pair, and the SVG is as wide as the column asked for."""
    from viewer.why import picture, vector_area

    pic = picture(analyze_file(STRUCTURES / f"{name}.cif"))
    for ring in (pic.first, pic.second):
        area = vector_area(ring)
        assert abs(area[2]) > 0.5 * np.linalg.norm(area)
    assert np.abs(np.vstack([pic.first, pic.second]).mean(axis=0)).max() < 1e-6
    out = tmp_path / "why.svg"
    done = interlace("render", str(STRUCTURES / f"{name}.cif"), "--why", "--column", column, "-o", str(out))
    assert done.returncode == 0 and "linked with" in done.stdout and done.stderr == ""
    width, _ = svg_size_in(out.read_bytes())
    assert width == pytest.approx(width_in, abs=0.01)


def test_exports_match_the_column_and_say_partial_occupancy_one_way(sc2, tmp_path: Path) -> None:
    """The net drawing is as wide as the figure's column; the partly occupied key reads the same in the
    view's legend, the figure and the movie's legend (all from ``scene.legend``)."""
    from viewer.export import downloads
    from viewer.scene import PARTIAL_KEY

    for column, width_in in (("single", 3.5), ("double", 7.2)):
        files = {name: data for _, name, data, _ in downloads(sc2, Options(), column=column)}
        assert svg_size_in(files["SC-2-0.5-net.svg"])[0] == pytest.approx(width_in, abs=0.01)
    assert (style.PARTIAL_LINKER_COLOR, PARTIAL_KEY) in legend(sc2, Options())
    words = " ".join(t for t, _ in svg_texts(render(sc2, Options(), "svg")))
    assert "partly occupied linker" in words and "marked by its occupancy" in words


def test_occupancy_labels_never_overlap_and_keep_every_occupancy() -> None:
    """Zn-CAT-NO2's disordered nitro groups and solvent put many partial units within a few angstroms of
    each other: their labels are merged into one per neighbourhood, listing each occupancy once."""
    from viewer.scene import LABEL_GAP

    report = analyze_file(ROOT / "tests" / "data" / "real" / "citable_Zn-CAT-NO2_as-synthesized_CCDC2036574.cif")
    raw = {f"{float(o):.2g}" for o in report.crystal.occupancy if o < 0.999}
    labels = build_scene(report, Options()).labels
    xyz = np.array([label["xyz"] for label in labels])
    gaps = np.linalg.norm(xyz[:, None] - xyz[None], axis=2) + np.eye(len(xyz)) * 1e9
    assert len(labels) >= 1 and gaps.min() >= LABEL_GAP
    shown = {t for label in labels for t in label["text"].split(" / ")}
    assert shown <= raw and len(shown) >= 2
