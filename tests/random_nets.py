"""Seeded random periodic nets, written as Systre PERIODIC_GRAPH blocks: the inputs that bound the
engine's cost (many vertices, one vertex of very high degree, many interpenetrating copies)."""

from __future__ import annotations

import random


def random_net(vertices: int, seed: int, hub_degree: int = 0, extra_edges: float = 1.0) -> str:
    """A connected 3-periodic net: a random spanning tree of the vertices within one cell, three edges
    that cross the cell along a, b and c, ``extra_edges`` x vertices random edges with small offsets,
    and, if ``hub_degree`` is set, vertex 1 joined to that many vertex images."""
    rng = random.Random(seed)
    edges: list[tuple[int, int, tuple[int, int, int]]] = []
    for v in range(2, vertices + 1):
        edges.append((rng.randint(1, v - 1), v, (0, 0, 0)))
    for axis in range(3):
        off = [0, 0, 0]
        off[axis] = 1
        edges.append((rng.randint(1, vertices), rng.randint(1, vertices), tuple(off)))
    for _ in range(int(extra_edges * vertices)):
        edges.append((rng.randint(1, vertices), rng.randint(1, vertices),
                      tuple(rng.randint(-1, 1) for _ in range(3))))
    for k in range(hub_degree):
        edges.append((1, rng.randint(2, vertices), (k % 7 - 3, k // 7 % 7 - 3, k // 49 % 7 - 3)))
    return periodic_graph(f"random-{vertices}-{seed}", edges)


def parallel_lines(copies: int) -> str:
    """``copies`` straight chains along c, side by side in one cell (many 1D nets to pair)."""
    edges = [(k + 1, k + 1, (0, 0, 1)) for k in range(copies)]
    return periodic_graph(f"{copies}-lines", edges)


def periodic_graph(name: str, edges: list[tuple[int, int, tuple[int, int, int]]]) -> str:
    """The Systre text of a PERIODIC_GRAPH block (loops and repeated edges left as they come:
    the reader must cope with them)."""
    lines = ["PERIODIC_GRAPH", f"  ID {name}", "  EDGES"]
    lines += [f"    {u} {v} {a} {b} {c}" for u, v, (a, b, c) in edges if (u, v, (a, b, c)) != (u, u, (0, 0, 0))]
    return "\n".join(lines + ["END", ""])
