"""Naming a net: its canonical key, RCSR symbol, point symbol and coordination sequences.

Each 2D or 3D component of a structure's net is taken on its own lattice (every copy of a k-fold
net is the same net), simplified as the field does before naming (dangling vertices removed,
2-connected vertices contracted into edges), given its canonical key (:mod:`topology.naming.canonical`),
and looked up in the archive built from Systre's ``rcsr.arc`` (RCSR: O'Keeffe, Peskov, Ramsden &
Yaghi, Acc. Chem. Res. 41, 1782 (2008); Systre: Delgado-Friedrichs & O'Keeffe, Acta Cryst. A59,
351 (2003)). The point symbol and the coordination sequences to ten shells (with TD10, the total
number of vertices within ten bonds, the vertex itself included) are given per vertex kind, as
ToposPro prints them.

>>> sql = PeriodicGraph.from_edges(2, [(0, 0, (1, 0)), (0, 0, (0, 1))])
>>> ident = identify(sql)
>>> ident.topology, ident.point_symbol, ident.coordination_sequences[0][:4], ident.td10
('sql', '{4^4.6^2}', (4, 8, 12, 16), (221,))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from topology.naming import archive
from topology.naming.canonical import CanonicalForm, canonical_form
from topology.naming.graph import PeriodicGraph, color_refinement, simplify
from topology.naming.invariants import (
    MAX_SEARCH_IMAGES,
    MAX_SHELL_IMAGES,
    RING_LIMIT,
    SHELLS,
    Shells,
    coordination_sequences,
    point_symbols,
    total_point_symbol,
)
from topology.net.periodic import Component


@dataclass(frozen=True)
class NetIdentity:
    """What names a net."""

    topology: str | None
    key: str
    point_symbol: str | None  # None when the ring searches outgrow their bound
    coordination_sequences: tuple[tuple[int, ...], ...]  # fewer than ten shells when they outgrow their bound
    td10: tuple[int, ...]  # empty unless all ten shells were counted
    exact: bool  # False for unstable nets, whose key is an invariant but not a proof of identity
    notes: tuple[str, ...] = ()  # what was left out, and why
    archive: str | None = None  # which archive named it (topology.naming.archive.ARCHIVES)


def identify(graph: PeriodicGraph, simplified: bool = True, worked: dict[str, tuple] | None = None) -> NetIdentity:
    """Name one connected 2- or 3-periodic net given on its own lattice. The invariants of a net the
    archives hold are read from them (:func:`topology.naming.archive.invariants`), others worked out,
    or taken from ``worked`` (by exact key) where an earlier net of the same key left them."""
    if simplified:
        graph = simplify(graph)
    form = canonical_form(graph)
    known = archive.invariants(form.digest) if form.stable else None
    if known:
        point, seqs, td10, notes = *known, []
    elif form.stable and worked is not None:
        if form.key not in worked:
            worked[form.key] = invariants(form)
        point, seqs, td10, notes = worked[form.key]
    else:
        point, seqs, td10, notes = invariants(form)
    if form.stable:
        name, source = archive.lookup_source(form.digest) or (None, None)
    elif form.unstable and (found := archive.lookup_unstable(form.digest)):
        name, source = found
        notes = [(f"named {name} by its coordination sequences, which match the unstable net {name} of {source}: "
                  f"{form.reason}, so there is no canonical key to prove it"), *notes]
    else:
        name, source = None, None
        notes = [f"not named: {form.reason}", *notes]
    return NetIdentity(name, form.key, point, seqs, td10, form.stable, tuple(notes), source)


def invariants(form: CanonicalForm) -> tuple[str | None, tuple[tuple[int, ...], ...], tuple[int, ...], list[str]]:
    """The point symbol, the coordination sequences and TD10 of each vertex kind (the net's vertex
    orbits, or its colour classes where it has no exact key), with notes on what their bounds left out.
    Kinds are ordered by degree, highest first, then by coordination sequence, point symbol and number,
    so that the order depends on the net alone."""
    net = form.graph
    kinds = form.orbits if form.stable else _classes(net)
    adj = net.adjacency()
    reps = [int(np.flatnonzero(kinds == k)[0]) for k in np.unique(kinds)]
    counts = [int((kinds == k).sum()) for k in np.unique(kinds)]
    seqs = [tuple(cs) for cs in coordination_sequences(adj, reps, SHELLS)]
    found = point_symbols(adj, reps, Shells(adj, RING_LIMIT - 2))
    own = [total_point_symbol([symbol], [1]) for symbol in found] if found else [""] * len(reps)
    order = sorted(range(len(reps)), key=lambda i: (-len(adj[reps[i]]), seqs[i], own[i], counts[i]))
    symbols = [found[i] for i in order] if found else []
    notes = []
    if len(symbols) < len(order):
        notes.append(f"point symbol not computed: the ring searches of its {len(reps)} vertex kinds outgrow "
                     f"{MAX_SEARCH_IMAGES:,} vertex images")
    shells = min(len(cs) for cs in seqs)
    if shells < SHELLS:
        notes.append(f"coordination sequences to {shells} shells only, TD10 not given: the shells of its "
                     f"{len(reps)} vertex kinds outgrow {MAX_SHELL_IMAGES:,} vertex images")
    point = total_point_symbol(symbols, [counts[i] for i in order]) if len(symbols) == len(order) else None
    td10 = tuple(1 + sum(seqs[i]) for i in order) if shells == SHELLS else ()
    return point, tuple(seqs[i] for i in order), td10, notes


class Namer:
    """:func:`identify` for the nets of one analysis: a net met again (the copies of an interpenetrated
    array, the nets of one clustering again in the other, even where the other clustering's extra
    vertices simplify away) is named once, and its invariants are worked out once even where it comes
    described another way (it simplifies to the same key)."""

    def __init__(self) -> None:
        self._named: dict[tuple, NetIdentity] = {}  # by the graph as given, and as simplified
        self._worked: dict[str, tuple] = {}  # invariants by exact key: one net given twice, differently

    def __call__(self, graph: PeriodicGraph) -> NetIdentity:
        given = _graph_key(graph)
        if given not in self._named:
            simple = simplify(graph)
            key = ("simplified", *_graph_key(simple))
            if key not in self._named:
                self._named[key] = identify(simple, simplified=False, worked=self._worked)
            self._named[given] = self._named[key]
        return self._named[given]


def _graph_key(graph: PeriodicGraph) -> tuple:
    return graph.dim, graph.n, graph.src.tobytes(), graph.dst.tobytes(), graph.shift.tobytes()


def _classes(graph: PeriodicGraph) -> np.ndarray:
    return np.unique(color_refinement(graph), return_inverse=True)[1].ravel()


def component_graph(src: np.ndarray, dst: np.ndarray, offset: np.ndarray, shift: np.ndarray,
                    component: Component) -> PeriodicGraph:
    """One copy of a component of a crystal's net, on the component's own lattice.

    ``src, dst, offset`` are the net's directed edges in cell coordinates and ``shift`` the lifted
    position of every vertex (:func:`topology.net.periodic.lift`); the cycle vector of each edge is a
    vector of the component's lattice, written here in its Hermite basis.
    """
    nodes = component.nodes
    index = np.full(int(max(src.max(initial=0), dst.max(initial=0), nodes.max(initial=0))) + 1, -1)
    index[nodes] = np.arange(len(nodes))
    keep = index[src] >= 0
    s, d, o = src[keep], dst[keep], offset[keep]
    cycles = shift[s] + o - shift[d]
    basis = component.basis
    # the basis is in Hermite form, so its pivot columns alone give each cycle's coordinates, one
    # after another by exact integer division (a triangular system)
    pivots = [int(np.flatnonzero(row)[0]) for row in basis]
    triangle, given = basis[:, pivots].astype(np.int64), cycles[:, pivots]
    ints = np.zeros((len(given), len(basis)), dtype=np.int64)
    for j in range(len(basis)):
        ints[:, j] = (given[:, j] - ints[:, :j] @ triangle[:j, j]) // triangle[j, j]
    table = np.column_stack([index[s], index[d], ints])
    return PeriodicGraph.from_arrays(table, len(basis), n=len(nodes))
