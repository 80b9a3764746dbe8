"""Periodic graphs: connected components, their cycle lattices, dimensionality and fold.

A periodic graph is given as directed arrays ``src``, ``dst``, ``offset``: node ``dst`` in the cell
translated by ``offset`` is bonded to node ``src`` in the home cell (both directions listed). Lifting
each component by breadth-first search gives every node a lattice *shift* (where its representative
sits in the unwrapped component); each edge then closes a cycle whose net translation is
``shift[src] + offset - shift[dst]``. Those translations span the component's cycle lattice L:

- dimensionality = rank of L (0 for a finite component, 3 for a framework);
- fold = index of L in the lattice points of its own subspace (its saturation): the number of
  translation-equivalent copies the component splits into in the infinite crystal.

Both are invariants: they do not depend on the cell, on node order or on which image represents a
node, since changing any of these changes L only by a unimodular transformation.

>>> import numpy as np
>>> src, dst = np.array([0, 0, 0, 0, 0, 0]), np.array([0, 0, 0, 0, 0, 0])
>>> off = np.array([[2, 0, 0], [-2, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
>>> comps = periodic_components(1, src, dst, off)
>>> comps[0].dimensionality, comps[0].fold
(3, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix, spmatrix
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import LinearOperator, cg, splu, spsolve

from topology.tables import stable_argsort, unique_rows


@dataclass(eq=False, slots=True)
class Component:
    """One connected component of a periodic graph's quotient graph."""

    nodes: np.ndarray  # node indices, ascending
    basis: np.ndarray  # (rank, 3) integer basis of the cycle lattice, Hermite normal form

    @property
    def dimensionality(self) -> int:
        return len(self.basis)

    @property
    def fold(self) -> int:
        return lattice_index(self.basis)

    @property
    def copies_per_cell(self) -> int:
        """Copies of the component that meet one unit cell: the product of the Hermite pivots.

        For a 3D net this is its fold. For a layer or chain it is a property of the cell, not of
        the net (a layer with normal (1,-1,-4) crosses a cell 4 times); it is the count that
        CrystalNets.jl (through PeriodicGraphs.jl's ``dimensionality``) prints as "n-fold".
        """
        pivots = [int(row[np.flatnonzero(row)[0]]) for row in self.basis]
        return math.prod(pivots) if pivots else 1


def lift(n: int, src: np.ndarray, dst: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Component label and lattice shift of every node, from a breadth-first spanning forest.

    The shift puts every node of a component where the spanning tree reaches it from the
    component's first node, so a finite component comes out whole.
    """
    if n == 0:
        return np.zeros(0, dtype=int), np.zeros((0, 3), dtype=int)
    if len(src) <= SEARCHED_IN_PYTHON:
        return _lift_small(n, src, dst, offset)
    adj = csr_adjacency(src, dst, n)
    n_comp, labels = connected_components(adj, directed=False)
    # one search from a virtual root, node n, joined to the first node of every component
    roots = _first_of_each(labels, n_comp)
    forest = csr_matrix((np.ones(len(src) + n_comp), np.concatenate([adj.indices, roots.astype(np.int32)]),
                         np.append(adj.indptr, adj.indptr[-1] + n_comp).astype(np.int32)), shape=(n + 1, n + 1))
    pred = breadth_first_order(forest, n, directed=True, return_predecessors=True)[1]
    # each child's step from its parent: the offset of the first edge from the parent to it
    tree_edge = np.flatnonzero(pred[dst] == src)
    first = np.full(n + 1, len(src))
    np.minimum.at(first, dst[tree_edge], tree_edge)
    step = np.zeros((n + 1, 3), dtype=np.int64)
    children = np.flatnonzero(first < len(src))
    step[children] = np.take(offset, first[children], axis=0)
    up = np.append(np.where(pred[:n] < 0, n, pred[:n]), n)
    up[roots] = n
    return labels, sums_to_root(step, up, n)[:n].astype(int)


SEARCHED_IN_PYTHON = 512
"""Directed edges up to which :func:`lift` searches in plain Python: the quotient net of a framework
has a few dozen, where building sparse matrices for scipy's searches costs more than the search (up to
about 700 edges, measured)."""


def _lift_small(n: int, src: np.ndarray, dst: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`lift` on a small graph: the same breadth-first forest (components from their first node,
    each node's neighbours in the order of its edges, a child's step the offset of the first edge from
    its parent), so the same labels and shifts."""
    edges: list[list[int]] = [[] for _ in range(n)]
    heads = dst.tolist()
    for e, u in enumerate(src.tolist()):
        edges[u].append(e)
    steps = offset.tolist()
    labels = [-1] * n
    shift: list[list[int]] = [[0, 0, 0]] * n
    count = 0
    for root in range(n):
        if labels[root] >= 0:
            continue
        labels[root] = count
        queue = [root]
        for u in queue:  # grows while it is read: breadth first
            here = shift[u]
            for e in edges[u]:
                w = heads[e]
                if labels[w] < 0:
                    labels[w] = count
                    step = steps[e]
                    shift[w] = [here[0] + step[0], here[1] + step[1], here[2] + step[2]]
                    queue.append(w)
        count += 1
    return np.array(labels, dtype=np.int32), np.array(shift, dtype=int).reshape(n, 3)


