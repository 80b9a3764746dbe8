"""Naming nets: canonical keys invariant under every change of description, RCSR names, point symbols."""

from __future__ import annotations

import json
import random
from pathlib import Path

import gemmi
import numpy as np
import pytest

from topology import analyze_file
from topology.naming import archive
from topology.naming.archive import arc_entries, lookup, systre_key_graph
from topology.naming.canonical import canonical_form
from topology.naming.graph import PeriodicGraph, simplify
from topology.naming.identify import Namer, identify, invariants
from topology.naming.invariants import coordination_sequence
from topology.net.periodic import column_hermite
from topology.net.quotient import PeriodicNet
from topology.pipeline import summarize

ENTRIES = dict(arc_entries())
COMMON = ["pcu", "dia", "sql", "hcb", "kgm", "hxl", "fes", "bex", "tbo", "fcu", "bcu", "sod", "nbo", "pts", "srs",
          "ths", "lvt", "acs", "qtz", "cds", "mtn-e", "moo", "pto", "bpq", "stp", "soc", "ftw", "rht", "nia", "lon"]
SAMPLE = COMMON + random.Random(7).sample(sorted(ENTRIES), 60)


def relabel(g: PeriodicGraph, rng: random.Random) -> PeriodicGraph:
    """Random vertex order and random lattice representative of every vertex."""
    perm = list(range(g.n))
    rng.shuffle(perm)
    rep = np.array([[rng.randint(-2, 2) for _ in range(g.dim)] for _ in range(g.n)])
    edges = [(perm[u], perm[v], tuple(np.array(s) + rep[v] - rep[u]))
             for u, v, s in zip(g.src.tolist(), g.dst.tolist(), g.shift.tolist())]
    rng.shuffle(edges)
    return PeriodicGraph.from_edges(g.dim, edges, n=g.n)


def rebase(g: PeriodicGraph, rng: random.Random) -> PeriodicGraph:
    """The same net in another lattice basis (a random unimodular change of basis)."""
    u = np.eye(g.dim, dtype=int)
    for _ in range(4):
        i, j = rng.sample(range(g.dim), 2)
        e = np.eye(g.dim, dtype=int)
        e[i, j] = rng.choice([-1, 1])
        u = u @ e
    return PeriodicGraph(g.n, g.dim, g.src, g.dst, g.shift @ u)


def supercell(g: PeriodicGraph, size: tuple[int, ...]) -> PeriodicGraph:
    """The net described in a supercell of its lattice (size along each axis)."""
    cells = list(np.ndindex(*size))
    index = {c: k for k, c in enumerate(cells)}
    size_a = np.array(size)
    edges = []
    for u, v, s in zip(g.src.tolist(), g.dst.tolist(), g.shift.tolist()):
        for c in cells:
            end = np.array(c) + s
            edges.append((index[c] * g.n + u, index[tuple(end % size_a)] * g.n + v, tuple(end // size_a)))
    return PeriodicGraph.from_edges(g.dim, edges, n=g.n * len(cells))


@pytest.mark.parametrize("name", SAMPLE)
def test_archive_net_keeps_its_name_under_any_description(name):
    g = ENTRIES[name]
    rng = random.Random(name)
    form = canonical_form(g)
    assert form.stable and lookup(form.digest) == name
    for changed in (relabel(g, rng), rebase(relabel(g, rng), rng)):
        assert canonical_form(changed).key == form.key


@pytest.mark.parametrize("name", SAMPLE[::3])
def test_stored_invariants_are_those_worked_out_under_any_description(name):
    g = ENTRIES[name]
    stored = archive.invariants(canonical_form(g).digest)
    assert stored is not None and stored[0]
    for changed in (g, relabel(g, random.Random(name)), rebase(relabel(g, random.Random(name)), random.Random(1))):
        point, seqs, td10, notes = invariants(canonical_form(changed))
        assert (point, seqs, td10) == stored and not notes


@pytest.mark.parametrize("name", COMMON[:12])
@pytest.mark.parametrize("size", [(2, 1, 1), (2, 2, 1), (2, 2, 2)])
def test_supercells_reduce_to_the_net(name, size):
    g = ENTRIES[name]
    big = relabel(supercell(g, size[:g.dim]), random.Random(1))
    assert lookup(canonical_form(big).digest) == name


def as_crystal_net(g: PeriodicGraph, fold_matrix: np.ndarray) -> PeriodicNet:
    """A crystal's net in which ``g`` sits on the sublattice ``fold_matrix`` of the cell: a k-fold overlay
    (k = |det|) when the net's lattice is not the whole cell's."""
    net = PeriodicNet.empty(gemmi.UnitCell(10, 10, 10, 90, 90, 90))
    for v in range(g.n):
        net.add_vertex("node", (0.1 * v % 1, 0.37 * v % 1, 0.61 * v % 1))
    shift3 = np.zeros((len(g.shift), 3), dtype=int)
    shift3[:, :g.dim] = g.shift
    for u, v, s in zip(g.src.tolist(), g.dst.tolist(), (shift3 @ fold_matrix).tolist()):
        net.add_edge(u, v, s)
    return net


@pytest.mark.parametrize("name", ["pcu", "dia", "srs", "sql", "hcb"])
def test_k_fold_overlays_keep_the_name(name):
    g = ENTRIES[name]
    for matrix, fold in ((np.diag([2, 1, 1]), 2), (np.array([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]), 2),
                         (np.diag([3, 1, 1]), 3)):
        nets = summarize(as_crystal_net(g, matrix))
        assert len(nets) == 1
        assert nets[0].fold == fold and nets[0].topology == name


def test_unknown_net_keeps_one_key_under_every_change():
    # pcu with one face diagonal added: a 8-connected net that RCSR does not list
    g = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0)), (0, 0, (0, 0, 1)), (0, 1, (0, 0, 0)),
                                     (1, 1, (1, 0, 0)), (1, 1, (0, 1, 0)), (1, 1, (0, 0, 1)), (1, 0, (1, 1, 0))])
    form = canonical_form(g)
    assert form.stable and lookup(form.digest) is None
    rng = random.Random(3)
    for changed in (relabel(g, rng), rebase(g, rng), supercell(g, (2, 1, 1)), supercell(g, (1, 2, 2))):
        assert canonical_form(changed).key == form.key
    assert identify(g).topology is None and identify(g).key == form.key


