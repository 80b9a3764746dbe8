"""Reading the CIF files that databases hold, not only the valid ones.

gemmi parses CIF strictly. Real files break the syntax outside the data we need: a quoted citation
followed by a comma (``'M. O’Keeffe, and O.M. Yaghi',``), a tag given twice in one block, two
blocks of one name, a broken row in a loop of bond lengths. Mercury, VESTA, pymatgen and
CrystalNets.jl open such files; so do we, by repairing the offending item and saying so on which
line. An item is repaired only when it is not one the analysis reads (cell, symmetry, atom sites):
those are never guessed, and a file broken there is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import gemmi

from topology.errors import InputError

MAX_REPAIRS = 20
"""Repairs tried on one file before it is refused."""

ESSENTIAL = re.compile(
    r"^_(cell[_.](length|angle)|atom_site[_.](?!aniso)|space_group[_.]|symmetry_equiv|symmetry_space_group_name"
    r"|symmetry_int_tables)", re.IGNORECASE)
"""Tags the analysis reads: a syntax error in one of them is not repaired."""

NAME_TAGS = re.compile(r"^_(symmetry_)?space_group[_.]name", re.IGNORECASE)
"""Tags the analysis reads whose value may still be taken whole as text (``P 21/c`` unquoted)."""

_LINE = re.compile(r"^string:(\d+)")
_DUPLICATE_TAG = re.compile(r"duplicate tag (\S+)")
_DUPLICATE_BLOCK = re.compile(r"duplicate block name: (\S+)")
_DATA_LINE = re.compile(r"^[ \t]*data_", re.IGNORECASE | re.MULTILINE)
_KEYWORD = re.compile(r"^(data_|save_|global_$|loop_$|stop_$)", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """A run of lines of a CIF file: one item (a tag and its value), one loop, or a stray line."""

    kind: str  # "item", "loop", "block" (a data_ or save_ line) or "stray"
    start: int
    end: int  # one past the last line
    tags: tuple[str, ...] = ()

    def essential(self) -> bool:
        return any(ESSENTIAL.match(tag) for tag in self.tags)


def read_document(text: str, name: str) -> tuple[gemmi.cif.Document, tuple[str, ...]]:
    """The parsed document and a note for every repair made to read it. Text with no ``data_`` line
    is not a CIF at all (a README, a PDB file): it is refused as such, not as a CIF full of errors."""
    if not _DATA_LINE.search(text):
        raise InputError(name, "not a CIF (no data_ block): is this the structure file?")
    notes: list[str] = []
    for _ in range(MAX_REPAIRS + 1):
        try:
            return gemmi.cif.read_string(text), tuple(notes)
        except (RuntimeError, ValueError) as err:
            message = " ".join(str(err).split())
            repaired = _repair(text.split("\n"), message)
            if repaired is None:
                raise InputError(name, f"not a readable CIF ({message[:200]})") from None
            lines, note = repaired
            text = "\n".join(lines)
            notes.append(note)
    raise InputError(name, f"not a readable CIF (more than {MAX_REPAIRS} syntax errors)")


def _repair(lines: list[str], message: str) -> tuple[list[str], str] | None:
    """The lines with the item behind gemmi's ``message`` repaired, and a note; None if they cannot be."""
    block = _DUPLICATE_BLOCK.search(message)
    if block:
        return _rename_block(lines, block.group(1))
    where = _LINE.search(message)
    if not where:
        return None
    units = split_units(lines)
    tag = _DUPLICATE_TAG.search(message)
    if tag:
        return _drop_second(lines, units, tag.group(1))
    k = int(where.group(1)) - 1
    unit = next((u for u in units if u.start <= k < u.end), None)
    if unit is None or "text field" in message:
        return None  # an unterminated text field: nothing tells where it was meant to end
    if unit.kind == "stray":
        return _without(lines, unit), f"line {k + 1}: a value with no tag left out ({lines[k].strip()[:40]!r})"
    if unit.kind == "loop" and not unit.essential():
        return _without(lines, unit), (f"line {k + 1}: the loop of {_family(unit.tags)} (lines {unit.start + 1}-"
                                       f"{unit.end}) left out: not valid CIF, and not needed")
    if unit.kind == "item" and unit.end == unit.start + 1 and (not unit.essential() or NAME_TAGS.match(unit.tags[0])):
        tag_name = unit.tags[0]
        value = lines[unit.start].strip()[len(tag_name):].strip()
        repaired = lines[: unit.start] + [tag_name, ";", value, ";"] + lines[unit.end:]
        return repaired, f"line {k + 1}: the value of {tag_name} is not valid CIF; read as text ({value[:40]!r})"
    if unit.kind == "item" and not unit.essential():
        return _without(lines, unit), f"line {k + 1}: {unit.tags[0]} left out (its value is not valid CIF)"
    return None


