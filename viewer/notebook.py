"""A report in a Jupyter notebook: its table as HTML, its 3D view, the linked pair of rings, a figure.

:class:`topology.report.Report` hands its ``_repr_html_``, ``view``, ``why`` and ``figure`` to this
module, imported when first called, so that the engine itself never loads a drawing library.

3Dmol.js goes into each view from the vendored copy (``viewer/static``), as a ``data:`` URL, so a
view draws with no internet. A notebook shows it where it runs the output's JavaScript: Jupyter
Lab and Notebook (a trusted notebook: outputs made in this session, or after "Trust"), VS Code and
Colab. Where scripts do not run (an untrusted notebook reopened, GitHub's or nbviewer's static
rendering) py3Dmol's "3Dmol.js failed to load" line stays in place of the view.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topology.errors import InputError

if TYPE_CHECKING:
    import py3Dmol

    from topology.report import Report
    from viewer.why import WhyPicture

VENDORED_3DMOL = Path(__file__).with_name("static") / "3Dmol-min.js"


@lru_cache(maxsize=1)
def offline_3dmol() -> str:
    """The vendored 3Dmol.js as a ``data:`` URL (py3Dmol loads the library from the URL it is given)."""
    if not VENDORED_3DMOL.exists():
        raise InputError(str(VENDORED_3DMOL), "the vendored 3Dmol.js is missing: pass js= a URL of 3Dmol.js")
    return "data:text/javascript;base64," + base64.b64encode(VENDORED_3DMOL.read_bytes()).decode("ascii")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def report_html(report: Report) -> str:
    """The table of ``interlace analyze`` as HTML: nets, names, fold, classification, entanglement.
    Every text from the file (its name, notes, names) is escaped."""
    from topology.entanglement.entangle import describe
    from viewer.export import bundled_model, series_doc

    head = (f"<b>{_e(report.source)}</b>: {_e(report.classification)} "
            f"(interpenetration degree {report.interpenetration_degree})")
    what = (f"{report.n_atoms} atoms, min occupancy {report.min_occupancy:g}" if report.crystal is not None
            else f"a net file: {report.net.graph.number_of_nodes()} vertices")
    rows = "".join(
        f"<tr><td>{n.id}</td><td>{n.dimensionality}D</td><td>{n.fold}</td><td>{len(n.vertices)}</td>"
        f"<td>{_e(','.join(map(str, n.node_degrees)))}</td>"
        f"<td>{_e(n.topology or ('unknown' if n.topology_key else '-'))}</td>"
        f"<td>{_e(n.point_symbol or '')}</td><td>{_e(n.placement())}</td></tr>"
        for n in report.nets if n.dimensionality > 0 or len(report.nets) <= 8)
    hidden = sum(1 for n in report.nets if n.dimensionality == 0) if len(report.nets) > 8 else 0
    lines = [f"entangled: {describe(e)}" for e in report.entanglement if e.kind != "none"]
    if report.interpenetration_class:
        c = report.interpenetration_class
        lines.append(f"interpenetration class {c['class']}: Z = {c['Z']}, Zt = {c['Zt']}, Zn = {c['Zn']}" if c["class"]
                     else f"no interpenetration class: no operation of the crystal relates the nets (Z = {c['Z']}, "
                          f"Zt = Zn = 1)")
    if hidden:
        lines.append(f"... and {hidden} discrete (0D) components")
    lines += [f"note: {note}" for note in report.notes]
    if report.crystal is not None and bundled_model(report):
        lines.append(series_doc().get("model_caveat", "Idealised model, not the deposited crystal structure."))
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    header = "".join(f"<th>{h}</th>" for h in ("net", "dim", "fold", "vertices", "degrees", "topology",
                                                 "point symbol", "lies"))
    return (f'<div class="interlace-report"><p>{head}<br>{_e(what)}</p>'
            f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
            f"{f'<ul>{items}</ul>' if items else ''}</div>")


def view(report: Report, width: int = 640, height: int = 480, js: str | None = None, **options: Any) -> py3Dmol.view:
    """The app's 3D scene as a py3Dmol view: atoms by net, partly occupied sites faded by their
    occupancy, the net drawn over them. ``options`` are :class:`viewer.scene.Options` fields
    (``style``, ``color_by``, ``supercell``, ``net``, ``hydrogens``, ...); ``js`` a URL of 3Dmol.js
    instead of the vendored copy (smaller notebooks, needs that server)."""
    import py3Dmol

    from viewer.scene import Options, build_scene
    from viewer.view3d import draw

    try:
        chosen = replace(Options(net=True), **options)
    except TypeError as err:
        raise InputError(report.source, f"not a view option ({err})") from None
    return draw(py3Dmol.view(width=width, height=height, js=js or offline_3dmol()), build_scene(report, chosen))


@dataclass(frozen=True)
class Why:
    """One linked pair of rings of two entangled nets and the sentence that goes with it: shown in a
    notebook as the figure of ``interlace render --why``; ``view()`` turns it in 3D."""

    picture: WhyPicture

    @property
    def sentence(self) -> str:
        return self.picture.sentence

    def view(self, width: int = 480, height: int = 480, js: str | None = None) -> py3Dmol.view:
        """The pair in 3D, seen through the first ring."""
        import py3Dmol

        from viewer.why import draw_why

        return draw_why(py3Dmol.view(width=width, height=height, js=js or offline_3dmol()), self.picture)

    def save(self, path: str | Path) -> Path:
        """The figure as PNG, SVG or PDF (by the suffix of ``path``)."""
        from viewer.why import why_figure

        path = Path(path)
        path.write_bytes(why_figure(self.picture, _figure_format(path)))
        return path

    def _repr_svg_(self) -> str:
        from viewer.why import why_figure

        return why_figure(self.picture, "svg").decode("utf-8")

    def __repr__(self) -> str:
        return self.sentence


def why(report: Report) -> Why:
    """The first linked (or threaded) pair of rings the analysis found."""
    from viewer.why import picture

    pic = picture(report)
    if pic is None:
        raise InputError(report.source, "no linked or threaded rings between nets: nothing to show")
    return Why(pic)


def figure(report: Report, path: str | Path, column: str = "double", view: str = "c", width: int | None = None,
           transparent: bool = False, title: bool = False, **options: Any) -> Path:
    """The journal figure of ``interlace render`` written to ``path`` (PNG, SVG or PDF by its suffix),
    ``column`` wide (double: 7.2 in, single: 3.5 in); ``view`` is a, b, c or ``"[u v w]"``; ``options``
    as for :func:`view` (the atoms alone by default, as the CLI draws them)."""
    from viewer.export import render
    from viewer.export_cli import MAX_FIGURE_ATOMS
    from viewer.orientation import parse_view
    from viewer.scene import Options

    path = Path(path)
    fmt = _figure_format(path)
    try:
        chosen = replace(Options(), **options)
        along = parse_view(view)
    except (TypeError, ValueError) as err:
        raise InputError(str(path), f"{err}") from None
    cells = chosen.supercell[0] * chosen.supercell[1] * chosen.supercell[2]
    if (report.n_atoms or report.net.graph.number_of_nodes()) * cells > MAX_FIGURE_ATOMS:
        raise InputError(report.source, f"too many atoms to draw at this supercell; the limit is {MAX_FIGURE_ATOMS}")
    if not path.resolve().parent.is_dir():
        raise InputError(str(path), "the folder to write in does not exist")
    path.write_bytes(render(report, chosen, fmt, width, along, transparent, column, title))
    return path


def _figure_format(path: Path) -> str:
    from viewer.figure import FORMATS

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(str(path), f"cannot write .{fmt or '(no suffix)'} figures (use {', '.join(FORMATS)})")
    return fmt
