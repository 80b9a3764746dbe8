"""Structures that notebook users already hold, read into a :class:`~topology.reading.crystal.Crystal`.

A ``gemmi.SmallStructure``, a pymatgen ``Structure`` or an ``ase.Atoms`` gives its cell, its sites
(labels, elements, fractional coordinates, occupancies, disorder groups where the object keeps them)
and its symmetry operations; they then take the same road as a CIF block
(:func:`~topology.reading.cif.expanded_crystal`), with the same limits, so the same structure gives
the same report whichever way it arrives. pymatgen and ASE are never imported here: an object of
theirs is recognised by its class, whose module is loaded already.
"""

from __future__ import annotations

import sys
from typing import Any

import gemmi
import numpy as np

from topology.errors import InputError
from topology.reading.cif import checked_cell, element_symbol, expanded_crystal, site_table
from topology.reading.crystal import Crystal

KINDS = "a path, (name, bytes), gemmi.SmallStructure, pymatgen Structure or ase.Atoms"
"""What :func:`topology.analyze` takes, as said in its error message."""

_IDENTITY = [gemmi.Op("x,y,z")]


def instance_of(obj: object, module: str, cls: str) -> bool:
    """Whether ``obj`` is a ``module.cls`` without importing ``module`` (an object of it means it is loaded)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(obj, getattr(loaded, cls, ()))


def to_crystal(obj: Any, name: str | None = None) -> Crystal:
    """The crystal of a gemmi, pymatgen or ASE structure; ``name`` stands for a file name in messages."""
    if isinstance(obj, gemmi.SmallStructure):
        return from_gemmi(obj, name or obj.name or "structure")
    if instance_of(obj, "pymatgen.core.structure", "IStructure"):
        return from_pymatgen(obj, name or obj.composition.reduced_formula)
    if instance_of(obj, "ase.atoms", "Atoms"):
        return from_ase(obj, name or obj.get_chemical_formula() or "atoms")
    raise InputError(name or type(obj).__name__, f"cannot analyse a {type(obj).__module__}.{type(obj).__name__}; "
                                                 f"give {KINDS}")


def from_gemmi(small: gemmi.SmallStructure, name: str) -> Crystal:
    """The asymmetric unit of a gemmi small structure (as ``gemmi.read_small_structure`` gives it),
    expanded by its listed operations, or its space group's when none are listed."""
    sites = list(small.sites)
    ops, sg_name = _identity_or(name, small)
    frac = np.array([[s.fract.x, s.fract.y, s.fract.z] for s in sites], dtype=float).reshape(-1, 3)
    table = site_table(name, [s.label for s in sites], [element_symbol(s.type_symbol, s.label) for s in sites], frac,
                       np.array([s.occ for s in sites], dtype=float), [int(s.disorder_group) for s in sites],
                       [""] * len(sites))
    c = small.cell
    return expanded_crystal(name, checked_cell(name, c.a, c.b, c.c, c.alpha, c.beta, c.gamma), ops, sg_name, table,
                            [], small.name)


def _identity_or(name: str, small: gemmi.SmallStructure) -> tuple[list[gemmi.Op], str]:
    """The structure's operations and the name of its space group (P 1 when it gives none)."""
    sg = small.spacegroup
    if small.symops:
        try:
            ops = [gemmi.parse_triplet(t).wrap() for t in small.symops]
        except (RuntimeError, ValueError) as err:
            raise InputError(name, f"symmetry operation not understood ({err})") from None
        return ops, sg.xhm() if sg else "P 1"
    if sg is not None:
        return list(sg.operations()), sg.xhm()
    return _IDENTITY, "P 1"


def from_pymatgen(structure: Any, name: str) -> Crystal:
    """Every site of a pymatgen structure (already the whole cell), one atom per species of a site
    with its occupancy; the site labels where pymatgen kept them."""
    labels, elements, frac, occupancy = [], [], [], []
    for k, site in enumerate(structure):
        mixed = len(site.species) > 1
        for species, occ in site.species.items():
            symbol = getattr(species, "symbol", str(species))
            label = getattr(site, "label", None) or f"{symbol}{k + 1}"
            labels.append(f"{label}:{symbol}" if mixed else label)  # one row per element, as a CIF writes it
            elements.append(element_symbol(symbol, labels[-1]))
            frac.append(site.frac_coords)
            occupancy.append(float(occ))
    return _p1(name, structure.lattice.abc + structure.lattice.angles, labels, elements, frac, occupancy, "pymatgen")


def from_ase(atoms: Any, name: str) -> Crystal:
    """Every atom of an ``ase.Atoms`` (periodic in three directions), with the occupancies ASE's CIF
    reader keeps in ``info["occupancy"]`` (a mixed site gives one atom per element, as ASE writes it)."""
    if not all(atoms.pbc) or atoms.cell.rank < 3:
        raise InputError(name, "the Atoms object is not periodic in three directions: no crystal to analyse")
    from ase.io.cif import expand_kinds

    try:
        symbols, frac, occupancy = expand_kinds(atoms, atoms.get_scaled_positions(wrap=False))
    except (ValueError, KeyError) as err:
        raise InputError(name, f"occupancies in atoms.info do not match the atoms ({err})") from None
    count: dict[str, int] = {}
    labels = []
    for symbol in symbols:  # ASE keeps no labels: number each element, as its CIF writer does
        count[symbol] = count.get(symbol, 0) + 1
        labels.append(f"{symbol}{count[symbol]}")
    elements = [element_symbol(s, s) for s in symbols]
    return _p1(name, tuple(atoms.cell.cellpar()), labels, elements, frac, occupancy, "ASE")


def _p1(name: str, parameters: tuple[float, ...], labels: list[str], elements: list[str], frac: list,
        occupancy: list[float], library: str) -> Crystal:
    """A crystal of sites that fill the cell already (P 1). These libraries keep no disorder groups,
    so partly occupied alternatives cannot be told apart: the report says so."""
    table = site_table(name, labels, elements, np.array(frac, dtype=float).reshape(-1, 3),
                       np.array(occupancy, dtype=float), [0] * len(labels), [""] * len(labels))
    partial = table["occupancy"] < 1.0
    note = (f"{int(partial.sum())} partly occupied sites read from a {library} structure, which keeps no disorder "
            f"groups: alternatives are not told apart (the file itself, or min_occupancy, does)")
    notes = [note] if partial.any() else []
    return expanded_crystal(name, checked_cell(name, *parameters), _IDENTITY, "P 1", table, notes)
