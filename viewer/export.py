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
from viewer import figure, style
from viewer.choices import FIGURE_WIDTH, MOVIE_FPS, MOVIE_FRAMES_PER_STEP, MOVIE_WIDTH
from viewer.graph2d import graph_image
from viewer.orientation import View
from viewer.scene import VDW, Options, Scene, build_scene, legend, vertex_colors, visible_atoms
from viewer.sentences import nets_sentence
from viewer.transition import Frame, Series, frames, track_series

STRUCTURES = Path(__file__).resolve().parent.parent / "assets" / "structures"
MOVIE_FORMATS = ("gif", "mp4")
HOLD_SECONDS = 2.0
"""How long a movie rests on each structure: time to read its caption."""
MOVIE_DPI = 100
MOVIE_CHARACTERS_PER_LINE = 70
"""Text size of a movie: about this many characters across it, readable on a projector or a phone."""
NET_FADE = 0.35
"""Opacity of the atoms under a movie's net overlay, so the net reads first."""
NET_NODE_RADIUS = 1.1
TIME_BAR_RGB = (0, 114, 178)
MODEL_MARK = " (idealised model)"
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
    where = {str(label): f for label, f in zip(ours.labels, ours.frac)}
    for label, f in zip(report.crystal.labels, report.crystal.frac):
        g = where.get(str(label))
        if g is None or np.abs((f - g) - np.round(f - g)).max() > 1e-4:
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
    """What the transition says: one caption per structure and one per step between structures; the
    steps that are cuts (a second branch of the series begins) rather than transformations."""

    structures: list[str]
    steps: list[str]
    caveat: str  # empty unless the series is our bundled models
    cuts: tuple[int, ...] = ()
    models: tuple[bool, ...] = ()  # per structure: one of our bundled models


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
    with no documented step from one to the other (SC-2-0.5, then SC-1 again) the movie cuts."""
    doc = series_doc()
    models = [bundled_model(r) for r in reports]
    steps = {(s["from"], s["to"]): s for s in doc.get("steps", [])}
    step_captions, cuts = [], []
    for k in range(len(reports) - 1):
        a, b = models[k], models[k + 1]
        path = _step_path(steps, a["name"], b["name"]) if a and b else []
        if a and b and not path:
            cuts.append(k)
        how = "; then ".join(f"{s['condition']} ({s['source']})" for s in path) or (
            "no transformation: the other path starts again from here" if k in cuts else "next structure")
        step_captions.append(f"{reports[k].source} → {reports[k + 1].source}: {how}")
    structures = []
    for k, (report, model) in enumerate(zip(reports, models)):
        facts = "; ".join(f"{f['label']}: {f['value']} ({f['source']})" for f in (model or {}).get("facts", [])
                          if f["label"] not in ("formula", "nets"))
        again = "The other path, from the start again: " if k - 1 in cuts else ""
        structures.append(f"{again}{report.source}: {report.classification}" + (f". {facts}" if facts else ""))
    caveat = doc.get("model_caveat", "") if any(models) else ""
    return Captions(structures, step_captions, caveat, tuple(cuts), tuple(bool(m) for m in models))


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


def frame_scene(series: Series, frame: Frame, fade: float = 1.0) -> Scene:
    """A movie frame as a scene: ball-and-stick atoms (no hydrogens) fading with their occupancy
    (and by ``fade`` under a net overlay), bonds fading as they break or form, and the interpolated cell."""
    scene = Scene()
    index: dict[int, int] = {}
    for k, track in enumerate(series.tracks):
        opacity = float(min(max(frame.opacity[k], 0.0), 1.0))
        if track.element == "H" or opacity < 0.02:
            continue
        index[k] = len(scene.atoms)
        scene.atoms.append({"elem": track.element, "xyz": frame.xyz[k], "color": frame.colors[k],
                            "opacity": opacity * fade, "radius": BALL * VDW.get(track.element, 1.8),
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


def add_net_overlay(scene: Scene, series: Series, frame: Frame, report: Report, s: int, opacity: float) -> None:
    """The net of structure ``s`` over a movie frame: each node at the middle of its atoms as they are
    in the frame, each edge as the net's own vector in the frame's cell, partial edges dashed."""
    if opacity < 0.02:
        return
    graph, frac = report.net.graph, report.net.frac()
    colors = vertex_colors(report, [(0, 0, 0)])[0]
    tracks = series.track_of[s]
    where = {v: frame.xyz[tracks[np.asarray(graph.nodes[v]["atoms"], dtype=int)]].mean(axis=0)
             for v in graph if len(graph.nodes[v]["atoms"])}
    for v, xyz in where.items():
        scene.net_nodes.append({"xyz": xyz, "color": colors[v], "radius": NET_NODE_RADIUS, "opacity": opacity})
    for u, v, off, data in report.net.edges():
        if u not in where:
            continue
        end = where[u] + frame.cell @ (frac[v] + np.asarray(off) - frac[u])
        partial = float(data["occupancy"]) < 0.999
        scene.net_edges.append({"start": where[u], "end": end, "partial": partial, "opacity": opacity,
                                "color": style.PARTIAL_LINKER_COLOR if partial else colors[u]})


def animate(reports: list[Report], fmt: str, fps: int = 12, width: int = 800, per_step: int = 12,
            view: View = "c", net: bool = True, progress: Callable[[float], None] | None = None) -> bytes:
    """The transition through ``reports`` as a GIF or MP4, drawn with the figure renderer from the
    interpolation the transitions page plays: each structure held :data:`HOLD_SECONDS` with its
    caption, ``per_step`` frames between two structures (none across a cut to another branch of
    the series), the net drawn over the atoms (``net``), a time bar along the bottom. Each
    distinct picture is drawn once; ``progress`` hears the share done."""
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
    hold = max(1, round(HOLD_SECONDS * fps))
    movie = frames(series, per_step=per_step, hold=1, cuts=captions.cuts)  # one picture per still, held
    legends = [legend(r, Options(net=net)) for r in reports]
    scenes = []
    for frame in movie:
        scene = frame_scene(series, frame, NET_FADE if net else 1.0)
        if net:  # the net of the structure left fades out, the next one's fades in
            add_net_overlay(scene, series, frame, reports[frame.step], frame.step, 1.0 - 2 * frame.t)
            if frame.t > 0:
                add_net_overlay(scene, series, frame, reports[frame.step + 1], frame.step + 1, 2 * frame.t - 1.0)
        scenes.append(scene)
    lattice = series.cells[0]
    bounds = _bounds([figure.to_ctk_scene(s, lattice) for s in scenes], view)
    width_in = width / MOVIE_DPI
    font_pt = width_in * 72 / MOVIE_CHARACTERS_PER_LINE / figure.CHAR_EM  # legible at the movie's own size
    lines = max(len(figure.legend_lines(e, figure.legend_columns(e, width_in, font_pt), width_in, font_pt))
                for e in legends)
    height_in = round(width * 0.95) // 2 * 2 / MOVIE_DPI
    pictures = []
    for k, (frame, scene) in enumerate(zip(movie, scenes)):
        s = frame.step if frame.t < 0.5 else frame.step + 1
        title = (f"{captions.structures[frame.step].split('. ')[0]}{MODEL_MARK if captions.models[frame.step] else ''}: "
                 f"{nets_sentence(reports[frame.step])}" if frame.t == 0 else captions.steps[frame.step])
        fig = figure.draw(figure.to_ctk_scene(scene, lattice), view, width_in, dpi=MOVIE_DPI, height_in=height_in,
                          title=title, legend=legends[s], legend_rows=lines, bounds=bounds, font_pt=font_pt)
        pictures.append(iio.imread(io.BytesIO(figure.save(fig, "png")), extension=".png")[..., :3])
        if progress:
            progress((k + 1) / len(movie))
    repeats = [hold if frame.t == 0 else 1 for frame in movie]
    if fmt == "gif":  # a still is one picture shown for HOLD_SECONDS
        elapsed = np.cumsum(repeats) / sum(repeats)
        buffer = io.BytesIO()
        iio.imwrite(buffer, np.stack([_time_bar(p, e) for p, e in zip(pictures, elapsed)]), extension=".gif",
                    duration=[round(1000 * r / fps) for r in repeats], loop=0)
        return buffer.getvalue()
    shown = [p for p, r in zip(pictures, repeats) for _ in range(r)]  # a still repeated for HOLD_SECONDS
    return _mp4([_time_bar(p, (k + 1) / len(shown)) for k, p in enumerate(shown)], fps)


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
