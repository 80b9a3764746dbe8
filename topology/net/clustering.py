"""AllNodes: the branch points of an organic SBU as vertices of their own.

Under SingleNodes (the default) an organic part that binds three or more clusters is one vertex.
A tetracarboxylate whose two rings each carry two carboxylates (biphenyl-3,3',5,5'-tetracarboxylate)
is then one 4-c vertex (the paddlewheel MOF is ``nbo``); under AllNodes its two rings are two 3-c
vertices joined by an edge (the same MOF is ``fof``), as CrystalNets.jl and ToposPro's standard
representation give it. The part's skeleton is what joins its contact atoms: dangling atoms are
pruned, each ring system becomes one node, chains of two-connected nodes become edges; nodes left
with three or more connections are the branch points.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.sparse.csgraph import connected_components

from topology.net.bonds import Bonds, bond_graph_arrays
from topology.net.periodic import csr_adjacency
from topology.net.quotient import PeriodicNet
from topology.net.units import BRANCH, BuildingUnits
from topology.reading.crystal import Crystal
from topology.tables import stable_argsort, unique_rows

Terminal = tuple[int, int, int, int]
"""A cluster image an organic part binds: (vertex, image a, b, c) in the part's frame."""


def branch_points(atoms: np.ndarray, bonds: list[tuple[int, int]],
                  contacts: dict[int, set[Terminal]]) -> tuple[list[np.ndarray], list[tuple[int, int | Terminal]]]:
    """The branch points of one organic part (groups of its atoms) and the edges between them and to
    the clusters it binds: ``(i, j)`` joins branch points i and j, ``(i, terminal)`` a branch point to
    a cluster image. One group only means the part stays one vertex.

    Plain adjacency sets: a MOF has hundreds of these small graphs, and building a graph object for
    each cost more than the work itself.
    """
    adj: dict[int, set[int]] = {int(a): set() for a in atoms}
    for a, b in bonds:
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    leaves = [a for a in adj if len(adj[a]) <= 1 and a not in contacts]
    while leaves:  # prune what joins no contact
        a = leaves.pop()
        if a not in adj or len(adj[a]) > 1:
            continue
        for b in adj.pop(a):
            adj[b].discard(a)
            if len(adj[b]) <= 1 and b not in contacts:
                leaves.append(b)
    node = _ring_systems(adj)  # each ring system (fused or spiro rings) one node, named by its least atom
    h: dict[object, list] = {n: [] for n in set(node.values())}
    links = {(node[a], node[b]) for a in adj for b in adj[a] if node[a] < node[b]}  # once between two systems
    for a, b in sorted(links):
        h[a].append(b)
        h[b].append(a)
    for a, terms in contacts.items():
        if a in node:
            for t in terms:
                h[node[a]].append(t)
                h.setdefault(t, []).append(node[a])
    changed = True
    while changed:  # two-connected nodes become edges, dangling ones go
        changed = False
        for n in [n for n in h if not isinstance(n, tuple)]:
            if n not in h or len(h[n]) > 2:
                continue
            ends = h.pop(n)
            for e in ends:
                h[e].remove(n)
            if len(ends) == 2 and ends[0] != ends[1]:
                h[ends[0]].append(ends[1])
                h[ends[1]].append(ends[0])
            changed = True
    points = sorted(n for n in h if not isinstance(n, tuple))
    index = {p: k for k, p in enumerate(points)}
    groups = [np.array(sorted(a for a in node if node[a] == p)) for p in points]
    edges: list[tuple[int, int | Terminal]] = []
    for a in points:
        for b in h[a]:
            if isinstance(b, tuple):
                edges.append((index[a], b))
            elif a < b:
                edges.append((index[a], index[b]))
    return groups, edges


