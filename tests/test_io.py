"""Reading CIF and .cgd files: symmetry spellings, data blocks, occupancy, and every kind of bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from topology import InputError, analyze_file
from topology.limits import MAX_ATOMS, MAX_FILE_BYTES
from topology.net.bonds import find_bonds
from topology.reading.cgd import parse_cgd
from topology.reading.cif import element_symbol, normalize_hm, parse_cif, read_cif

DATA = Path(__file__).parent / "data"
PEERS = DATA / "crystalnets"

HEADER = """data_test
_cell_length_a {a}
_cell_length_b 10
_cell_length_c 10
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
"""
ATOMS = """loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
{rows}
"""


def cif(symmetry: str = "", rows: str = "Zn1 Zn 0.0823 0.1957 0.3289 1", a: str = "10") -> str:
    return HEADER.format(a=a) + symmetry + "\n" + ATOMS.format(rows=rows)


@pytest.mark.parametrize(
    ("symmetry", "n_atoms"),
    [
        ("_symmetry_space_group_name_H-M 'I m c m'", 16),
        ("_symmetry_space_group_name_H-M 'P4(2)/mmc'", 16),
        ("_symmetry_space_group_name_H-M 'Fd-3m:2'", 192),
        ("_symmetry_space_group_name_H-M 'f_d_-3_m'", 192),
        ("_space_group_name_Hall '-P 4c 2'", 16),
        ("_space_group_IT_number 14", 4),
        ("loop_\n_space_group_symop_operation_xyz\n'x, y, z'\n'-x, -y, -z'\n'-x, y+1/2, -z+1/2'\n'x, -y+1/2, z+1/2'", 4),
        ("", 1),
    ],
)
def test_symmetry_spellings_of_real_files(symmetry: str, n_atoms: int) -> None:
    assert len(parse_cif(cif(symmetry))) == n_atoms


def test_special_positions_are_merged() -> None:
    crystal = parse_cif(cif("_space_group_IT_number 221", rows="Zn1 Zn 0 0 0 1\nO1 O 0.5 0.5 0.5 1"))
    assert sorted(crystal.elements.tolist()) == ["O", "Zn"]


def test_bonds_at_special_positions_are_carried_by_the_operations() -> None:
    """Zn on the 4-fold axis of P4/mmm (16 images, 2 atoms) bonded to four O each: found from one atom
    per site and carried by the operations, every O has its one bond and each Zn its four, as the
    search over the whole cell finds them."""
    crystal = parse_cif(cif("_symmetry_space_group_name_H-M 'P 4/m m m'", "Zn1 Zn 0 0 0.25 1\nO1 O 0.2 0 0.25 1"))
    assert crystal.orbits is not None and len(crystal) == 2 + 8
    bonds = find_bonds(crystal)
    plain = find_bonds(replace(crystal, orbits=None))
    assert np.array_equal(np.column_stack([bonds.i, bonds.j, bonds.offset]),
                          np.column_stack([plain.i, plain.j, plain.offset]))
    degree = np.bincount(np.concatenate([bonds.i, bonds.j]), minlength=len(crystal))
    assert degree[crystal.elements == "Zn"].tolist() == [4, 4]
    assert set(degree[crystal.elements == "O"].tolist()) == {1}


@pytest.mark.parametrize(
    ("group", "site", "multiplicity"),
    [  # Wyckoff multiplicities of International Tables A
        ("221", "0 0 0", 1), ("221", "0 0.5 0.5", 3), ("221", "0.2 0 0", 6), ("221", "0.2 0.2 0.2", 8),
        ("221", "0.2 0.5 0", 12), ("221", "0 0.2 0.3", 24), ("221", "0.1 0.2 0.3", 48),
        ("221", "0.2 0.005 0", 6),  # 0.05 A off the 4-fold axis: within the tolerance, still on it
        ("Fd-3m:2", "0.125 0.125 0.125", 8), ("Fd-3m:2", "0 0 0", 16), ("Fd-3m:2", "0.3 0.3 0.3", 32),
        ("Fd-3m:2", "0.3 0.125 0.125", 48), ("Fd-3m:2", "0.3 0.3 0.1", 96), ("Fd-3m:2", "0.3 0.2 0.1", 192),
    ],
)
def test_special_positions_have_their_wyckoff_multiplicity(group: str, site: str, multiplicity: int) -> None:
    tag = "_space_group_IT_number" if group.isdigit() else "_symmetry_space_group_name_H-M"
    assert len(parse_cif(cif(f"{tag} '{group}'", rows=f"Zn1 Zn {site} 1"))) == multiplicity


def test_operations_that_are_not_a_group_still_merge_coinciding_images() -> None:
    ops = "loop_\n_space_group_symop_operation_xyz\n'x, y, z'\n'-x, -y, -z'\n'-x, y, z'"
    crystal = parse_cif(cif(ops, rows="Zn1 Zn 0 0.3 0.3 1"))  # -x,y,z maps the site onto itself
    assert np.allclose(sorted(crystal.frac[:, 1]), [0.3, 0.7])


def test_labels_types_occupancy_disorder_and_hydrogen() -> None:
    text = cif(rows="Ag1 Ag1+ 0.1 0.1 0.1 1\nO2w O2- 0.3 0.3 0.3 0.5\nH7A ? 0.35 0.3 0.3 0.5\nCl1 . 0.6 0.6 0.6 1")
    crystal = parse_cif(text)
    assert crystal.elements.tolist() == ["Ag", "O", "H", "Cl"]
    assert crystal.labels.tolist() == ["Ag1", "O2w", "H7A", "Cl1"]
    assert crystal.occupancy.tolist() == [1.0, 0.5, 0.5, 1.0]
    assert element_symbol(None, "Cl3") == "Cl" and element_symbol("Ow", "O1") == "O"
    assert len(crystal.with_min_occupancy(0.6)) == 2


def test_several_data_blocks_analyse_the_first_with_atoms() -> None:
    text = "data_empty\n_cell_length_a 5\n\n" + cif()
    crystal = parse_cif(text)
    assert len(crystal) == 1 and crystal.block == "test"
    assert any("first with atoms" in note for note in crystal.notes)


def test_normalize_hm() -> None:
    assert normalize_hm("P4(2)/mmc") == "P42/mmc"
    assert normalize_hm("f_d_-3_m") == "f d -3 m"


def test_occupancy_above_one_is_read_as_full_with_a_note() -> None:
    """Database files carry occupancies above 1 (1.125 for an O of IST-1 among CrystalNets.jl's test
    structures): read as 1, the note naming the site and the line; a negative occupancy is refused."""
    crystal = parse_cif(cif(rows="Zn1 Zn 0.1 0.1 0.1 1.125\nO1 O 0.3 0.3 0.3 2\nO2 O 0.5 0.5 0.5 1.004"))
    assert crystal.occupancy.tolist() == [1.0, 1.0, 1.0]
    assert "occupancy 1.125 of site 'Zn1' and 1 more (the atom loop at line 9) above 1, the most a site holds: " \
           "read as 1" in crystal.notes
    with pytest.raises(InputError, match="occupancy -0.2 of site 'O1' .* is negative"):
        parse_cif(cif(rows="Zn1 Zn 0.1 0.1 0.1 1\nO1 O 0.3 0.3 0.3 -0.2"))


def test_min_occupancy_drops_sites_before_bonding() -> None:
    rows = "Zn1 Zn 0 0 0 1\nO1 O 0.2 0 0 0.5\nO2 O 0 0.2 0 1"
    text = cif("_space_group_IT_number 221", rows=rows, a="4")
    full = parse_cif(text)
    assert len(full.with_min_occupancy(0.6)) < len(full)
    assert np.all(full.with_min_occupancy(0.6).occupancy >= 0.6)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


BAD_INPUTS = {
    "empty.cif": "",
    "binary.cif": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "zero-cell.cif": cif(a="0"),
    "nan-cell.cif": cif(a="nan"),
    "nan-coordinate.cif": cif(rows="Zn1 Zn nan 0.2 0.3 1"),
    "missing-coordinate.cif": cif(rows="Zn1 Zn ? 0.2 0.3 1"),
    "unknown-group.cif": cif("_symmetry_space_group_name_H-M 'Q 9/z'"),
    "code-as-symop.cif": cif("loop_\n_symmetry_equiv_pos_as_xyz\n'__import__(\"os\").system(\"touch /tmp/x\")'"),
    "no-atoms.cif": HEADER.format(a="10"),
    "not-a-cif.cif": "<html><body>404 not found</body></html>",
    "thin-cell.cif": cif(rows="Zn1 Zn 0 0 0 1").replace("_cell_angle_gamma 90", "_cell_angle_gamma 179.999"),
    "empty-net.cgd": "CRYSTAL\nEND\n",
    "bad-edge.cgd": "PERIODIC_GRAPH\nEDGES\n1 1 1 0 x\nEND\n",
    "no-net.cgd": "hello\n",
    "bad-group.cgd": "CRYSTAL\nGROUP Zz9\nCELL 1 1 1 90 90 90\nNODE 1 6 0 0 0\nEND\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_naming_the_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, BAD_INPUTS[name])
    with pytest.raises(InputError) as err:
        analyze_file(path)
    message = str(err.value)
    assert message.startswith(f"{name}: ") and "\n" not in message and len(message) < 300
    assert not Path("/tmp/x").exists() or name != "code-as-symop.cif"


def test_truncated_file(tmp_path: Path) -> None:
    text = (PEERS / "MOF-5.cif").read_text()
    cut = text[: text.index("_atom_site_fract_x") + 60]
    with pytest.raises(InputError, match="^MOF-5-cut.cif: "):
        analyze_file(write(tmp_path, "MOF-5-cut.cif", cut))


def test_missing_file() -> None:
    with pytest.raises(InputError, match="cannot open"):
        analyze_file("no/such/file.cif")


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.cif"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match="limit"):
        read_cif(path)


def test_atom_limit_after_expansion() -> None:
    rng = np.random.default_rng(0)
    n_sites = MAX_ATOMS // 192 + 50
    rows = "\n".join(f"C{i} C {x:.4f} {y:.4f} {z:.4f} 1" for i, (x, y, z) in enumerate(rng.random((n_sites, 3))))
    with pytest.raises(InputError, match="too big"):
        parse_cif(cif("_symmetry_space_group_name_H-M 'F d -3 m'", rows=rows, a="300").replace(
            "_cell_length_b 10", "_cell_length_b 300").replace("_cell_length_c 10", "_cell_length_c 300"))


def test_rcsr_crystal_block_with_fractions_and_origin_choice_2() -> None:
    net, _ = parse_cgd(
        "CRYSTAL\n NAME dia\n GROUP Fd-3m\n CELL 2.3 2.3 2.3 90 90 90\n NODE 1 4 1/8 1/8 1/8\n"
        " EDGE 1/8 1/8 1/8 -1/8 -1/8 -1/8\nEND\n"
    )
    assert net.graph.number_of_nodes() == 8
    assert set(net.coordination()) == {4}


IRMOF_LINE_7 = "_citation_author_name 'M. Eddaoudi, J. Kim, N. Rosi, D. Vodak, J. Wachter, M. O’Keeffe, and O.M. Yaghi',"


@pytest.mark.parametrize("name", ["raspa2_IRMOF-9.cif", "raspa2_IRMOF-16.cif"])
def test_a_quote_followed_by_a_comma_in_a_citation_is_read_as_text(name: str) -> None:
    path = DATA / "real" / name
    assert " ".join(path.read_text(encoding="utf-8").splitlines()[6].split()) == IRMOF_LINE_7  # as RASPA2 has it
    crystal = read_cif(path)
    (note,) = crystal.notes[:1]
    assert note.startswith("line 7: the value of _citation_author_name is not valid CIF; read as text")
    assert len(crystal) == {"raspa2_IRMOF-9.cif": 332, "raspa2_IRMOF-16.cif": 904}[name]


def test_a_tag_given_twice_in_the_global_block_keeps_the_first() -> None:
    text = "data_global\n_chemical_formula_sum 'C24 H12 O13 Zn4'\n_chemical_formula_sum 'C24 H12 O13 Zn4'\n" + cif()
    crystal = parse_cif(text)
    assert "line 3: second _chemical_formula_sum left out (a tag given twice; the first is kept)" in crystal.notes
    assert crystal.block == "test" and len(crystal) == 1


@pytest.mark.parametrize(("broken", "note"), [
    ("loop_\n_geom_bond_atom_site_label_1\n_geom_bond_atom_site_label_2\nZn1 O1\nZn1 'O2\n",
     "line 12: the loop of _geom_bond_atom_site_label_* (lines 8-12) left out"),
    ("loop_\n_geom_angle_atom_site_label_1\n_geom_angle\nO1 109.5\nO2\n", "line 8: the loop of _geom_angle_* (lines 8-12) left out"),
    ("_publ_section_title\n 'Zn, the 'metal'', \n", "_publ_section_title left out"),
    ("_chemical_name_common 'Zn(bdc)', hydrate\n", "line 8: the value of _chemical_name_common is not valid CIF"),
    ("stray value\n", "line 8: a value with no tag left out"),
    ("_symmetry_space_group_name_H-M P 21/c\n", "the value of _symmetry_space_group_name_H-M is not valid CIF"),
])
def test_syntax_errors_outside_the_data_read_are_repaired_with_a_note(broken: str, note: str) -> None:
    crystal = parse_cif(cif(broken))
    assert any(note in n for n in crystal.notes), crystal.notes
    expected = 4 if "21/c" in broken else 1  # the H-M name, taken whole, is the space group
    assert len(crystal) == expected and crystal.elements.tolist() == ["Zn"] * expected


def test_a_cell_given_twice_is_read_once_if_the_values_agree_and_refused_if_not() -> None:
    assert any("second _cell_length_a left out" in n for n in parse_cif(cif("_cell_length_a 10\n")).notes)
    with pytest.raises(InputError, match="duplicate tag _cell_length_a"):
        parse_cif(cif("_cell_length_a 12\n"))  # which of the two is right is not ours to guess


def test_a_broken_row_of_anisotropic_displacements_is_left_out() -> None:
    broken = "loop_\n_atom_site_aniso_label\n_atom_site_aniso_U_11\nZn1 0.01\nO1 'x\n"
    assert any("the loop of _atom_site_aniso_* " in n for n in parse_cif(cif(broken)).notes)


def test_a_broken_atom_site_loop_is_refused_never_guessed() -> None:
    with pytest.raises(InputError, match="not a readable CIF"):
        parse_cif(cif(rows="Zn1 Zn 0.0823 0.1957 0.3289 1\nO1 O 0.1 'x 0.2 1"))
    with pytest.raises(InputError, match="Wrong number of values"):
        parse_cif(cif(rows="Zn1 Zn 0.0823 0.1957 0.3289 1\nO1 O 0.1"))


def test_a_second_block_of_the_same_name_is_renamed() -> None:
    crystal = parse_cif(cif() + "\n" + cif(rows="Cu1 Cu 0 0 0 1"))
    assert crystal.elements.tolist() == ["Zn"] and crystal.block == "test"
    assert any("a second data block named 'test'" in n for n in crystal.notes)


@pytest.mark.parametrize("op", ["x,x,z", "2*x,y,z", "x+y,y,z", "0,0,0"])
def test_operations_that_are_no_lattice_symmetry_are_refused(op: str) -> None:
    with pytest.raises(InputError, match="is not a symmetry of any lattice"):
        parse_cif(cif(f"loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n'{op}'"))


def test_operations_without_the_identity_get_it_with_a_note() -> None:
    crystal = parse_cif(cif("loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,-z+1/24'", rows="Zn1 Zn 0.1 0.2 0.3 1"))
    assert sorted(np.round(crystal.frac[:, 2], 4).tolist()) == [0.3, round(1 / 24 - 0.3 + 1, 4)]
    assert "the symmetry operations do not include x,y,z; added" in crystal.notes


def test_every_shared_real_cif_is_read() -> None:
    for path in sorted((DATA / "real").glob("*.cif")):
        assert len(read_cif(path)) > 0, path.name


def test_sites_given_with_their_symmetry_copies_are_read_once() -> None:
    """MOF-11 as CrystalNets has it lists the symmetry copies of its sites as sites (Cu1B, O1F, ...)
    beside the operations that make them again: each atom once, and the pts net."""
    report = analyze_file(PEERS / "MOF-11.cif")
    assert report.n_atoms == 76
    assert "448 atoms at the place of another of the same element read once" in report.notes[0]
    assert [(n.dimensionality, n.topology) for n in report.nets] == [(3, "pts")]


def test_one_row_under_many_labels_is_one_atom_but_two_elements_stay_two() -> None:
    rows = "Zn1 Zn 0.1 0.2 0.3 1\n" + "".join(f"O{k} O 0.3 0.2 0.1 1\n" for k in range(300)) + "Co1 Co 0.1 0.2 0.3 1"
    crystal = parse_cif(cif(rows=rows))
    assert sorted(crystal.elements.tolist()) == ["Co", "O", "Zn"]


def test_crystal_block_without_edges_joins_nearest_neighbours_as_systre_does() -> None:
    report = analyze_file(DATA / "ideal" / "cds-b-no-edges.cgd")
    (net,) = report.nets
    assert (net.dimensionality, net.topology, net.node_degrees) == (3, "cds", (4,))
    assert any("no EDGE lines" in note for note in report.notes)


@pytest.mark.parametrize("spelling", [
    "crystal\n id dia\n spacegroup Fd-3m\n cell 2.3 2.3 2.3 90 90 90\n atom 1 4 1/8 1/8 1/8\nend\n",
    ("CRYSTAL\n NAME dia\n SPACE_GROUP Fd-3m\n CELL 2.3 2.3 2.3 90 90 90\n VERTEX a 4 1/8 1/8 1/8\n"
     " BONDS a -1/8 -1/8 -1/8\nEND\n"),
])
def test_keyword_spellings_systre_accepts(tmp_path: Path, spelling: str) -> None:
    (net,) = analyze_file(write(tmp_path, "dia.cgd", spelling)).nets
    assert (net.dimensionality, net.topology) == (3, "dia")


@pytest.mark.parametrize("text, message", [
    ("CRYSTAL\nGROUP P1\nCELL 1 1 1 90 90 90\nNODE 1 7 0 0 0\nEND\n", "more than its coordination"),
    ("CRYSTAL\nGROUP Pm-3m\nCELL 1 1 1 90 90 90\nNODE 1 6 0 0 0\nEDGE_CENTER 1/2 1/2 1/2\nEND\n", "EDGE_CENTER at line 5.* more than"),
])
def test_nearest_neighbour_rule_that_cannot_hold_is_an_input_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=f"^bad.cgd: .*{message}"):
        analyze_file(write(tmp_path, "bad.cgd", text))


def test_a_text_file_that_is_not_a_cif_is_called_so() -> None:
    """The README is refused as not a CIF, not as a CIF with too many syntax errors."""
    with pytest.raises(InputError, match=r"README.md: not a CIF \(no data_ block\)"):
        analyze_file(Path(__file__).resolve().parent.parent / "README.md")


@pytest.mark.parametrize("count", [50, 5000])
def test_element_values_and_codes_are_gemmis_whatever_the_crystals_size(count: int) -> None:
    """Radii, metals and the distinct symbols of a large crystal come from integer keys of its symbols,
    of a small one from sorting the strings: both give what gemmi and numpy give symbol by symbol."""
    import gemmi

    from topology.reading.crystal import covalent_radii, element_codes, metal_mask

    symbols = np.array(["H", "C", "N", "O", "Zn", "Cu", "Zr", "Cl", "Ag", "S", "B", "Si", "Te", "X", "D"])
    elements = symbols[np.random.default_rng(count).integers(0, len(symbols), count)]
    assert covalent_radii(elements).tolist() == [gemmi.Element(e).covalent_r for e in elements]
    assert metal_mask(elements).tolist() == [gemmi.Element(e).is_metal for e in elements]
    distinct, code = element_codes(elements)
    expected, inverse = np.unique(elements, return_inverse=True)
    assert distinct.tolist() == expected.tolist() and code.tolist() == inverse.ravel().tolist()


def test_distinct_rows_of_a_boolean_table_are_numpys() -> None:
    """The reader groups the sites fixed by the same operations by the ranks of their boolean rows."""
    from topology.tables import row_ranks

    rng = np.random.default_rng(3)
    for _ in range(300):
        mask = rng.random((int(rng.integers(1, 40)), int(rng.integers(1, 70)))) < rng.random()
        which = row_ranks(mask)
        rows = mask[np.unique(which, return_index=True)[1]]
        expected, inverse = np.unique(mask, axis=0, return_inverse=True)
        assert (rows == expected).all() and (which == inverse.ravel()).all()
