"""The archive of named nets: RCSR symbols looked up by canonical key.

``data/rcsr.arc.gz`` is Systre's archive of the RCSR nets as distributed with Gavrog (repository
odf/gavrog, ``src/org/gavrog/apps/systre/rcsr.arc``, Apache-2.0; the RCSR data are free to use
with citation of O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res. 41, 1782 (2008)). Each entry
gives a net as Systre's key, which is itself an edge list: ``dim`` then ``u v shift`` per edge.
``data/rcsr-keys.json.gz`` maps the digest of *our* canonical key of each of those nets to its
symbol; ``scripts/build_archive.py`` writes it from the ``.arc`` file.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from topology.naming.canonical import PeriodicGraph

DATA = Path(__file__).resolve().parents[1] / "data"
ARC = DATA / "rcsr.arc.gz"
KEYS = DATA / "rcsr-keys.json.gz"


def read_arc(text: str) -> Iterator[tuple[str, PeriodicGraph]]:
    """(symbol, net) for every entry of a Systre ``.arc`` archive.

    >>> name, net = next(read_arc("key 2 1 1 -1 0 1 1 0 -1\\nid sql\\nend\\n"))
    >>> name, net.n, net.dim, len(net.src)
    ('sql', 1, 2, 2)
    """
    key = name = None
    for line in text.splitlines():
        head, _, rest = line.strip().partition(" ")
        if head == "key":
            key = rest.split()
        elif head == "id":
            name = rest.strip()
        elif head == "end" and key and name:
            yield name, systre_key_graph(key)
            key = name = None


def systre_key_graph(words: list[str]) -> PeriodicGraph:
    """The net a Systre key describes: ``dim`` followed by ``u v s1 .. sdim`` per edge (1-based)."""
    dim = int(words[0])
    nums = [int(w) for w in words[1:]]
    step = 2 + dim
    edges = [(nums[k] - 1, nums[k + 1] - 1, tuple(nums[k + 2: k + step])) for k in range(0, len(nums), step)]
    return PeriodicGraph.from_edges(dim, edges)


def arc_entries() -> list[tuple[str, PeriodicGraph]]:
    """Every net of the shipped ``rcsr.arc``."""
    with gzip.open(ARC, "rt") as fh:
        return list(read_arc(fh.read()))


@cache
def names() -> dict[str, str]:
    """Canonical key digest -> RCSR symbol (several symbols joined by '/' if RCSR lists one net twice)."""
    with gzip.open(KEYS, "rt") as fh:
        return json.load(fh)["nets"]


def lookup(digest: str) -> str | None:
    """The RCSR symbol of a net with this canonical key digest, or None."""
    return names().get(digest)
