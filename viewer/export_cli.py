"""Export commands of the ``interlace`` CLI: ``render`` (PNG, SVG, PDF) and ``animate`` (GIF, MP4).

Bad requests raise :class:`topology.InputError`, which the CLI prints as one line (exit code 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from topology.errors import InputError, printable
from topology.limits import TIME_LIMIT, time_limit
from topology.options import CLUSTERINGS
from viewer import arguments
from viewer.choices import COLOR_BY, FIGURE_WIDTH, MOVIE_FPS, MOVIE_FRAMES_PER_STEP, MOVIE_WIDTH, STYLES
from viewer.orientation import View, parse_view
from viewer.outputs import check_output

MAX_FIGURE_ATOMS = 60_000
"""Most atoms drawn in one figure (a supercell of a large cell is refused before any drawing)."""

MAX_MOVIE_STRUCTURES = 12
"""Most structures in one movie."""


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the export subcommands."""
    dashed = "A file name that starts with '-' goes after '--': interlace {} -o OUT -- -ITV.cif"
    p = sub.add_parser("render", help="a figure of a structure: PNG at any width, or vector SVG / PDF",
                       epilog=dashed.format("render"))
    p.add_argument("path", metavar="FILE")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.png|OUT.svg|OUT.pdf")
    p.add_argument("--column", choices=("double", "single"), default="double",
                   help="print width: a double-column page (7.2 in, the default) or one column (3.5 in)")
    p.add_argument("--width", type=arguments.bounded(*FIGURE_WIDTH), default=None,
                   help=f"pixels of a PNG, {FIGURE_WIDTH[0]}-{FIGURE_WIDTH[1]} (default: the print width at 300 dpi)")
    p.add_argument("--style", choices=STYLES, default="ball-and-stick")
    p.add_argument("--color-by", choices=COLOR_BY, default="net")
    p.add_argument("--supercell", type=arguments.bounded(1, 3), nargs=3, default=(1, 1, 1), metavar=("A", "B", "C"))
    p.add_argument("--view", type=_view, default="c", metavar="VIEW",
                   help="a, b or c (look down that axis), a direction such as '1 1 0', or the orientation "
                        "copied from the app (q:x,y,z,w)")
    p.add_argument("--title", action="store_true", help="the classification as a title over the drawing")
    p.add_argument("--transparent", action="store_true", help="no background")
    p.add_argument("--net", action="store_true", help="draw the net over the atoms")
    p.add_argument("--why", action="store_true",
                   help="instead: one linked pair of rings of two entangled nets, seen through the first ring")
    p.add_argument("--hydrogens", action="store_true", help="show hydrogen atoms")
    p.add_argument("--min-occupancy", type=arguments.occupancy, default=0.0, metavar="T",
                   help="leave out sites with occupancy below T (default 0)")
    p.add_argument("--clustering", choices=CLUSTERINGS, default=CLUSTERINGS[0],
                   help="how building units become vertices (default SingleNodes; interlace explain clustering)")
    p.set_defaults(run=_render)

    p = sub.add_parser("animate", help="the transition through two or more structures as a GIF or MP4",
                       epilog=dashed.format("animate").replace("-ITV.cif", "-A.cif B.cif"))
    p.add_argument("paths", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.gif|OUT.mp4")
    p.add_argument("--fps", type=arguments.bounded(*MOVIE_FPS), default=12, help=f"{MOVIE_FPS[0]}-{MOVIE_FPS[1]}")
    p.add_argument("--width", type=arguments.bounded(*MOVIE_WIDTH), default=800,
                   help=f"pixels, {MOVIE_WIDTH[0]}-{MOVIE_WIDTH[1]}")
    p.add_argument("--frames-per-step", type=arguments.bounded(*MOVIE_FRAMES_PER_STEP), default=12,
                   help=f"frames between two structures, {MOVIE_FRAMES_PER_STEP[0]}-{MOVIE_FRAMES_PER_STEP[1]}")
    p.add_argument("--view", type=_view, default=None, metavar="VIEW",
                   help="as for render (default: the Teach view's direction of the first structure)")
    p.add_argument("--net", action=argparse.BooleanOptionalAction, default=True,
                   help="draw each structure's net over its atoms (default: yes)")
    p.set_defaults(run=_animate)


def _view(text: str) -> View:
    try:
        return parse_view(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _format(path: Path, allowed: tuple[str, ...]) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise InputError(str(path), f"cannot write .{fmt or '(no suffix)'} files (use {', '.join(allowed)})")
    return fmt


def _render(args: argparse.Namespace) -> int:
    from topology.pipeline import analyze_file
    from viewer import figure
    from viewer.export import render
    from viewer.scene import Options

    fmt = _format(args.output, figure.FORMATS)
    check_output(args.output, "--output")
    _check_drawing(args.path, args.min_occupancy, int(np.prod(args.supercell)))
    with time_limit(TIME_LIMIT, Path(args.path).name):
        report = analyze_file(args.path, args.min_occupancy, clustering=args.clustering)
    if args.why:
        from viewer.figure import COLUMNS
        from viewer.why import picture, why_figure

        pic = picture(report)
        if pic is None:
            raise InputError(report.source, "no linked or threaded rings between nets: nothing to show with --why")
        _write(args.output, why_figure(pic, fmt, COLUMNS[args.column]))
        print(pic.sentence)
        return 0
    options = Options(style=args.style, color_by=args.color_by, hydrogens=args.hydrogens, net=args.net,
                      supercell=tuple(args.supercell))
    atoms = (report.n_atoms or report.net.graph.number_of_nodes()) * int(np.prod(args.supercell))
    if atoms > MAX_FIGURE_ATOMS:
        raise InputError(report.source, f"{atoms} atoms to draw at this supercell; the limit is {MAX_FIGURE_ATOMS}")
    data = render(report, options, fmt, args.width, args.view, args.transparent, args.column, args.title)
    _write(args.output, data)
    return 0


def _check_drawing(path: str, min_occupancy: float, cells: int) -> None:
    """Refuse a figure with too many atoms from the file's atom count, before any analysis."""
    from topology.reading.cif import read_cif
    from topology.reading.disorder import major_parts

    if Path(path).suffix.lower() == ".cgd":
        return  # a net: its vertices are counted after reading, a moment's work
    crystal = major_parts(read_cif(path)).with_min_occupancy(min_occupancy)
    if len(crystal) * cells > MAX_FIGURE_ATOMS:
        raise InputError(crystal.source, f"{len(crystal)} atoms x {cells} cells = {len(crystal) * cells} atoms to draw; "
                                         f"the limit is {MAX_FIGURE_ATOMS} (a smaller --supercell)")


def _animate(args: argparse.Namespace) -> int:
    from topology.pipeline import analyze_file
    from viewer.export import MOVIE_FORMATS, animate

    fmt = _format(args.output, MOVIE_FORMATS)
    if len(args.paths) < 2:
        raise InputError(args.paths[0], "give two or more structures to animate a transition")
    if len(args.paths) > MAX_MOVIE_STRUCTURES:
        raise InputError(args.paths[0], f"{len(args.paths)} structures; a movie takes at most {MAX_MOVIE_STRUCTURES}")
    check_output(args.output, "--output")
    reports = []
    for path in args.paths:
        with time_limit(TIME_LIMIT, Path(path).name):
            reports.append(analyze_file(path))
    data = animate(reports, fmt, args.fps, args.width, args.frames_per_step, args.view, args.net)
    _write(args.output, data)
    return 0


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as err:
        raise InputError(str(path), f"cannot write: {err.strerror or err}") from None
    print(printable(str(path)))
