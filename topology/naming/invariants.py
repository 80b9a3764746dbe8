"""Vertex invariants of a periodic net: coordination sequences and point symbols (as ToposPro prints them).

They name nothing on their own, but they are what a reader compares with a paper, and they key the
nets whose canonical form cannot be found (:func:`topology.naming.canonical.canonical_form`).
"""

from __future__ import annotations

from collections import Counter
from math import gcd

import numpy as np

from topology.tables import concatenated_ranges

SHELLS = 10
RING_LIMIT = 12
"""Longest cycle looked for when writing a point symbol (longer angles are written as infinite)."""
MAX_SHELL_IMAGES = 400_000
"""Most vertex images one breadth-first shell may hold, summed over its sources: the searches stop
before a shell this large (a net of hundreds of vertex kinds, or of a vertex of very high degree, whose
shells grow into millions); what they found up to there is kept and said to be partial."""
MAX_SEARCH_IMAGES = 3_000_000
"""Most vertex images one :class:`Shells` visits over all its runs (the ring searches of every vertex
kind of a net share one), so that a net without symmetry, each vertex its own kind, costs a bounded time."""


def coordination_sequence(adj, v: int, shells: int = SHELLS) -> list[int]:
    """Number of vertices at each topological distance 1..shells from vertex ``v``.

    >>> from topology.naming.graph import PeriodicGraph
    >>> dia = PeriodicGraph.from_edges(3, [(0, 1, (0, 0, 0)), (0, 1, (1, 0, 0)), (0, 1, (0, 1, 0)), (0, 1, (0, 0, 1))])
    >>> coordination_sequence(dia.adjacency(), 0, 5)
    [4, 12, 24, 42, 64]
    """
    return coordination_sequences(adj, [v], shells)[0]


