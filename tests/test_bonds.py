"""Bonds found from the asymmetric unit and carried by the space group are the bonds of the cell."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from topology.net.bonds import find_bonds
from topology.reading.cif import read_cif
from topology.reading.disorder import major_parts

DATA = Path(__file__).parent / "data"
SYMMETRIC = [p for p in sorted(DATA.rglob("*.cif")) if read_cif(p).orbits is not None]  # not P1


def same_bonds(a, b) -> bool:
    return (len(a) == len(b) and np.array_equal(a.i, b.i) and np.array_equal(a.j, b.j)
            and np.array_equal(a.offset, b.offset) and np.allclose(a.length, b.length))


@pytest.mark.parametrize("path", SYMMETRIC, ids=lambda p: p.name)
def test_bonds_by_symmetry_are_those_of_the_plain_search(path: Path) -> None:
    crystal = major_parts(read_cif(path))
    by_symmetry = find_bonds(crystal)
    plain = find_bonds(replace(crystal, orbits=None))
    assert len(plain) > 0
    assert same_bonds(by_symmetry, plain)


def test_most_test_files_are_read_with_their_symmetry() -> None:
    assert len(SYMMETRIC) >= 20


def test_bonds_are_listed_once_in_order() -> None:
    bonds = find_bonds(read_cif(DATA / "crystalnets" / "MIL-100.cif"))
    rows = np.column_stack([bonds.i, bonds.j, bonds.offset])
    assert (bonds.i <= bonds.j).all()
    assert len(np.unique(rows, axis=0)) == len(rows)
    assert np.array_equal(np.lexsort(rows.T[::-1]), np.arange(len(rows)))


def test_the_multiplication_table_multiplies_every_tabulated_space_group() -> None:
    """The table the bonds are carried by: ``table[a, b]`` is the operation ``a * b`` of gemmi's own
    product, for every setting gemmi tabulates; a list that is no group has none."""
    import gemmi

    from topology.reading.cif import seitz
    from topology.reading.orbits import multiplication_table

    den = gemmi.Op.DEN
    for sg in gemmi.spacegroup_table():
        ops = list(sg.operations())
        rot, tran = seitz(ops)
        table = multiplication_table(rot, tran % den, den)
        index = {op.triplet(): k for k, op in enumerate(ops)}
        assert table is not None, sg.xhm()
        for a in range(0, len(ops), 7):
            for b in range(0, len(ops), 5):
                assert table[a, b] == index[(ops[a] * ops[b]).wrap().triplet()], (sg.xhm(), a, b)
    half = [gemmi.Op("x,y,z"), gemmi.Op("-x,-y,z"), gemmi.Op("x,-y,-z")]  # the product -x,y,-z is missing
    rot, tran = seitz(half)
    assert multiplication_table(rot, tran, den) is None
