"""Every file a user can take away, made the same way for the app's download buttons and the CLI:
figures (PNG, SVG, PDF), movies (GIF, MP4), the net drawing (SVG), the structure as shown (CIF),
the net (Systre .cgd, GraphML) and the report (JSON). Outputs are byte-for-byte reproducible."""

from __future__ import annotations

import io
import json
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

from topology import InputError
from topology.naming.cgd_writer import write_cgd
from topology.reading.cif import read_cif
from topology.report import Report
from viewer import figure
from viewer.bundled import STRUCTURES
from viewer.choices import FIGURE_WIDTH, MOVIE_FPS, MOVIE_FRAMES_PER_STEP, MOVIE_WIDTH
from viewer.graph2d import graph_image
from viewer.orientation import View
from viewer.scene import VDW, Options, Scene, build_scene, legend, visible_atoms
from viewer.sentences import nets_sentence
from viewer.storyboard import (
    add_block_net,
    block_net,
    fades,
    frame_seconds,
    movie_view,
    reading_seconds,
    repeats,
    step_title,
    structure_title,
)
from viewer.transition import Frame, Series, frames, track_series

MOVIE_FORMATS = ("gif", "mp4")
MOVIE_DPI = 100
MOVIE_CHARACTERS_PER_LINE = 70
"""Text size of a movie: about this many characters across it, readable on a projector or a phone."""
TIME_BAR_RGB = (0, 114, 178)
BALL = 0.28
"""Ball radius as a fraction of the van der Waals radius: the app's ball-and-stick."""


@lru_cache(maxsize=1)
def series_doc() -> dict:
    """The bundled series.json ({} when missing)."""
    path = STRUCTURES / "series.json"
    return json.loads(path.read_text()) if path.exists() else {}


def bundled_model(report: Report) -> dict | None:
    """The series.json entry when ``report`` is one of our bundled models (same cell, same labels at
    the same places as the bundled file), else None: a user's real CIF of the same name is not a model."""
    name = Path(report.source).stem
    entry = next((s for s in series_doc().get("structures", []) if s["name"] == name), None)
    if entry is None or report.crystal is None or not (STRUCTURES / entry["file"]).exists():
        return None
    ours = read_cif(STRUCTURES / entry["file"])
    if not np.allclose(ours.cell.parameters, report.crystal.cell.parameters, atol=1e-3):
        return None
    where: dict[str, list[np.ndarray]] = {}  # a label's places: its site and the site's symmetry copies
    for label, f in zip(ours.labels, ours.frac):
        where.setdefault(str(label), []).append(f)
    for label, f in zip(report.crystal.labels, report.crystal.frac):
        g = np.array(where.get(str(label), np.zeros((0, 3))))
        if not len(g) or np.abs((f - g) - np.round(f - g)).max(axis=1).min() > 1e-4:
            return None
    return entry


def caption(report: Report) -> str:
    """The classification as a figure caption; the bundled models are called models."""
    kind = "idealised model" if bundled_model(report) else "structure"
    return f"{report.source} ({kind}): {report.classification}: {nets_sentence(report)}"


def net_comments(report: Report) -> list[str]:
    """What names each net, for the header of an exported .cgd file."""
    out = [f"{report.source}: {report.classification}"]
    for n in report.nets:
        if n.dimensionality >= 2:
            out.append(f"net {n.id}: {n.dimensionality}D, fold {n.fold}, topology {n.topology or 'not in the RCSR archive'}"
                       f", point symbol {n.point_symbol}, key {n.topology_key}")
    return out


def render(report: Report, options: Options, fmt: str, width: int | None = None, view: View = "c",
           transparent: bool = False, column: str = "double", title: bool = False) -> bytes:
    """A figure of the structure as the view shows it, ``column`` wide at print size (double: 7.2 in,
    single: 3.5 in) with text of at least 8 pt there; a PNG is ``width`` pixels wide (300 dpi by
    default). The classification goes in the title only when asked: journals set their own captions."""
    if fmt not in figure.FORMATS:
        raise InputError(report.source, f"cannot write .{fmt} figures (use png, svg or pdf)")
    if column not in figure.COLUMNS:
        raise InputError(report.source, f"column must be one of {', '.join(figure.COLUMNS)}")
    width_in = figure.COLUMNS[column]
    width = width or round(width_in * figure.PRINT_DPI)
    if not FIGURE_WIDTH[0] <= width <= FIGURE_WIDTH[1]:
        raise InputError(report.source, f"width {width} px is out of range {FIGURE_WIDTH[0]}-{FIGURE_WIDTH[1]}")
    scene = build_scene(report, options)
    if not (scene.atoms or scene.net_nodes):
        raise InputError(report.source, "nothing to draw with these options")
    cell = np.array(report.net.cell.orth.mat.tolist())
    keys = legend(report, options)  # partial sites drawn as a filled sector: the same key as everywhere
    fig = figure.draw(figure.to_ctk_scene(scene, cell, report.source), view, width_in,
                      dpi=width / width_in if fmt == "png" else figure.PRINT_DPI, transparent=transparent,
                      title=caption(report) if title else "", legend=keys)
    return figure.save(fig, fmt)