def split_units(lines: list[str]) -> list[Unit]:
    """The file cut into items, loops, block headers and stray values, the way a CIF parser reads
    it line by line (text fields kept whole); blank and comment lines belong to no unit."""
    units: list[Unit] = []
    n = len(lines)
    i = 0
    while i < n:
        stripped = lines[i].strip()
        word = stripped.split(None, 1)[0] if stripped else ""
        if not stripped or stripped.startswith("#"):
            i += 1
        elif lines[i].startswith(";"):
            end = _text_end(lines, i)
            units.append(Unit("stray", i, end))
            i = end
        elif word.lower().startswith(("data_", "save_", "global_")):
            units.append(Unit("block", i, i + 1))
            i += 1
        elif word.lower() == "loop_":
            j, tags = i + 1, []
            while j < n and (not lines[j].strip() or lines[j].lstrip().startswith(("_", "#"))):
                if lines[j].lstrip().startswith("_"):
                    tags.append(lines[j].split()[0])
                j += 1
            while j < n:
                if lines[j].startswith(";"):
                    j = _text_end(lines, j)
                    continue
                first = lines[j].split(None, 1)[0] if lines[j].strip() else ""
                if first.startswith("_") or _KEYWORD.match(first):
                    break
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1  # blank lines after the last row belong to no unit
            units.append(Unit("loop", i, j, tuple(tags)))
            i = j
        elif word.startswith("_"):
            j = i + 1
            if not stripped[len(word):].strip() or stripped[len(word):].strip().startswith("#"):
                k = j
                while k < n and (not lines[k].strip() or lines[k].lstrip().startswith("#")):
                    k += 1
                if k < n and lines[k].startswith(";"):
                    j = _text_end(lines, k)
                elif k < n and not lines[k].lstrip().startswith("_") and not _KEYWORD.match(lines[k].split()[0]):
                    j = k + 1
            units.append(Unit("item", i, j, (word,)))
            i = j
        else:
            units.append(Unit("stray", i, i + 1))
            i += 1
    return units


def _text_end(lines: list[str], start: int) -> int:
    """The line after the text field that opens at ``start`` (the end of the file if it never closes)."""
    for k in range(start + 1, len(lines)):
        if lines[k].startswith(";"):
            return k + 1
    return len(lines)


def _without(lines: list[str], unit: Unit) -> list[str]:
    return lines[: unit.start] + lines[unit.end:]


def _family(tags: tuple[str, ...]) -> str:
    """``_geom_bond_*`` for a loop of ``_geom_bond_atom_site_label_1``, ``_geom_bond_distance``, ..."""
    if not tags:
        return "no tags"
    prefix = tags[0]
    for tag in tags[1:]:
        while not tag.lower().startswith(prefix.lower()):
            prefix = prefix[:-1]
    return (prefix.rstrip("_.") + "_*") if len(tags) > 1 else tags[0]


def _rename_block(lines: list[str], block: str) -> tuple[list[str], str] | None:
    """A second data block with the name of an earlier one gets a new name (the first is analysed)."""
    seen = [k for k, line in enumerate(lines) if line.strip().lower() == f"data_{block}".lower()]
    if len(seen) < 2:
        return None
    k = seen[1]
    new = f"data_{block}__{k + 1}"
    return lines[:k] + [new] + lines[k + 1:], f"line {k + 1}: a second data block named {block[:40]!r} read as {new!r}"


def _drop_second(lines: list[str], units: list[Unit], tag: str) -> tuple[list[str], str] | None:
    """A tag given twice in one block: the first is kept, the second left out (with its loop if it
    heads one). A tag the analysis reads is left out only if both values are the same."""
    holders = [u for u in units if any(t.lower() == tag.lower() for t in u.tags)]
    if len(holders) == 1 and holders[0].kind == "loop" and not holders[0].essential():
        loop = holders[0]
        return _without(lines, loop), f"line {loop.start + 1}: a loop naming {tag} twice left out"
    if len(holders) < 2:
        return None
    first, second = holders[0], holders[1]
    k = second.start + 1
    if second.kind == "loop":
        if second.essential():
            return None
        return _without(lines, second), f"line {k}: a second loop with {tag} left out (a tag given twice; the first is kept)"
    if second.essential() and (first.kind != "item" or _value(lines, first) != _value(lines, second)):
        return None
    return _without(lines, second), f"line {k}: second {tag} left out (a tag given twice; the first is kept)"


def _value(lines: list[str], unit: Unit) -> str:
    """The value of an item as written (quotes and spacing aside)."""
    text = " ".join(lines[unit.start: unit.end]).strip()[len(unit.tags[0]):]
    return " ".join(text.replace("'", " ").replace('"', " ").split())
