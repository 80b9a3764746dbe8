"""Every file a user can take away, made the same way for the app's download buttons and the CLI:
figures (PNG, SVG, PDF), movies (GIF, MP4), the net drawing (SVG), the structure as shown (CIF),
the net (Systre .cgd, GraphML) and the report (JSON). Outputs are byte-for-byte reproducible."""

from __future__ import annotations

import io
import json
import tempfile
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

from topology import InputError
from topology.cgd_writer import write_cgd
from topology.classify import Report
from topology.io import read_cif
from viewer import figure
from viewer.graph2d import graph_image
from viewer.scene import VDW, Options, Scene, build_scene, legend, visible_atoms
from viewer.transition import Frame, Series, frames, track_series

STRUCTURES = Path(__file__).resolve().parent.parent / "assets" / "structures"
MOVIE_FORMATS = ("gif", "mp4")
MIN_FRAMES = 30
MAX_MOVIE_WIDTH = 4000
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
    names = f" ({report.topologies})" if report.topologies else ""
    return (f"{report.source} ({kind}): {report.classification}{names}, "
            f"interpenetration degree {report.interpenetration_degree}")


def net_comments(report: Report) -> list[str]:
    """What names each net, for the header of an exported .cgd file."""
    out = [f"{report.source}: {report.classification}"]
    for n in report.nets:
        if n.dimensionality >= 2:
            out.append(f"net {n.id}: {n.dimensionality}D, fold {n.fold}, topology {n.topology or 'not in the RCSR archive'}"
                       f", point symbol {n.point_symbol}, key {n.topology_key}")
    return out


def render(report: Report, options: Options, fmt: str, width: int = 1600, view: str = "c",
           transparent: bool = False) -> bytes:
    """A figure of the structure as the view shows it."""
    if fmt not in figure.FORMATS:
        raise InputError(report.source, f"cannot write .{fmt} figures (use png, svg or pdf)")
    if not 16 <= width <= figure.MAX_WIDTH:
        raise InputError(report.source, f"width {width} px is out of range 16-{figure.MAX_WIDTH}")
    scene = build_scene(report, options)
    if not (scene.atoms or scene.net_nodes):
        raise InputError(report.source, "nothing to draw with these options")
    cell = np.array(report.net.cell.orth.mat.tolist())
    keys = [(color, text.replace("(larger, translucent)", "(larger; filled sector = occupancy)"))
            for color, text in scene.legend]
    fig = figure.draw(figure.to_ctk_scene(scene, cell, report.source), view, width, transparent=transparent,
                      title=caption(report), legend=keys)
    return figure.save(fig, fmt)


@dataclass(frozen=True)
class Captions:
    """What the transition says: one caption per structure and one per step between structures."""

    structures: list[str]
    steps: list[str]
    caveat: str  # empty unless the series is our bundled models


