"""Packing rigid groups into a periodic cell so that no two of them touch: the relaxation behind the
bundled SC models (:mod:`topology.models.sc_series`).

A structure is a list of :class:`Part`: rigid groups of atoms that either stay where they are built
(a cluster core, a linker that spans the cell), spin about a fixed axis (a para linker), hang on one
atom and turn and lean about it (a carboxylate on an Ag, an isopropyl on an S), or move freely (a
guest molecule). :func:`relax` gives every movable part a pose in which it keeps clear of the others,
by three means in turn:

- seating: each part, one at a time, takes the best of its listed poses (every turn and lean, and for
  a ligand that may choose its Ag, every Ag; for a guest, every orientation in the roomiest spots);
- settling: all parts move together down the gradient of the crowding (turns about their pivots,
  leans within their limits, guests also shifting), as a rigid-body minimisation;
- shaking: the parts still in a tight spot are turned at random and the whole settles again; the
  result is kept only if it is less crowded (a basin-hopping search, seeded, so the build repeats);
- regularising: every atom, the fixed parts' too, gives a little under stiff bond and angle restraints
  (:mod:`topology.models.restraints`), for the room only a torsion or a slight bend would make.

Crowding is the summed square of the shortfalls of every pair of atoms of different parts from the
distance wanted (:data:`NEED`); pairs bonded or bonded to a common atom (1-2 and 1-3) are left out, as
a crystallographer leaves them out, except that an atom hung on an Ag or S keeps a little room from
the other atoms of its anchor's cluster (:data:`NEED_13`). Each pair may carry a weight (how many
structures of a series contain both parts), so that the search cares most for the contacts that
appear most often.

A structure with symmetry is relaxed as its asymmetric unit: the parts given are the unit's, and the
cell holds their images under the crystal's operations (:class:`Symmetry`), which follow every move of
the unit (a part is seated, shaken or regularised once; the settling moves all copies down a crowding
that the operations leave unchanged, and the copies are put back on the images of the unit after each
step). So every contact, with the unit's own images too, is measured, and the result has the symmetry
exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import gemmi
import numpy as np
from scipy.spatial import cKDTree

from topology.models.molecules import Atoms, unit
from topology.models.restraints import nearest_image, regularize

FIXED, SPIN, HANG, FREE = "fixed", "spin", "hang", "free"
"""How a part may move: not at all, about its axis, about its pivot atom (turn and lean), or freely."""

NEED = {(True, True): 3.1, (True, False): 2.3, (False, True): 2.3, (False, False): 1.9}
"""Distance (A) wanted between atoms of different parts (heavy-heavy, heavy-H, H-H): 3.1 A between heavy
atoms keeps a margin over the 3.0 A a crystallographer expects between separate units."""
NEED_13 = 2.9
"""Distance (A) kept between an atom hung on an Ag (or S) and the other atoms bonded to that Ag (or S):
beyond bonding reach (covalent radii + 0.45 A), so that an O of a TFA never binds a second Ag."""
MARGIN = 0.1
"""Shortfall (A) from NEED at the plain cost; beyond it a shortfall counts HARD times more (3.0 A)."""
HARD = 10.0
"""How much more a shortfall beyond MARGIN weighs: one clash is not traded for a few near misses."""
BOND_TOLERANCE = 0.45
"""Added to the sum of covalent radii to call two atoms bonded (as :mod:`topology.net.bonds` does)."""
MAX_EXO = 2
"""Ligands (N or O donors) an Ag may carry besides its cluster bonds: two, as a four-coordinate Ag
with its two mu4-S; a ligand that may choose its Ag never takes a third place."""
TURNS = np.radians(np.arange(0, 360, 30))
"""Turns (radians) listed for every part that turns: the settling refines between them."""
POSES_PER_ANCHOR = 150
"""Listed poses kept per anchor atom, the least crowded against the parts that never move."""
STEP_TURN = 0.08
"""Largest turn (radians) of one part in one settling step."""
STEP_SHIFT = 0.2
"""Largest shift (A) of a guest in one settling step."""
REACH = 4.5
"""Pairs closer than this (A) are followed while settling; the list is renewed when atoms have moved."""
GUEST_GRID = 16
"""Points per cell axis tried as guest centres."""
GUEST_SPOTS = 30
"""Grid points with the most clearance tried as centres for a guest."""
GUEST_AXES = [np.array(u, float) for u in itertools.product((-1, 0, 1), repeat=3) if u > (0, 0, 0)]
"""The 13 directions of a cube (axes, face and body diagonals) along which a guest's first axis is laid."""
IMAGES = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=float)
"""Lattice shifts of the neighbouring cells, where a part meets the images of the others."""
ORIGIN_IMAGE = 13
"""Index of the shift (0, 0, 0) in IMAGES."""