def test_a_net_met_twice_in_one_analysis_is_named_once(monkeypatch):
    named = []
    monkeypatch.setattr("topology.naming.identify.identify", lambda g, **kw: named.append(g) or identify(g, **kw))
    namer = Namer()
    first, again, other = namer(ENTRIES["dia"]), namer(relabel(ENTRIES["dia"], random.Random(0))), namer(ENTRIES["dia"])
    assert len(named) == 2 and other is first
    assert first.topology == again.topology == "dia"


def test_an_unknown_net_described_twice_has_its_invariants_worked_out_once(monkeypatch):
    # pcu with one face diagonal added: a net no archive holds
    g = PeriodicGraph.from_edges(3, [(0, 0, (1, 0, 0)), (0, 0, (0, 1, 0)), (0, 0, (0, 0, 1)), (0, 1, (0, 0, 0)),
                                     (1, 1, (1, 0, 0)), (1, 1, (0, 1, 0)), (1, 1, (0, 0, 1)), (1, 0, (1, 1, 0))])
    worked = []
    monkeypatch.setattr("topology.naming.identify.invariants", lambda form: worked.append(form) or invariants(form))
    namer = Namer()
    first, again = namer(g), namer(relabel(g, random.Random(5)))
    assert len(worked) == 1 and first.topology is None
    assert (again.key, again.point_symbol, again.coordination_sequences) == (first.key, first.point_symbol,
                                                                            first.coordination_sequences)


def test_different_nets_get_different_keys():
    keys = {canonical_form(ENTRIES[name]).key for name in SAMPLE}
    assert len(keys) == len(set(SAMPLE))


def test_systre_key_reads_as_its_net():
    g = systre_key_graph(["3", "1", "2", "0", "0", "0", "1", "2", "1", "0", "0", "1", "2", "0", "1", "0", "1", "2", "0", "0", "1"])
    assert (g.n, g.dim, len(g.src)) == (2, 3, 4)
    assert lookup(canonical_form(g).digest) == "dia"


def test_point_symbols_and_coordination_sequences_of_known_nets():
    # values as RCSR and ToposPro list them
    expected = {"pcu": ("{4^12.6^3}", [6, 18, 38, 66, 102], 1561), "dia": ("{6^6}", [4, 12, 24, 42, 64], 981),
                "sql": ("{4^4.6^2}", [4, 8, 12, 16, 20], 221), "hcb": ("{6^3}", [3, 6, 9, 12, 15], 166),
                "fcu": ("{3^24.4^36.5^6}", [12, 42, 92, 162, 252], 3871), "sod": ("{4^2.6^4}", [4, 10, 20, 34, 52], 791)}
    for name, (symbol, cs, td10) in expected.items():
        ident = identify(ENTRIES[name])
        assert ident.topology == name
        assert ident.point_symbol == symbol
        assert list(ident.coordination_sequences[0][:5]) == cs
        assert ident.td10 == (td10,)