def sums_to_root(step: np.ndarray, up: np.ndarray, root: int) -> np.ndarray:
    """Each node's sum of the steps along its path up a tree to ``root`` (``up``: each node's parent,
    the root's its own; the root's step zero), by pointer jumping: as many vectorised rounds as the
    tree's depth has binary digits."""
    step, up = step.copy(), up.copy()
    while np.any(up != root):
        step += np.take(step, up, axis=0)
        up = up[up]
    return step


def csr_adjacency(rows: np.ndarray, cols: np.ndarray, n: int) -> csr_matrix:
    """An n x n 0/1 matrix in CSR form, built directly (no COO conversion: small graphs are many);
    each row's columns in the order given."""
    order = stable_argsort(rows)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int32)
    return csr_matrix((np.ones(len(rows)), cols[order].astype(np.int32), indptr), shape=(n, n))


def _first_of_each(labels: np.ndarray, n_comp: int) -> np.ndarray:
    first = np.full(n_comp, -1)
    idx = np.arange(len(labels))[::-1]
    first[labels[idx]] = idx
    return first


def periodic_components(
    n: int, src: np.ndarray, dst: np.ndarray, offset: np.ndarray
) -> list[Component]:
    """Components of a periodic graph with the basis of each cycle lattice."""
    lifted = lifted_components(n, src, dst, offset)
    return [lifted.component(c) for c in range(lifted.count)]


@dataclass(eq=False)
class Lifted:
    """Components of a periodic graph as arrays: ``labels`` and ``shift`` per node (see :func:`lift`),
    nodes grouped by component (``order``, ``bounds``), and the cycle-lattice basis of each component
    that has cycles (most components of a crystal, its guests and ligands, have none)."""

    labels: np.ndarray
    shift: np.ndarray
    order: np.ndarray
    bounds: np.ndarray
    bases: dict[int, np.ndarray]

    @property
    def count(self) -> int:
        return len(self.bounds) - 1

    def nodes(self, c: int) -> np.ndarray:
        return self.order[self.bounds[c]: self.bounds[c + 1]]

    def component(self, c: int) -> Component:
        return Component(self.nodes(c), self.bases.get(c, np.zeros((0, 3), dtype=int)))

    def restrict(self, nodes: np.ndarray) -> Lifted:
        """The components made of ``nodes`` (a union of whole components, ascending), numbered as
        if the graph had only those nodes: what lifting that subgraph would give, without a search."""
        if len(nodes) == 0:
            return Lifted(np.zeros(0, int), np.zeros((0, 3), int), np.zeros(0, int), np.zeros(1, int), {})
        present = np.zeros(self.count, dtype=bool)
        present[self.labels[nodes]] = True
        new_id = np.cumsum(present) - 1
        labels = new_id[self.labels[nodes]]
        order = stable_argsort(labels)
        bounds = np.concatenate([[0], np.cumsum(np.bincount(labels, minlength=int(new_id[-1]) + 1))])
        bases = {int(new_id[c]): b for c, b in self.bases.items() if present[c]}
        return Lifted(labels, np.take(self.shift, nodes, axis=0), order, bounds, bases)