def perpendicular_to(r: np.ndarray) -> np.ndarray:
    """A unit vector perpendicular to ``r``, taken along a cell-frame axis where ``r`` has none."""
    axis = np.eye(3)[int(np.argmin(np.abs(r)))]
    return unit(axis - np.dot(axis, r) * r)


GUEST_ORIENTATIONS = [(unit(u), np.cos(t) * perpendicular_to(unit(u)) + np.sin(t) * np.cross(unit(u), perpendicular_to(unit(u))))
                      for u in GUEST_AXES for t in np.radians(np.arange(0, 180, 45))]
"""Orientations (first axis, second axis) tried for a guest: each cube direction, turned in four steps."""


def rotation(w: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) for rotation vectors ``w`` (..., 3) (axis times angle, radians)."""
    angle = np.linalg.norm(w, axis=-1)
    k = w / np.maximum(angle, 1e-12)[..., None]
    c, s = np.cos(angle)[..., None, None], np.sin(angle)[..., None, None]
    cross = np.zeros(w.shape + (3,))
    cross[..., 0, 1], cross[..., 0, 2], cross[..., 1, 2] = -k[..., 2], k[..., 1], -k[..., 0]
    cross[..., 1, 0], cross[..., 2, 0], cross[..., 2, 1] = k[..., 2], -k[..., 1], k[..., 0]
    return c * np.eye(3) + s * cross + (1 - c) * k[..., :, None] * k[..., None, :]


@dataclass
class Part:
    """A rigid group of atoms with one occupancy, named so that it can be kept or dropped per structure.

    ``motion`` says how it may move (FIXED, SPIN, HANG, FREE). A part that spins or hangs has a
    ``pivot`` and an ``axis`` (for a hanging part: its bond to the pivot atom, which is its first atom's
    direction); a hanging part leans at most ``lean`` degrees off ``home``. ``alternatives`` are other
    built poses (another lean, another Ag) that seating may choose instead.
    """

    name: str
    atoms: Atoms
    occupancy: float = 1.0
    pivot: np.ndarray | None = None
    axis: np.ndarray | None = None
    alternatives: tuple[Part, ...] = ()
    motion: str = FIXED
    home: np.ndarray | None = None
    lean: float = 0.0

    def turned(self, angle: float) -> Part:
        """This part rotated by ``angle`` (radians) about its axis through its pivot."""
        assert self.pivot is not None and self.axis is not None
        rot = rotation(unit(self.axis) * angle)
        atoms = [(e, self.pivot + rot @ (x - self.pivot)) for e, x in self.atoms]
        return Part(self.name, atoms, self.occupancy, self.pivot, self.axis, (), self.motion, self.home, self.lean)

    def options(self) -> list[Part]:
        """Every listed pose: each turn of this part and of its alternatives."""
        return [p.turned(t) for p in (self, *self.alternatives) for t in TURNS]


@dataclass(frozen=True)
class Symmetry:
    """Operations of a crystal in Cartesian form (x -> rotation @ x + translation), the identity
    first, and how they compose (``table[a, b]``: the operation a after b, modulo the lattice), with
    ``rename(name, g)``, the name of the image of part ``name`` under operation g (its net's name
    first, so that bonds are made only within a net)."""

    rotations: np.ndarray
    translations: np.ndarray
    table: np.ndarray
    rename: Callable[[str, int], str]

    @staticmethod
    def none() -> Symmetry:
        return Symmetry(np.eye(3)[None], np.zeros((1, 3)), np.zeros((1, 1), dtype=int), lambda name, g: name)

    def __len__(self) -> int:
        return len(self.rotations)

    def image(self, part: Part, g: int, cell: np.ndarray) -> Part:
        """``part`` moved by operation g, then by the lattice vector that brings its centre into the cell."""
        rot = self.rotations[g]
        atoms = [(e, rot @ x + self.translations[g]) for e, x in part.atoms]
        centre = np.mean([x for _, x in atoms], axis=0)
        shift = -np.floor(centre @ np.linalg.inv(cell)) @ cell
        def moved(v: np.ndarray | None) -> np.ndarray | None:
            return None if v is None else rot @ v
        return Part(self.rename(part.name, g), [(e, x + shift) for e, x in atoms], part.occupancy,
                    None if part.pivot is None else rot @ part.pivot + self.translations[g] + shift,
                    moved(part.axis), (), part.motion, moved(part.home), part.lean)


def min_image(cell: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """Lengths of the difference vectors ``diff`` (..., 3) to their nearest lattice image."""
    return np.linalg.norm(nearest_image(cell, diff), axis=-1)


def _sum_by(values: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``values`` (m, 3) summed by ``index`` into n rows."""
    return np.stack([np.bincount(index, values[:, c], minlength=n) for c in range(3)], axis=1)