def test_two_kinds_of_vertex_in_tbo():
    ident = identify(ENTRIES["tbo"])
    assert len(ident.coordination_sequences) == 2
    assert [cs[0] for cs in ident.coordination_sequences] == [4, 3]
    assert ident.point_symbol.count("{") == 2


def test_two_connected_vertices_contract_into_edges():
    # sql with a 2-connected vertex in the middle of every edge (a metal with two linkers)
    decorated = PeriodicGraph.from_edges(2, [(0, 1, (0, 0)), (1, 0, (1, 0)), (0, 2, (0, 0)), (2, 0, (0, 1))])
    assert identify(decorated).topology == "sql"
    assert identify(decorated, simplified=False).topology is None
    assert simplify(decorated).n == 1


def test_coordination_sequence_counts_shells():
    pcu = ENTRIES["pcu"]
    assert coordination_sequence(pcu.adjacency(), 0, 3) == [6, 18, 38]


def test_column_hermite_does_not_depend_on_the_basis():
    rng = np.random.default_rng(0)
    m = rng.integers(-3, 4, size=(8, 3))
    u = np.array([[1, 2, 0], [0, 1, 0], [1, 1, 1]])  # unimodular
    assert round(abs(np.linalg.det(u))) == 1
    assert column_hermite(m.astype(object)).tolist() == column_hermite((m @ u).astype(object)).tolist()


PEERS = Path(__file__).parent / "data" / "crystalnets"
EXPECTED = {k: v for k, v in json.loads((PEERS / "expected.json").read_text()).items() if not k.startswith("_")}
NAMED = sorted(k for k, v in EXPECTED.items() if v["nets"] and all(n["SingleNodes"] for n in v["nets"]))


@pytest.mark.parametrize("name", NAMED)
def test_peer_mofs_get_crystalnets_names(name):
    report = analyze_file(PEERS / name)
    got = sorted(n.topology for n in report.nets if n.dimensionality >= 2)
    assert got == sorted(n["SingleNodes"] for n in EXPECTED[name]["nets"])


@pytest.mark.parametrize(("model", "names"), [("SC-1", ["pcu", "sql", "sql"]), ("SC-2-0.8", ["pcu", "pcu"]),
                                              ("SC-2-0.5", ["pcu", "pcu"]), ("SC-3", ["pcu"])])
def test_sc_models_are_named_as_the_paper_describes_them(model, names):
    report = analyze_file(Path(__file__).parent.parent / "assets" / "structures" / f"{model}.cif")
    assert [n.topology for n in report.nets if n.dimensionality >= 2] == names


@pytest.mark.parametrize(("name", "net"), [("diamond.cif", "dia"), ("quartz.cif", "qtz")])
def test_all_node_structures_are_named_after_simplification(name, net):
    report = analyze_file(Path(__file__).parent / "data" / "minerals" / name)
    (framework,) = [n for n in report.nets if n.dimensionality == 3]
    assert framework.topology == net
    assert report.to_dict()["nets"][0]["topology"] == net


MINERALS = Path(__file__).parent / "data" / "minerals"


@pytest.mark.parametrize(("code", "name", "source"), [("EMT", "emt", "RCSR (CrystalNets.jl)"),
                                                       ("RRO", "RRO", "IZA zeolites (CrystalNets.jl)"),
                                                       ("-CLO", "-CLO", "IZA zeolites (CrystalNets.jl)")])
def test_zeolite_codes_systre_lacks_are_named_from_crystalnets_archives(code: str, name: str, source: str) -> None:
    """EMT, RRO and -CLO are in CrystalNets.jl's zeolite archive but not in Systre's RCSR list: described
    in another vertex order and another basis, each is still found, and said to come from the archive
    that named it. EMT's net is in CrystalNets.jl's newer RCSR list as emt, and RCSR comes first."""
    zeolites = dict(arc_entries("IZA zeolites (CrystalNets.jl)"))
    rng = random.Random(code)
    named = identify(rebase(relabel(zeolites[code], rng), rng), simplified=False)
    assert (named.topology, named.archive) == (name, source)
    assert code.lower() not in ENTRIES and code not in ENTRIES


@pytest.mark.parametrize(("name", "topology", "archive"), [("crystalnets_RRO.cif", "RRO", "IZA zeolites (CrystalNets.jl)"),
                                                           ("crystalnets_ABW.cif", "sra", "RCSR")])
