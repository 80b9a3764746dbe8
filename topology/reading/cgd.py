"""Systre ``.cgd`` nets: reading ``CRYSTAL`` and ``PERIODIC_GRAPH`` blocks (writing: :mod:`topology.naming.cgd_writer`).

``CRYSTAL`` blocks (as RCSR distributes them) give a space group, a cell, nodes with their
coordinates and edges by the coordinates of both ends; we expand them by symmetry and find which
node image each end is. A block without EDGE lines (as PORMAKE and some generators write them)
gets its edges by Systre's nearest-neighbour rule (:mod:`topology.reading.cgd_edges`). ``PERIODIC_GRAPH`` blocks give edges as ``i j a b c``: node ``j`` in the
cell translated by ``(a, b, c)`` is bonded to node ``i``.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass

import gemmi
import numpy as np
from scipy.sparse import coo_matrix, identity
from scipy.spatial import cKDTree

from topology.errors import InputError
from topology.limits import MAX_EDGE_SPAN, MAX_NET_EDGES, MAX_NET_LINES, MAX_NET_NODES
from topology.net.periodic import solve_laplacian
from topology.net.quotient import PeriodicNet
from topology.reading.cgd_edges import nearest_neighbour_edges
from topology.reading.cif import normalize_hm
from topology.reading.orbits import images_of

MATCH_TOLERANCE = 1e-3
"""Fractional distance within which an edge end is taken to be a node."""

GRAPH_KEYWORDS = ("ID", "NAME", "DIMENSION", "GROUP", "COMMENT")
"""Keywords a PERIODIC_GRAPH block may hold besides its EDGES."""

CRYSTAL_KEYWORDS = ("NAME", "GROUP", "CELL", "NODE", "EDGE", "EDGE_CENTER", "COMMENT", "EMBED_TYPE",
                    "COORDINATION_SEQUENCE", "TRANSITIVITY", "FACE", "TILE")
"""Keywords of a Systre CRYSTAL block; those not needed for the net are read over."""

SYNONYMS = {"VERTEX": "NODE", "VERTICES": "NODE", "VERTEXES": "NODE", "ATOM": "NODE", "ATOMS": "NODE",
            "NODES": "NODE", "BOND": "EDGE", "BONDS": "EDGE", "EDGES": "EDGE", "FACES": "FACE", "RING": "FACE",
            "RINGS": "FACE", "TILES": "TILE", "BODY": "TILE", "BODIES": "TILE", "SPACEGROUP": "GROUP",
            "SPACE_GROUP": "GROUP", "ID": "NAME", "EDGE_CENTERS": "EDGE_CENTER", "EDGE_CENTRE": "EDGE_CENTER",
            "EDGE_CENTRES": "EDGE_CENTER", "EDGECENTER": "EDGE_CENTER", "EDGECENTERS": "EDGE_CENTER",
            "EDGECENTRE": "EDGE_CENTER", "EDGECENTRES": "EDGE_CENTER", "COORDINATION_SEQUENCES": "COORDINATION_SEQUENCE",
            "COORDINATIONSEQUENCE": "COORDINATION_SEQUENCE", "COORDINATIONSEQUENCES": "COORDINATION_SEQUENCE",
            "CS": "COORDINATION_SEQUENCE"}
"""The other spellings Systre accepts for a keyword (gavrog's ``NetParser``), case aside."""

GRAPH_CELL = 10.0
"""Cell length (Angstrom) given to a ``PERIODIC_GRAPH``, which has no geometry, for drawing."""


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
"""Numbers as Systre writes them, in ASCII digits only: Python's ``float``, ``int`` and ``str.isdigit``
also take other scripts' digits, superscripts ('²') and underscores, which no .cgd file means."""

Line = tuple[int, list[str]]
"""A line of a net block: its number in the file (from 1) and its words."""


def parse_cgd(text: str, name: str = "input.cgd") -> tuple[PeriodicNet, tuple[str, ...]]:
    """The first net block of a .cgd file, and notes on what was read."""
    n_lines = text.count("\n") + 1
    if n_lines > MAX_NET_LINES:
        raise InputError(name, f"net file too big: {n_lines} lines (limit {MAX_NET_LINES})")
    blocks = _blocks(text, name)
    if not blocks:
        raise InputError(name, "no CRYSTAL or PERIODIC_GRAPH block")
    notes = [f"{len(blocks)} nets in the file; analysed the first"] if len(blocks) > 1 else []
    kind, lines = blocks[0]
    seen: set[tuple[str, ...]] = set()
    unique = [(k, w) for k, w in lines if not (tuple(w) in seen or seen.add(tuple(w)))]
    if len(unique) < len(lines):
        notes.append(f"{len(lines) - len(unique)} repeated lines read once")
    if kind == "CRYSTAL":
        net, more = _crystal(unique, name)
        notes += more
    else:
        net = _periodic_graph(unique, name)
    _check_span(net, name)
    return net, tuple(notes)


def _check_span(net: PeriodicNet, name: str) -> None:
    """Refuse a net whose edges are long for its cell (see :data:`~topology.limits.MAX_EDGE_SPAN`)."""
    src, dst, off = net.directed_arrays()
    if len(src) == 0:
        return
    orth = np.array(net.cell.orth.mat.tolist())
    frac = net.frac()
    longest = float(np.linalg.norm((frac[dst] + off - frac[src]) @ orth.T, axis=1).max())
    width = float(1.0 / np.linalg.norm(np.linalg.inv(orth), axis=1).max())
    if not longest <= MAX_EDGE_SPAN * width:
        raise InputError(name, f"an edge {longest:.3g} long in a cell {width:.3g} wide: a net's edges join neighbouring "
                               f"cells (limit {MAX_EDGE_SPAN:g} widths)")


def _blocks(text: str, name: str) -> list[tuple[str, list[Line]]]:
    blocks: list[tuple[str, list[Line]]] = []
    current: list[Line] | None = None
    for k, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if '"' in line or "'" in line:
            try:
                words = shlex.split(line)
            except ValueError:
                pass
        head = words[0].upper()
        if current is None:
            if head in ("CRYSTAL", "PERIODIC_GRAPH"):
                current = []
                blocks.append((head, current))
        elif head == "END":
            current = None
        else:
            current.append((k, words))
    if current is not None and not current:
        raise InputError(name, "a net block is empty (truncated file?)")
    return blocks


def _float(name: str, word: str, where: str = "", limit: float = 1e6) -> float:
    at = f"{where}: " if where else ""
    try:
        value = float(eval_fraction(word))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise InputError(name, f"{at}{word[:30]!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise InputError(name, f"{at}{word[:30]!r} is not a usable number")
    return value


def _is_number(word: str) -> bool:
    try:
        eval_fraction(word)
    except (ValueError, ZeroDivisionError, OverflowError):
        return False
    return True


def eval_fraction(word: str) -> float:
    """A number as Systre writes it: ``0.25`` or ``1/4`` (parsed, never evaluated as code).

    >>> eval_fraction("1/4")
    0.25
    """
    parts = word.split("/", 1)
    if not all(_DECIMAL.fullmatch(p) for p in parts):
        raise ValueError(f"{word!r} is not a number")
    return float(parts[0]) / float(parts[1]) if len(parts) == 2 else float(parts[0])


def whole(word: str) -> int:
    """A whole number in ASCII digits (ValueError otherwise).

    >>> whole("-2"), whole("12")
    (-2, 12)
    """
    if not _WHOLE.fullmatch(word):
        raise ValueError(f"{word!r} is not a whole number")
    return int(word)


@dataclass
class _Node:
    """A NODE or EDGE_CENTER line: name, coordination number, position, and which of the two it is."""

    name: str
    degree: int
    frac: np.ndarray
    centre: bool


def _node(name: str, words: list[str], where: str, centre: bool) -> _Node:
    """A NODE line (``name degree x y z``) or an EDGE_CENTER line (the same, or ``x y z`` alone)."""
    rest = words[1:]
    if centre and len(rest) in (2, 3) and all(_is_number(w) for w in rest):
        rest = [f"EDGE_CENTER at {where}", "2"] + rest
    if len(rest) < 4:
        raise InputError(name, f"{where}: {words[0].upper()} needs a name, a degree and x y z: {' '.join(words)[:60]!r}")
    coords = [_float(name, w, where) for w in rest[2:5]]
    if not _WHOLE.fullmatch(rest[1]) or int(rest[1]) <= 0:
        raise InputError(name, f"{where}: the degree of {words[0].upper()} {rest[0][:20]!r} is not a positive whole "
                               f"number ({rest[1][:20]!r})")
    if centre and int(rest[1]) != 2:
        raise InputError(name, f"{where}: an EDGE_CENTER has degree 2, not {rest[1][:20]}")
    return _Node(rest[0], int(rest[1]), np.array((coords + [0.0])[:3]), centre)  # a layer's node has x y only


def _crystal(lines: list[Line], name: str) -> tuple[PeriodicNet, tuple[str, ...]]:
    group = "P1"
    cell_values = [1.0, 1.0, 1.0, 90.0, 90.0, 90.0]
    records: list[_Node] = []
    edges: list[tuple[np.ndarray, np.ndarray]] = []
    keyword = ""
    for k, words in lines:
        head = SYNONYMS.get(words[0].upper(), words[0].upper())
        where = f"line {k}"
        if head not in CRYSTAL_KEYWORDS:
            if not _is_number(words[0]) or keyword in ("GROUP", "CELL", "NODE", "EDGE", "EDGE_CENTER", ""):
                raise InputError(name, f"{where}: unknown keyword {words[0][:30]!r} in a CRYSTAL block")
            continue  # more numbers of a keyword read over (COORDINATION_SEQUENCES ...)
        keyword = head
        if head == "GROUP" and len(words) > 1:
            group = " ".join(words[1:])
        elif head == "CELL":
            cell_values = [_float(name, w, where) for w in words[1:7]]
            if len(cell_values) < 6 and len(cell_values) == 3:  # 2D: a b gamma
                cell_values = [cell_values[0], cell_values[1], 10.0, 90.0, 90.0, cell_values[2]]
        elif head in ("NODE", "EDGE_CENTER"):
            records.append(_node(name, words, where, head == "EDGE_CENTER"))
        elif head == "EDGE":
            edges.append(_edge(name, words, where, {r.name: r.frac for r in records if not r.centre}))
    nodes = [r for r in records if not r.centre]
    if not nodes:
        raise InputError(name, "the CRYSTAL block has no NODE")
    if len(cell_values) != 6:
        raise InputError(name, "CELL needs a b c alpha beta gamma (or a b gamma for a layer)")
    a, b, c, al, be, ga = cell_values
    if not (1e-3 <= min(a, b, c) and max(a, b, c) < 1e5) or not all(0.1 < x < 179.9 for x in (al, be, ga)):
        raise InputError(name, f"impossible CELL {a:g} {b:g} {c:g} {al:g} {be:g} {ga:g}")
    try:
        cell = gemmi.UnitCell(a, b, c, al, be, ga)
    except (RuntimeError, ValueError):
        raise InputError(name, "impossible CELL angles") from None
    if not math.isfinite(cell.volume) or cell.volume <= 0:
        raise InputError(name, "CELL has no volume")
    # without EDGE lines the edge centres are nodes of the nearest-neighbour rule; with them, read over
    used = records if not edges else nodes
    used = list({tuple(r.frac): r for r in reversed(used)}.values())[::-1] if len(used) < MAX_NET_NODES else used
    edges = list({(tuple(e[0]), tuple(e[1])): e for e in edges}.values())
    if len(edges) > MAX_NET_EDGES:
        raise InputError(name, f"net too big: {len(edges)} EDGE lines")
    ops = _group_ops(group, name)
    rots = np.array([op.rot for op in ops], dtype=float) / gemmi.Op.DEN
    trans = np.array([op.tran for op in ops], dtype=float) / gemmi.Op.DEN
    if len(used) * len(ops) > MAX_NET_NODES:
        raise InputError(name, f"net too big: {len(used)} nodes x {len(ops)} symmetry operations")
    # symmetry-unique node positions: all images, wrapped, merged when they coincide
    images = (images_of(rots, np.array([r.frac for r in used])) + trans).reshape(-1, 3)
    images -= np.floor(images + MATCH_TOLERANCE / 2)
    images = np.clip(images, 0.0, np.nextafter(1.0, 0))
    tree = cKDTree(images, boxsize=1.0)
    pairs = tree.query_pairs(MATCH_TOLERANCE, output_type="ndarray")
    keep = np.ones(len(images), dtype=bool)
    keep[pairs.max(axis=1)] = False
    pos = images[keep]
    record = np.flatnonzero(keep) // len(ops)
    if not edges:
        return _nearest_neighbour_net(cell, pos, [used[r] for r in record], name)
    net = PeriodicNet.empty(cell)
    for p in pos:
        net.add_vertex("node", p, "")
    ends = np.array(edges)  # (e, 2, 3)
    e1 = (images_of(rots, ends[:, 0]) + trans).reshape(-1, 3)
    e2 = (images_of(rots, ends[:, 1]) + trans).reshape(-1, 3)
    node_tree = cKDTree(pos, boxsize=1.0)
    w1, w2 = np.floor(e1 + MATCH_TOLERANCE / 2), np.floor(e2 + MATCH_TOLERANCE / 2)
    d1, u = node_tree.query(np.clip(e1 - w1, 0, np.nextafter(1.0, 0)))
    d2, v = node_tree.query(np.clip(e2 - w2, 0, np.nextafter(1.0, 0)))
    if max(d1.max(), d2.max()) > MATCH_TOLERANCE:
        raise InputError(name, "an EDGE end is not at a NODE position")
    off = np.round(e2 - pos[v] - (e1 - pos[u])).astype(int)
    rows = np.column_stack([u, v, off])
    flipped = np.column_stack([v, u, -off])
    # each edge once, whichever end the operation put first
    first = (u < v) | ((u == v) & _positive(off))
    canonical = np.where(first[:, None], rows, flipped)
    for a, b, x, y, z in np.unique(canonical, axis=0).tolist():
        net.add_edge(a, b, (x, y, z))
    return net, ()


def _edge(name: str, words: list[str], where: str, nodes: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """An EDGE line in the three forms Systre reads: both ends' coordinates, a node's name and the other
    end's coordinates, or two node names."""
    rest = words[1:]
    if len(rest) >= 6:
        pts = [_float(name, w, where) for w in rest[:6]]
        return np.array(pts[:3]), np.array(pts[3:])
    if len(rest) == 4 and rest[0] in nodes:
        return nodes[rest[0]], np.array([_float(name, w, where) for w in rest[1:]])
    if len(rest) == 2 and rest[0] in nodes and rest[1] in nodes:
        return nodes[rest[0]], nodes[rest[1]]
    raise InputError(name, f"{where}: cannot read EDGE {' '.join(words)[:60]!r}")


def _nearest_neighbour_net(cell: gemmi.UnitCell, pos: np.ndarray, nodes: list[_Node],
                           name: str) -> tuple[PeriodicNet, tuple[str, ...]]:
    """The net of a block without EDGE lines, by Systre's nearest-neighbour rule (:mod:`.cgd_edges`)."""
    centre = np.array([r.centre for r in nodes])
    degree = np.array([r.degree for r in nodes])
    orth = np.array(cell.orth.mat.tolist())
    edges = nearest_neighbour_edges(pos, orth, degree, centre, [r.name for r in nodes], name)
    number = np.cumsum(~centre) - 1
    net = PeriodicNet.empty(cell)
    for p in pos[~centre]:
        net.add_vertex("node", p, "")
    for u, v, off in edges:
        net.add_edge(int(number[u]), int(number[v]), off)
    how = "through the EDGE_CENTER points" if centre.any() else "to its nearest neighbours"
    return net, (f"no EDGE lines: each node joined {how} up to its coordination number, as Systre does",)


def _positive(off: np.ndarray) -> np.ndarray:
    """Lexicographically non-negative offsets: the orientation kept for a loop from a node to its image."""
    return (off[:, 0] > 0) | ((off[:, 0] == 0) & ((off[:, 1] > 0) | ((off[:, 1] == 0) & (off[:, 2] >= 0))))


def _group_ops(group: str, name: str) -> gemmi.GroupOps:
    """Space group of a .cgd file; Systre and RCSR use origin choice 2 where there are two."""
    symbol = normalize_hm(group)
    sg = None
    if ":" not in symbol:
        sg = gemmi.find_spacegroup_by_name(symbol + ":2")
        if sg is not None and sg.ext != "2":
            sg = None
    sg = sg or gemmi.find_spacegroup_by_name(symbol)
    if sg is None:
        raise InputError(name, f"unknown space group {group[:40]!r}")
    return sg.operations()


def _periodic_graph(lines: list[Line], name: str) -> PeriodicNet:
    rows: list[list[int]] = []
    in_edges = False
    for k, words in lines:
        head = SYNONYMS.get(words[0].upper(), words[0].upper())
        if head == "EDGE":
            in_edges = True
            words = words[1:]
            if not words:
                continue
        elif head in GRAPH_KEYWORDS:
            in_edges = False
            continue
        if not in_edges:
            raise InputError(name, f"line {k}: unknown keyword {words[0][:30]!r} in a PERIODIC_GRAPH block")
        try:
            rows.append([whole(w) for w in words])
        except ValueError:
            if not _is_number(words[0]):
                raise InputError(name, f"line {k}: unknown keyword {words[0][:30]!r} in a PERIODIC_GRAPH block "
                                       f"(an edge is 'i j' and integer offsets)") from None
            raise InputError(name, f"line {k}: cannot read edge {' '.join(words)[:60]!r}") from None
        if len(rows) > MAX_NET_EDGES:
            raise InputError(name, f"net too big: more than {MAX_NET_EDGES} edges")
    if not rows:
        raise InputError(name, "the PERIODIC_GRAPH block has no EDGES")
    rows = [list(r) for r in dict.fromkeys(tuple(r) for r in rows)]
    if any(abs(x) > 10**6 for r in rows for x in r):
        raise InputError(name, "an edge has a node number or offset beyond 10^6")
    width = len(rows[0])
    if width not in (4, 5) or any(len(r) != width for r in rows):
        raise InputError(name, "every edge must be 'i j' followed by 2 or 3 integer offsets")
    labels = sorted({r[0] for r in rows} | {r[1] for r in rows})
    if len(labels) > MAX_NET_NODES:
        raise InputError(name, f"net too big: more than {MAX_NET_NODES} nodes")
    index = {lab: k for k, lab in enumerate(labels)}
    cell = gemmi.UnitCell(GRAPH_CELL, GRAPH_CELL, GRAPH_CELL, 90, 90, 90)
    edges = [(index[r[0]], index[r[1]], np.array((r[2:] + [0])[:3])) for r in rows]
    pos = barycentric_placement(len(labels), edges)
    wrap = np.floor(pos + 1e-9).astype(int)
    net = PeriodicNet.empty(cell)
    for p in pos - wrap:
        net.add_vertex("node", p, "")
    for u, v, off in edges:
        net.add_edge(u, v, off + wrap[v] - wrap[u])
    return net


def barycentric_placement(n: int, edges: list[tuple[int, int, np.ndarray]]) -> np.ndarray:
    """Positions with every vertex at the mean of its neighbours' images (a sparse Laplacian solve;
    a small diagonal term pins each component's free translation)."""
    links = [(u, v, off) for u, v, off in edges if u != v]
    if not links:
        return np.zeros((n, 3))
    u = np.array([e[0] for e in links])
    v = np.array([e[1] for e in links])
    off = np.array([e[2] for e in links], dtype=float)
    ones = np.ones(len(links))
    lap = coo_matrix((np.concatenate([ones, ones, -ones, -ones]),
                      (np.concatenate([u, v, u, v]), np.concatenate([u, v, v, u]))), shape=(n, n)).tocsc()
    lap = lap + 1e-9 * identity(n, format="csc")
    rhs = np.zeros((n, 3))
    np.add.at(rhs, u, off)
    np.add.at(rhs, v, -off)
    return solve_laplacian(lap, rhs)

