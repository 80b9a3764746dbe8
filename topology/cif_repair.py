"""Reading the CIF files that databases hold, not only the valid ones.

gemmi parses CIF strictly. Real files break the syntax outside the data we need: a quoted citation
followed by a comma (``'M. O’Keeffe, and O.M. Yaghi',``), a tag given twice in one block. Mercury,
VESTA, pymatgen and CrystalNets.jl open such files; so do we, by repairing the offending item and
saying so. An item is repaired only when it is not one the analysis reads (cell, symmetry, atom
sites): those are never guessed, and a file broken there is refused.
"""

from __future__ import annotations

import re

import gemmi

from topology.errors import InputError

MAX_REPAIRS = 20
"""Repairs tried on one file before it is refused."""

ESSENTIAL = re.compile(r"^_(cell|atom_site|space_group|symmetry)[_.]", re.IGNORECASE)
"""Tags the analysis reads: a syntax error in one of them is never repaired."""

_WHERE = re.compile(r":(\d+):")
_DUPLICATE = re.compile(r"duplicate tag (\S+)")


def read_document(text: str, name: str) -> tuple[gemmi.cif.Document, tuple[str, ...]]:
    """The parsed document and a note for every repair made to read it."""
    notes: list[str] = []
    for _ in range(MAX_REPAIRS + 1):
        try:
            return gemmi.cif.read_string(text), tuple(notes)
        except (RuntimeError, ValueError) as err:
            message = " ".join(str(err).split())
            repaired = _repair(text, message)
            if repaired is None:
                raise InputError(name, f"not a readable CIF ({message[:200]})") from None
            text, note = repaired
            notes.append(note)
    raise InputError(name, f"not a readable CIF (more than {MAX_REPAIRS} syntax errors)")


def _repair(text: str, message: str) -> tuple[str, str] | None:
    """The text with the item behind ``message`` repaired, and a note; None if it cannot be."""
    lines = text.split("\n")
    duplicate = _DUPLICATE.search(message)
    if duplicate:
        tag = duplicate.group(1)
        if ESSENTIAL.match(tag):
            return None
        seen = [k for k, line in enumerate(lines) if line.split(None, 1)[:1] == [tag]]
        if len(seen) < 2:
            return None
        k = seen[1]
        end = _item_end(lines, k)
        del lines[k:end]
        return "\n".join(lines), f"line {k + 1}: second {tag} left out (a tag given twice; the first is kept)"
    where = _WHERE.search(message)
    if not where:
        return None
    k = int(where.group(1)) - 1
    if not 0 <= k < len(lines):
        return None
    words = lines[k].split(None, 1)
    if not words or not words[0].startswith("_") or ESSENTIAL.match(words[0]):
        return None
    tag = words[0]
    value = words[1].strip() if len(words) > 1 else ""
    if any(line.startswith(";") for line in [value]):
        return None
    lines[k: k + 1] = [tag, ";", value, ";"]  # the raw value, kept whole in a text field
    return "\n".join(lines), f"line {k + 1}: the value of {tag} is not valid CIF; read as text ({value[:40]!r})"


def _item_end(lines: list[str], k: int) -> int:
    """The line after the item that starts at line ``k`` (a tag with its value, which may be a
    multi-line text field)."""
    words = lines[k].split(None, 1)
    if len(words) > 1 and words[1].strip():
        return k + 1
    j = k + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and lines[j].startswith(";"):
        j += 1
        while j < len(lines) and not lines[j].startswith(";"):
            j += 1
        return j + 1
    return j + 1