@dataclass(frozen=True)
class Captions:
    """What the transition says: one caption per structure and one per step between structures, in
    full (with the paper's facts and their sources) and in a few words for the picture; the steps that
    are cuts (the next structure is not made from the one before) rather than transformations."""

    structures: list[str]
    steps: list[str]
    caveat: str  # empty unless the series is our bundled models
    cuts: tuple[int, ...] = ()
    models: tuple[bool, ...] = ()  # per structure: one of our bundled models
    titles: tuple[str, ...] = ()  # per structure, on the picture
    step_titles: tuple[str, ...] = ()  # per step, on the picture


def paper_order(doc: dict | None = None) -> list[str]:
    """The bundled structures in the order the paper tells their story: every documented path from
    the first structure, one after another (SC-1 → SC-2-0.8 → SC-2-0.5, then SC-1 → SC-3)."""
    doc = series_doc() if doc is None else doc
    names = [s["name"] for s in doc.get("structures", [])]
    children: dict[str, list[str]] = {}
    for step in doc.get("steps", []):
        children.setdefault(step["from"], []).append(step["to"])
    targets = {step["to"] for step in doc.get("steps", [])}
    order: list[str] = []

    def walk(path: list[str]) -> None:
        following = [c for c in children.get(path[-1], []) if c not in path]
        if not following:
            order.extend(path)
        for child in following:
            walk(path + [child])

    for root in (n for n in names if n in children and n not in targets):
        walk([root])
    return order + [n for n in names if n not in order]


def transition_captions(reports: list[Report]) -> Captions:
    """Captions from series.json for the bundled models (conditions, colour, emission, conductivity,
    band gap with their sources), plain ones for a user's own series. Between two bundled models
    with no documented step from one to the other the movie cuts; only where the structure after the
    cut was shown before (SC-2-0.5, then SC-1 again) does the other path start again."""
    doc = series_doc()
    models = [bundled_model(r) for r in reports]
    steps = {(s["from"], s["to"]): s for s in doc.get("steps", [])}
    step_captions, step_titles, cuts, returns = [], [], [], []
    for k in range(len(reports) - 1):
        a, b = models[k], models[k + 1]
        path = _step_path(steps, a["name"], b["name"]) if a and b else []
        if a and b and not path:
            cuts.append(k)
        again = k in cuts and any(m and m["name"] == b["name"] for m in models[:k + 1])
        if again:
            returns.append(k)
        how = "; then ".join(f"{s['condition']} ({s['source']})" for s in path) or (
            "no transformation: the other path starts again from here" if again else
            "no transformation: the paper reports no step from one to the other" if k in cuts else "next structure")
        step_captions.append(f"{reports[k].source} → {reports[k + 1].source}: {how}")
        step_titles.append(step_title(reports[k], reports[k + 1], [s["condition"] for s in path]))
    structures = []
    for k, (report, model) in enumerate(zip(reports, models)):
        facts = "; ".join(f"{f['label']}: {f['value']} ({f['source']})" for f in (model or {}).get("facts", [])
                          if f["label"] not in ("formula", "nets"))
        again = "The other path, from the start again: " if k - 1 in returns else ""
        structures.append(f"{again}{report.source}: {report.classification}" + (f". {facts}" if facts else ""))
    caveat = doc.get("model_caveat", "") if any(models) else ""
    titles = tuple(structure_title(r, bool(m)) for r, m in zip(reports, models))
    return Captions(structures, step_captions, caveat, tuple(cuts), tuple(bool(m) for m in models), titles,
                    tuple(step_titles))


def closing_cards(reports: list[Report], captions: Captions) -> list[str]:
    """What the captions on the pictures leave out, shown after the movie, one card a screen (lines
    split by newlines): each bundled structure's facts from the paper with their sources (once per
    structure), how each became the next, and that the structures are models."""
    cards = []
    for report in {r.source: r for r in reports}.values():
        model = bundled_model(report)
        facts = [f"• {f['label']}: {f['value']} ({f['source']})" for f in (model or {}).get("facts", [])
                 if f["label"] != "formula"]
        if facts:
            cards.append("\n".join([f"{report.source.removesuffix('.cif')} (model of CCDC {model['ccdc']})", *facts]))
    changes = [f"• {text}" for k, text in enumerate(captions.steps) if k not in captions.cuts]
    if changes:
        cards.append("\n".join(["How each became the next", *changes]))
    if captions.caveat:
        cards.append(captions.caveat)
    return cards


