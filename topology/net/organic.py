"""Organic SBUs of a framework without metals: the molecules it was built from, one vertex each.

A covalent framework has no clusters to cut at. As CrystalNets.jl cuts one (``StructureType.MOF``
with its default cluster kinds), an organic SBU is a group of carbon atoms bonded to each other, and
a small ring holds together whatever it passes through (boroxine B3O3, a boronate ester's C2O2B, a
triazine). Groups of other atoms between them (the N of an imine, an azo N=N, a tetrahedral Si) are
their own groups; the naming contracts those that join two SBUs into edges. A tetraphenylmethane, an
adamantane or a triptycene core is then one 4- or 6-connected vertex, not a cluster of 3-connected
atoms (8-fold COF-DL229 is ``dia``, not ``dia-a``; JUC-569 is ``acs``).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from topology.net.periodic import lifted_components

SMALL_RING = 8
"""Longest ring (in atoms) that makes the atoms it passes through one SBU: rings of molecules are
at most this; the pores of a framework are larger."""


def _in_small_ring(u: int, v: int, o: tuple[int, int, int], adj: list[list[tuple[int, tuple[int, int, int]]]]) -> bool:
    """Whether the bond from atom u to atom v in image o closes a ring of at most :data:`SMALL_RING` atoms:
    a path from v + o back to u, not through this bond, of at most ``SMALL_RING - 1`` bonds."""
    start, goal = (v, o), (u, (0, 0, 0))
    depth = {start: 0}
    queue = deque([start])
    while queue:
        a, image = state = queue.popleft()
        if depth[state] >= SMALL_RING - 1:
            continue
        for b, step in adj[a]:
            nxt = (b, (image[0] + step[0], image[1] + step[1], image[2] + step[2]))
            if state == start and nxt == goal:
                continue  # the bond itself
            if nxt == goal:
                return True
            if nxt not in depth:
                depth[nxt] = depth[state] + 1
                queue.append(nxt)
    return False


def organic_sbus(elements: np.ndarray, which: np.ndarray, src: np.ndarray, dst: np.ndarray,
                 off: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The SBUs among the atoms in ``which`` (non-hydrogen atoms of a metal-free framework): lists of
    atoms, and the lattice shift per atom that makes each SBU whole. A group that would be infinite
    (a graphitic layer, a polymer chain) is left as single atoms.

    ``src``, ``dst``, ``off`` are the crystal's bonds, both directions.
    """
    n = len(elements)
    carbon = elements == "C"
    mine = which[src] & which[dst]
    s, d, o = src[mine], dst[mine], np.compress(mine, off, axis=0)
    join = carbon[s] == carbon[d]  # C-C, and other atoms with each other
    adj: list[list[tuple[int, tuple[int, int, int]]]] = [[] for _ in range(n)]
    for a, b, step in zip(s.tolist(), d.tolist(), o.tolist()):
        adj[a].append((b, tuple(step)))
    for k in np.flatnonzero(~join & (s < d)):
        if _in_small_ring(int(s[k]), int(d[k]), tuple(o[k].tolist()), adj):
            join[k] = True
    join |= _reversed(join, s, d, o)
    lifted = lifted_components(n, s[join], d[join], o[join])
    groups: list[np.ndarray] = []
    shift = np.zeros((n, 3), dtype=int)
    for c in range(lifted.count):
        nodes = lifted.nodes(c)
        atoms = nodes[which[nodes]]
        if len(atoms) == 0:
            continue
        if c in lifted.bases:
            groups.extend(np.array([a]) for a in atoms)
        else:
            shift[atoms] = lifted.shift[atoms]
            groups.append(atoms)
    return groups, shift


def _reversed(join: np.ndarray, s: np.ndarray, d: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Marks the reverse of every marked bond (both directions are listed)."""
    key = {(a, b, tuple(x)) for a, b, x in zip(s[join].tolist(), d[join].tolist(), o[join].tolist())}
    return np.array([(b, a, tuple(-v for v in x)) in key for a, b, x in zip(s.tolist(), d.tolist(), o.tolist())],
                    dtype=bool)