def _cost(short: np.ndarray) -> np.ndarray:
    """Crowding of each shortfall ``short`` (>= 0): its square, the part beyond MARGIN HARD times more."""
    tight = np.clip(short - MARGIN, 0.0, None)
    return short**2 + HARD * tight**2


class Packing:
    """The atoms of all parts of one structure as arrays, with their bonds, and the moves of the search.

    ``weight[k, l]`` weighs the contacts between parts k and l (1 where not given). Parts listed in
    ``absent`` are left out until :meth:`put` places them.
    """

    def __init__(self, cell: np.ndarray, parts: list[Part], weight: np.ndarray | None = None,
                 symmetry: Symmetry | None = None) -> None:
        self.cell = cell
        self.symmetry = Symmetry.none() if symmetry is None else symmetry
        self.unit_parts = len(parts)
        parts = [p if g == 0 else self.symmetry.image(p, g, cell) for g in range(len(self.symmetry)) for p in parts]
        self.parts = parts
        self.motion = np.array([p.motion for p in parts])
        self.elements = np.array([e for p in parts for e, _ in p.atoms])
        self.x = np.array([x for p in parts for _, x in p.atoms], dtype=float)
        sizes = np.array([len(p.atoms) for p in parts])
        self.sizes = sizes
        self.start = np.concatenate([[0], np.cumsum(sizes)])
        self.owner = np.repeat(np.arange(len(parts)), sizes)
        self.heavy = self.elements != "H"
        self.net = np.array([p.name.split(".")[0] for p in parts])[self.owner]
        self.pivot = np.array([np.zeros(3) if p.pivot is None else p.pivot for p in parts], dtype=float)
        self.axis = np.array([np.zeros(3) if p.axis is None else unit(p.axis) for p in parts], dtype=float)
        self.home = np.array([np.zeros(3) if p.home is None else unit(p.home) for p in parts], dtype=float)
        self.lean = np.radians([p.lean for p in parts])
        self.unit_atoms = int(self.start[self.unit_parts])
        self.orbit = np.tile(np.arange(self.unit_parts), len(self.symmetry))
        """The part of the asymmetric unit each part is an image of."""
        self.weight = self.symmetric_weight(np.ones((len(parts), len(parts))) if weight is None else weight)
        self.present = np.ones(len(self.x), dtype=bool)
        self.shifts = IMAGES @ cell
        self.poses: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self.bond_graph()

    # -- symmetry ----------------------------------------------------------------------------------

    def symmetric_weight(self, weight: np.ndarray) -> np.ndarray:
        """``weight`` (over all parts of the cell) averaged over the operations, so that the crowding
        keeps the crystal's symmetry: the weight of two parts is that of every pair of their images."""
        n = self.unit_parts
        op = np.repeat(np.arange(len(self.symmetry)), n)
        out = np.zeros_like(weight, dtype=float)
        for g in range(len(self.symmetry)):
            moved = self.symmetry.table[g][op] * n + self.orbit
            out += weight[np.ix_(moved, moved)]
        return out / len(self.symmetry)

    def expand(self, x: np.ndarray, rewrap: bool = False) -> np.ndarray:
        """Positions ``x`` with the images of the asymmetric unit put back on the unit's images (the
        lattice vector of each copy kept, or with ``rewrap`` chosen anew so that its centre is in the cell)."""
        return self._expanded(x, rewrap)[0]

    def _expanded(self, x: np.ndarray, rewrap: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        """:meth:`expand`, and for each operation the lattice vector each part's copy was moved by."""
        x = x.copy()
        n, na = self.unit_parts, self.unit_atoms
        shifts = [np.zeros((n, 3))]
        for g in range(1, len(self.symmetry)):
            rot, moved = self.symmetry.rotations[g], slice(g * na, (g + 1) * na)
            image = x[:na] @ rot.T + self.symmetry.translations[g]
            if rewrap:
                centre = _sum_by(image, self.owner[:na], n) / self.sizes[:n, None]
                shift = -np.floor(centre @ np.linalg.inv(self.cell)) @ self.cell
            else:
                shift = _sum_by(x[moved] - image, self.owner[:na], n) / self.sizes[:n, None]
                shift = np.round(shift @ np.linalg.inv(self.cell)) @ self.cell
            x[moved] = image + shift[self.owner[:na]]
            shifts.append(shift)
        return x, shifts

    def reduce(self, gradient: np.ndarray) -> np.ndarray:
        """A gradient over every atom of the cell as one over the asymmetric unit (each copy's share
        turned back by its operation), zero on the copies."""
        na = self.unit_atoms
        out = np.zeros_like(gradient)
        for g in range(len(self.symmetry)):
            out[:na] += gradient[g * na:(g + 1) * na] @ self.symmetry.rotations[g]
        return out

    def symmetrize(self, rewrap: bool = True) -> None:
        """Put every copy back on its image of the asymmetric unit (pivots, leaning homes and presence too)."""
        if len(self.symmetry) == 1:
            return
        self.x, shifts = self._expanded(self.x, rewrap)
        n = self.unit_parts
        for g in range(1, len(self.symmetry)):
            rot = self.symmetry.rotations[g]
            self.pivot[g * n:(g + 1) * n] = self.pivot[:n] @ rot.T + self.symmetry.translations[g] + shifts[g]
            self.home[g * n:(g + 1) * n] = self.home[:n] @ rot.T
        self.present = np.tile(self.present[:self.unit_atoms], len(self.symmetry))

    # -- bonds -------------------------------------------------------------------------------------

    def bond_graph(self) -> None:
        """Which atoms are bonded (within a part; a fixed or spinning part to the Ag and S of its own
        net; a hanging part's first atom to its anchor) and which pairs are 1-2 or 1-3 across parts."""
        radius = np.array([gemmi.Element(e).covalent_r for e in self.elements])
        close = min_image(self.cell, self.x[:, None] - self.x[None]) < radius[:, None] + radius[None] + BOND_TOLERANCE
        same = self.owner[:, None] == self.owner[None]
        rigid = np.isin(self.motion[self.owner], (FIXED, SPIN))
        metal = np.isin(self.elements, ("Ag", "S"))
        across = (self.net[:, None] == self.net[None]) & rigid[:, None] & rigid[None] & (metal[:, None] | metal[None])
        bonded = close & (same | across) & ((self.elements[:, None] != "H") | (self.elements[None] != "H"))
        bonded &= self.present[:, None] & self.present[None]
        self.anchor = np.full(len(self.parts), -1)
        for k in np.flatnonzero(self.motion == HANG):
            first = self.start[k]
            if self.present[first]:
                self.anchor[k] = self.anchor_at(k, self.pivot[k])
                bonded[first, self.anchor[k]] = bonded[self.anchor[k], first] = True
        np.fill_diagonal(bonded, False)
        self.bonded = bonded
        # 1-3 across parts that matter: a hung first atom and the other atoms bonded to its anchor
        self.near13 = np.zeros_like(bonded)
        for k in np.flatnonzero(self.anchor >= 0):
            first, a = self.start[k], self.anchor[k]
            others = bonded[a] & (self.owner != k)
            self.near13[first, others] = self.near13[others, first] = True
        through = (bonded.astype(np.float32) @ bonded.astype(np.float32)) > 0
        self.skip = (bonded | through) & ~same & ~self.near13

    def anchor_at(self, k: int, pivot: np.ndarray) -> int:
        """The atom of part k's own net, in another part, at ``pivot``: the atom part k hangs on."""
        here = min_image(self.cell, self.x - pivot) < 1e-3
        here &= (self.net == self.net[self.start[k]]) & (self.owner != k) & self.present
        return int(np.flatnonzero(here)[0])

    def ligands_on(self, atom: int, besides: int) -> int:
        """How many N or O donors of parts other than ``besides`` are bonded to ``atom``."""
        partners = np.flatnonzero(self.bonded[atom])
        return int(np.sum(np.isin(self.elements[partners], ("N", "O")) & (self.owner[partners] != besides)))

    # -- crowding ----------------------------------------------------------------------------------

    def _wanted(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """NEED for the atom pairs (i, j), NEED_13 where an atom hangs on the other's bonding partner."""
        hi, hj = self.heavy[i], self.heavy[j]
        need = np.where(hi & hj, NEED[(True, True)], np.where(hi | hj, NEED[(True, False)], NEED[(False, False)]))
        return np.where(self.near13[i, j], NEED_13, need)

    def follow(self, reach: float = REACH, fixed_too: bool = False, pad: float = 0.0) -> None:
        """The list of atom pairs (i, j + image) closer than ``reach`` that the settling follows: those
        with an atom of a part that moves, or (``fixed_too``) all; each wants NEED plus ``pad``."""
        moves = (self.motion[self.owner] != FIXED) | fixed_too
        mobile = np.flatnonzero(moves & self.present)
        everyone = np.flatnonzero(self.present)
        images = (self.x[everyone][None] + self.shifts[:, None]).reshape(-1, 3)
        found = cKDTree(self.x[mobile]).sparse_distance_matrix(cKDTree(images), reach, output_type="coo_matrix")
        i = mobile[found.row]
        j = everyone[found.col % len(everyone)]
        image = found.col // len(everyone)
        moving_j = moves[j]
        keep = (self.owner[i] != self.owner[j]) & ~(moving_j & (j < i)) & ~self.skip[i, j]
        self.i, self.j, self.image = i[keep], j[keep], image[keep]
        self.need = self._wanted(self.i, self.j) + pad
        self.w = self.weight[self.owner[self.i], self.owner[self.j]]

    def energy(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Crowding of the followed pairs at positions ``x``, and its gradient."""
        v = x[self.j] + self.shifts[self.image] - x[self.i]
        d = np.linalg.norm(v, axis=1)
        short = np.clip(self.need - d, 0.0, None)
        tight = np.clip(short - MARGIN, 0.0, None)
        e = float((self.w * _cost(short)).sum())
        force = (2 * self.w * (short + HARD * tight) / np.maximum(d, 1e-9))[:, None] * v
        n = len(x)
        return e, _sum_by(force, self.i, n) - _sum_by(force, self.j, n)

    def part_crowding(self) -> np.ndarray:
        """Crowding per part (each pair counted for both its parts)."""
        self.follow()
        v = self.x[self.j] + self.shifts[self.image] - self.x[self.i]
        e = self.w * _cost(np.clip(self.need - np.linalg.norm(v, axis=1), 0.0, None))
        n = len(self.parts)
        return np.bincount(self.owner[self.i], e, minlength=n) + np.bincount(self.owner[self.j], e, minlength=n)

    # -- settling: all parts at once down the gradient ----------------------------------------------

    def step(self, gradient: np.ndarray, eta: float) -> np.ndarray:
        """Positions after one step of size ``eta``: each part turned (and a guest shifted) along its
        share of the gradient, a hanging part brought back within its lean."""
        n = len(self.parts)
        centre = _sum_by(self.x, self.owner, n) / self.sizes[:, None]
        pivot = np.where((self.motion == FREE)[:, None], centre, self.pivot)
        r = self.x - pivot[self.owner]
        torque = _sum_by(np.cross(r, gradient), self.owner, n)
        inertia = np.bincount(self.owner, (r**2).sum(axis=1), minlength=n) + 1e-9
        spin = self.motion == SPIN
        torque[spin] = (torque[spin] * self.axis[spin]).sum(axis=1)[:, None] * self.axis[spin]
        w = -eta * torque / inertia[:, None]
        w *= np.minimum(1.0, STEP_TURN / np.maximum(np.linalg.norm(w, axis=1), 1e-12))[:, None]
        w[self.motion == FIXED] = 0.0
        new = pivot[self.owner] + np.einsum("nij,nj->ni", rotation(w)[self.owner], r)
        shift = -eta * _sum_by(gradient, self.owner, n) / self.sizes[:, None]
        shift *= np.minimum(1.0, STEP_SHIFT / np.maximum(np.linalg.norm(shift, axis=1), 1e-12))[:, None]
        shift[self.motion != FREE] = 0.0
        return self.within_lean(new + shift[self.owner])

    def within_lean(self, x: np.ndarray) -> np.ndarray:
        """``x`` with every hanging part that leans too far turned back onto its limit."""
        hang = np.flatnonzero(self.motion == HANG)
        bond = x[self.start[hang]] - self.pivot[hang]
        bond /= np.linalg.norm(bond, axis=1)[:, None]
        angle = np.arccos(np.clip((bond * self.home[hang]).sum(axis=1), -1.0, 1.0))
        over = angle > self.lean[hang] + 1e-9
        if not over.any():
            return x
        w = np.zeros((len(self.parts), 3))
        axes = np.cross(bond[over], self.home[hang][over])
        w[hang[over]] = axes / np.linalg.norm(axes, axis=1)[:, None] * (angle[over] - self.lean[hang][over])[:, None]
        moved = np.isin(self.owner, hang[over])
        p = self.pivot[self.owner[moved]]
        x = x.copy()
        x[moved] = p + np.einsum("nij,nj->ni", rotation(w)[self.owner[moved]], x[moved] - p)
        return x

    def settle(self, steps: int) -> float:
        """Move all parts together down the crowding (step size adapted: grown while it pays, halved
        when not), renewing the followed pairs when atoms have moved; the crowding at the end."""
        eta = 0.05
        self.follow()
        e, gradient = self.energy(self.x)
        followed_at = self.x.copy()
        for _ in range(steps):
            new = self.step(gradient, eta)
            e_new, g_new = self.energy(new)
            if e_new < e:
                self.x, e, gradient = new, e_new, g_new
                if len(self.symmetry) > 1:
                    self.symmetrize(rewrap=False)
                eta = min(eta * 1.2, 5.0)
            else:
                eta *= 0.5
                if eta < 1e-7:
                    break
            if np.abs(self.x - followed_at).max() > (REACH - NEED[(True, True)]) / 2:
                self.follow()
                followed_at = self.x.copy()
                e, gradient = self.energy(self.x)
        return e

    # -- seating: one part at a time, the best listed pose --------------------------------------------

    def list_poses(self, k: int, options: list[Part]) -> None:
        """Keep the listed poses of part k (atoms, pivots, homes, anchors)."""
        xyz = np.array([[x for _, x in p.atoms] for p in options])
        pivots = np.array([p.pivot for p in options], dtype=float)
        homes = np.array([np.zeros(3) if p.home is None else unit(p.home) for p in options])
        anchors = np.array([self.anchor_at(k, p) if self.motion[k] == HANG else -1 for p in pivots])
        self.poses[k] = (xyz, pivots, homes, anchors)

    def crowding(self, k: int, poses: np.ndarray, anchors: np.ndarray) -> np.ndarray:
        """Crowding of each pose (m, n_atoms, 3) of part k, hung on ``anchors`` (m), against every
        other part present (images included)."""
        others = np.flatnonzero(self.present & (self.orbit[self.owner] != k))
        images = (self.x[others][None] + self.shifts[:, None]).reshape(-1, 3)
        index = np.tile(others, len(self.shifts))
        image = np.repeat(np.arange(len(self.shifts)), len(others))
        centre = poses.reshape(-1, 3).mean(axis=0)
        radius = np.linalg.norm(poses - centre, axis=-1).max() + NEED[(True, True)]
        near = np.linalg.norm(images - centre, axis=1) < radius
        images, index, image = images[near], index[near], image[near]
        mine = np.arange(self.start[k], self.start[k + 1])
        heavy = self.heavy[mine][:, None]
        need = np.where(heavy & self.heavy[index][None], NEED[(True, True)],
                        np.where(heavy | self.heavy[index][None], NEED[(True, False)], NEED[(False, False)]))
        weight = self.weight[k, self.owner[index]][None, None]
        rigid_bonds = self.bonded[np.ix_(mine, index)] & (self.motion[k] != HANG)
        need[rigid_bonds] = 0.0
        through = (self.bonded[np.ix_(mine, mine)].astype(int) @ rigid_bonds.astype(int)) > 0
        through |= (rigid_bonds.astype(int) @ self.bonded[np.ix_(index, index)].astype(int)) > 0
        need[through & ~rigid_bonds] = 0.0
        out = np.zeros(len(poses))
        for a in np.unique(anchors):
            group = np.flatnonzero(anchors == a)
            wanted = need.copy()
            if a >= 0:  # the first atom binds the anchor; the anchor's other partners keep NEED_13
                at_anchor = (index == a) & (image == ORIGIN_IMAGE)
                partners = self.bonded[a][index] & ~at_anchor & (np.linalg.norm(images - self.x[a], axis=1) < 3.5)
                wanted[0, at_anchor] = 0.0
                wanted[0, partners] = NEED_13
                wanted[np.ix_(self.bonded[mine[0], mine], at_anchor)] = 0.0
            for chunk in np.array_split(group, max(1, len(group) // 256)):
                d = np.linalg.norm(poses[chunk][:, :, None] - images[None, None], axis=-1)
                out[chunk] = (weight * _cost(np.clip(wanted[None] - d, 0.0, None))).sum(axis=(1, 2))
        return out

    def seat(self, k: int, keep_if_better: bool = True) -> bool:
        """Put part k in its least crowded listed pose whose anchor has room (MAX_EXO); with
        ``keep_if_better`` only if that beats where it is. Whether it moved."""
        xyz, pivots, homes, anchors = self.poses[k]
        cost = self.crowding(k, xyz, anchors)
        for a in np.unique(anchors[anchors >= 0]):
            if a != self.anchor[k] and self.ligands_on(a, k) >= MAX_EXO:
                cost[anchors == a] = np.inf
        best = int(np.argmin(cost))
        if keep_if_better and self.present[self.start[k]]:
            here = self.crowding(k, self.x[self.start[k]:self.start[k + 1]][None], np.array([self.anchor[k]]))[0]
            if cost[best] >= here - 1e-9:
                return False
        self.put(k, xyz[best], pivots[best], homes[best])
        return True

    def put(self, k: int, xyz: np.ndarray, pivot: np.ndarray | None = None, home: np.ndarray | None = None) -> None:
        """Place part k at ``xyz`` (hung on ``pivot``, leaning from ``home``)."""
        self.x[self.start[k]:self.start[k + 1]] = xyz
        if pivot is not None:
            self.pivot[k] = pivot
        if home is not None:
            self.home[k] = home
        self.present[self.start[k]:self.start[k + 1]] = True
        self.symmetrize()
        self.bond_graph()

    def take_out(self, parts: list[int]) -> None:
        """Leave ``parts`` out until they are put back."""
        for k in parts:
            self.present[self.start[k]:self.start[k + 1]] = False
        self.symmetrize()
        self.bond_graph()

    def prune(self) -> None:
        """Keep, per anchor, the POSES_PER_ANCHOR listed poses least crowded by the parts that never move."""
        movable = [k for k in self.poses]
        saved = self.present.copy()
        self.present &= self.motion[self.owner] == FIXED
        self.bond_graph()
        for k in movable:
            xyz, pivots, homes, anchors = self.poses[k]
            cost = self.crowding(k, xyz, anchors)
            keep = np.concatenate([np.flatnonzero(anchors == a)[np.argsort(cost[anchors == a], kind="stable")[:POSES_PER_ANCHOR]]
                                   for a in np.unique(anchors)])
            keep.sort()
            self.poses[k] = (xyz[keep], pivots[keep], homes[keep], anchors[keep])
        self.present = saved
        self.bond_graph()

    # -- guests ---------------------------------------------------------------------------------------

    def place_guest(self, k: int, build: Callable[[np.ndarray, np.ndarray, np.ndarray], Atoms]) -> tuple[float, np.ndarray]:
        """The least crowded pose of guest k (built by ``build(centre, u, v)``) among GUEST_ORIENTATIONS
        at the GUEST_SPOTS grid points farthest from every atom present, and its crowding."""
        others = np.flatnonzero(self.present & (self.orbit[self.owner] != k))
        images = (self.x[others][None] + self.shifts[:, None]).reshape(-1, 3)
        index = np.tile(others, len(self.shifts))
        tree = cKDTree(images)
        grid = np.stack(np.meshgrid(*[np.arange(GUEST_GRID) / GUEST_GRID] * 3, indexing="ij"), -1).reshape(-1, 3) @ self.cell
        clearance, _ = tree.query(grid)
        heavy = self.heavy[self.start[k]:self.start[k + 1]][:, None]
        best = (np.inf, self.x[self.start[k]:self.start[k + 1]])
        for g in np.argsort(-clearance, kind="stable")[:GUEST_SPOTS]:
            poses = np.array([[x for _, x in build(grid[g], u, v)] for u, v in GUEST_ORIENTATIONS])
            near = tree.query_ball_point(grid[g], np.linalg.norm(poses - grid[g], axis=-1).max() + NEED[(True, True)])
            other_heavy = self.heavy[index[near]][None]
            need = np.where(heavy & other_heavy, NEED[(True, True)],
                            np.where(heavy | other_heavy, NEED[(True, False)], NEED[(False, False)]))
            weight = self.weight[k, self.owner[index[near]]][None, None]
            d = np.linalg.norm(poses[:, :, None] - images[near][None, None], axis=-1)
            cost = (weight * _cost(np.clip(need[None] - d, 0.0, None))).sum(axis=(1, 2))
            if cost.min() < best[0]:
                best = (float(cost.min()), poses[int(np.argmin(cost))])
        return best

    # -- shaking --------------------------------------------------------------------------------------

    def shake(self, parts: list[int], rng: np.random.Generator, turn: float, shift: float) -> None:
        """Turn each of ``parts`` at random (about its axis or pivot; a guest also shifted)."""
        x = self.x.copy()
        for k in parts:
            s, t = self.start[k], self.start[k + 1]
            pivot = x[s:t].mean(axis=0) if self.motion[k] == FREE else self.pivot[k]
            w = self.axis[k] * rng.normal() * turn if self.motion[k] == SPIN else rng.normal(size=3) * turn
            x[s:t] = pivot + (x[s:t] - pivot) @ rotation(w).T
            if self.motion[k] == FREE:
                x[s:t] += rng.normal(size=3) * shift
        self.x = self.within_lean(x)
        self.symmetrize()

    def contacts(self, limit: float) -> list[tuple[float, str, str, str, str]]:
        """Pairs of heavy atoms of different parts closer than ``limit`` that are not 1-2 or 1-3
        (distance, part, element, part, element), closest first: for reports."""
        self.follow(limit, fixed_too=True)
        d = np.linalg.norm(self.x[self.j] + self.shifts[self.image] - self.x[self.i], axis=1)
        hit = self.heavy[self.i] & self.heavy[self.j] & ~self.near13[self.i, self.j] & (d < limit)
        rows = [(float(d[n]), self.parts[self.owner[self.i[n]]].name, str(self.elements[self.i[n]]),
                 self.parts[self.owner[self.j[n]]].name, str(self.elements[self.j[n]])) for n in np.flatnonzero(hit)]
        return sorted(rows)

    def result(self) -> list[Part]:
        """The parts in their present poses (the asymmetric unit's, then each operation's images)."""
        return [Part(p.name, [(e, self.x[i]) for i, (e, _) in zip(range(self.start[k], self.start[k + 1]), p.atoms)],
                     p.occupancy, None if p.pivot is None else self.pivot[k], p.axis, (), p.motion,
                     None if p.home is None else self.home[k], p.lean)
                for k, p in enumerate(self.parts)]


SWEEPS = 3
"""Rounds of seating every part in turn after the first placement (it stops early when none moves)."""
SETTLE_STEPS = 300
"""Settling steps after each shake."""
FINAL_STEPS = 2000
"""Settling steps at the end."""
CYCLES = 3
"""Rounds of shaking followed by a fresh seating of every part and guest."""
SHAKES = 30
"""Shakes per cycle."""
SHAKE_TURN = 0.3
"""Spread (radians) of the random turns of a shake."""
SHAKE_SHIFT = 0.5
"""Spread (A) of the random shifts of a guest in a shake."""
TROUBLE = 0.05
"""Crowding of a part above which it is shaken."""
SHAKE_SHARE = 0.7
"""Chance that a part in trouble is shaken in a given shake."""

Builder = Callable[[np.ndarray, np.ndarray, np.ndarray], Atoms]


def relax(cell: np.ndarray, parts: list[Part], guests: list[tuple[Part, Builder]],
          weight: np.ndarray | None = None, seed: int = 0, symmetry: Symmetry | None = None) -> list[Part]:
    """``parts`` and the ``guests`` (each with the function that builds it at a centre, in an
    orientation), posed so that they crowd each other least: seated one by one in their listed poses,
    the guests put in the roomiest spots, then shaken and settled (see the module docstring).
    ``weight`` weighs the contacts between two parts (over the whole cell: the unit's parts, then
    guests, then their images under each operation of ``symmetry`` in turn); the parts and guests
    given are the asymmetric unit's, and the result holds them and then their images."""
    everything = parts + [g for g, _ in guests]
    packing = Packing(cell, everything, weight, symmetry)
    movable = [k for k, p in enumerate(parts) if p.motion in (SPIN, HANG)]
    for k in movable:
        packing.list_poses(k, parts[k].options())
    packing.prune()
    visitors = list(range(len(parts), len(everything)))
    packing.take_out(movable + visitors)
    for k in movable:
        packing.seat(k, keep_if_better=False)
    for _ in range(SWEEPS):
        if not sum(packing.seat(k) for k in movable):
            break
    builders = dict(zip(visitors, (b for _, b in guests)))
    for k in visitors:
        packing.put(k, packing.place_guest(k, builders[k])[1])
    rng = np.random.default_rng(seed)
    for _ in range(CYCLES):
        shake_and_settle(packing, rng, SHAKES)
        for k in movable:
            packing.seat(k)
        for k in visitors:
            cost, pose = packing.place_guest(k, builders[k])
            here = packing.crowding(k, packing.x[packing.start[k]:packing.start[k + 1]][None], np.array([-1]))[0]
            if cost < here - 1e-9:
                packing.put(k, pose)
    packing.settle(FINAL_STEPS)
    regularize(packing)
    return packing.result()


def shake_and_settle(packing: Packing, rng: np.random.Generator, shakes: int) -> float:
    """Basin hopping: shake the parts in trouble, settle, keep the result only if less crowded."""
    crowding = packing.settle(SETTLE_STEPS)
    for _ in range(shakes):
        crowding_of = packing.part_crowding()[:packing.unit_parts]
        crowded = [k for k in np.flatnonzero(crowding_of > TROUBLE) if packing.motion[k] != FIXED]
        if not crowded:
            break
        chosen = [k for k in crowded if rng.random() < SHAKE_SHARE] or crowded[:1]
        before = packing.x.copy()
        packing.shake(chosen, rng, SHAKE_TURN, SHAKE_SHIFT)
        after = packing.settle(SETTLE_STEPS)
        if after < crowding:
            crowding = after
        else:
            packing.x = before
    return crowding