def lifted_components(n: int, src: np.ndarray, dst: np.ndarray, offset: np.ndarray) -> Lifted:
    """Label, shift and component of every node, and each component's cycle lattice."""
    labels, shift = lift(n, src, dst, offset)
    count = int(labels.max()) + 1 if n else 0
    cycles = np.take(shift, src, axis=0) + offset - np.take(shift, dst, axis=0)
    nonzero = (cycles[:, 0] != 0) | (cycles[:, 1] != 0) | (cycles[:, 2] != 0)
    # distinct nonzero cycle vectors of each component, grouped by one sort
    rows = unique_rows(np.column_stack([labels[src][nonzero], np.compress(nonzero, cycles, axis=0)]))
    starts = np.searchsorted(rows[:, 0], np.arange(count + 1))
    bases = {int(c): hermite_basis(rows[starts[c]: starts[c + 1], 1:]) for c in np.unique(rows[:, 0])}
    order = stable_argsort(labels)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(labels, minlength=count))]) if n else np.zeros(1, int)
    return Lifted(labels, shift, order, bounds, bases)


def hermite_basis(vectors: np.ndarray) -> np.ndarray:
    """Row Hermite normal form (nonzero rows) of the lattice spanned by integer ``vectors`` (rows of any
    width; three for a crystal's cycles)."""
    width = np.shape(vectors)[1] if np.ndim(vectors) == 2 else 3
    rows = [[int(x) for x in v] for v in vectors if any(v)]
    basis: list[list[int]] = []
    col = 0
    while rows and col < width:
        rows = [r for r in rows if any(r)]
        pivots = [r for r in rows if r[col] != 0]
        if not pivots:
            col += 1
            continue
        # Euclid on the column: reduce until a single row has a nonzero entry in it
        while len(pivots) > 1:
            pivots.sort(key=lambda r: abs(r[col]))
            p = pivots[0]
            for r in pivots[1:]:
                q = r[col] // p[col]
                for k in range(width):
                    r[k] -= q * p[k]
            pivots = [r for r in pivots if r[col] != 0]
        p = pivots[0]
        if p[col] < 0:
            p[:] = [-x for x in p]
        basis.append(p)
        rows = [r for r in rows if r is not p]
        col += 1
    for i, p in enumerate(basis):  # reduce entries above each pivot
        c = next(k for k in range(width) if p[k])
        for q in basis[:i]:
            f = q[c] // p[c]
            for k in range(width):
                q[k] -= f * p[k]
    return np.array(basis, dtype=int).reshape(-1, width)


def lattice_index(basis: np.ndarray) -> int:
    """Index of a lattice in its saturation: gcd of the maximal minors of its basis (1 if rank 0)."""
    r = len(basis)
    if r == 0:
        return 1
    g = 0
    for cols in combinations(range(3), r):
        g = math.gcd(g, abs(round(np.linalg.det(basis[:, cols].astype(float)))))
    return max(g, 1)


def plane_normal(basis: np.ndarray) -> tuple[int, int, int] | None:
    """Primitive integer normal (up to sign) of a rank-2 lattice, to tell stacked from inclined layers."""
    if len(basis) != 2:
        return None
    n = np.cross(basis[0], basis[1])
    g = math.gcd(*[abs(int(x)) for x in n])
    n = n // g
    first = next(x for x in n if x)
    return tuple(int(x) for x in (n if first > 0 else -n))  # type: ignore[return-value]


def direction(basis: np.ndarray) -> tuple[int, int, int] | None:
    """Primitive direction (up to sign) of a rank-1 lattice."""
    if len(basis) != 1:
        return None
    v = basis[0]
    g = math.gcd(*[abs(int(x)) for x in v])
    v = v // g
    first = next(x for x in v if x)
    return tuple(int(x) for x in (v if first > 0 else -v))  # type: ignore[return-value]


DIRECT_SOLVE = 2000
"""Vertices up to which a placement is solved directly (sparse LU)."""