def _step_path(steps: dict[tuple[str, str], dict], start: str, end: str) -> list[dict]:
    """The documented steps leading from ``start`` to ``end`` (e.g. SC-1 -> SC-2-0.8 -> SC-2-0.5)."""
    paths: dict[str, list[dict]] = {start: []}
    frontier = [start]
    while frontier and end not in paths:
        here = frontier.pop(0)
        for (a, b), step in steps.items():
            if a == here and b not in paths:
                paths[b] = paths[here] + [step]
                frontier.append(b)
    return paths.get(end, [])


def frame_scene(series: Series, frame: Frame) -> Scene:
    """A movie frame as a scene (the atoms, when the nets are not drawn): ball-and-stick atoms (no
    hydrogens) fading with their occupancy, bonds fading as they break or form, and the interpolated cell."""
    scene = Scene()
    index: dict[int, int] = {}
    for k, track in enumerate(series.tracks):
        opacity = float(min(max(frame.opacity[k], 0.0), 1.0))
        if track.element == "H" or opacity < 0.02:
            continue
        index[k] = len(scene.atoms)
        scene.atoms.append({"elem": track.element, "xyz": frame.xyz[k], "color": frame.colors[k],
                            "opacity": opacity, "radius": BALL * VDW.get(track.element, 1.8),
                            "label": track.label, "occ": 1.0, "group": 0, "site": k})
    for (a, b), opacity in zip(frame.bonds.tolist(), frame.bond_opacity):
        if a in index and b in index and opacity > 0.02:
            scene.bonds.append((index[a], index[b]))
    corners = {c: frame.cell @ np.array(c, float) for c in np.ndindex(2, 2, 2)}
    for c, start in corners.items():
        for axis in range(3):
            if c[axis] == 0:
                scene.cell_edges.append((start, corners[tuple(1 if i == axis else x for i, x in enumerate(c))]))
    return scene


