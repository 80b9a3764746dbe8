"""What a transition movie shows and says, shared by the GIF/MP4 export and the in-app player: each
structure's nets drawn as the Teach view draws them (a block of cells, each net and each copy in its
own colour, the first net solid) with every node following its atoms through the interpolation;
captions of a few words on the picture, held as long as a reader needs to read them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from topology.report import NetSummary, Report
from viewer import palette
from viewer.orientation import direction_rows, rows_quaternion
from viewer.scene import TEACH_TILT, Options, build_scene, teach_cells, teach_direction
from viewer.transition import Frame, Series

WORDS_PER_SECOND = 3.0
"""Words a viewer reads in a second off a moving picture (a slow reading pace)."""
READING_PAUSE = 1.0
"""Seconds added to every caption: to find it before reading it."""
SHORT_WORDS = 10
"""Most words of a caption on the picture; the rest goes in the closing cards."""
KIND = {3: "framework", 2: "layer", 1: "chain"}
NUMBER = {1: "one", 2: "two", 3: "three", 4: "four"}


def reading_seconds(text: str) -> float:
    """How long ``text`` must stay on screen to be read: :data:`WORDS_PER_SECOND` plus a pause."""
    return len(text.split()) / WORDS_PER_SECOND + READING_PAUSE


def _name(net: NetSummary) -> str:
    return f"{net.topology} {KIND[net.dimensionality]}" if net.topology else f"{net.dimensionality}D {KIND[net.dimensionality]}"


def _article(words: str) -> str:
    return ("an " if words[0] in "aefhilmnorsx" else "a ") + words  # as said: "an sql layer", "a pcu framework"


def nets_phrase(report: Report) -> str:
    """The nets in a few words: "an sql layer threaded through a pcu framework", "two interpenetrating
    pcu frameworks", "one pcu framework, not interpenetrated"; the stacks of one layer that share a
    colour (:func:`viewer.palette.stacks`) as one net, in the plural ("sql layers threaded through ...")."""
    first = palette.stacks(report)
    periodic = [n for n in report.nets if n.dimensionality > 0 and first[n.id] == n.id]
    stacked = {n.id for n in periodic if sum(first[m.id] == n.id for m in report.nets) > 1}
    copies = [n for n in periodic for _ in range(n.fold)]
    if not copies:
        return "no net through the crystal"
    if len(copies) == 1:
        if copies[0].id in stacked:
            return f"{_name(copies[0])}s, not entangled"
        return f"one {_name(copies[0])}, not interpenetrated"
    names = {_name(n) for n in copies}
    if len(names) == 1:
        count = NUMBER.get(len(copies), str(len(copies)))
        return f"{count} interpenetrating {_name(copies[0])}s"
    if len(copies) == 2 and {n.dimensionality for n in copies} == {2, 3}:
        layer, frame = sorted(copies, key=lambda n: n.dimensionality)
        layers = f"{_name(layer)}s" if layer.id in stacked else _article(_name(layer))
        return f"{layers} threaded through {_article(_name(frame))}"
    return f"{len(copies)} entangled nets"


def structure_title(report: Report, model: bool) -> str:
    """The caption on the picture of a structure: "SC-1 (model): an sql layer threaded through a pcu
    framework"."""
    name = report.source.removesuffix(".cif")
    return f"{name}{' (model)' if model else ''}: {nets_phrase(report)}"


def step_title(first: Report, second: Report, conditions: list[str]) -> str:
    """The caption on the picture between two structures: "SC-1 → SC-2-0.8: UV light, 2 min"; the
    last condition (through an intermediate, the one reached) up to its first aside (the rest, and
    the sources, are in the closing cards)."""
    short = conditions[-1].split(" (")[0].split(":")[0].strip() if conditions else ""
    head = f"{first.source.removesuffix('.cif')} → {second.source.removesuffix('.cif')}"
    return f"{head}: {short}" if short else head


def movie_view(series: Series, reports: list[Report]) -> tuple[float, float, float, float]:
    """The Teach view's direction of the first structure, as a quaternion kept for the whole movie."""
    rows = direction_rows(series.cells[0], teach_direction(reports[0]), TEACH_TILT)
    return tuple(rows_quaternion(rows))  # type: ignore[return-value]


