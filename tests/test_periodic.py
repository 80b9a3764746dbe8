"""Cycle lattices, dimensionality and fold on ideal nets, and their invariance."""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from topology import analyze_file
from topology.net.periodic import hermite_basis, lattice_index, periodic_components
from topology.net.quotient import PeriodicNet
from topology.pipeline import analyze_net, summarize
from topology.verdict import classify

IDEAL = Path(__file__).parent / "data" / "ideal"


def nets_of(report) -> list[tuple[int, int, tuple[int, ...]]]:
    return sorted((n.dimensionality, n.fold, n.node_degrees) for n in report.nets)


@pytest.mark.parametrize(
    ("name", "dim", "n_vertices", "degree"),
    [("sql", 2, 1, 4), ("hcb", 2, 2, 3), ("pcu", 3, 1, 6), ("dia", 3, 8, 4)],
)
def test_ideal_nets(name: str, dim: int, n_vertices: int, degree: int) -> None:
    report = analyze_file(IDEAL / f"{name}.cgd")
    assert [(n.dimensionality, n.fold, len(n.vertices), n.node_degrees) for n in report.nets] == [
        (dim, 1, n_vertices, (degree,))
    ]
    assert report.classification == ("non-interpenetrated" if dim == 3 else "2D layers")


def supercell(net: PeriodicNet, m: np.ndarray) -> PeriodicNet:
    """The same net described in the supercell whose axes are the rows of the integer matrix ``m``."""
    m = np.asarray(m, dtype=int)
    inv = np.linalg.inv(m)
    det = round(abs(np.linalg.det(m)))
    # lattice points of the old lattice inside the new cell
    span = np.abs(m).sum(axis=0).max()
    grid = np.stack(np.meshgrid(*[np.arange(-span, span + 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    frac_new = grid @ inv
    inside = np.all((frac_new > -1e-9) & (frac_new < 1 - 1e-9), axis=1)
    points = grid[inside]
    assert len(points) == det
    out = PeriodicNet.empty(net.cell)
    index = {}
    for t_i, t in enumerate(points):
        for v in range(net.graph.number_of_nodes()):
            index[(v, t_i)] = out.add_vertex("node", (net.graph.nodes[v]["frac"] + t) @ inv)
    lookup = {tuple(p): k for k, p in enumerate(points)}
    for t_i, t in enumerate(points):
        for u, v, off, _ in net.edges():
            target = t + np.array(off)  # old-lattice image of v
            new = np.floor(target @ inv + 1e-9).astype(int)
            rest = np.round(target - new @ m).astype(int)
            out.add_edge(index[(u, t_i)], index[(v, lookup[tuple(rest)])], new)
    return out


def test_pcu_in_a_supercell_is_still_one_net_of_fold_1() -> None:
    pcu = analyze_file(IDEAL / "pcu.cgd").net
    big = supercell(pcu, np.diag([2, 2, 2]))
    assert big.graph.number_of_nodes() == 8
    assert [(n.dimensionality, n.fold, len(n.vertices)) for n in summarize(big)] == [(3, 1, 8)]


def test_two_fold_pcu_is_degree_2_however_written() -> None:
    conventional = analyze_file(IDEAL / "pcu-2fold-conventional.cgd")
    primitive = analyze_file(IDEAL / "pcu-2fold-primitive.cgd")
    assert nets_of(conventional) == [(3, 1, (6,)), (3, 1, (6,))]
    assert nets_of(primitive) == [(3, 2, (6,))]
    skewed = analyze_net(supercell(primitive.net, np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]])), "skewed")
    for report in (conventional, primitive, skewed):
        assert report.interpenetration_degree == 2
        assert report.classification == "3D-3D interpenetrated"


def test_sql_threaded_by_pcu_is_2d_3d() -> None:
    report = analyze_file(IDEAL / "sql-pcu-threaded.cgd")
    assert nets_of(report) == [(2, 1, (4,)), (3, 1, (6,))]
    assert report.classification == "2D-3D interpenetrating"
    assert report.interpenetration_degree == 1


def shuffled(net: PeriodicNet, rng: np.random.Generator) -> PeriodicNet:
    """The same net with vertices renumbered and each represented by a random lattice image."""
    n = net.graph.number_of_nodes()
    perm = rng.permutation(n)
    moves = rng.integers(-3, 4, size=(n, 3))
    out = PeriodicNet.empty(net.cell)
    inverse = np.argsort(perm)
    for new in range(n):
        old = inverse[new]
        out.add_vertex("node", net.graph.nodes[old]["frac"] + moves[old])
    edges = net.edges()
    for k in rng.permutation(len(edges)):
        u, v, off, _ = edges[k]
        off = np.array(off) + moves[u] - moves[v]
        if rng.random() < 0.5:
            out.add_edge(perm[u], perm[v], off)
        else:
            out.add_edge(perm[v], perm[u], -off)
    return out


@pytest.mark.parametrize("name", ["dia", "sql-pcu-threaded", "pcu-2fold-conventional", "hcb"])
def test_invariant_under_vertex_order_and_lattice_representatives(name: str) -> None:
    net = analyze_file(IDEAL / f"{name}.cgd").net
    expected = sorted((n.dimensionality, n.fold, n.node_degrees, len(n.vertices)) for n in summarize(net))
    rng = np.random.default_rng(7)
    for _ in range(20):
        got = sorted((n.dimensionality, n.fold, n.node_degrees, len(n.vertices)) for n in summarize(shuffled(net, rng)))
        assert got == expected


def test_invariant_under_a_change_of_cell() -> None:
    dia = analyze_file(IDEAL / "dia.cgd").net
    for m in ([[1, 0, 0], [1, 1, 0], [0, 0, 1]], [[2, 0, 0], [0, 1, 0], [0, 0, 1]], [[0, 1, 1], [1, 0, 1], [1, 1, 0]]):
        report = summarize(supercell(dia, np.array(m)))
        assert [(n.dimensionality, n.fold, n.node_degrees) for n in report] == [(3, 1, (4,))]


def test_copies_per_cell_of_a_layer_depend_on_the_cell_its_fold_does_not() -> None:
    """In a cell where old a = 2a' + c', the sql layer crosses each cell twice: CrystalNets would call
    it "2-fold", yet it is one layer of fold 1. For 3D nets the two counts are the same."""
    sql = analyze_file(IDEAL / "sql.cgd").net
    m = np.array([[1, 0, -1], [0, 1, 0], [-1, 0, 2]])  # unimodular: inverse [[2, 0, 1], [0, 1, 0], [1, 0, 1]]
    (layer,) = summarize(supercell(sql, m))
    assert (layer.dimensionality, layer.fold, layer.orientation, layer.copies_per_cell) == (2, 1, (1, 0, -2), 2)
    (upright,) = summarize(sql)
    assert (upright.orientation, upright.copies_per_cell) == ((0, 0, 1), 1)
    (pcu2,) = analyze_file(IDEAL / "pcu-2fold-primitive.cgd").nets
    assert pcu2.copies_per_cell == pcu2.fold == 2


def test_fold_is_the_index_of_the_cycle_lattice() -> None:
    assert lattice_index(hermite_basis(np.array([[2, 0, 0], [0, 1, 0], [0, 0, 1]]))) == 2
    assert lattice_index(hermite_basis(np.array([[1, 1, 0], [1, -1, 0], [0, 0, 1]]))) == 2
    assert lattice_index(hermite_basis(np.array([[3, 0, 0], [0, 1, 0]]))) == 3  # a 2D layer of fold 3
    assert lattice_index(hermite_basis(np.array([[3, 0, 0], [0, 3, 0]]))) == 9
    assert lattice_index(hermite_basis(np.array([[2, 2, 0]]))) == 2
    # the basis spans the lattice of the vectors: same index as the gcd of their 3x3 minors,
    # and every vector is an integer combination of the basis
    vectors = np.array([[4, 6, 0], [6, 4, 2], [0, 2, 2], [2, 1, 0]])
    basis = hermite_basis(vectors)
    minors = [round(abs(np.linalg.det(vectors[list(rows)]))) for rows in combinations(range(4), 3)]
    assert round(abs(np.linalg.det(basis))) == math.gcd(*minors) == 4
    coefficients = np.linalg.solve(basis.T.astype(float), vectors.T)
    assert np.allclose(coefficients, np.round(coefficients))


def test_components_of_a_finite_graph_are_0d() -> None:
    src, dst = np.array([0, 1]), np.array([1, 0])
    off = np.array([[0, 0, 0], [0, 0, 0]])
    (comp,) = periodic_components(2, src, dst, off)
    assert (comp.dimensionality, comp.fold) == (0, 1)


def test_classification_rules() -> None:
    from topology.entanglement.entangle import Entanglement
    from topology.report import NetSummary

    def net(k: int, dim: int, fold: int = 1, orientation=None) -> NetSummary:
        return NetSummary(k, dim, fold, (k,), (4,), orientation)

    def link(i: int, j: int, kind: str = "polycatenation") -> list[Entanglement]:
        return [Entanglement((i, j), 1 if kind != "polythreading" else 0, 1, kind)]

    layer, other = net(1, 2, 1, (0, 0, 1)), net(1, 2, 1, (1, 0, 0))
    assert classify([net(0, 3)], []) == "non-interpenetrated"
    assert classify([net(0, 3), net(1, 3)], link(0, 1, "interpenetration")) == "3D-3D interpenetrated"
    assert classify([net(0, 3), net(1, 3)], []) == "3D nets side by side"  # nothing found, nothing claimed
    assert classify([net(0, 3, 2)], link(0, 0, "interpenetration")) == "3D-3D interpenetrated"
    assert classify([net(0, 3), layer], link(0, 1)) == "2D-3D interpenetrating"
    assert classify([net(0, 3), layer], []) == "3D net beside 2D layers"
    assert classify([net(0, 3), net(1, 1, 1, (0, 0, 1))], link(0, 1, "polythreading")) == "1D-3D interpenetrating"
    assert classify([net(0, 3), net(1, 1, 1, (0, 0, 1))], []) == "3D net beside 1D chains"
    assert classify([net(0, 2, 1, (0, 0, 1)), layer], []) == "2D layers"
    assert classify([net(0, 2, 1, (0, 0, 1)), layer], link(0, 1)) == "2D-2D parallel polycatenation"
    assert classify([net(0, 2, 1, (0, 0, 1)), other], link(0, 1)) == "2D-2D inclined polycatenation"
    assert classify([net(0, 2, 2, (0, 0, 1))], link(0, 0, "interpenetration")) == "2D-2D interpenetrated"
    assert classify([net(0, 2, 1, (0, 0, 1)), net(1, 1, 1, (1, 0, 0))], link(0, 1, "polythreading")) == \
        "1D-2D polythreading"
    assert classify([net(0, 1, 1, (1, 0, 0))], []) == "1D chains"
    assert classify([net(0, 0)], []) == "0D discrete"


def test_index_agrees_with_the_gcd_of_minors_on_random_lattices() -> None:
    """Independent check: the index of a lattice in its saturation is the gcd of the r x r minors
    of any generating set (r = rank), whichever vectors generate it."""
    rng = np.random.default_rng(11)
    for rank in (1, 2, 3):
        for _ in range(40):
            generators = rng.integers(-4, 5, size=(rank, 3))
            if np.linalg.matrix_rank(generators) < rank:
                continue
            mix = rng.integers(-3, 4, size=(5, rank))
            vectors = np.vstack([mix @ generators, generators * rng.integers(1, 3)])
            basis = hermite_basis(vectors)
            assert len(basis) == np.linalg.matrix_rank(vectors)
            minors = [round(abs(np.linalg.det(vectors[list(r)][:, list(c)].astype(float))))
                      for r in combinations(range(len(vectors)), rank) for c in combinations(range(3), rank)]
            assert lattice_index(basis) == math.gcd(*minors)


@pytest.mark.parametrize("seed", range(5))
def test_the_graph_lists_the_edges_in_the_order_of_the_nets_arrays(seed: int) -> None:
    """The net is kept as arrays and its networkx graph built when asked for; the reports, the exports
    and the app pair the two edge by edge, after edges are removed and added again too."""
    import gemmi

    rng = np.random.default_rng(seed)
    net = PeriodicNet.empty(gemmi.UnitCell(10, 10, 10, 90, 90, 90))
    net.add_vertices(["node"] * 8, rng.random((8, 3)), [f"C{k}" for k in range(8)], [[k] for k in range(8)])
    for _ in range(6):
        count = int(rng.integers(1, 12))
        u, v = rng.integers(0, 8, count), rng.integers(0, 8, count)
        net.add_edges(u, v, rng.integers(-1, 2, (count, 3)), [f"L{k}" for k in range(count)], rng.random(count),
                      [()] * count)
        net.remove_edges_at(int(rng.integers(0, 8)))
        net.move_vertex(int(rng.integers(0, 8)), rng.random(3), np.array([99]))
    src, dst, off = net.directed_arrays()
    once = len(src) // 2
    listed = [(u, v, tuple(o), d["linker"]) for u, v, o, d in net.edges()]
    assert listed == [(int(a), int(b), tuple(map(int, c)), lk)
                      for a, b, c, lk in zip(src[:once], dst[:once], off[:once], net.edge_linkers())]
    assert [net.graph.nodes[v]["atoms"].tolist() for v in range(8)] == [a.tolist() for a in net.vertex_atoms]
    assert np.allclose([net.graph.nodes[v]["frac"] for v in range(8)], net.frac())


@pytest.mark.parametrize("seed", range(4))
def test_small_graphs_are_lifted_as_the_sparse_search_lifts_them(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain-Python search of small graphs gives the labels and shifts of scipy's, multi-edges,
    loops and several components included."""
    from topology.net import periodic

    rng = np.random.default_rng(seed)
    for _ in range(200):
        n, m = int(rng.integers(1, 30)), int(rng.integers(0, 50))
        s, d, o = rng.integers(0, n, m), rng.integers(0, n, m), rng.integers(-2, 3, (m, 3))
        s[: m // 4] = d[: m // 4]  # loops
        src, dst, off = np.concatenate([s, d]), np.concatenate([d, s]), np.concatenate([o, -o])
        order = rng.permutation(len(src))
        src, dst, off = src[order], dst[order], off[order]
        small = periodic.lift(n, src, dst, off)
        monkeypatch.setattr(periodic, "SEARCHED_IN_PYTHON", -1)
        sparse = periodic.lift(n, src, dst, off)
        monkeypatch.undo()
        assert small[0].tolist() == sparse[0].tolist() and small[1].tolist() == sparse[1].tolist()


@pytest.mark.parametrize("width", [2, 3])
def test_hermite_rows_agree_with_the_column_form_of_the_transpose(width: int) -> None:
    """The two Hermite forms the engine writes (rows of a lattice's generators, and the key's column
    form) give one basis for a lattice of full rank, in the plane as in space."""
    from topology.net.periodic import column_hermite

    rng = np.random.default_rng(width)
    for _ in range(300):
        den = int(rng.choice([1, 2, 3, 4, 6, 12]))
        gens = np.vstack([np.eye(width, dtype=np.int64) * den, rng.integers(-den, den + 1, (int(rng.integers(1, 4)), width))])
        by_columns = column_hermite(gens.T.astype(object))[:, :width].T.astype(np.int64)
        assert hermite_basis(gens).tolist() == by_columns.tolist()