def _ring_systems(adj: dict[int, set[int]]) -> dict[int, int]:
    """Each atom's ring system, named by its least atom: the 2-edge-connected components (atoms joined
    by bonds that lie on a cycle), cut off one depth-first search at its bridges (Tarjan's low links)."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    node: dict[int, int] = {}
    for root in sorted(adj):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        seen = [root]  # atoms met and not yet given a system, in the order met
        stack = [(root, -1, iter(sorted(adj[root])))]
        while stack:
            v, parent, rest = stack[-1]
            for w in rest:  # v's next neighbour not yet looked at; the iterator resumes there after a child
                if w == parent:
                    continue
                if w in order:
                    low[v] = min(low[v], order[w])
                    continue
                order[w] = low[w] = len(order)
                seen.append(w)
                stack.append((w, v, iter(sorted(adj[w]))))
                break
            else:
                stack.pop()
                if parent >= 0:
                    low[parent] = min(low[parent], low[v])
                if parent < 0 or low[v] > order[parent]:  # v's bond to its parent is a bridge: v's system is complete
                    k = seen.index(v)
                    system = seen[k:]
                    del seen[k:]
                    least = min(system)
                    node.update((a, least) for a in system)
    return node


def all_nodes(net: PeriodicNet, crystal: Crystal, bonds: Bonds, units: BuildingUnits) -> tuple[PeriodicNet, int]:
    """The AllNodes net from the SingleNodes one, and how many organic SBUs were split."""
    org = units.organic
    is_branch = org.kinds == BRANCH
    branch = np.flatnonzero(is_branch)
    if len(branch) == 0:
        return net, 0
    src, dst, off = bond_graph_arrays(bonds)
    heavy = crystal.elements != "H"
    n_vertex_units = len(units.vertex_like)
    in_vertex = units.unit < n_vertex_units
    part_of = np.full(len(crystal), -1)
    part = np.repeat(np.arange(len(org.kinds)), np.diff(org.bounds))
    part_of[org.atoms[is_branch[part]]] = part[is_branch[part]]
    inner = (part_of[src] >= 0) & (part_of[src] == part_of[dst]) & heavy[src] & heavy[dst] & (src < dst)
    # bonds from a part to a vertex, with the image of the vertex in the part's frame
    outer = np.flatnonzero((part_of[src] >= 0) & in_vertex[dst] & (units.owner[dst] >= 0))
    o_src, o_owner = src[outer], units.owner[dst[outer]]
    o_image = (np.take(off, outer, axis=0) + np.take(units.shift, o_src, axis=0)
               - np.take(units.shift, dst[outer], axis=0))
    out = net  # copied at the first split only: most MOFs have nothing to split
    pos = crystal.frac + units.shift

    def wrap(group: np.ndarray) -> np.ndarray:
        """The cell a vertex's centroid was wrapped from (as :func:`~topology.net.quotient.build_net` does)."""
        return np.floor(pos[group].mean(axis=0) + 1e-9).astype(int)

    @functools.cache
    def vertex_wrap(vertex: int) -> np.ndarray:
        return wrap(net.vertex_atoms[vertex])

    split = 0
    at_most_one = _at_most_one_branch_point(len(crystal), part_of, heavy, src[inner], dst[inner],
                                            np.column_stack([o_src, o_owner, o_image]))
    searched = np.append(~at_most_one, False)  # the parts whose branch points are searched
    mine_of = _by_part(np.flatnonzero(inner & searched[part_of[src]]), part_of[src])
    touch_of = _by_part(np.flatnonzero(searched[part_of[o_src]]), part_of[o_src])
    empty = np.zeros(0, dtype=int)
    for k in branch[~at_most_one[branch]]:
        atoms = org.atoms[org.bounds[k]: org.bounds[k + 1]]
        atoms = atoms[heavy[atoms]]
        mine, touch = mine_of.get(int(k), empty), touch_of.get(int(k), empty)
        contacts: dict[int, set[Terminal]] = {}
        for a, vertex, image in zip(o_src[touch].tolist(), o_owner[touch].tolist(), o_image[touch].tolist()):
            contacts.setdefault(a, set()).add((vertex, *image))
        groups, edges = branch_points(atoms, list(zip(src[mine].tolist(), dst[mine].tolist())), contacts)
        if len(groups) < 2:
            continue
        if out is net:
            out = net.copy()
        split += 1
        u0 = int(org.vertex[k])
        out.remove_edges_at(u0)
        ids = [u0]
        for group in groups[1:]:
            ids.append(out.add_vertex(BRANCH, np.zeros(3), net.compositions[u0], group))
        wraps = [wrap(group) for group in groups]
        for v, group, w in zip(ids, groups, wraps):
            out.move_vertex(v, pos[group].mean(axis=0) - w, group)
        tails, heads, offsets = [], [], []
        for i, j in edges:
            tails.append(ids[i])
            if isinstance(j, tuple):
                heads.append(j[0])
                offsets.append(np.array(j[1:]) + vertex_wrap(j[0]) - wraps[i])
            else:
                heads.append(ids[j])
                offsets.append(wraps[j] - wraps[i])
        out.add_edges(tails, heads, np.array(offsets).reshape(-1, 3), [None] * len(tails), [1.0] * len(tails),
                      [()] * len(tails))
    return out, split