def test_zeolite_crystals_named_rcsr_first(name: str, topology: str, archive: str) -> None:
    """IZA's SiO2 models as CrystalNets.jl's test suite has them: it names ABW "sra, ABW" and RRO "RRO".
    RCSR comes first, so ABW keeps its RCSR symbol; RRO, which RCSR lacks, is named by its code."""
    report = analyze_file(MINERALS / name)
    (net,) = [n for n in report.nets if n.dimensionality == 3]
    assert (net.topology, net.archive) == (topology, archive)
    assert report.to_dict()["nets"][0]["archive"] == archive


def test_star_ranks_are_those_of_the_singular_values() -> None:
    """The rank of each vertex's star (it chooses the class the canonical search starts from): flat
    and full stars, long and short edges, as numpy's ``matrix_rank`` with the same tolerance."""
    from topology.naming.frames import _star_ranks

    rng = np.random.default_rng(7)
    for d in (2, 3):
        for k in (2, 3, 4, 6, 12):
            stars = rng.normal(size=(200, k, d)) * rng.choice([1e-3, 1e-1, 1, 5], size=(200, 1, 1))
            flat = rng.random(200) < 0.3
            stars[flat, :, -1] = 0
            stars[flat] = stars[flat] @ np.linalg.qr(rng.normal(size=(d, d)))[0]  # flat, turned off the axes
            assert (_star_ranks(stars) == np.linalg.matrix_rank(stars, tol=1e-9)).all()


@pytest.mark.parametrize("seed", range(3))
def test_a_few_edges_are_put_in_standard_form_as_many_are(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short edge lists are standardised in plain Python: the same graph as the array path gives,
    with reversed duplicates, zero loops and loops with negative shifts among the rows."""
    from topology.naming import graph as periodic_graph

    rng = np.random.default_rng(seed)
    for _ in range(100):
        m, n, dim = int(rng.integers(0, 30)), int(rng.integers(1, 6)), int(rng.integers(2, 4))
        table = np.column_stack([rng.integers(0, n, (m, 2)), rng.integers(-1, 2, (m, dim))])
        table = np.vstack([table, table[: m // 3][:, [1, 0, *range(2, 2 + dim)]] * [1, 1, *[-1] * dim]])
        few = PeriodicGraph.from_arrays(table, dim, n)
        monkeypatch.setattr(periodic_graph, "FEW_EDGES", -1)
        many = PeriodicGraph.from_arrays(table, dim, n)
        monkeypatch.undo()
        assert (few.n, few.src.tolist(), few.dst.tolist(), few.shift.tolist()) == \
            (many.n, many.src.tolist(), many.dst.tolist(), many.shift.tolist())


def test_flat_stars_are_completed_at_once_as_one_by_one() -> None:
    """The vectors two edges away that complete flat stars (tbo's square and triangle, pto's, nbo's
    squares ...), found for a whole class at once, are those of the breadth-first search vertex by
    vertex, in its order; a star those leave flat is left to the search further out."""
    from topology.naming import frames
    from topology.naming.graph import barycentric

    compared = flat_left = 0
    entries = arc_entries()
    for _, graph in entries[:400] + [e for e in entries if e[0] in ("cds-a", "mot-a")]:  # the last two: further out
        pos = barycentric(graph)
        n, d = graph.n, graph.dim
        src, dst, shift = graph.directed()
        deg = np.bincount(src, minlength=n)
        order = np.argsort(src, kind="stable")
        column = np.arange(len(src)) - np.concatenate([[0], np.cumsum(deg)[:-1]])[src[order]]
        nbr, shf = np.zeros((n, deg.max()), dtype=np.int64), np.zeros((n, deg.max(), d), dtype=np.int64)
        nbr[src[order], column], shf[src[order], column] = dst[order], shift[order]
        vec = pos[nbr] + shf - pos[:, None, :]
        adj = graph.adjacency()
        for k in np.unique(deg).tolist():
            members = np.flatnonzero(deg == k)
            flat = members[frames._star_ranks(vec[members, :k]) < d]
            if not len(flat):
                continue
            at_once = frames._second_shells(pos, flat, vec, nbr, shf, deg)
            for v in flat.tolist():
                pool = frames._completion(adj, pos, v, vec[v, :k], d)
                if v in at_once:
                    assert pool is not None and np.array_equal(at_once[v], np.vstack([vec[v, :k], pool]))
                    compared += 1
                else:
                    flat_left += 1
    assert compared > 100 and flat_left > 0
