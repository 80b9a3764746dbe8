"""Systre ``.cgd`` nets: reading ``CRYSTAL`` and ``PERIODIC_GRAPH`` blocks (writing: :mod:`topology.naming.cgd_writer`).

``CRYSTAL`` blocks (as RCSR distributes them) give a space group, a cell, nodes with their
coordinates and edges by the coordinates of both ends; we expand them by symmetry and find which
node image each end is. ``PERIODIC_GRAPH`` blocks give edges as ``i j a b c``: node ``j`` in the
cell translated by ``(a, b, c)`` is bonded to node ``i``.
"""

from __future__ import annotations

import math
import re
import shlex

import gemmi
import numpy as np
from scipy.sparse import coo_matrix, identity
from scipy.spatial import cKDTree

from topology.errors import InputError
from topology.limits import MAX_EDGE_SPAN, MAX_NET_EDGES, MAX_NET_LINES, MAX_NET_NODES
from topology.net.periodic import solve_laplacian
from topology.net.quotient import PeriodicNet
from topology.reading.cif import normalize_hm

MATCH_TOLERANCE = 1e-3
"""Fractional distance within which an edge end is taken to be a node."""

GRAPH_KEYWORDS = ("ID", "NAME", "DIMENSION", "GROUP", "COMMENT")
"""Keywords a PERIODIC_GRAPH block may hold besides its EDGES."""

CRYSTAL_KEYWORDS = ("ID", "NAME", "GROUP", "CELL", "NODE", "ATOM", "EDGE", "BOND", "EDGE_CENTER", "EDGE_CENTRE",
                    "COMMENT", "EMBED_TYPE", "COORDINATION_SEQUENCES", "TRANSITIVITY", "FACE", "TILE")
"""Keywords of a Systre CRYSTAL block; those not needed for the net are read over."""

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
    net = _crystal(unique, name) if kind == "CRYSTAL" else _periodic_graph(unique, name)
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


def _crystal(lines: list[Line], name: str) -> PeriodicNet:
    group = "P1"
    cell_values = [1.0, 1.0, 1.0, 90.0, 90.0, 90.0]
    nodes: list[np.ndarray] = []
    edges: list[tuple[np.ndarray, np.ndarray]] = []
    node_names: dict[str, int] = {}
    keyword = ""
    for k, words in lines:
        head = words[0].upper()
        where = f"line {k}"
        if head not in CRYSTAL_KEYWORDS:
            if not _is_number(words[0]) or keyword in ("GROUP", "CELL", "NODE", "ATOM", "EDGE", "BOND", ""):
                raise InputError(name, f"{where}: unknown keyword {words[0][:30]!r} in a CRYSTAL block")
            continue  # more numbers of a keyword read over (COORDINATION_SEQUENCES ...)
        keyword = head
        if head == "GROUP" and len(words) > 1:
            group = " ".join(words[1:])
        elif head == "CELL":
            cell_values = [_float(name, w, where) for w in words[1:7]]
            if len(cell_values) < 6 and len(cell_values) == 3:  # 2D: a b gamma
                cell_values = [cell_values[0], cell_values[1], 10.0, 90.0, 90.0, cell_values[2]]
        elif head in ("NODE", "ATOM"):
            coords = [_float(name, w, where) for w in words[3:6]]
            if len(coords) < 2:
                raise InputError(name, f"{where}: NODE needs a name, a degree and x y z: {' '.join(words)[:60]!r}")
            if not _WHOLE.fullmatch(words[2]) or int(words[2]) <= 0:
                raise InputError(name, f"{where}: the degree of NODE {words[1][:20]!r} is not a positive whole number "
                                       f"({words[2][:20]!r})")
            node_names[words[1]] = len(nodes)
            nodes.append(np.array((coords + [0.0])[:3]))  # a layer's node has x y only
        elif head in ("EDGE", "BOND"):
            rest = words[1:]
            if len(rest) >= 6:
                pts = [_float(name, w, where) for w in rest[:6]]
                edges.append((np.array(pts[:3]), np.array(pts[3:])))
            elif len(rest) == 4 and rest[0] in node_names:
                edges.append((nodes[node_names[rest[0]]], np.array([_float(name, w, where) for w in rest[1:]])))
            else:
                raise InputError(name, f"{where}: cannot read EDGE {' '.join(words)[:60]!r}")
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
    nodes = list({tuple(p): p for p in nodes}.values()) if len(nodes) < MAX_NET_NODES else nodes
    edges = list({(tuple(e[0]), tuple(e[1])): e for e in edges}.values())
    if len(edges) > MAX_NET_EDGES:
        raise InputError(name, f"net too big: {len(edges)} EDGE lines")
    ops = _group_ops(group, name)
    rots = np.array([op.rot for op in ops], dtype=float) / gemmi.Op.DEN
    trans = np.array([op.tran for op in ops], dtype=float) / gemmi.Op.DEN
    if len(nodes) * len(ops) > MAX_NET_NODES:
        raise InputError(name, f"net too big: {len(nodes)} nodes x {len(ops)} symmetry operations")
    # symmetry-unique node positions: all images, wrapped, merged when they coincide
    images = (np.einsum("mij,nj->nmi", rots, np.array(nodes)) + trans).reshape(-1, 3)
    images -= np.floor(images + MATCH_TOLERANCE / 2)
    images = np.clip(images, 0.0, np.nextafter(1.0, 0))
    tree = cKDTree(images, boxsize=1.0)
    pairs = tree.query_pairs(MATCH_TOLERANCE, output_type="ndarray")
    keep = np.ones(len(images), dtype=bool)
    keep[pairs.max(axis=1)] = False
    pos = images[keep]
    net = PeriodicNet.empty(cell)
    for p in pos:
        net.add_vertex("node", p, "")
    if edges:
        ends = np.array(edges)  # (e, 2, 3)
        e1 = np.einsum("mij,ej->emi", rots, ends[:, 0]).reshape(-1, 3) + np.tile(trans, (len(edges), 1))
        e2 = np.einsum("mij,ej->emi", rots, ends[:, 1]).reshape(-1, 3) + np.tile(trans, (len(edges), 1))
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
    return net


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
        head = words[0].upper()
        if head in ("EDGES", "EDGE"):
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

