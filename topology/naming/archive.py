"""The archive of named nets: RCSR symbols looked up by canonical key.

``data/rcsr.arc.gz`` is Systre's archive of the RCSR nets as distributed with Gavrog (repository
odf/gavrog, ``src/org/gavrog/apps/systre/rcsr.arc``, Apache-2.0; the RCSR data are free to use
with citation of O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res. 41, 1782 (2008)). Each entry
gives a net as Systre's key, which is itself an edge list: ``dim`` then ``u v shift`` per edge.
``data/rcsr-keys.json.gz`` maps the digest of *our* canonical key of each of those nets to its
symbol; ``scripts/build_archive.py`` writes it from the ``.arc`` file.

Behind it come CrystalNets.jl's archives (repository Liozou/CrystalNetsArchive, MIT licence,
copyright 2022 Lionel Zoubritzky): its RCSR archive (``archives/rcsr.arc`` as ``data/rcsr-crystalnets.arc.gz``),
3,031 nets, a hundred of them newer than Systre's list, four of those unstable (``nts``); and its zeolite
frameworks (``archives/zeolites.arc``, framework type codes of the IZA Structure Commission) as
``data/zeolites.arc.gz``. A net several archives hold keeps the first one's symbol (ABW is ``sra``);
one RCSR lacks (EMT, RRO) is named by its zeolite code.

The invariants a report gives with a name (point symbol, coordination sequences, TD10) are those of
the net alone, so for the archives' nets they are worked out with the keys and stored by digest in
``data/invariants.tsv.gz``.

An unstable net (two vertices at one barycentric position) has no exact key; its invariant key (the
coordination sequences of its vertices, :func:`topology.naming.canonical.canonical_form`) is stored
apart, under ``unstable``, and names a net only with a note saying so (:func:`lookup_unstable`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from topology.naming.graph import PeriodicGraph

DATA = Path(__file__).resolve().parents[1] / "data"
ARC = DATA / "rcsr.arc.gz"
KEYS = DATA / "rcsr-keys.json.gz"
ARCHIVES = {"RCSR": (ARC, KEYS),
            "RCSR (CrystalNets.jl)": (DATA / "rcsr-crystalnets.arc.gz", DATA / "rcsr-crystalnets-keys.json.gz"),
            "IZA zeolites (CrystalNets.jl)": (DATA / "zeolites.arc.gz", DATA / "zeolites-keys.json.gz")}
"""Each archive by name, in the order names are looked up: its ``.arc`` and the keys built from it."""
INVARIANTS = DATA / "invariants.tsv.gz"
"""The point symbol, coordination sequences and TD10 of every keyed net of the archives, by key digest."""


def read_arc(text: str) -> Iterator[tuple[str, PeriodicGraph]]:
    """(symbol, net) for every entry of a Systre ``.arc`` archive, or of CrystalNets.jl's (tab-separated,
    entries parted by blank lines rather than ``end``).

    >>> name, net = next(read_arc("key 2 1 1 -1 0 1 1 0 -1\\nid sql\\nend\\n"))
    >>> name, net.n, net.dim, len(net.src)
    ('sql', 1, 2, 2)
    >>> [name for name, _ in read_arc("key\\t2 1 1 1 0 1 1 0 1\\nid\\tsql\\n\\nkey\\t1 1 1 1\\nid\\tchain\\n")]
    ['sql', 'chain']
    """
    key = name = None
    for line in text.splitlines() + [""]:
        head, *rest = line.strip().split(None, 1) or [""]
        if head == "key":
            key = rest[0].split() if rest else None
        elif head == "id":
            name = rest[0].strip() if rest else None
        elif head in ("end", "") and key and name:
            yield name, systre_key_graph(key)
            key = name = None


def systre_key_graph(words: list[str]) -> PeriodicGraph:
    """The net a Systre key describes: ``dim`` followed by ``u v s1 .. sdim`` per edge (1-based)."""
    dim = int(words[0])
    nums = [int(w) for w in words[1:]]
    step = 2 + dim
    edges = [(nums[k] - 1, nums[k + 1] - 1, tuple(nums[k + 2: k + step])) for k in range(0, len(nums), step)]
    return PeriodicGraph.from_edges(dim, edges)


def arc_entries(archive: str = "RCSR") -> list[tuple[str, PeriodicGraph]]:
    """Every net of one shipped archive (a name of :data:`ARCHIVES`)."""
    with gzip.open(ARCHIVES[archive][0], "rt") as fh:
        return list(read_arc(fh.read()))


@cache
def names(archive: str = "RCSR") -> dict[str, str]:
    """Canonical key digest -> symbol in one archive (several symbols joined by '/' if it lists one net twice)."""
    with gzip.open(ARCHIVES[archive][1], "rt") as fh:
        return json.load(fh)["nets"]


def lookup(digest: str) -> str | None:
    """The symbol of a net with this canonical key digest, from the first archive that has it, or None."""
    found = lookup_source(digest)
    return found[0] if found else None


@cache
def _unstable(archive: str) -> dict[str, str]:
    with gzip.open(ARCHIVES[archive][1], "rt") as fh:
        return json.load(fh).get("unstable", {})


def lookup_unstable(digest: str) -> tuple[str, str] | None:
    """(symbol, archive) of an unstable net with this invariant key digest, or None: a name that rests on
    the coordination sequences alone, not on a canonical key (CrystalNets.jl keys such nets exactly)."""
    for archive in ARCHIVES:
        name = _unstable(archive).get(digest)
        if name:
            return name, archive
    return None


@cache
def _invariant_lines() -> dict[str, str]:
    """Each stored net's line by its digest, read once and parsed only when asked for (a few
    milliseconds, where parsing all 3,000 nets would cost ten times more on every first analysis)."""
    with gzip.open(INVARIANTS, "rt", encoding="utf-8") as fh:
        return {line.split("\t", 1)[0]: line for line in fh.read().splitlines() if line and line[0] != "#"}


def invariants(digest: str) -> tuple[str, tuple[tuple[int, ...], ...], tuple[int, ...]] | None:
    """(point symbol, coordination sequences, TD10 per vertex kind) of an archive net with this canonical
    key digest, as :func:`topology.naming.identify.invariants` works them out, or None: they depend on
    the net alone, so those of the archives' nets are worked out once, when the archives are keyed."""
    line = _invariant_lines().get(digest)
    if line is None:
        return None
    _, point, seqs, td10 = line.split("\t")
    return (point, tuple(tuple(int(x) for x in cs.split(",")) for cs in seqs.split(";")),
            tuple(int(x) for x in td10.split(",")))


def invariant_line(digest: str, point: str, seqs, td10) -> str:
    """The stored form of :func:`invariants`: digest, point symbol, sequences (kinds parted by ';',
    terms by ','), TD10, parted by tabs."""
    return "\t".join([digest, point, ";".join(",".join(map(str, cs)) for cs in seqs), ",".join(map(str, td10))])


def lookup_source(digest: str) -> tuple[str, str] | None:
    """(symbol, archive) of a net with this canonical key digest, RCSR first, or None."""
    for archive in ARCHIVES:
        name = names(archive).get(digest)
        if name:
            return name, archive
    return None