def animate(reports: list[Report], fmt: str, fps: int = 12, width: int = 800, per_step: int = 12,
            view: View | None = None, net: bool = True, progress: Callable[[float], None] | None = None) -> bytes:
    """The transition through ``reports`` as a GIF or MP4, drawn with the figure renderer from the
    interpolation the transitions page plays: with ``net``, each structure's nets as the Teach view
    draws them, following their atoms (else the atoms); ``per_step`` frames between two structures
    (none across a cut to another branch of the series); a caption of a few words on each picture,
    held as long as it takes to read; closing cards with the rest; a time bar along the bottom.
    ``view`` defaults to the Teach view's direction of the first structure. Each distinct picture is
    drawn once; ``progress`` hears the share done."""
    import imageio.v3 as iio

    if fmt not in MOVIE_FORMATS:
        raise InputError(reports[0].source, f"cannot write .{fmt} movies (use gif or mp4)")
    if len(reports) < 2 or any(r.crystal is None for r in reports):
        raise InputError(reports[0].source, "a transition needs two or more crystal structures (CIF files)")
    if not (MOVIE_WIDTH[0] <= width <= MOVIE_WIDTH[1] and MOVIE_FPS[0] <= fps <= MOVIE_FPS[1]
            and MOVIE_FRAMES_PER_STEP[0] <= per_step <= MOVIE_FRAMES_PER_STEP[1]):
        raise InputError(reports[0].source, f"width must be {MOVIE_WIDTH[0]}-{MOVIE_WIDTH[1]} px, fps "
                                            f"{MOVIE_FPS[0]}-{MOVIE_FPS[1]} and frames per step "
                                            f"{MOVIE_FRAMES_PER_STEP[0]}-{MOVIE_FRAMES_PER_STEP[1]}")
    series = track_series(reports)
    captions = transition_captions(reports)
    movie = frames(series, per_step=per_step, hold=1, cuts=captions.cuts)  # one picture per still, held
    shown = Options(atoms=False, net=True, cell=False, teach=True) if net else Options()
    legends = [legend(r, shown) for r in reports]
    blocks = [block_net(series, r, s) for s, r in enumerate(reports)] if net else []
    scenes = []
    for frame in movie:
        if net:  # the nets of the structure left fade out, the next one's fade in
            scene = Scene()
            for s, fade in fades(frame):
                add_block_net(scene, blocks[s], frame, fade)
        else:
            scene = frame_scene(series, frame)
        scenes.append(scene)
    view = movie_view(series, reports) if view is None else view
    lattice = series.cells[0]
    bounds = _bounds([figure.to_ctk_scene(s, lattice) for s in scenes], view)
    width_in = width / MOVIE_DPI
    font_pt = width_in * 72 / MOVIE_CHARACTERS_PER_LINE / figure.CHAR_EM  # legible at the movie's own size
    lines = max(len(figure.legend_lines(e, figure.legend_columns(e, width_in, font_pt), width_in, font_pt))
                for e in legends)
    height_in = round(width * 0.95) // 2 * 2 / MOVIE_DPI
    titles = [captions.titles[f.step] if f.t == 0 else captions.step_titles[f.step] for f in movie]
    cards = closing_cards(reports, captions)
    pictures = []
    for k, (frame, scene, title) in enumerate(zip(movie, scenes, titles)):
        s = frame.step if frame.t < 0.5 else frame.step + 1
        fig = figure.draw(figure.to_ctk_scene(scene, lattice), view, width_in, dpi=MOVIE_DPI, height_in=height_in,
                          title=title, legend=legends[s], legend_rows=lines, bounds=bounds, font_pt=font_pt)
        pictures.append(iio.imread(io.BytesIO(figure.save(fig, "png")), extension=".png")[..., :3])
        if progress:
            progress((k + 1) / (len(movie) + len(cards)))
    for k, text in enumerate(cards):
        pictures.append(_card(text, width_in, height_in, font_pt))
        if progress:
            progress((len(movie) + k + 1) / (len(movie) + len(cards)))
    seconds = frame_seconds(titles, movie, fps) + [reading_seconds(text) for text in cards]
    shown_for = repeats(seconds, fps)  # video frames each picture stays
    if fmt == "gif":  # each picture once, shown for its time
        elapsed = np.cumsum(shown_for) / sum(shown_for)
        buffer = io.BytesIO()
        iio.imwrite(buffer, np.stack([_time_bar(p, e) for p, e in zip(pictures, elapsed)]), extension=".gif",
                    duration=[round(1000 * r / fps) for r in shown_for], loop=0)
        return buffer.getvalue()
    video = [p for p, r in zip(pictures, shown_for) for _ in range(r)]
    return _mp4([_time_bar(p, (k + 1) / len(video)) for k, p in enumerate(video)], fps)


def _card(text: str, width_in: float, height_in: float, font_pt: float) -> np.ndarray:
    """A closing card: ``text`` in lines that fit the movie, on white, as an RGB picture."""
    import imageio.v3 as iio
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width_in, height_in), dpi=MOVIE_DPI)
    chars = int(width_in * 72 / (font_pt * figure.CHAR_EM)) - 6
    lines = [wrapped for line in text.split("\n") for wrapped in textwrap.wrap(line, chars, subsequent_indent="  ")]
    fig.text(0.04, 0.5, "\n".join(lines), ha="left", va="center", fontsize=font_pt, linespacing=1.4)
    return iio.imread(io.BytesIO(figure.save(fig, "png")), extension=".png")[..., :3]


