"""Every file a user can take away, made the same way for the app's download buttons and the CLI:
figures (PNG, SVG, PDF), movies (GIF, MP4), the net drawing (SVG), the structure as shown (CIF),
the net (Systre .cgd, GraphML) and the report (JSON)."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np

from topology import InputError
from topology.cgd import write_cgd
from topology.classify import Report
from viewer import figure
from viewer.graph2d import graph_image
from viewer.scene import Options, Scene, build_scene, visible_atoms
from viewer.transition import frames, track_series

MOVIE_FORMATS = ("gif", "mp4")
MIN_FRAMES = 30


def caption(report: Report) -> str:
    kind = "model" if report.source.startswith("SC-") else "structure"
    return f"{report.source} ({kind}): {report.classification}, interpenetration degree {report.interpenetration_degree}"


def render(report: Report, options: Options, fmt: str, width: int = 1600, view: str = "c",
           transparent: bool = False) -> bytes:
    """A figure of the structure as the view shows it."""
    if fmt not in figure.FORMATS:
        raise InputError(report.source, f"cannot write .{fmt} figures (use png, svg or pdf)")
    if not 16 <= width <= figure.MAX_WIDTH:
        raise InputError(report.source, f"width {width} px is out of range 16-{figure.MAX_WIDTH}")
    scene = build_scene(report, options)
    fig = figure.draw(figure.to_ctk_scene(scene, report.source), np.array(report.net.cell.orth.mat.tolist()),
                      view, width, transparent=transparent, title=caption(report), legend=scene.legend)
    return figure.save(fig, fmt)


def animate(reports: list[Report], fmt: str, fps: int = 12, width: int = 800, per_step: int = 12,
            view: str = "c") -> bytes:
    """The transition through ``reports`` as a GIF or MP4 (at least 30 frames)."""
    import imageio.v3 as iio

    if fmt not in MOVIE_FORMATS:
        raise InputError(reports[0].source, f"cannot write .{fmt} movies (use gif or mp4)")
    if len(reports) < 2 or any(r.crystal is None for r in reports):
        raise InputError(reports[0].source, "a transition needs two or more crystal structures (CIF files)")
    series = track_series(reports)
    n = len(reports)
    hold = max(3, -(-(MIN_FRAMES - (n - 1) * per_step) // n))  # still frames on each structure, to reach 30
    movie = frames(series, per_step=per_step, hold=hold)
    names = [r.source for r in reports]
    images = []
    for k_frame, frame in enumerate(movie):
        scene = Scene(atoms=[{"elem": t.element, "xyz": frame.xyz[k], "color": frame.colors[k],
                              "opacity": float(min(max(frame.opacity[k], 0.0), 1.0)), "radius": 0.55,
                              "label": t.label, "occ": 1.0, "group": 0, "site": k}
                             for k, t in enumerate(series.tracks) if frame.opacity[k] > 0.02 and t.element != "H"])
        title = names[frame.step] if frame.t == 0 else f"{names[frame.step]} → {names[frame.step + 1]}"
        fig = figure.draw(figure.to_ctk_scene(scene), series.cells[0], view, width, height_px=int(width * 0.8),
                          title=title, progress=(k_frame + 1) / len(movie))
        images.append(iio.imread(io.BytesIO(figure.save(fig, "png")), extension=".png")[..., :3])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"movie.{fmt}"
        if fmt == "gif":
            iio.imwrite(path, np.stack(images), extension=".gif", duration=1000 / fps, loop=0)
        else:
            iio.imwrite(path, np.stack(images), extension=".mp4", fps=fps, codec="libx264",
                        macro_block_size=16, plugin="pyav" if _has_pyav() else None)
        return path.read_bytes()


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def structure_cif(report: Report, options: Options) -> str:
    """The structure as shown (supercell, hidden atoms left out) as a P1 CIF; labels kept, with
    the image appended in a supercell."""
    crystal, units = report.crystal, report.units
    if crystal is None:
        raise InputError(report.source, "a net file has no atoms to write as CIF")
    keep = np.nonzero(visible_atoms(report, options))[0]
    n = np.array(options.supercell)
    cell = crystal.cell
    lines = [f"# {report.source} as shown in Interlace ({report.classification})", "data_interlace_export",
             f"_cell_length_a {cell.a * n[0]:.5f}", f"_cell_length_b {cell.b * n[1]:.5f}",
             f"_cell_length_c {cell.c * n[2]:.5f}", f"_cell_angle_alpha {cell.alpha:.4f}",
             f"_cell_angle_beta {cell.beta:.4f}", f"_cell_angle_gamma {cell.gamma:.4f}",
             "_symmetry_space_group_name_H-M 'P 1'", "loop_", "_space_group_symop_operation_xyz", "'x, y, z'",
             "loop_", "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
             "_atom_site_fract_z", "_atom_site_occupancy", "_atom_site_disorder_group"]
    supercell = n.prod() > 1
    for t in np.ndindex(*options.supercell):
        for a in keep:
            f = (crystal.frac[a] + units.shift[a] + t) / n
            f -= np.floor(f)
            label = "".join(ch for ch in str(crystal.labels[a]) if ch.isalnum() or ch in "_-'") or "X"
            if supercell:
                label += "_" + "".join(map(str, t))
            group = crystal.disorder_group[a]
            lines.append(f"{label} {crystal.elements[a]} {f[0]:.6f} {f[1]:.6f} {f[2]:.6f} "
                         f"{crystal.occupancy[a]:.4f} {group if group else '.'}")
    return "\n".join(lines) + "\n"


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
    """(button label, file name, bytes, MIME type) of every export of a structure, for the app."""
    stem = Path(report.source).stem
    files = [("Figure (PNG)", f"{stem}.png", lambda: render(report, options, "png", 2400, view), "image/png"),
             ("Figure (SVG)", f"{stem}.svg", lambda: render(report, options, "svg", 1600, view), "image/svg+xml"),
             ("Net drawing (SVG)", f"{stem}-net.svg", lambda: graph_image(report, "svg"), "image/svg+xml"),
             ("Net (Systre .cgd)", f"{stem}.cgd", lambda: write_cgd(report.net, stem).encode(), "text/plain"),
             ("Net (GraphML)", f"{stem}.graphml", lambda: net_graphml(report), "application/xml"),
             ("Report (JSON)", f"{stem}.json", lambda: report_json(report).encode(), "application/json")]
    if report.crystal is not None:
        files.append(("Structure as shown (CIF)", f"{stem}-shown.cif",
                      lambda: structure_cif(report, options).encode(), "chemical/x-cif"))
    return [(label, name, make(), mime) for label, name, make, mime in files]
