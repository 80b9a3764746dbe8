"""The ``interlace`` command: analyse structures, build the bundled models, start the app, export figures.

Every problem a user can cause ends with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from topology.errors import InputError, printable
from topology.limits import TIME_LIMIT, time_limit
from topology.options import CLUSTERINGS, SCHEDULER_CONNECT
from viewer import arguments
from viewer.outputs import check_output

if TYPE_CHECKING:
    from topology.report import Report

EXIT_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InputError as err:
        print(f"interlace: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (interlace analyze ... | head): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


class OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line on stderr and exit code 2, like every other error of the CLI;
    help texts printed as written (an example stays on its line)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        files = any(a.metavar in ("PATH", "FILE") for a in self._actions if a.required or a.nargs == "+")
        dashed = "unrecognized" in message and any(w.startswith("-") and "." in w for w in message.split()[2:])
        hint = " (a file name that starts with '-' goes after '--')" if dashed or (files and "required" in message) else ""
        self.exit(EXIT_INPUT, f"{self.prog}: {printable(' '.join(message.split()))[:300]}{hint}; see {self.prog} --help\n")


def _parser() -> argparse.ArgumentParser:
    from topology import __version__

    parser = OneLineParser(prog="interlace", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"interlace {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("analyze", help="nets, dimensionality, fold and interpenetration of CIF/.cgd files",
                       epilog="A file name that starts with '-' goes after '--': interlace analyze -- -ITV.cif")
    p.add_argument("paths", nargs="+", metavar="PATH", help="CIF or .cgd files ('--' before names starting with '-')")
    p.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    p.add_argument("--timings", action="store_true",
                   help="also the seconds each stage took (reading, bonds, units, net, naming, entanglement, verdict)")
    p.add_argument("--min-occupancy", type=arguments.occupancy, default=0.0, metavar="T",
                   help="leave out sites with occupancy below T before bonding (default 0)")
    p.add_argument("--disorder", choices=("major", "all"), default="major",
                   help="disordered parts: the most occupied part of each assembly (default), or all of them")
    p.add_argument("--clustering", choices=CLUSTERINGS, default="SingleNodes",
                   help="deconstruction, as CrystalNets.jl names them: every SBU one vertex (SingleNodes, default), "
                        "or each branch point of an organic SBU a vertex (AllNodes)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.jsonl",
                   help="write one JSON record per file here (a survey: unreadable files get an 'error' record)")
    p.add_argument("--summary", type=Path, metavar="FILE.csv",
                   help="also a table, one row per file, with timings (Parquet if FILE ends in .parquet)")
    p.add_argument("--resume", action="store_true", help="skip the files already in the --output file")
    p.add_argument("--jobs", type=arguments.jobs, default=None, metavar="N",
                   help="worker processes for several files (default: all cores; at most 4 per core)")
    p.add_argument("--timeout", type=arguments.timeout, default=0, metavar="S",
                   help=f"give up on a file after S seconds, recorded as an error (default: {TIME_LIMIT:g} s for "
                        "files one by one, no limit in a survey)")
    p.add_argument("--scheduler", type=arguments.scheduler, metavar="tcp://HOST:PORT",
                   help=f"run the survey on this Dask cluster (given up if not reached within "
                        f"{SCHEDULER_CONNECT} s)")
    p.set_defaults(run=_analyze)

    p = sub.add_parser("build-models", help="write the bundled SC-1 ... SC-3 model CIFs and series.json")
    p.add_argument("--out", type=Path, default=None, help="folder (default: the bundled assets/structures)")
    p.set_defaults(run=_build_models)

    p = sub.add_parser("app", help="start the web app (on this computer only, unless --host says otherwise)")
    p.add_argument("--port", type=arguments.bounded(1, 65535), default=8501)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 for a classroom network)")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(run=_app)

    p = sub.add_parser("explain", help="what a term means: fold, Z, class, polycatenation, Hopf link ...",
                       epilog="interlace explain with no term lists them all")
    p.add_argument("terms", nargs="*", metavar="TERM", help="a term, e.g. fold, Zt, IIa, \"2D-3D interpenetrating\"")
    p.set_defaults(run=_explain)

    from viewer import export_cli

    export_cli.add_commands(sub)
    return parser


def _analyze(args: argparse.Namespace) -> int:
    from topology import batch as survey

    if args.resume and not args.output:
        raise InputError("--resume", "needs --output, the file to resume")
    for option, path in (("--output", args.output), ("--summary", args.summary)):
        if path is not None:
            check_output(path, option)
    if args.output and args.summary and args.output.absolute() == args.summary.absolute():
        raise InputError(str(args.output), "--output and --summary are the same file")
    if args.resume and args.summary and args.summary.suffix.lower() == ".parquet" and args.summary.exists():
        survey.check_parquet(args.summary)
    unmatched: list[str] = []
    paths = [str(p) for p in survey.discover(args.paths, unmatched)]
    for problem in unmatched:
        print(f"interlace: {problem}", file=sys.stderr)
    if not paths:
        return EXIT_INPUT  # each name given said why above
    if not (args.output or args.summary or args.scheduler):
        return max(_analyze_each(paths, args), EXIT_INPUT if unmatched else 0)
    options = {"min_occupancy": args.min_occupancy, "disorder": args.disorder, "clustering": args.clustering,
               "timeout": args.timeout}
    if args.scheduler:
        survey.connect(args.scheduler).close()  # reachable, before the output is opened
    done = survey.already_done(args.output) if args.resume else set()
    try:
        out = open(args.output, "a" if args.resume else "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
        try:
            outcome = survey.survey(paths, out, options, jobs=args.jobs or arguments.cores(), scheduler=args.scheduler,
                                    done=done, summary=args.summary, progress=sys.stderr.isatty())
        finally:
            if out is not sys.stdout:
                out.close()
    except OSError as err:  # the disk filled up, the folder went away: the records so far are kept
        raise InputError(str(args.output or args.summary or "stdout"), f"cannot write: {err.strerror or err}") from None
    where = f" (see {printable(str(args.output))})" if args.output else ""
    skipped = f", {outcome.skipped} already done" if outcome.skipped else ""
    if outcome.errors:
        print(f"interlace: {outcome.total} files{skipped}, {outcome.errors} could not be read{where}", file=sys.stderr)
        return EXIT_INPUT
    if args.output:
        left = "nothing left to do" if outcome.skipped == outcome.total else "all read"
        print(f"interlace: {outcome.total} files{skipped}, {left}", file=sys.stderr)
    return EXIT_INPUT if unmatched else 0


def _analyze_each(paths: list[str], args: argparse.Namespace) -> int:
    """Files one after the other, as tables or JSON on stdout, problems on stderr."""
    import time

    from topology.pipeline import analyze_file
    from topology.stages import STAGES, profile

    failed = False
    for path in paths:
        try:
            with time_limit(args.timeout or TIME_LIMIT, Path(path).name), profile() as seconds:
                start = time.perf_counter()
                report = analyze_file(path, args.min_occupancy, disorder=args.disorder, clustering=args.clustering)
                seconds["total"] = time.perf_counter() - start
        except InputError as err:
            print(f"interlace: {err}", file=sys.stderr)
            failed = True
            continue
        timings = {k: round(seconds[k], 4) for k in (*STAGES, "total") if k in seconds}
        if args.json:
            record = report.to_dict()
            if args.timings:
                record["timings"] = timings
            print(json.dumps(record), flush=True)
        else:
            table = format_report(report)
            if args.timings:
                table += "\n  seconds: " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
            print(table, flush=True)
    return EXIT_INPUT if failed else 0


def clustering_lines(by_clustering: dict[str, list[str]]) -> list[str]:
    """The names under each clustering, as CrystalNets.jl prints them ("AllNodes, SingleNodes: pcu"),
    when they differ; nothing when every clustering gives the same nets."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for clustering, names in by_clustering.items():
        groups.setdefault(tuple(names), []).append(clustering)
    if len(groups) < 2:
        return []
    return [f"  {', '.join(sorted(c))}: {' + '.join(names) or 'no 2D or 3D net'}" for names, c in groups.items()]


