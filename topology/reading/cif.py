"""Reading CIF files into a :class:`~topology.reading.crystal.Crystal`, with gemmi doing the CIF work.

Real files spell symmetry in many ways: explicit operations (``_space_group_symop_operation_xyz``
or the older ``_symmetry_equiv_pos_as_xyz``), Hall symbols, Hermann-Mauguin names such as
``I m c m``, ``P4(2)/mmc``, ``f_d_-3_m`` or ``Fd-3m:2``, or only the International Tables number.
Operations are parsed by gemmi's triplet parser, so text from a file is never evaluated.
"""

from __future__ import annotations

import gzip
import io
import math
import re
import zlib
from functools import lru_cache
from itertools import chain
from pathlib import Path

import gemmi
import numpy as np
from scipy.spatial import cKDTree

from topology.errors import InputError
from topology.limits import (
    MAX_CIF_VALUES,
    MAX_FILE_BYTES,
    MAX_OPERATIONS,
    check_atoms,
    check_expanded,
    check_pairs,
    check_values,
)
from topology.reading.cif_repair import read_document
from topology.reading.crystal import Crystal, lengths
from topology.reading.orbits import SiteOrbits, images_of, multiplication_table, op_keys, products
from topology.tables import row_ranks

SPECIAL_POSITION_TOLERANCE = 0.3
"""Symmetry images of one site closer than this (in Angstrom) are merged (special positions)."""

APART_MARGIN = 1e-6
"""Distances within this (in Angstrom) of :data:`SPECIAL_POSITION_TOLERANCE` are measured atom by
atom, never settled by symmetry (see :func:`_apart`): far above rounding, far below any real distance."""

APART_FROM = 600
"""Atoms in the cell from which symmetry is asked first whether any two are too close (:func:`_apart`):
below it, measuring them all is quicker than asking."""

OCCUPANCY_SLACK = 0.01
"""How far above 1 an occupancy may be written (rounding, as 1.001) before a note says it was read as 1;
the IUCr dictionary's range for ``_atom_site_occupancy`` is 0 to 1 and checkCIF flags anything above,
but files in the databases carry such values (1.125 in IST-1 of CrystalNets.jl's tests)."""

_SYMOP_TAGS = (
    "_space_group_symop_operation_xyz",
    "_space_group_symop.operation_xyz",
    "_symmetry_equiv_pos_as_xyz",
    "_symmetry_equiv.pos_as_xyz",
)
_HALL_TAGS = ("_space_group_name_Hall", "_symmetry_space_group_name_Hall", "_space_group.name_Hall")
_HM_TAGS = (
    "_space_group_name_H-M_alt",
    "_symmetry_space_group_name_H-M",
    "_space_group.name_H-M_alt",
    "_space_group_name_H-M",
)
_NUMBER_TAGS = ("_space_group_IT_number", "_symmetry_Int_Tables_number", "_space_group.IT_number")
_CELL_TAGS = ("length_a", "length_b", "length_c", "angle_alpha", "angle_beta", "angle_gamma")


def read_bytes(path: str | Path) -> tuple[str, bytes]:
    """The file's display name and contents, refusing what is missing or too big; a ``.gz`` file
    is unpacked (see :func:`unpack`)."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(name, f"cannot open the file ({err.strerror or err})") from None
    if not path.is_file():
        raise InputError(name, "is not a regular file")
    if size > MAX_FILE_BYTES:
        raise InputError(name, f"file is {size / 2**20:.0f} MiB, more than the {MAX_FILE_BYTES // 2**20} MiB limit")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(name, f"cannot read the file ({err.strerror or err})") from None
    return unpack(name, data)


def unpack(name: str, data: bytes) -> tuple[str, bytes]:
    """Name and contents of a file named ``*.gz`` once unpacked (within the size limit), so that a
    ``.cif.gz`` is read as its ``.cif``; any other file as it is. A corrupt archive (a flipped bit
    fails its CRC or its inflation) is one :class:`InputError`."""
    if not name.lower().endswith(".gz"):
        return name, data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(name, f"not a readable gzip file ({err})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(name, f"unpacks to more than the {MAX_FILE_BYTES // 2**20} MiB limit")
    return name[:-3], data


def read_text(path: str | Path) -> tuple[str, str]:
    """The file's display name and text, refusing what cannot be a structure file."""
    name, data = read_bytes(path)
    return name, decode(name, data)


