"""The user's choices, one value every stage reads (as CrystalNets.jl's ``Options``)."""

from __future__ import annotations

from dataclasses import dataclass

DISORDER = ("major", "all")
"""How disordered parts are read: the most occupied part of each assembly, or every part (no bond
between two different parts)."""

SCHEDULER_CONNECT = 10
"""Seconds to reach a Dask scheduler before a survey gives it up as unreachable."""

CLUSTERINGS = ("SingleNodes", "AllNodes")
"""Deconstructions, by CrystalNets.jl's names: ``SingleNodes`` makes every SBU one vertex, an organic
one with several branch points included; ``AllNodes`` keeps each branch point of an organic SBU a
vertex of its own (see :mod:`topology.net.clustering`)."""


@dataclass(frozen=True)
class Options:
    """``min_occupancy``: sites below it are left out before bonding; ``disorder``: one of
    :data:`DISORDER`; ``clustering``: one of :data:`CLUSTERINGS`, the one the report's ``nets`` are
    for; ``names``: name the 2D and 3D nets (and so fill ``topology_by_clustering``)."""

    min_occupancy: float = 0.0
    disorder: str = "major"
    clustering: str = "SingleNodes"
    names: bool = True

    def __post_init__(self) -> None:
        if self.disorder not in DISORDER:
            raise ValueError(f"disorder must be one of {DISORDER}, not {self.disorder!r}")
        if self.clustering not in CLUSTERINGS:
            raise ValueError(f"clustering must be one of {', '.join(CLUSTERINGS)}, not {self.clustering!r}")
