"""The frames of the canonical search: at every vertex of the start class, each ordered basis of edge
vectors (a flat star completed by vectors further out), counted before they are made, and one of each
family that the net's symmetries take onto each other."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np

from topology.naming.graph import PeriodicGraph
from topology.naming.lattice import ROUND
from topology.tables import first_rows, row_ranks

MAX_FRAMES = 20_000
"""Frames tried at most for one net; beyond, the key falls back to the invariant form (never seen
on real nets: a 12-connected vertex has 1,320 frames)."""


class TooManyFrames(Exception):
    """The canonical search would need more than :data:`MAX_FRAMES` frames: counted before they are made."""


@dataclass(frozen=True)
class Frames:
    """Candidate frames: frame f stands at vertex ``origin[f]`` with basis columns ``basis[f]``, which
    are the vectors ``picks[f]`` of that vertex's candidates ``vectors(origin[f])`` (its star, then,
    for a flat star, the vectors further out that complete it)."""

    origin: np.ndarray
    basis: np.ndarray
    picks: np.ndarray
    stars: tuple[np.ndarray, np.ndarray]  # every vertex's edge vectors, padded (vertex, edge, d), and degree
    completed: dict[int, np.ndarray]  # a flat star's vectors and those that complete it, by vertex

    def take(self, mask: np.ndarray) -> Frames:
        return Frames(self.origin[mask], self.basis[mask], self.picks[mask], self.stars, self.completed)

    def vectors(self, v: int) -> np.ndarray:
        """The candidate vectors of vertex ``v``, which ``picks`` index."""
        vec, deg = self.stars
        return self.completed[v] if v in self.completed else vec[v, :deg[v]]


def candidate_frames(graph: PeriodicGraph, pos: np.ndarray, classes: np.ndarray, vec: np.ndarray, deg: np.ndarray,
                     nbr: np.ndarray, shf: np.ndarray) -> Frames | None:
    """Candidate frames: (origin, ordered basis) for every vertex of the start class.

    The start class is the smallest class of vertices whose stars (edge vectors) span the most
    dimensions, ties broken by colour; a basis is an ordered choice of independent edge vectors.
    Where no star spans the space (square-planar and triangular vertices in one plane, as in tbo),
    the basis is completed with vectors to vertices two edges away. The rules depend only on the net.
    """
    d = graph.dim
    # the rank of a vertex's star is an invariant too: colour refinement may put a flat and a full
    # star in one class (fta), so the start class is chosen by (rank, colour)
    rank = np.zeros(len(deg), dtype=int)
    for k in np.unique(deg).tolist():  # one stacked rank per degree
        members = np.flatnonzero(deg == k)
        rank[members] = _star_ranks(vec[members, :k])
    best = int(rank.max())
    eligible = rank == best
    values, counts = np.unique(classes[eligible], return_counts=True)
    start = min(zip(counts.tolist(), values.tolist()))[1]
    # the frames a class gives, counted before any is made: a vertex of degree 342 alone would give
    # 342 x 341 x 340 of them. Past the limit, the class giving fewest frames starts instead (a rule
    # that depends only on the net too, and leaves every key under the limit as it was).
    degree = {int(c): int(deg[np.flatnonzero(classes == c)[0]]) for c in values}
    frames = {int(c): int(k) * math.perm(degree[int(c)], best) for c, k in zip(values, counts)}
    if frames[start] > MAX_FRAMES:
        start = min(frames, key=lambda c: (frames[c], c))
        if frames[start] > MAX_FRAMES:
            raise TooManyFrames(f"its fewest start vertices and edge bases give {frames[start]:,} frames")
    members = np.flatnonzero((classes == start) & eligible)
    choices = _arrangements(degree[start], best)
    if best == d:  # stars that span the space: every vertex's frames at once
        mats = vec[members][:, choices].transpose(0, 1, 3, 2)  # (vertex, frame, d, d)
        good = np.abs(_det(mats)) > 1e-9
        if not good.any():
            return None
        picks = np.broadcast_to(choices, good.shape + (best,))[good]
        return Frames(np.repeat(members, good.sum(axis=1)), mats[good], picks, (vec, deg), {})
    # flat stars, completed by the vectors to the vertices further out: two edges away for all of
    # them at once, a search further out for any that those leave flat
    vectors = _second_shells(pos, members, vec, nbr, shf, deg)
    adj = graph.adjacency() if len(vectors) < len(members) else None
    for v in members.tolist():
        if v not in vectors:
            pool = _completion(adj, pos, v, vec[v, :deg[v]], d)
            if pool is None:
                return None
            vectors[v] = np.vstack([vec[v, :deg[v]], pool])
    origins, bases, picked, count = [], [], [], 0
    by_size: dict[int, list[int]] = {}
    for v in members.tolist():  # one stack of frames for the vertices with as many candidates
        by_size.setdefault(len(vectors[v]), []).append(v)
    for size, group in by_size.items():
        pool = size - degree[start]
        if len(choices) * math.perm(pool, d - best) > MAX_FRAMES:
            raise TooManyFrames(f"a flat star completed by {pool} vectors gives too many frames")
        tails = degree[start] + _arrangements(pool, d - best)
        picks = np.concatenate([np.repeat(choices, len(tails), axis=0), np.tile(tails, (len(choices), 1))], axis=1)
        mats = np.stack([vectors[v] for v in group])[:, picks].transpose(0, 1, 3, 2)  # (vertex, frame, d, d)
        good = np.abs(_det(mats)) > 1e-9
        origins.append(np.repeat(group, good.sum(axis=1)))
        bases.append(mats[good])
        picked.append(np.broadcast_to(picks, good.shape + (d,))[good])
        count += int(good.sum())
        if count > MAX_FRAMES:
            raise TooManyFrames(f"its start vertices give more than {MAX_FRAMES:,} frames")
    if not count:
        return None
    return Frames(np.concatenate(origins), np.concatenate(bases), np.concatenate(picked), (vec, deg), vectors)


def _second_shells(pos: np.ndarray, members: np.ndarray, vec: np.ndarray, nbr: np.ndarray, shf: np.ndarray,
                   deg: np.ndarray) -> dict[int, np.ndarray]:
    """For each of ``members`` (vertices of one degree) whose star, with the vectors to the vertices
    exactly two edges away, spans the space: the star followed by those vectors, in the order a
    breadth-first search meets the vertices, each place once (what :func:`_completion` gives at that
    distance), all members in a few array operations. Members left flat are not in the result."""
    (k, width), d = (int(deg[members[0]]), nbr.shape[1]), pos.shape[1]
    w1, s1 = nbr[members, :k], shf[members, :k]
    w2 = nbr[w1].reshape(len(members), -1)  # (member, first edge x second edge), in search order
    s2 = (s1[:, :, None, :] + shf[w1]).reshape(len(members), k * width, d)
    real = (np.arange(width) < deg[w1][..., None]).reshape(len(members), -1)
    low = min(int(s2.min(initial=0)), int(s1.min(initial=0)), 0)
    span = max(int(s2.max(initial=0)), int(s1.max(initial=0)), 0) - low + 1
    if (len(pos) + 1) * span ** d >= 2**62:
        return {}
    weights = span ** np.arange(d - 1, -1, -1)

    def code(w: np.ndarray, s: np.ndarray) -> np.ndarray:  # a vertex image as one integer
        return w * span ** d + (s - low) @ weights

    far = code(w2, s2)
    real &= (far != code(members, np.zeros((len(members), d), dtype=np.int64))[:, None])
    real &= ~(far[:, :, None] == code(w1, s1)[:, None, :]).any(axis=2)  # not the star's own vertices
    row, col = np.nonzero(real)
    first = first_rows(np.column_stack([row, far[row, col]]))  # each image where the search first meets it
    row, col = row[first], col[first]
    found = pos[w2[row, col]] + s2[row, col] - pos[members[row]]
    # each place once: the first image met there
    keep = first_rows(np.column_stack([row, np.round(found * ROUND).astype(np.int64)]))
    row, found = row[keep], found[keep]
    bounds = np.searchsorted(row, np.arange(len(members) + 1))
    candidates = [np.vstack([vec[v, :k], found[bounds[i]:bounds[i + 1]]]) for i, v in enumerate(members.tolist())]
    by_size: dict[int, list[int]] = {}
    for i, c in enumerate(candidates):
        by_size.setdefault(len(c), []).append(i)
    out = {}
    for group in by_size.values():  # one stacked rank for the members with as many candidates
        for i, rank in zip(group, _star_ranks(np.stack([candidates[i] for i in group])).tolist()):
            if rank == d:
                out[int(members[i])] = candidates[i]
    return out


def _star_ranks(stars: np.ndarray) -> np.ndarray:
    """Ranks of a stack of stars (vertex, edge, coordinate), as ``matrix_rank(tol=1e-9)`` gives them.
    Most stars plainly span the space: a Gram determinant above ``1e-12`` times the trace to the power
    ``d - 1`` bounds the least singular value above ``1e-6``, far from rounding while the edges are
    short, and settles them without a singular value decomposition each; the others are decomposed."""
    d = stars.shape[-1]
    gram = stars.transpose(0, 2, 1) @ stars
    trace = gram.trace(axis1=1, axis2=2)
    full = (np.linalg.det(gram) > 1e-12 * trace ** (d - 1)) & (trace < 100)
    rank = np.full(len(stars), d)
    if not full.all():
        rank[~full] = np.linalg.matrix_rank(stars[~full], tol=1e-9)
    return rank


@functools.lru_cache(maxsize=16)
def _arrangements(k: int, r: int) -> np.ndarray:
    """Every ordered choice of ``r`` of ``k`` indices, one a row (read-only): kept, since the same few
    degrees come back net after net and listing the 1,320 of a 12-connected vertex takes 0.3 ms."""
    out = np.array(list(itertools.permutations(range(k), r)), dtype=np.int64).reshape(-1, r)
    out.flags.writeable = False
    return out


def _det(mats: np.ndarray) -> np.ndarray:
    """Determinants of a stack of 2x2 or 3x3 matrices, written out: many times quicker than LAPACK's
    one factorisation per matrix on the thousands of small bases of a net's frames."""
    if mats.shape[-1] == 2:
        return mats[..., 0, 0] * mats[..., 1, 1] - mats[..., 0, 1] * mats[..., 1, 0]
    a, b, c, d, e, f, g, h, i = (mats[..., r, k] for r in range(3) for k in range(3))
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)


