"""Write topology/data/rcsr-keys.json.gz: the canonical key digest of every net in Systre's rcsr.arc.

    .venv/bin/python scripts/build_archive.py

Reads topology/data/rcsr.arc.gz (Systre's archive of the RCSR nets, from Gavrog, Apache-2.0; RCSR:
O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res. 41, 1782 (2008)). Each net is read from its own
Systre key, given Interlace's canonical key (topology.naming.canonical) and stored by digest. Nets whose
barycentric placement collides (none in rcsr.arc, which Systre could key) would be left out and listed.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import defaultdict

from topology.naming.archive import KEYS, arc_entries
from topology.naming.canonical import canonical_form


def main() -> int:
    start = time.perf_counter()
    names: dict[str, list[str]] = defaultdict(list)
    skipped = []
    entries = arc_entries()
    for k, (name, graph) in enumerate(entries):
        form = canonical_form(graph)
        if form.stable:
            names[form.digest].append(name)
        else:
            skipped.append(name)
        if k % 250 == 0:
            print(f"{k}/{len(entries)} nets, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    shared = {d: n for d, n in names.items() if len(n) > 1}
    data = {
        "source": "Systre's rcsr.arc (odf/gavrog, src/org/gavrog/apps/systre/rcsr.arc, Apache-2.0); RCSR data: "
                  "O'Keeffe, Peskov, Ramsden & Yaghi, Acc. Chem. Res. 41, 1782 (2008)",
        "nets": {d: "/".join(sorted(n)) for d, n in sorted(names.items())},
        "unkeyed": sorted(skipped),
    }
    with gzip.open(KEYS, "wt") as fh:
        json.dump(data, fh, indent=0, sort_keys=True)
    print(f"{len(entries)} nets read, {sum(map(len, names.values()))} keyed in {time.perf_counter() - start:.0f} s; "
          f"{len(skipped)} without an exact key {skipped[:10]}; {len(shared)} keys shared by several symbols "
          f"{list(shared.values())[:10]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