def format_report(report: Report) -> str:
    """The readable table of ``interlace analyze``."""
    from topology.entanglement.entangle import describe

    lines = [f"{report.source}: {report.classification} (interpenetration degree {report.interpenetration_degree})",
             f"  {report.n_atoms} atoms, min occupancy {report.min_occupancy:g}" if report.crystal is not None
             else f"  a net file: {report.net.graph.number_of_nodes()} vertices"]
    lines.append(f"  {'net':>4} {'dim':>4} {'fold':>5} {'vertices':>9}  {'degrees':<10} {'topology':<9} lies")
    for n in report.nets:
        if n.dimensionality == 0 and len(report.nets) > 8:
            continue
        name = n.topology or ("unknown" if n.topology_key else "-")
        lines.append(f"  {n.id:>4} {n.dimensionality:>3}D {n.fold:>5} {len(n.vertices):>9}  "
                     + f"{','.join(str(d) for d in n.node_degrees):<10} {name:<9} {n.placement()}".rstrip())
    for n in report.nets:
        if n.dimensionality >= 2:
            symbol = n.point_symbol or "not computed"
            td10 = ", ".join(str(t) for t in n.td10) or "not computed"
            named = f", named from {n.archive}" if n.archive and n.archive != "RCSR" else ""
            lines.append(f"  net {n.id}: point symbol {symbol}, TD10 {td10}{named}")
    lines += clustering_lines(report.topology_by_clustering)
    for e in report.entanglement:
        if e.kind != "none":
            lines.append(f"  entangled: {describe(e)}")
    if report.interpenetration_class:
        c = report.interpenetration_class
        lines.append(f"  interpenetration class {c['class']}: Z = {c['Z']}, Zt = {c['Zt']}, Zn = {c['Zn']}" if c["class"]
                     else f"  no interpenetration class: no operation of the crystal relates the nets (Z = {c['Z']}, "
                          f"Zt = Zn = 1)")
    hidden = sum(1 for n in report.nets if n.dimensionality == 0) if len(report.nets) > 8 else 0
    if hidden:
        lines.append(f"  ... and {hidden} discrete (0D) components")
    lines += [f"  note: {note}" for note in report.notes]
    lines.append("  words: " + ", ".join(_terms(report)) + " (interlace explain TERM)")
    return "\n".join(printable(line) for line in lines)  # names and notes from a file print as one inert line each


