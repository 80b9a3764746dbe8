"""Writing a net as a Systre ``.cgd`` ``CRYSTAL`` block, so that Systre, ToposPro's importers and
our own reader (:func:`topology.reading.cgd.parse_cgd`) can take it up.

The block is in P1 with the net's own cell: a ``NODE`` per vertex (its coordination and fractional
coordinates) and an ``EDGE`` per distinct edge, given by the coordinates of both ends. Ends name
node images by position, so reading the file back gives the same quotient graph and offsets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from topology.net.quotient import PeriodicNet


def write_cgd(net: PeriodicNet, name: str, comments: Sequence[str] = ()) -> str:
    """The net as a ``CRYSTAL`` block in P1, with ``comments`` (such as the nets' names) as ``#`` lines.

    >>> import gemmi
    >>> net = PeriodicNet.empty(gemmi.UnitCell(5, 5, 5, 90, 90, 90))
    >>> net.add_vertex("node", (0, 0, 0))
    0
    >>> for offset in ((1, 0, 0), (0, 1, 0), (0, 0, 1)):
    ...     net.add_edge(0, 0, offset)
    >>> print(write_cgd(net, "pcu"))
    CRYSTAL
      NAME pcu
      GROUP P1
      CELL 5.00000 5.00000 5.00000 90.0000 90.0000 90.0000
      NODE 1 6 0.000000 0.000000 0.000000
      EDGE 0.000000 0.000000 0.000000   1.000000 0.000000 0.000000
      EDGE 0.000000 0.000000 0.000000   0.000000 1.000000 0.000000
      EDGE 0.000000 0.000000 0.000000   0.000000 0.000000 1.000000
    END
    <BLANKLINE>
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "net"
    cell = net.cell
    lines = [f"# {' '.join(c.split())}" for c in comments]
    lines += ["CRYSTAL", f"  NAME {safe}", "  GROUP P1",
             f"  CELL {cell.a:.5f} {cell.b:.5f} {cell.c:.5f} {cell.alpha:.4f} {cell.beta:.4f} {cell.gamma:.4f}"]
    frac = net.frac()
    for v, degree in enumerate(net.coordination()):
        x, y, z = frac[v]
        lines.append(f"  NODE {v + 1} {degree} {x:.6f} {y:.6f} {z:.6f}")
    for u, v, off in _distinct_edges(net):
        a, b = frac[u], frac[v] + np.asarray(off)
        lines.append(f"  EDGE {a[0]:.6f} {a[1]:.6f} {a[2]:.6f}   {b[0]:.6f} {b[1]:.6f} {b[2]:.6f}")
    lines.append("END")
    return "\n".join(lines) + "\n"


def _distinct_edges(net: PeriodicNet) -> list[tuple[int, int, tuple[int, ...]]]:
    """Each edge once, whichever way round the multigraph stores it (u -> v + off == v -> u - off)."""
    seen: set[tuple[int, int, tuple[int, ...]]] = set()
    out = []
    for u, v, off, _ in net.edges():
        off = tuple(int(x) for x in off)
        key = min((u, v, off), (v, u, tuple(-x for x in off)))
        if key not in seen:
            seen.add(key)
            out.append((u, v, off))
    return out