def transition_captions(reports: list[Report]) -> Captions:
    """Captions from series.json for the bundled models (conditions, colour, emission, conductivity,
    band gap with their sources), plain ones for a user's own series."""
    doc = series_doc()
    models = [bundled_model(r) for r in reports]
    steps = {(s["from"], s["to"]): s for s in doc.get("steps", [])}
    structures = []
    for report, model in zip(reports, models):
        facts = "; ".join(f"{f['label']}: {f['value']} ({f['source']})" for f in (model or {}).get("facts", [])
                          if f["label"] not in ("formula", "nets"))
        structures.append(f"{report.source}: {report.classification}" + (f". {facts}" if facts else ""))
    step_captions = []
    for k in range(len(reports) - 1):
        a, b = models[k], models[k + 1]
        path = _step_path(steps, a["name"], b["name"]) if a and b else []
        if not path and a and b and b["name"] == "SC-3":  # SC-3 forms from SC-1, shown in the paper's order
            path = _step_path(steps, "SC-1", "SC-3")
        how = "; then ".join(f"{s['condition']} ({s['source']})" for s in path) or "next structure"
        step_captions.append(f"{reports[k].source} → {reports[k + 1].source}: {how}")
    caveat = doc.get("model_caveat", "") if any(models) else ""
    return Captions(structures, step_captions, caveat)


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
    """A movie frame as a scene: ball-and-stick atoms (no hydrogens) fading with their occupancy,
    bonds fading as they break or form, and the interpolated cell."""
    scene = Scene()
    index: dict[int, int] = {}
    for k, track in enumerate(series.tracks):
        opacity = float(min(max(frame.opacity[k], 0.0), 1.0))
        if track.element == "H" or opacity < 0.02:
            continue
        index[k] = len(scene.atoms)
        scene.atoms.append({"elem": track.element, "xyz": frame.xyz[k], "color": frame.colors[k],
                            "opacity": opacity, "radius": BALL * VDW.get(track.element, 1.8), "label": track.label,
                            "occ": 1.0, "group": 0, "site": k})
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
            view: str = "c") -> bytes:
    """The transition through ``reports`` as a GIF or MP4 of at least 30 frames, drawn frame by frame
    with the figure renderer from the interpolation the transitions page plays."""
    import imageio.v3 as iio

    if fmt not in MOVIE_FORMATS:
        raise InputError(reports[0].source, f"cannot write .{fmt} movies (use gif or mp4)")
    if len(reports) < 2 or any(r.crystal is None for r in reports):
        raise InputError(reports[0].source, "a transition needs two or more crystal structures (CIF files)")
    if not 64 <= width <= MAX_MOVIE_WIDTH or not 1 <= fps <= 60 or not 1 <= per_step <= 240:
        raise InputError(reports[0].source, f"width must be 64-{MAX_MOVIE_WIDTH} px, fps 1-60 and "
                                            "frames per step 1-240")
    series = track_series(reports)
    captions = transition_captions(reports)
    n = len(reports)
    hold = max(3, -(-(MIN_FRAMES - (n - 1) * per_step) // n))  # still frames on each structure, to reach 30
    movie = frames(series, per_step=per_step, hold=hold)
    legends = [legend(r, Options()) for r in reports]
    scenes = [frame_scene(series, f) for f in movie]
    lattice = series.cells[0]
    bounds = _bounds([figure.to_ctk_scene(s, lattice) for s in scenes], view)
    height = int(width * 0.8) // 2 * 2
    rows = max(-(-len(entries) // figure.legend_columns(entries)) for entries in legends)
    images = []
    for k, (frame, scene) in enumerate(zip(movie, scenes)):
        s = frame.step if frame.t < 0.5 else frame.step + 1
        title = (f"{reports[frame.step].source}: {reports[frame.step].classification}" if frame.t == 0
                 else captions.steps[frame.step])
        fig = figure.draw(figure.to_ctk_scene(scene, lattice), view, width, height_px=height, title=title,
                          legend=legends[s], legend_rows=rows, bounds=bounds, progress=(k + 1) / len(movie))
        images.append(iio.imread(io.BytesIO(figure.save(fig, "png")), extension=".png")[..., :3])
    if fmt == "gif":
        buffer = io.BytesIO()
        iio.imwrite(buffer, np.stack(images), extension=".gif", duration=round(1000 / fps), loop=0)
        return buffer.getvalue()
    return _mp4(images, fps)


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


def downloads(report: Report, options: Options, view: str = "c") -> list[tuple[str, str, bytes, str]]:
    """(button label, file name, bytes, MIME type) of every export of a structure, for the app;
    each equals what the CLI writes (``interlace render FILE -o NAME --width W --view V``)."""
    stem = Path(report.source).stem
    files = [("Figure (PNG)", f"{stem}.png", lambda: render(report, options, "png", 2400, view), "image/png"),
             ("Figure (SVG)", f"{stem}.svg", lambda: render(report, options, "svg", 1600, view), "image/svg+xml"),
             ("Figure (PDF)", f"{stem}.pdf", lambda: render(report, options, "pdf", 1600, view), "application/pdf"),
             ("Net drawing (SVG)", f"{stem}-net.svg", lambda: graph_image(report, "svg"), "image/svg+xml"),
             ("Net (Systre .cgd)", f"{stem}.cgd", lambda: write_cgd(report.net, stem, net_comments(report)).encode(), "text/plain"),
             ("Net (GraphML)", f"{stem}.graphml", lambda: net_graphml(report), "application/xml"),
             ("Report (JSON)", f"{stem}.json", lambda: report_json(report).encode(), "application/json")]
    if report.crystal is not None:
        files.append(("Structure as shown (CIF)", f"{stem}-shown.cif",
                      lambda: structure_cif(report, options).encode(), "chemical/x-cif"))
    return [(label, name, make(), mime) for label, name, make, mime in files]