def _at_most_one_branch_point(n: int, part_of: np.ndarray, heavy: np.ndarray, a: np.ndarray, b: np.ndarray,
                              contacts: np.ndarray) -> np.ndarray:
    """For every organic part, whether it surely has at most one branch point, found for all parts at
    once (most parts of most MOFs, whose branch-point search is then skipped). A branch point is a ring
    system or an atom out of the rings with three or more connections (bonds within the part, clusters
    it binds); pruning and contracting only lower them. A part with at most one ring (its cyclomatic
    number: bonds - atoms + pieces) has its ring, if any, as its 2-core; if that and the atoms of three
    connections or more off it number at most one, the part stays one vertex."""
    pairs = unique_rows(np.column_stack([np.minimum(a, b), np.maximum(a, b)])) if len(a) else np.zeros((0, 2), int)
    atoms = np.flatnonzero((part_of >= 0) & heavy)
    parts = int(part_of.max(initial=-1)) + 1
    pieces_of = connected_components(csr_adjacency(pairs[:, 0], pairs[:, 1], n), directed=False)[1]
    one_each = atoms[np.unique(pieces_of[atoms], return_index=True)[1]]  # an atom of every piece
    pieces = np.bincount(part_of[one_each], minlength=parts)
    cyclomatic = (np.bincount(part_of[pairs[:, 0]], minlength=parts) - np.bincount(part_of[atoms], minlength=parts)
                  + pieces)
    core = np.zeros(n, dtype=bool)
    core[atoms] = True
    while True:  # the 2-core: atoms left once those with one bond or none are stripped, again and again
        live = pairs[core[pairs[:, 0]] & core[pairs[:, 1]]]
        degree = np.bincount(live.ravel(), minlength=n)
        strip = core & (degree <= 1)
        if not strip.any():
            break
        core &= ~strip
    terminals = np.bincount(unique_rows(contacts)[:, 0], minlength=n) if len(contacts) else np.zeros(n, int)
    connections = np.bincount(pairs.ravel(), minlength=n) + terminals
    junctions = np.bincount(part_of[atoms], weights=((connections[atoms] >= 3) & ~core[atoms]), minlength=parts)
    return (cyclomatic <= 1) & (np.minimum(cyclomatic, 1) + junctions <= 1)


def _by_part(bonds: np.ndarray, part: np.ndarray) -> dict[int, np.ndarray]:
    """The bonds (indices) of each part, grouped in one sort rather than one pass over all bonds a part."""
    order = bonds[stable_argsort(part[bonds])]
    keys = part[order]
    starts = np.flatnonzero(np.append(True, keys[1:] != keys[:-1])).tolist() if len(keys) else []
    return {int(keys[a]): order[a:b] for a, b in zip(starts, starts[1:] + [len(order)])}