def solve_laplacian(lap: spmatrix, rhs: np.ndarray) -> np.ndarray:
    """Solve ``lap @ x = rhs`` (columns) for a grounded graph Laplacian, symmetric positive definite:
    the barycentric placement of a net. A sparse LU (no BLAS threads to wait on; the symmetric
    pattern ordered by minimum degree and pivots on the diagonal, as the matrix allows) up to
    :data:`DIRECT_SOLVE` vertices; beyond, conjugate gradients with a Jacobi preconditioner, which cost
    about the edges times the iterations where an LU of a net with random, far-reaching edges fills in
    to the square of its vertices (LU again should they not converge)."""
    n = lap.shape[0]
    if n <= DIRECT_SOLVE:
        factor = splu(csc_matrix(lap), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                      options={"SymmetricMode": True})
        return factor.solve(np.asarray(rhs, dtype=float)).reshape(rhs.shape)
    lap = csr_matrix(lap)
    scale = 1.0 / lap.diagonal()
    jacobi = LinearOperator(lap.shape, matvec=lambda v: scale * v.ravel(), dtype=float)
    out = np.empty_like(rhs, dtype=float)
    for k in range(rhs.shape[1]):
        x, info = cg(lap, rhs[:, k], rtol=1e-14, atol=0.0, maxiter=max(1000, 2 * n), M=jacobi)
        out[:, k] = x if info == 0 else spsolve(lap.tocsc(), rhs[:, k])
    return out


def column_hermite(m: np.ndarray) -> np.ndarray:
    """Column-style Hermite normal form ``m @ U`` (U unimodular) of an integer matrix of full column
    rank: the same for ``m`` and ``m @ V`` for any unimodular V, so shifts written this way do not
    depend on the lattice basis they were given in.

    The column operations are decided row by row from the top until every column has its pivot; they
    are gathered in U (as small as the matrix is wide), and the whole matrix is multiplied once.

    >>> column_hermite(np.array([[2, 0], [1, 1], [0, 3]], dtype=object)).tolist()
    [[2, 0], [0, 1], [-3, 3]]
    """
    try:  # most matrices fit in 64 bits: then read and multiplied as such
        ints = np.asarray(m, dtype=np.int64)
    except OverflowError:
        ints = None
    rows, cols = len(m), (len(m[0]) if len(m) else 0)
    u = [[int(i == j) for j in range(cols)] for i in range(cols)]

    def add(row: list[int], j: int, c: int, q: int) -> None:  # column j -= q * column c
        row[j] -= q * row[c]
        for line in u:
            line[j] -= q * line[c]

    c = 0
    for r in np.flatnonzero((np.asarray(m) != 0).any(axis=1)).tolist():  # zero rows decide nothing
        if c == cols:
            break
        given = list(map(int, m[r].tolist()))  # read row by row: the pivots are most often in the first few
        row = [sum(x * line[j] for x, line in zip(given, u)) for j in range(cols)]  # row r as it now stands
        # Euclid across columns c.. on row r until a single nonzero entry is left, at column c
        while True:
            nz = [j for j in range(c, cols) if row[j] != 0]
            if not nz:
                break
            p = min(nz, key=lambda j: abs(row[j]))
            if p != c:
                row[p], row[c] = row[c], row[p]
                for line in u:
                    line[p], line[c] = line[c], line[p]
            for j in range(c + 1, cols):
                if row[j]:
                    add(row, j, c, row[j] // row[c])
            if all(row[j] == 0 for j in range(c + 1, cols)):
                break
        if all(row[j] == 0 for j in range(c, cols)):
            continue
        if row[c] < 0:
            row[c] = -row[c]
            for line in u:
                line[c] = -line[c]
        for j in range(c):  # reduce the entries left of the pivot into [0, pivot)
            if q := row[j] // row[c]:
                add(row, j, c, q)
        c += 1
    unimodular = np.array(u, dtype=object).reshape(cols, cols)
    if ints is not None and rows and cols:
        largest = max(map(abs, unimodular.ravel().tolist())) * int(np.abs(ints).max())
        if largest * cols < 2**62:  # the product fits in 64 bits: one integer matrix product
            return (ints.reshape(rows, cols) @ unimodular.astype(np.int64)).astype(object)
    return np.array([list(map(int, row)) for row in m.tolist()], dtype=object).reshape(rows, cols).dot(unimodular)