def _explain(args: argparse.Namespace) -> int:
    """The glossary's entries for the terms asked, or all of them."""
    from topology.glossary import GLOSSARY, explain

    for term in args.terms:
        if explain(term) is None:
            raise InputError("explain", f"no entry for {term!r}; the terms are: {', '.join(GLOSSARY)}")
    for line in [explain(t) for t in args.terms] or [f"{t}: {m}" for t, m in GLOSSARY.items()]:
        print(line)
    return 0


def _terms(report: Report) -> list[str]:
    """The glossary's words a report's table uses, in the order they appear."""
    words = [report.classification, "fold"]
    words += [e.kind for e in report.entanglement if e.kind != "none"]
    words += ["Hopf link"] * any(e.hopf_links for e in report.entanglement)
    words += ["class", "Z"] * bool(report.interpenetration_class)
    from topology.glossary import lookup

    return list(dict.fromkeys(w for w in words if lookup(w)))


def _build_models(args: argparse.Namespace) -> int:
    from topology.models.sc_series import write_models

    for path in write_models(args.out):
        print(path)
    return 0


def _app(args: argparse.Namespace) -> int:
    """Become the Streamlit server (exec, not a child process), so that a signal that stops
    ``interlace app`` stops the server and nothing is left holding the port."""
    import os

    app = Path(__file__).with_name("app.py")
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.address", args.host]
    if args.headless:
        cmd += ["--server.headless", "true"]
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.stdout.flush()
    os.execv(sys.executable, cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