def decode(name: str, data: bytes) -> str:
    """Text of a structure file; binary data is refused."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    if b"\x00" in data[:65536]:
        raise InputError(name, "binary data, not a text structure file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_cif(path: str | Path) -> Crystal:
    """Read the first data block with atoms of a CIF file and expand it to the full unit cell."""
    name, text = read_text(path)
    return parse_cif(text, name)


def parse_cif(text: str, name: str = "input.cif") -> Crystal:
    """Parse CIF text (see :func:`read_cif`)."""
    check_values(name, count_values(text))
    doc, repairs = read_document(text, name)
    blocks = [b for b in doc if _atom_loop(b) is not None]
    if not blocks:
        raise InputError(name, "no data block with atom sites (_atom_site_fract_x)")
    notes = list(repairs)
    if len(doc) > 1:
        notes.append(f"{len(doc)} data blocks; analysed '{blocks[0].name}', the first with atoms")
    block = blocks[0]
    cell = _cell(block, name)
    ops, sg_name, sg_note = _symmetry(block, name)
    if sg_note:
        notes.append(sg_note)
    return expanded_crystal(name, cell, ops, sg_name, _sites(block, name), notes, block.name)


def expanded_crystal(name: str, cell: gemmi.UnitCell, ops: list[gemmi.Op], sg_name: str, sites: dict[str, np.ndarray],
                     notes: list[str], block: str = "") -> Crystal:
    """The sites of an asymmetric unit (from :func:`site_table`) expanded by the operations into the
    whole cell: the one road from a CIF block, or from gemmi, pymatgen and ASE structures, to a Crystal."""
    notes = list(notes) + list(sites.get("notes", []))
    if sites["unknown"]:
        notes.append(f"{len(sites['unknown'])} sites with no recognisable element left out "
                     f"({', '.join(sites['unknown'][:5])}{', ...' if len(sites['unknown']) > 5 else ''})")
    if sites["repeated"]:
        notes.append(f"{sites['repeated']} repeated atom-site rows (same label and position) read once")
    check_atoms(name, len(sites["frac"]), len(ops), cell.volume)
    operations = tuple(op.triplet() for op in ops)
    rot, tran = _seitz_of(operations)
    frac, index, made_by, same = _expand(sites["frac"], rot, tran, cell, name)
    check_expanded(name, len(frac), cell.volume)
    special = np.bincount(index, minlength=len(sites["frac"])) < len(ops)  # images merged: on a special position
    keep = (np.ones(len(frac), dtype=bool) if len(frac) >= APART_FROM and _apart(sites["frac"], operations, cell)
            else _first_of_coinciding(frac, _kinds(sites, index), cell, name))
    orbits = _orbits(index, made_by, same, rot, tran) if keep.all() and len(ops) > 1 else None
    if not keep.all():
        notes.append(f"{int((~keep).sum())} atoms at the place of another of the same element read once (a site listed "
                     f"twice, e.g. with its symmetry copies)")
        frac, index, made_by = frac[keep], index[keep], made_by[keep]
    group = sites["disorder"][index]
    negative = sorted(set(group[group < 0].tolist()), reverse=True)
    if negative:
        notes.append(f"disorder part{'s' if len(negative) > 1 else ''} {', '.join(map(str, negative))} (negative): "
                     f"symmetry copies of a part that overlap are alternatives, never bonded to each other")
    return Crystal(
        source=name,
        cell=cell,
        frac=frac,
        elements=sites["elements"][index],
        labels=sites["labels"][index],
        occupancy=sites["occupancy"][index],
        disorder_group=group,
        disorder_assembly=sites["assembly"][index],
        symmetry_copy=_symmetry_copies(sites["frac"], index, made_by, special, frac, rot, tran) if group.any() else None,
        operations=operations,
        orbits=orbits,
        block=block,
        spacegroup=sg_name,
        notes=tuple(notes),
    )


def _orbits(index: np.ndarray, made_by: np.ndarray, same: np.ndarray | None, rot: np.ndarray,
            tran: np.ndarray) -> SiteOrbits | None:
    """The atoms as images of their sites (see :class:`SiteOrbits`), where every image is an atom."""
    if same is None:
        return None
    atom_of = np.full(same.shape, -1, dtype=np.int64)
    atom_of[index, made_by] = np.arange(len(index))
    atom_of = np.take_along_axis(atom_of, same, axis=1)
    if (atom_of < 0).any():
        return None
    return SiteOrbits(index, made_by, atom_of, rot, tran, gemmi.Op.DEN)


def _kinds(sites: dict[str, np.ndarray], index: np.ndarray) -> np.ndarray:
    """The kind of each atom (of site ``index``) that may be read once where two coincide: element,
    disorder group and occupancy; every atom of a negative part a kind of its own, as the symmetry
    copies of such a part overlap by design (alternatives)."""
    alike = row_ranks(np.column_stack([np.unique(sites["elements"], return_inverse=True)[1].ravel(),
                                       sites["disorder"], np.round(sites["occupancy"] * 1000)]))
    kind = alike[index]
    return np.where(sites["disorder"][index] < 0, kind.max(initial=0) + 1 + np.arange(len(kind)), kind)


def count_values(text: str) -> int:
    """Whitespace-separated words outside semicolon text fields (a line starting with ';' opens or
    closes one): about the number of values a CIF parser makes of ``text``, counted with numpy in
    a fraction of a second even for the largest file allowed. A short text is not counted."""
    if len(text) < MAX_CIF_VALUES:
        return 0  # fewer characters than the limit has values
    raw = np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8)
    blank = np.zeros(256, dtype=bool)
    blank[[9, 10, 13, 32]] = True
    space = blank[raw]
    starts = np.flatnonzero(~space & np.concatenate([[True], space[:-1]]))
    fences = np.flatnonzero((raw == ord(";")) & np.concatenate([[True], raw[:-1] == ord("\n")]))
    opened, closed = fences[0::2], fences[1::2]
    closed = np.concatenate([closed, [len(raw)] * (len(opened) - len(closed))])
    inside = np.searchsorted(starts, closed, "right") - np.searchsorted(starts, opened)
    return int(len(starts) - inside.sum())


def _atom_loop(block: gemmi.cif.Block) -> gemmi.cif.Table | None:
    for prefix in ("_atom_site_", "_atom_site."):
        table = block.find(prefix, ["fract_x", "fract_y", "fract_z"])
        if len(table):
            return table
    return None


def _value(block: gemmi.cif.Block, tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        raw = block.find_value(tag)
        if raw is not None:
            value = gemmi.cif.as_string(raw).strip()
            if value and value not in ("?", "."):
                return value
    return None


def _number(name: str, what: str, raw: str) -> float:
    value = gemmi.cif.as_number(raw)
    if not math.isfinite(value):
        raise InputError(name, f"{what} is not a number ({raw[:40]!r})")
    return value


def _cell(block: gemmi.cif.Block, name: str) -> gemmi.UnitCell:
    values = []
    for key in _CELL_TAGS:
        raw = block.find_value(f"_cell_{key}") or block.find_value(f"_cell.{key}")
        if raw is None:
            raise InputError(name, f"missing _cell_{key}")
        values.append(_number(name, f"_cell_{key}", raw))
    return checked_cell(name, *values)


def checked_cell(name: str, a: float, b: float, c: float, alpha: float, beta: float, gamma: float) -> gemmi.UnitCell:
    """The unit cell of these parameters, refusing one that cannot be."""
    if not all(math.isfinite(x) for x in (a, b, c, alpha, beta, gamma)):
        raise InputError(name, f"unit cell parameters are not numbers ({a} {b} {c} {alpha} {beta} {gamma})")
    if not (0 < min(a, b, c) and max(a, b, c) < 1e5) or not all(0.1 < x < 179.9 for x in (alpha, beta, gamma)):
        raise InputError(name, f"impossible unit cell {a:g} {b:g} {c:g} {alpha:g} {beta:g} {gamma:g}")
    try:
        with np.errstate(all="ignore"):
            cell = gemmi.UnitCell(a, b, c, alpha, beta, gamma)
    except (RuntimeError, ValueError):
        raise InputError(name, f"impossible unit cell angles {alpha:g} {beta:g} {gamma:g}") from None
    if not math.isfinite(cell.volume) or cell.volume < 1.0:
        raise InputError(name, f"unit cell has no volume ({a:g} {b:g} {c:g} {alpha:g} {beta:g} {gamma:g})")
    return cell


def normalize_hm(symbol: str) -> str:
    """Rewrite the H-M spellings of real files into one gemmi knows: ``P4(2)/mmc`` -> ``P42/mmc``."""
    s = symbol.strip().strip("'\"").replace("_", " ")
    s = re.sub(r"(\d)\((\d)\)", r"\1\2", s)
    s = re.sub(r"\s+", " ", s)
    return s


def _line(block: gemmi.cif.Block, tag: str) -> int:
    """Line of the file where ``tag`` is (its loop's header for a looped tag)."""
    item = block.find_pair_item(tag) or block.find_loop_item(tag)
    return item.line_number if item is not None else 0


def _symmetry(block: gemmi.cif.Block, name: str) -> tuple[list[gemmi.Op], str, str | None]:
    """Symmetry operations of a block: explicit operations first, then Hall, H-M, IT number.

    Conflicts are resolved as the IUCr dictionary reads them (``_symmetry_equiv_pos_as_xyz`` is the
    older name of ``_space_group_symop_operation_xyz``, so both lists describe one group: a list that
    holds the other is taken, with a note naming both lines) or refused in one line; a Hall symbol
    that cannot be read is noted when the H-M name or number gives the group, refused when nothing
    else does."""
    listed = [(tag, [gemmi.cif.as_string(raw) for raw in block.find_values(tag)]) for tag in _SYMOP_TAGS]
    listed = [(tag, column) for tag, column in listed if column]
    if listed:
        return _chosen_operations(block, listed, name)
    notes = []
    hall = _value(block, _HALL_TAGS)
    if hall:
        try:
            group = gemmi.symops_from_hall(hall)
            sg = gemmi.find_spacegroup_by_ops(group)
            return list(group), (sg.xhm() if sg else hall), None
        except (RuntimeError, ValueError):
            tag = next(t for t in _HALL_TAGS if block.find_value(t) is not None)
            notes.append(f"Hall symbol {hall[:40]!r} (line {_line(block, tag)}) cannot be read")
    found = _named_group(block, name)
    if found is not None:
        sg, where = found
        if notes:
            notes.append(f"symmetry from {where}")
        return list(sg.operations()), sg.xhm(), "; ".join(notes) or None
    if notes:
        raise InputError(name, f"{notes[0]} and no H-M name or space-group number is given: the symmetry is unknown")
    return [gemmi.Op("x,y,z")], "P 1", "no symmetry given; read as P 1"


def _named_group(block: gemmi.cif.Block, name: str) -> tuple[gemmi.SpaceGroup, str] | None:
    """The space group of the H-M name, else of the IT number (1-230), and the tag and line it came
    from; None when neither is given."""
    hm = _value(block, _HM_TAGS)
    if hm:
        sg = gemmi.find_spacegroup_by_name(normalize_hm(hm))
        if sg is None:
            raise InputError(name, f"unknown space group {hm[:40]!r}")
        tag = next(t for t in _HM_TAGS if _value(block, (t,)))
        return sg, f"{tag} {hm[:40]!r} (line {_line(block, tag)})"
    number = _value(block, _NUMBER_TAGS)
    if number:
        tag = next(t for t in _NUMBER_TAGS if _value(block, (t,)))
        if not re.fullmatch(r"[0-9]{1,3}", number) or not 1 <= int(number) <= 230:
            raise InputError(name, f"space group number {number[:20]!r} (line {_line(block, tag)}) is not one of 1-230")
        return gemmi.find_spacegroup_by_number(int(number)), f"{tag} {number} (line {_line(block, tag)})"
    return None


def _chosen_operations(block: gemmi.cif.Block, listed: list[tuple[str, list[str]]],
                       name: str) -> tuple[list[gemmi.Op], str, str | None]:
    """The operations of the one list given, or of the list that holds every other when a file gives
    the same operations under two tags (a note names what was left aside); lists that disagree are
    refused."""
    parsed = [(tag, column, _listed_operations(column, name)) for tag, column in listed]
    if len(parsed) == 1:
        return parsed[0][2]
    sets = [{op.triplet() for op in ops} for _, _, (ops, _, _) in parsed]
    widest = max(range(len(parsed)), key=lambda k: len(sets[k]))
    where = [f"{tag} (line {_line(block, tag)}, {len(s)} operation{'s' * (len(s) != 1)})"
             for (tag, _, _), s in zip(parsed, sets)]
    if not all(s <= sets[widest] for s in sets):
        raise InputError(name, f"the symmetry operations of {where[0]} and {where[1]} disagree")
    ops, sg_name, note = parsed[widest][2]
    if all(s == sets[widest] for s in sets):
        return ops, sg_name, note
    others = ", ".join(w for k, w in enumerate(where) if k != widest)
    return ops, sg_name, "; ".join(filter(None, [note, (f"operations of {where[widest]} used; {others} holds only "
                                                        f"some of them")]))


def _listed_operations(triplets: list[str], name: str) -> tuple[list[gemmi.Op], str, str | None]:
    """Operations as a file lists them: parsed (never evaluated), checked to be crystallographic,
    repeats read once; the identity added if missing. Applied as listed when they are not a group.
    Remembered by their distinct texts (the files of a survey share a few space groups)."""
    distinct = tuple(dict.fromkeys("".join(t.split()).lower() for t in triplets))
    try:
        ops, sg_name, note = _operations_of(distinct, len(triplets))
    except _Refused as refusal:
        raise InputError(name, str(refusal)) from None
    return list(ops), sg_name, note


class _Refused(ValueError):
    """Operations that cannot be read, for :func:`_listed_operations` to name the file."""


@lru_cache(maxsize=256)
def _operations_of(triplets: tuple[str, ...], listed: int) -> tuple[tuple[gemmi.Op, ...], str, str | None]:
    """:func:`_listed_operations` of distinct texts, ``listed`` of them in the file.

    The operations of a tabulated space group are crystallographic, so the check is left for
    operations that are not, and for before refusing a file for another reason (each operation
    refused for what the first of them fails)."""
    ops: dict[str, gemmi.Op] = {}
    written: dict[str, str] = {}  # each operation as first written
    for triplet in triplets:
        try:
            op = gemmi.parse_triplet(triplet).wrap()
        except (RuntimeError, ValueError):
            _refuse_non_crystallographic(ops, written)
            raise _Refused(f"symmetry operation {triplet[:60]!r} is not an x,y,z triplet") from None
        key = op.triplet()
        written.setdefault(key, triplet)
        ops.setdefault(key, op)
        if len(ops) > MAX_OPERATIONS:
            _refuse_non_crystallographic(ops, written)
            raise _Refused(f"more than {MAX_OPERATIONS} distinct symmetry operations; no space group has more")
    notes = []
    if len(ops) < listed:
        notes.append(f"{listed - len(ops)} repeated symmetry operations read once")
    if "x,y,z" not in ops:
        ops = {"x,y,z": gemmi.Op("x,y,z"), **ops}
        notes.append("the symmetry operations do not include x,y,z; added")
    chosen = list(ops.values())
    group = gemmi.GroupOps(chosen)
    sg = gemmi.find_spacegroup_by_ops(group)
    if sg is not None and {op.wrap().triplet() for op in sg.operations()} == set(ops):  # a group already, in
        return tuple(group), sg.xhm(), "; ".join(notes) or None  # gemmi's order
    _refuse_non_crystallographic(ops, written)
    if _closed(chosen, ops):
        if sorted(op.wrap().triplet() for op in group) == sorted(ops):
            return tuple(group), f"{len(chosen)} operations", "; ".join(notes) or None
        return tuple(chosen), f"{len(chosen)} operations", "; ".join(notes) or None
    notes.append(f"the {len(chosen)} symmetry operations listed are not a group; applied as listed")
    return tuple(chosen), f"{len(chosen)} operations", "; ".join(notes)


def _refuse_non_crystallographic(ops: dict[str, gemmi.Op], written: dict[str, str]) -> None:
    """Refuse the first of the operations that is no symmetry of any lattice, named as written."""
    for key, op in ops.items():
        if not _crystallographic(tuple(map(tuple, op.rot))):
            raise _Refused(f"symmetry operation {written[key][:60]!r} is not a symmetry of any lattice")


def _closed(listed: list[gemmi.Op], ops: dict[str, gemmi.Op]) -> bool:
    """Whether every product of two listed operations is listed (all products at once with numpy; one
    by one only for settings with matrix entries beyond -1..1)."""
    den = gemmi.Op.DEN
    rot = np.array([op.rot for op in listed], dtype=np.int64)
    tran = np.array([op.tran for op in listed], dtype=np.int64) % den
    table = products(rot, tran, den, np.arange(len(listed)))
    if table is not None:
        return True
    if np.abs(rot).max() <= den:
        return False  # a product is missing
    return all((a * b).wrap().triplet() in ops for a in listed for b in listed)


@lru_cache(maxsize=4096)
def _crystallographic(rotation: tuple[tuple[int, ...], ...]) -> bool:
    """A rotation part (in 1/DEN) that maps the lattice onto itself: integer, determinant +-1, finite
    order (remembered: the files of a survey share their space groups)."""
    den = gemmi.Op.DEN
    rot = np.array(rotation, dtype=np.int64)
    if (rot % den).any():
        return False
    m = rot // den
    if round(abs(np.linalg.det(m))) != 1:
        return False
    power = np.eye(3, dtype=np.int64)
    for _ in range(6):
        power = power @ m
        if (power == np.eye(3, dtype=np.int64)).all():
            return True
    return False


@lru_cache(maxsize=1024)
def element_symbol(type_symbol: str | None, label: str) -> str:
    """Element from ``_atom_site_type_symbol`` (``Ag1+``, ``O2-``, ``Ow``), else from the label."""
    for text in (type_symbol, label):
        if not text:
            continue
        m = re.match(r"([A-Za-z])([A-Za-z]?)", text)
        if not m:
            continue
        first, second = m.group(1).upper(), m.group(2)
        candidates = [first + second.lower(), first] if second.islower() else [first, first + second.lower()]
        for sym in candidates:
            if sym == "D":
                return "H"
            if sym and gemmi.Element(sym).atomic_number > 0 and sym != "X":
                return sym
    return "X"


def _column(block: gemmi.cif.Block, tag: str, n: int, name: str) -> list[str | None]:
    """A column of the atom loop as raw strings, None where null (or all None if absent); a tag of the
    atom sites given with another number of values (once, outside the loop) is refused."""
    values = block.find_values(tag)
    if not len(values):
        return [None] * n
    if len(values) != n:
        raise InputError(name, f"{tag} has {len(values)} value(s) for {n} atom sites (line {_line(block, tag)}): "
                               f"it belongs in the atom loop")
    return [None if v == "?" or v == "." else v for v in values]  # gemmi.cif.is_null, without a call per value


def _sites(block: gemmi.cif.Block, name: str) -> dict[str, np.ndarray]:
    """The atom sites of a block, read a column at a time."""
    table = _atom_loop(block)
    assert table is not None
    prefix = table.get_prefix()
    n = len(table)
    raw_labels = _column(block, prefix + "label", n, name)
    labels = [gemmi.cif.as_string(v) if v is not None else f"A{i + 1}" for i, v in enumerate(raw_labels)]
    frac = np.full((n, 3), np.nan)
    for k, axis in enumerate("xyz"):
        column = _column(block, f"{prefix}fract_{axis}", n, name)
        frac[:, k] = [gemmi.cif.as_number(v) if v is not None else math.inf for v in column]
    bad = ~np.isfinite(frac)
    if bad.any():
        i, k = np.argwhere(bad)[0]
        column = _column(block, f"{prefix}fract_{'xyz'[k]}", n, name)
        if column[i] is None:
            raise InputError(name, f"site {labels[i][:40]!r} has no coordinates")
        raise InputError(name, f"coordinate of site {labels[i][:40]!r} is not a number ({column[i][:40]!r})")
    types = _column(block, prefix + "type_symbol", n, name)
    elements = [element_symbol(gemmi.cif.as_string(t) if t is not None else None, label)
                for t, label in zip(types, labels)]
    occupancy = np.array([gemmi.cif.as_number(v) if v is not None else 1.0
                          for v in _column(block, prefix + "occupancy", n, name)], dtype=float)
    if not np.isfinite(occupancy).all():
        i = int(np.flatnonzero(~np.isfinite(occupancy))[0])
        raw = _column(block, prefix + "occupancy", n, name)[i] or ""
        raise InputError(name, f"occupancy of site {labels[i][:40]!r} is not a number ({raw[:40]!r})")
    where = f"the atom loop at line {_line(block, prefix + 'occupancy')}"
    if (occupancy < 0).any():
        i = int(np.flatnonzero(occupancy < 0)[0])
        raise InputError(name, f"occupancy {occupancy[i]:g} of site {labels[i][:40]!r} ({where}) is negative")
    over = np.flatnonzero(occupancy > 1 + OCCUPANCY_SLACK)
    notes = [(f"occupancy {occupancy[over[0]]:g} of site {labels[over[0]][:40]!r}"
              f"{f' and {len(over) - 1} more' if len(over) > 1 else ''} ({where}) above 1, the most a site holds: "
              f"read as 1")] if len(over) else []
    disorder = [_integer(gemmi.cif.as_string(v)) if v is not None else 0
                for v in _column(block, prefix + "disorder_group", n, name)]
    assembly = [gemmi.cif.as_string(v).strip() if v is not None else ""
                for v in _column(block, prefix + "disorder_assembly", n, name)]
    return {**site_table(name, labels, elements, frac, occupancy, disorder, assembly), "notes": notes}


def site_table(name: str, labels: list[str], elements: list[str], frac: np.ndarray, occupancy: np.ndarray,
               disorder: list[int], assembly: list[str]) -> dict[str, np.ndarray]:
    """The sites as :func:`expanded_crystal` takes them: sites without a known element (``X``) left out,
    a row repeated with the same label and position read once, occupancies clipped to [0, 1]."""
    n = len(labels)
    if not (np.isfinite(frac).all() and np.isfinite(occupancy).all()):
        i = int(np.flatnonzero(~(np.isfinite(frac).all(axis=1) & np.isfinite(occupancy)))[0])
        raise InputError(name, f"site {labels[i][:40]!r} has a coordinate or occupancy that is not a number")
    if (np.abs(frac) > 1e6).any():
        i = int(np.flatnonzero((np.abs(frac) > 1e6).any(axis=1))[0])
        raise InputError(name, f"coordinates of site {labels[i][:40]!r} are far outside any cell")
    if any(abs(g) > 10**6 for g in disorder):
        i = next(k for k, g in enumerate(disorder) if abs(g) > 10**6)
        raise InputError(name, f"disorder group of site {labels[i][:40]!r} is not a usable number ({disorder[i]})")
    known = np.array([e != "X" for e in elements], dtype=bool)
    if not known.any():
        shown = ", ".join(repr(label[:20]) for label in labels[:3])
        raise InputError(name, f"no atom site has a recognisable element (labels {shown}{', ...' if n > 3 else ''})")
    keys = [(label, *f) for label, f in zip(labels, np.round(frac, 6).tolist())]
    first = sorted({key: k for k, key in reversed(list(enumerate(keys)))}.values())
    keep = np.array([k for k in first if known[k]], dtype=int)
    return {
        "labels": np.array(labels, dtype=object)[keep],
        "elements": np.array(elements, dtype=str)[keep],
        "occupancy": np.clip(occupancy, 0.0, 1.0)[keep],
        "disorder": np.array(disorder, dtype=np.int64)[keep],
        "assembly": np.array(assembly, dtype=object)[keep],
        "frac": frac[keep],
        "unknown": [labels[k][:20] for k in first if not known[k]],
        "repeated": n - len(first),
    }


def _symmetry_copies(site_frac: np.ndarray, index: np.ndarray, made_by: np.ndarray, special: np.ndarray,
                     frac: np.ndarray, rot: np.ndarray, tran: np.ndarray) -> np.ndarray:
    """Which copy of its part each atom is (see ``Crystal.symmetry_copy``; used for disordered atoms).

    SHELX's negative PART numbers mark a part whose symmetry images are alternatives to it (a
    ligand disordered across an inversion centre): bonds may join atoms of one copy only. An atom
    is of the copy ``g``, the operation that made it from its site, translated by the lattice vector
    that wrapped it into the cell; where several operations put the site there (a special position)
    it is shared, operation -1.
    """
    den = gemmi.Op.DEN
    own_rot = rot[made_by] / den  # (n, 3, 3): each atom's own operation
    own_tran = tran[made_by] / den
    raw = np.einsum("nij,nj->ni", own_rot, site_frac[index]) + own_tran
    copies = np.zeros((len(frac), 4), dtype=np.int64)
    copies[:, 0] = np.where(special[index], -1, made_by)
    copies[:, 1:] = np.round(frac - raw)
    return copies


def _integer(text: str) -> int:
    """A disorder group number; anything else (``-``, ``A``) counts as ordered."""
    try:
        return int(text)
    except ValueError:
        return 0


def seitz(ops: list[gemmi.Op]) -> tuple[np.ndarray, np.ndarray]:
    """Rotation parts (m, 3, 3) and translations (m, 3) of the operations, in units of 1/DEN: read
    from gemmi once, as a flat run of integers (numpy is slow to take nested lists)."""
    flat = chain.from_iterable
    rot = np.fromiter(flat(flat(op.rot for op in ops)), dtype=np.int64, count=9 * len(ops)).reshape(-1, 3, 3)
    tran = np.fromiter(flat(op.tran for op in ops), dtype=np.int64, count=3 * len(ops)).reshape(-1, 3)
    return rot, tran


@lru_cache(maxsize=64)
def _seitz_of(operations: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`seitz` of the operations written as triplets, read-only, kept for the files of a survey
    that share a space group."""
    rot, tran = seitz([gemmi.Op(triplet) for triplet in operations])
    rot.flags.writeable = tran.flags.writeable = False
    return rot, tran


def _expand(frac: np.ndarray, rot: np.ndarray, tran: np.ndarray, cell: gemmi.UnitCell,
            source: str = "input.cif") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """All symmetry images of the sites, wrapped into the cell, with images on special positions merged.

    Images of one site closer than :data:`SPECIAL_POSITION_TOLERANCE` are one atom (the first one
    stays). Two images ``g1 x`` and ``g2 x`` coincide when ``x`` nearly stays put under
    ``h = g1^-1 g2``, so it is enough to measure how far each operation moves each site and, for
    the few sites some operation barely moves, to merge through the group's multiplication table.
    Returns the coordinates and, for each, the index of its site and of the operation that made it;
    and ``same[s, g]``, the operation whose image of site ``s`` stands for that of ``g`` (``g`` itself
    off special positions), or None where the operations were not worked with as a group.
    """
    den = gemmi.Op.DEN
    tran = tran % den
    images = images_of(rot / den, frac) + tran[None, :, :] / den  # (n, m, 3)
    images -= np.floor(images)
    images[images >= 1.0] = 0.0
    flat = images.reshape(-1, 3)
    site = np.repeat(np.arange(len(frac)), len(rot))
    op = np.tile(np.arange(len(rot)), len(frac))
    same = np.broadcast_to(np.arange(len(rot)), (len(frac), len(rot)))
    if len(rot) == 1 or len(flat) == 0:
        return flat, site, op, same
    identity = np.flatnonzero((rot == np.eye(3, dtype=np.int64) * den).all(axis=(1, 2)) & ~tran.any(axis=1))
    if len(identity) != 1:
        return (*_merge_close_images(flat, site, op, cell, source), None)
    moved = images - images[:, identity[0], None, :]
    moved -= np.round(moved)
    cart = moved @ np.array(cell.orth.mat.tolist()).T
    fixes = lengths(cart) < SPECIAL_POSITION_TOLERANCE  # (n, m): h nearly fixes x
    special = np.flatnonzero(fixes.sum(axis=1) > 1)
    if len(special) == 0:
        return flat, site, op, same
    columns = np.flatnonzero(fixes[special].any(axis=0))
    group = multiplication_table(rot, tran, den) if np.abs(rot).max() <= den else None
    table = group[:, columns] if group is not None else products(rot, tran, den, columns)
    if table is None:
        return (*_merge_close_images(flat, site, op, cell, source), None)
    # image g coincides with the images g h, h nearly fixing the site: the first of them stays (worked out once
    # for the sites fixed by the same operations)
    fixed = fixes[special][:, columns]
    which = row_ranks(fixed)
    stands_for = np.array([table[:, f].min(axis=1) for f in fixed[np.unique(which, return_index=True)[1]]])
    same = same.copy()
    same[special] = stands_for[which]
    keep = (same == np.arange(len(rot))).ravel()
    return flat[keep], site[keep], op[keep], same


def _first_of_coinciding(frac: np.ndarray, kind: np.ndarray, cell: gemmi.UnitCell, source: str) -> np.ndarray:
    """Mask keeping one of the atoms of one ``kind`` (element, disorder group, occupancy) closer
    than the tolerance: the same atom given twice (a file listing the symmetry copies of its sites
    as sites, or one row under many labels). One nearest-neighbour query finds the few atoms that
    have a neighbour that close; only those are paired (counted first, so a pile of rows on one point
    is refused before its pairs are listed)."""
    box = np.array([cell.a, cell.b, cell.c])
    points = np.minimum(frac * box, np.nextafter(box, 0))
    keep = np.ones(len(frac), dtype=bool)
    if len(frac) < 2:
        return keep
    tree = cKDTree(points, boxsize=box)
    near, _ = tree.query(points, k=2, distance_upper_bound=SPECIAL_POSITION_TOLERANCE)
    close = np.flatnonzero(np.isfinite(near[:, 1]))
    if not len(close):
        return keep
    sub = cKDTree(points[close], boxsize=box)
    within = sub.query_ball_point(points[close], SPECIAL_POSITION_TOLERANCE, return_length=True)  # itself included
    check_pairs(source, (int(within.sum()) - sub.n) // 2, len(frac))
    pairs = close[sub.query_pairs(SPECIAL_POSITION_TOLERANCE, output_type="ndarray")]
    pairs = pairs[kind[pairs[:, 0]] == kind[pairs[:, 1]]]
    keep[pairs.max(axis=1)] = False
    return keep


def _apart(site_frac: np.ndarray, operations: tuple[str, ...], cell: gemmi.UnitCell) -> bool:
    """Whether symmetry alone shows that no two atoms of the expanded cell are closer than the
    tolerance, as :func:`_first_of_coinciding` measures them, sparing its search over every atom.

    In an orthogonal cell whose operations form a space group of signed permutations of equally long
    axes, the operations keep those distances: atoms ``g x_i`` and ``g' x_j`` are as far apart as
    site ``x_i`` and the image ``g^-1 g' x_j``. It is enough to look around each site, shifted back by
    each centring vector, among the images of the sites by the operations without centring (a
    quarter of all images in an F-centred group). Only images of a site near itself may be found
    there, and :func:`_expand` merged those; anything else, or a distance within
    :data:`APART_MARGIN` of the tolerance, leaves the question to the full search.
    """
    if len(operations) < 2 or not cell.alpha == cell.beta == cell.gamma == 90:
        return False
    box = np.array([cell.a, cell.b, cell.c])
    split = _centring_split(operations)
    if split is None or not _axis_permutations(split[0], box):
        return False
    sym_rot, sym_tran, centring = split
    den = gemmi.Op.DEN
    shifted = (site_frac[:, None, :] - centring[None, :, :] / den).reshape(-1, 3)  # site i at row i * len(centring)
    images = (images_of(sym_rot / den, site_frac) + sym_tran / den).reshape(-1, 3)  # of site j at j * len(sym_rot)
    points, around = _in_box(images, box), _in_box(shifted, box)
    tree = cKDTree(points, boxsize=box, balanced_tree=False, compact_nodes=False)  # searched once: the quickest
    found = tree.query_ball_point(around, SPECIAL_POSITION_TOLERANCE + APART_MARGIN, return_sorted=False)  # to build
    counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    image = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=int(counts.sum()))
    site = np.repeat(np.arange(len(found)), counts)
    if (site // len(centring) != image // len(sym_rot)).any():
        return False
    gap = points[image] - around[site]
    gap -= box * np.round(gap / box)
    return bool((lengths(gap) < SPECIAL_POSITION_TOLERANCE - APART_MARGIN).all())


@lru_cache(maxsize=64)
def _centring_split(operations: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The operations without centring (rotation and translation parts) and the centring vectors, when
    the operations are a tabulated space group, each once; else None (kept: a survey's files share
    their groups)."""
    ops = [gemmi.Op(triplet) for triplet in operations]
    group = gemmi.GroupOps(ops)
    sym_rot, sym_tran = seitz(group.sym_ops)
    centring = np.array(group.cen_ops, dtype=np.int64).reshape(-1, 3)
    rot, tran = _seitz_of(operations)
    if not (_same_operations(rot, tran, sym_rot, sym_tran, centring) and gemmi.find_spacegroup_by_ops(group) is not None):
        return None
    return sym_rot, sym_tran, centring


def _axis_permutations(rot: np.ndarray, box: np.ndarray) -> bool:
    """Whether every rotation part (in 1/DEN) only permutes and flips axes of equal length."""
    den = gemmi.Op.DEN
    if (rot % den).any():
        return False
    size = np.abs(rot // den)
    return bool((size.sum(axis=1) == 1).all() and (size.sum(axis=2) == 1).all() and (size @ box == box).all())


def _same_operations(rot: np.ndarray, tran: np.ndarray, sym_rot: np.ndarray, sym_tran: np.ndarray,
                     centring: np.ndarray) -> bool:
    """Whether the operations are those of ``sym_rot, sym_tran`` combined with each centring vector
    (translations modulo the lattice), each once."""
    den = gemmi.Op.DEN
    if len(rot) != len(sym_rot) * len(centring) or np.abs(rot).max() > den:
        return False
    every_rot = np.broadcast_to(sym_rot, (len(centring), *sym_rot.shape))
    every_tran = (sym_tran[None, :, :] + centring[:, None, :]) % den
    return bool((np.sort(op_keys(rot, tran % den, den)) == np.sort(op_keys(every_rot, every_tran, den).ravel())).all())


def _in_box(frac: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Fractional coordinates as points of the periodic box of the cell lengths, [0, length) on each axis."""
    return np.minimum((frac - np.floor(frac)) * box, np.nextafter(box, 0))


def _merge_close_images(flat: np.ndarray, site: np.ndarray, op: np.ndarray, cell: gemmi.UnitCell,
                        source: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge images of one site closer than the tolerance (operations that are not a group). The
    distances are on fractional coordinates scaled by the cell lengths, with wrap-around: exact for
    orthogonal cells, close enough at this tolerance for oblique ones."""
    keep = _first_of_coinciding(flat, site, cell, source)  # of images that coincide, the first one stays
    return flat[keep], site[keep], op[keep]