class Shells:
    """Breadth-first shells of the infinite net around many sources at once, with numpy.

    In a breadth-first search of an undirected graph the next shell is what the current shell
    reaches minus the current and the previous shells, so only two shells are kept. A vertex of the
    infinite net seen from source ``k`` is coded as one integer (k, vertex, lattice shift); a banned
    vertex image per source (the centre of an angle) is left out of the graph.
    """

    def __init__(self, adj, depth: int, budget: int = MAX_SEARCH_IMAGES) -> None:
        self.budget, self.visited, self.cut = budget, 0, False
        self.n = len(adj)
        self.dim = next((len(a[0][1]) for a in adj if a), 0)
        self.deg = np.array([len(a) for a in adj], dtype=np.int64)
        self.ptr = np.concatenate([[0], np.cumsum(self.deg)])
        self.nbr = np.array([w for a in adj for w, _ in a], dtype=np.int64)
        self.step = np.array([s for a in adj for _, s in a], dtype=np.int64).reshape(-1, self.dim)
        self.depth = depth
        # shifts reach at most this far from the source within ``depth`` steps: the code's field width
        self.bound = int(np.abs(self.step).max(initial=1)) * depth + 1
        self.weights = (2 * self.bound + 1) ** np.arange(self.dim - 1, -1, -1, dtype=np.int64)
        owner = np.repeat(np.arange(self.n, dtype=np.int64), self.deg)
        self.delta = (self.nbr - owner) * (2 * self.bound + 1) ** self.dim + self.step @ self.weights

    def code(self, src: np.ndarray, vert: np.ndarray, shift: np.ndarray) -> np.ndarray:
        """One integer per vertex image seen from a source; linear in the vertex and the shift, so an
        edge adds the same amount (``delta``) to the code of every image it leaves from."""
        return (src * self.n + vert) * (2 * self.bound + 1) ** self.dim + (shift + self.bound) @ self.weights

    def run(self, vert: np.ndarray, shift: np.ndarray, banned: np.ndarray | None = None):
        """Yield, shell after shell, the (source, vertex, shift) arrays of the new vertices; stop early
        (``self.cut`` set) rather than reach out from a shell to more than :data:`MAX_SHELL_IMAGES` images
        or beyond the budget of the whole search. A mask of sources sent back (``generator.send``)
        stops the searches of the others: their shells are no longer grown."""
        src = np.arange(len(vert), dtype=np.int64)
        barred = np.sort(self.code(src, *banned)) if banned is not None else np.zeros(0, dtype=np.int64)
        previous = barred
        here = self.code(src, vert, shift)
        order = np.argsort(here)
        src, vert, shift, current = src[order], vert[order], shift[order], here[order]
        for _ in range(self.depth):
            count = self.deg[vert]
            reach = int(count.sum())
            if reach > MAX_SHELL_IMAGES or self.visited + reach > self.budget:
                self.cut = True
                return
            self.visited += reach
            parent = np.repeat(np.arange(len(vert)), count)
            edge = concatenated_ranges(self.ptr[vert], count)
            codes, first = _distinct(current[parent] + self.delta[edge])
            fresh = ~_within(codes, current) & ~_within(codes, previous)
            if banned is not None:  # the banned image stays out for good
                fresh &= ~_within(codes, barred)
            chosen = first[fresh]
            p, e = parent[chosen], edge[chosen]
            src, vert, shift = src[p], self.nbr[e], shift[p] + self.step[e]
            previous, current = current, codes[fresh]
            going = yield src, vert, shift
            if going is not None:  # only the searches still wanted grow on
                alive = going[src]
                src, vert, shift, current = src[alive], vert[alive], shift[alive], current[alive]


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes, sorted, and an index of each (any one of its copies: a code stands for
    one vertex image, so which copy is kept does not matter, and an unstable sort is quicker)."""
    order = np.argsort(codes)
    ordered = codes[order]
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep], order[keep]


def _within(values: np.ndarray, sorted_codes: np.ndarray) -> np.ndarray:
    """Which ``values`` are in the sorted array ``sorted_codes`` (a binary search each: both are already
    sorted and unique, which np.isin would sort again)."""
    if not len(sorted_codes):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_codes, values), len(sorted_codes) - 1)
    return sorted_codes[at] == values


def coordination_sequences(adj, starts: list[int], shells: int = SHELLS) -> list[list[int]]:
    """Coordination sequences of several vertices at once (fewer than ``shells`` terms when the
    shells outgrow :data:`MAX_SHELL_IMAGES`)."""
    search = Shells(adj, shells)
    dim = search.dim
    out = [np.bincount(src, minlength=len(starts)).tolist()
           for src, _, _ in search.run(np.array(starts, dtype=np.int64), np.zeros((len(starts), dim), dtype=np.int64))]
    return [list(row) for row in zip(*out)] if out else [[] for _ in starts]


def point_symbols(adj, vertices: list[int], search: Shells | None = None) -> list[Counter] | None:
    """For each vertex, the length of the shortest cycle through each pair of its edges (0 when none is
    found within :data:`RING_LIMIT`): searches from every edge's far end, in the net without the vertex,
    until they reach the far ends of its other edges; the searches of all the vertices at once, each
    vertex's stopping when its pairs are all found. None when the search (``search``) runs out first."""
    search = search or Shells(adj, RING_LIMIT - 2)
    dim = search.dim
    owner = np.array([k for k, v in enumerate(vertices) for _ in adj[v]], dtype=np.int64)  # each end's vertex
    vert = np.array([w for v in vertices for w, _ in adj[v]], dtype=np.int64)
    shift = np.array([s for v in vertices for _, s in adj[v]], dtype=np.int64).reshape(-1, dim)
    centre = np.array(vertices, dtype=np.int64)[owner]
    first = np.concatenate([[0], np.cumsum([len(adj[v]) for v in vertices])])
    # an end is found from another end of its vertex when (vertex, end image) is reached: one code each
    targets = search.code(owner, vert, shift)
    order = np.argsort(targets)
    ring: dict[tuple[int, int], int] = {}  # (end a, end b) of one vertex, a < b: the shortest cycle through both
    wanted = np.array([len(adj[v]) * (len(adj[v]) - 1) // 2 for v in vertices], dtype=np.int64)
    found = np.zeros(len(vertices), dtype=np.int64)
    steps = search.run(vert, shift, (centre, np.zeros_like(shift)))
    shell, depth = next(steps, None), 1
    while shell is not None:
        src, w, s = shell
        codes = search.code(owner[src], w, s)
        at = np.minimum(np.searchsorted(targets[order], codes), len(order) - 1)
        hit = targets[order[at]] == codes
        i, j = src[hit], order[at[hit]]
        for a, b in zip(i[i < j].tolist(), j[i < j].tolist()):
            if (a, b) not in ring:
                ring[(a, b)] = depth + 2
                found[owner[a]] += 1
        going = found < wanted
        if not going.any():
            break
        try:
            shell, depth = steps.send(going[owner]), depth + 1
        except StopIteration:
            shell = None
    if search.cut:
        return None
    return [Counter(ring.get((a, b), 0) for a in range(first[k], first[k + 1]) for b in range(a + 1, first[k + 1]))
            for k in range(len(vertices))]


def total_point_symbol(symbols: list[Counter], counts: list[int]) -> str:
    """ToposPro's form: one ``{a^n.b^m}`` per vertex kind, followed by its relative number when the
    kinds come in different numbers, e.g. ``{4^12.6^3}`` or ``{6^3}4{6^2.8^2.12^2}3``."""
    g = 0
    for c in counts:
        g = gcd(g, c)
    parts = []
    for sym, count in zip(symbols, counts):
        terms = [f"{'∞' if size == 0 else size}{'^' + str(n) if n > 1 else ''}"
                 for size, n in sorted(sym.items(), key=lambda kv: (kv[0] == 0, kv[0]))]
        ratio = count // g if g else 1
        parts.append("{" + ".".join(terms) + "}" + (str(ratio) if ratio > 1 and len(counts) > 1 else ""))
    return "".join(parts)