def _completion(adj, pos: np.ndarray, v: int, star: np.ndarray, d: int, reach: int = 8) -> np.ndarray | None:
    """Vectors from ``v`` to the vertices two or more edges away, out to the first distance at which
    they and the star span the space (a flat star needs them to complete a basis)."""
    origin = (v, (0,) * d)
    seen = {origin}
    shell = [origin]
    found = [star]
    for radius in range(1, reach + 1):
        nxt = []
        for u, s in shell:
            for w, t in adj[u]:
                node = (w, tuple(a + b for a, b in zip(s, t)))
                if node not in seen:
                    seen.add(node)
                    nxt.append(node)
        shell = nxt
        if radius >= 2:
            found.append(pos[[w for w, _ in shell]] + np.array([s for _, s in shell]).reshape(-1, d) - pos[v])
            span = np.vstack(found)
            if np.linalg.matrix_rank(span, tol=1e-9) == d:
                further = span[len(star):]
                # the vectors themselves, each place once, not rounded: frames stay exact
                return further[first_rows(np.round(further * ROUND).astype(np.int64))]
    return None


def one_per_family(frames: Frames, perms: np.ndarray, lins: np.ndarray) -> np.ndarray:
    """Mask keeping one frame of each family of frames that the symmetries (vertex permutations
    ``perms`` with linear parts ``lins``) take onto each other: they would give the same edge list.

    The frames stand at one vertex of each orbit, so only the symmetries that keep a frame's origin can
    take it onto another frame. Such a symmetry permutes the origin's candidate vectors, so it acts on
    frames as on tuples of vector indices: of each family, the frame whose tuple is least under every
    symmetry is kept, with integer work only."""
    keep = np.zeros(len(frames.origin), dtype=bool)
    for o in np.unique(frames.origin).tolist():
        at = np.flatnonzero(frames.origin == o)
        vectors = frames.vectors(o)
        moved = _permutations_of(vectors, lins[perms[:, o] == o])
        if moved is None:  # candidate vectors the symmetries do not permute: no family is merged
            keep[at] = True
            continue
        picks = frames.picks[at]
        weights = len(vectors) ** np.arange(picks.shape[1] - 1, -1, -1)
        # (symmetry, frame): each image's tuple as one integer, summed place by place (an integer
        # matrix product over the stacked tuples costs twice as much)
        codes = sum(moved[:, picks[:, j]] * weights[j] for j in range(picks.shape[1]))
        keep[at] = picks @ weights == codes.min(axis=0)
    return keep


def _permutations_of(vectors: np.ndarray, lins: np.ndarray) -> np.ndarray | None:
    """For each linear part, the permutation of ``vectors`` it makes (row g: where vector i goes),
    or None when one of them does not map the vectors onto themselves."""
    k = len(vectors)
    images = np.matmul(vectors, lins.transpose(0, 2, 1)).reshape(-1, vectors.shape[1])
    grid = np.round(np.vstack([vectors, images]) * ROUND).astype(np.int64)
    ids = row_ranks(grid)
    index = np.full(len(grid), -1)
    index[ids[:k]] = np.arange(k)
    moved = index[ids[k:]]
    if len(np.unique(ids[:k])) < k or (moved < 0).any():
        return None
    return moved.reshape(len(lins), k)