def _time_bar(image: np.ndarray, share: float) -> np.ndarray:
    """The picture with a bar along its bottom edge, ``share`` of the width: how far the movie is."""
    out = image.copy()
    rows = max(3, image.shape[0] // 90)
    out[-rows:, : round(share * image.shape[1])] = TIME_BAR_RGB
    return out


def _mp4(images: list[np.ndarray], fps: int) -> bytes:
    """H.264 in MP4 through the ffmpeg binary that imageio-ffmpeg ships (even sizes, as yuv420p needs)."""
    import imageio_ffmpeg

    h, w = (x // 2 * 2 for x in images[0].shape[:2])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "movie.mp4"
        writer = imageio_ffmpeg.write_frames(str(path), (w, h), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                             macro_block_size=1, ffmpeg_log_level="error",
                                             output_params=["-fflags", "+bitexact", "-map_metadata", "-1"])
        writer.send(None)
        for image in images:
            writer.send(np.ascontiguousarray(image[:h, :w]))
        writer.close()
        return path.read_bytes()


def _bounds(ctk_scenes: list, view: str) -> tuple[np.ndarray, np.ndarray]:
    """Screen extent of every frame together, so the movie does not zoom from frame to frame."""
    extents = np.array([figure.extent(ctk_scene, view) for ctk_scene in ctk_scenes])  # (frames, 2, 2)
    return extents[:, 0].min(axis=0), extents[:, 1].max(axis=0)


def structure_cif(report: Report, options: Options) -> str:
    """The structure as shown (supercell, hidden atoms left out) as a P1 CIF; labels kept, with
    the image appended in a supercell; occupancies and disorder groups kept."""
    crystal, units = report.crystal, report.units
    if crystal is None:
        raise InputError(report.source, "a net file has no atoms to write as CIF")
    keep = np.nonzero(visible_atoms(report, options))[0]
    n = np.array(options.supercell)
    cell = crystal.cell
    lines = [f"# {_safe_text(report.source)} as shown in Interlace ({report.classification})"]
    if bundled_model(report):  # the caveat travels with the file
        caveat = series_doc().get("model_caveat", "Idealised model, not the deposited crystal structure.")
        lines += [f"# {line}" for line in textwrap.wrap(caveat, 100)]
    lines += ["data_interlace_export",
              f"_cell_length_a {cell.a * n[0]:.5f}", f"_cell_length_b {cell.b * n[1]:.5f}",
              f"_cell_length_c {cell.c * n[2]:.5f}", f"_cell_angle_alpha {cell.alpha:.4f}",
              f"_cell_angle_beta {cell.beta:.4f}", f"_cell_angle_gamma {cell.gamma:.4f}",
              "_space_group_name_H-M_alt 'P 1'", "_space_group_IT_number 1",
              "loop_", "_space_group_symop_operation_xyz", "'x, y, z'",
              "loop_", "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
              "_atom_site_fract_z", "_atom_site_occupancy", "_atom_site_disorder_group"]
    supercell = n.prod() > 1
    for t in np.ndindex(*options.supercell):
        for a in keep:
            f = (crystal.frac[a] + units.shift[a] + t) / n
            f -= np.floor(f)
            label = "".join(ch for ch in str(crystal.labels[a]) if ch.isalnum() or ch in "_-'()") or "X"
            if supercell:
                label += "_" + "".join(map(str, t))
            group = crystal.disorder_group[a]
            lines.append(f"{label} {crystal.elements[a]} {f[0]:.6f} {f[1]:.6f} {f[2]:.6f} "
                         f"{crystal.occupancy[a]:.4f} {group if group else '.'}")
    return "\n".join(lines) + "\n"


def _safe_text(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def net_graphml(report: Report) -> bytes:
    """The net as GraphML (offsets and coordinates as text, since GraphML has no vectors)."""
    g = nx.MultiGraph()
    net_of = report.net_of_vertex()
    for v, data in report.net.graph.nodes(data=True):
        g.add_node(v, kind=data["kind"], composition=data["composition"], net=net_of[v],
                   frac=" ".join(f"{x:.6f}" for x in data["frac"]))
    for u, v, off, data in report.net.edges():
        g.add_edge(u, v, tail=u, offset=" ".join(map(str, off)), linker=data["linker"] or "",
                   occupancy=float(data["occupancy"]))
    buffer = io.BytesIO()
    nx.write_graphml(g, buffer)
    return buffer.getvalue()


def report_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=1) + "\n"


def downloads(report: Report, options: Options, view: View = "c", column: str = "double",
              title: bool = False) -> list[tuple[str, str, bytes, str]]:
    """(button label, file name, bytes, MIME type) of every export of a structure, for the app;
    each equals what the CLI writes (``interlace render FILE -o NAME --view V --column C``)."""
    stem = Path(report.source).stem

    def figure_file(fmt: str) -> bytes:
        return render(report, options, fmt, None, view, False, column, title)

    files = [("Figure (PNG)", f"{stem}.png", lambda: figure_file("png"), "image/png"),
             ("Figure (SVG)", f"{stem}.svg", lambda: figure_file("svg"), "image/svg+xml"),
             ("Figure (PDF)", f"{stem}.pdf", lambda: figure_file("pdf"), "application/pdf"),
             ("Net drawing (SVG)", f"{stem}-net.svg", lambda: graph_image(report, "svg", figure.COLUMNS[column]), "image/svg+xml"),
             ("Net (Systre .cgd)", f"{stem}.cgd", lambda: write_cgd(report.net, stem, net_comments(report)).encode(), "text/plain"),
             ("Net (GraphML)", f"{stem}.graphml", lambda: net_graphml(report), "application/xml"),
             ("Report (JSON)", f"{stem}.json", lambda: report_json(report).encode(), "application/json")]
    if report.crystal is not None:
        files.append(("Structure as shown (CIF)", f"{stem}-shown.cif",
                      lambda: structure_cif(report, options).encode(), "chemical/x-cif"))
    return [(label, name, make(), mime) for label, name, make, mime in files]
