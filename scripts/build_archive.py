"""Write the key files of the shipped archives: the canonical key digest of every net in each ``.arc``.

    .venv/bin/python scripts/build_archive.py              # every archive
    .venv/bin/python scripts/build_archive.py zeolites     # the archives whose name contains "zeolites"

RCSR: Systre's rcsr.arc (Gavrog, Apache-2.0; RCSR: O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res.
41, 1782 (2008)) -> topology/data/rcsr-keys.json.gz. IZA zeolites: CrystalNets.jl's zeolites.arc
(Liozou/CrystalNetsArchive, MIT, copyright 2022 Lionel Zoubritzky; framework type codes of the IZA
Structure Commission) -> topology/data/zeolites-keys.json.gz. CrystalNets.jl's rcsr.arc (same repository,
MIT; 3,031 RCSR nets) -> topology/data/rcsr-crystalnets-keys.json.gz. Each net is read from its own key,
given Interlace's canonical key (topology.naming.canonical) and stored by digest; a net whose barycentric
placement collides (an unstable net: four in CrystalNets' RCSR archive) is stored apart by its invariant
key, and the nets with no key at all are listed. The invariants of every keyed net (point symbol,
coordination sequences, TD10) go to topology/data/invariants.tsv.gz, by digest, where their bounds
left nothing out.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from topology.naming.archive import ARCHIVES, INVARIANTS, arc_entries, invariant_line
from topology.naming.canonical import canonical_form
from topology.naming.identify import invariants

SOURCES = {
    "RCSR": "Systre's rcsr.arc (odf/gavrog, src/org/gavrog/apps/systre/rcsr.arc, Apache-2.0); RCSR data: "
            "O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res. 41, 1782 (2008)",
    "RCSR (CrystalNets.jl)": "CrystalNets.jl's rcsr.arc (Liozou/CrystalNetsArchive@177c686, archives/rcsr.arc, "
                             "MIT, copyright 2022 Lionel Zoubritzky); RCSR data: O'Keeffe, Peskov, Ramsden & Yaghi, "
                             "Acc. Chem. Res. 41, 1782 (2008)",
    "IZA zeolites (CrystalNets.jl)": "CrystalNets.jl's zeolites.arc (Liozou/CrystalNetsArchive@177c686, "
                                     "archives/zeolites.arc, MIT, copyright 2022 Lionel Zoubritzky); "
                                     "framework type codes of the IZA Structure Commission",
}


def build(archive: str, found: dict[str, str]) -> None:
    """Key every net of one archive and write its key file; add the invariants of its keyed nets to ``found``."""
    start = time.perf_counter()
    names: dict[str, list[str]] = defaultdict(list)
    unstable: dict[str, list[str]] = defaultdict(list)
    skipped = []
    entries = arc_entries(archive)
    for k, (name, graph) in enumerate(entries):
        form = canonical_form(graph)
        if form.stable:
            names[form.digest].append(name)
            point, seqs, td10, notes = invariants(form)
            if not notes:
                found[form.digest] = invariant_line(form.digest, point, seqs, td10)
        else:
            skipped.append(name)
            if form.unstable:
                unstable[form.digest].append(name)
        if k % 250 == 0:
            print(f"{archive}: {k}/{len(entries)} nets, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    shared = {d: n for d, n in names.items() if len(n) > 1}
    data = {"source": SOURCES[archive], "nets": {d: "/".join(sorted(n)) for d, n in sorted(names.items())},
            "unstable": {d: "/".join(sorted(n)) for d, n in sorted(unstable.items())}, "unkeyed": sorted(skipped)}
    with _written(ARCHIVES[archive][1]) as fh:
        json.dump(data, fh, indent=0, sort_keys=True)
    print(f"{archive}: {len(entries)} nets read, {sum(map(len, names.values()))} keyed in "
          f"{time.perf_counter() - start:.0f} s; {len(skipped)} without an exact key {skipped[:10]}; "
          f"{len(shared)} keys shared by several symbols {list(shared.values())[:10]}")


def _written(path: Path) -> io.TextIOWrapper:
    """A gzip text file with no time stamp, so that the same data give the same bytes."""
    return io.TextIOWrapper(gzip.GzipFile(path, "wb", mtime=0), encoding="utf-8")


def main(argv: list[str]) -> int:
    chosen = [a for a in ARCHIVES if not argv or any(word.lower() in a.lower() for word in argv)]
    if not chosen:
        print(f"no archive matches {argv}; the archives are {list(ARCHIVES)}", file=sys.stderr)
        return 2
    found: dict[str, str] = {}
    if INVARIANTS.exists():
        with gzip.open(INVARIANTS, "rt", encoding="utf-8") as fh:
            found = {line.split("\t", 1)[0]: line for line in fh.read().splitlines() if line and line[0] != "#"}
    for archive in chosen:
        build(archive, found)
    with _written(INVARIANTS) as fh:
        fh.write("# digest, point symbol, coordination sequences (kinds by ';'), TD10: scripts/build_archive.py\n")
        fh.writelines(line + "\n" for _, line in sorted(found.items()))
    print(f"invariants of {len(found)} nets written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