@dataclass(frozen=True)
class BlockNet:
    """The Teach drawing of one structure's nets, each node tied to its vertex and cell so that it can
    follow its atoms: node ``(v, t)`` is drawn at ``middle(v) + cell @ (t + offset[v])``, where
    ``middle(v)`` is the middle of the vertex's atoms in the frame."""

    nodes: list[dict]  # the Teach scene's nodes: color, radius, opacity, vertex, image
    edges: list[dict]  # the Teach scene's edges: color, partial, occupancy, opacity, ends (u, t, v, t')
    offset: dict[int, np.ndarray]  # per vertex with atoms: from the middle of its atoms to the vertex (fractional)
    tracks: dict[int, np.ndarray]  # per vertex with atoms: its atoms' tracks


def block_net(series: Series, report: Report, s: int) -> BlockNet:
    """The Teach scene of structure ``s`` of ``series`` (``report``), ready to follow its atoms."""
    cells = (teach_cells(report),) * 3
    scene = build_scene(report, Options(atoms=False, net=True, cell=False, teach=True, supercell=cells))
    graph, frac = report.net.graph, report.net.frac()
    track_frac = np.array([t.frac[s] for t in series.tracks])
    offset, tracks = {}, {}
    for v in graph:
        atoms = np.asarray(graph.nodes[v]["atoms"], dtype=int)
        if len(atoms):
            tracks[v] = series.track_of[s][atoms]
            offset[v] = frac[v] - track_frac[tracks[v]].mean(axis=0)
    keep = [n for n in scene.net_nodes if n["vertex"] in offset]
    edges = [e for e in scene.net_edges if e["ends"][0] in offset and e["ends"][2] in offset]
    return BlockNet(keep, edges, offset, tracks)


def middles(net: BlockNet, frame: Frame) -> dict[int, np.ndarray]:
    """Where each vertex's atoms are in ``frame`` (Cartesian): the node follows them."""
    return {v: frame.xyz[t].mean(axis=0) for v, t in net.tracks.items()}


def place(net: BlockNet, middle: dict[int, np.ndarray], cell: np.ndarray, v: int, image: tuple) -> np.ndarray:
    """Node ``(v, image)`` in a frame whose vertices' atoms are at ``middle`` and whose cell is ``cell``."""
    return middle[v] + cell @ (np.asarray(image, float) + net.offset[v])


def add_block_net(scene, net: BlockNet, frame: Frame, fade: float) -> None:
    """The nets of ``net`` drawn into a movie frame's scene, ``fade`` times their Teach opacity."""
    if fade < 0.02:
        return
    middle = middles(net, frame)
    for node in net.nodes:
        scene.net_nodes.append({**node, "xyz": place(net, middle, frame.cell, node["vertex"], node["image"]),
                                "opacity": node["opacity"] * fade})
    for edge in net.edges:
        u, t, v, w = edge["ends"]
        scene.net_edges.append({**edge, "start": place(net, middle, frame.cell, u, t),
                                "end": place(net, middle, frame.cell, v, w), "opacity": edge["opacity"] * fade})


def fades(frame: Frame) -> list[tuple[int, float]]:
    """The structures whose nets a frame shows and how strongly: the next one fades in over the first
    half of a step while the one left stays whole, which then fades out over the second half, so that
    one net is always fully drawn (a fade through white left the middle of each step nearly blank)."""
    if frame.t == 0:
        return [(frame.step, 1.0)]
    return [(frame.step, min(1.0, 2.0 * (1.0 - frame.t))), (frame.step + 1, min(1.0, 2.0 * frame.t))]


def frame_seconds(titles: list[str], movie: list[Frame], fps: int) -> list[float]:
    """How long each frame shows: a still for its caption's reading time; the frames of a step share
    the reading time of the step's caption (at least one frame at ``fps`` each)."""
    per_step: dict[int, int] = {}
    for f in movie:
        if f.t > 0:
            per_step[f.step] = per_step.get(f.step, 0) + 1
    out = []
    for title, f in zip(titles, movie):
        seconds = reading_seconds(title) / (per_step[f.step] if f.t > 0 else 1)
        out.append(max(seconds, 1 / fps))
    return out


def repeats(seconds: list[float], fps: int) -> list[int]:
    """Each frame's showing time as a whole number of video frames at ``fps`` (never shorter)."""
    return [max(1, math.ceil(s * fps - 1e-9)) for s in seconds]
