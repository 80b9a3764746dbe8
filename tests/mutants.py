"""Seeded mutants of structure files, for the fuzz test and the fuzz campaign (benchmarks/fuzz_campaign.py):
byte flips, truncations, deleted and duplicated lines, swapped loop columns, huge, NaN and negative
numbers, odd symmetry text and duplicated blocks."""

from __future__ import annotations

import random
import re

NUMBERS = ["0", "-1", "1e308", "-1e308", "nan", "inf", "5e-324", "0.01", "180", "-99999999999999999999",
           "99999999999999999999", "1/0", "1e-9", "360", "?", "."]
SYMOPS = ["x,y,-z+1/24", "x,y", "x+y+z", "a,b,c", "x,y,z,", "'x,y,z'", "-x,-y,-z", "x*2,y,z", "x,y,z+1/0", ""]


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutant of ``text`` and the name of the mutation."""
    kind = rng.choice(["flip", "truncate", "delete", "duplicate", "swap", "number", "symop", "block", "repeat"])
    lines = text.split("\n")
    if kind == "flip":
        data = bytearray(text.encode("utf-8", "replace"))
        for _ in range(rng.randint(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return data.decode("utf-8", "replace"), kind
    if kind == "truncate":
        return text[: rng.randrange(max(len(text), 1))], kind
    if kind == "delete":
        for _ in range(rng.randint(1, 5)):
            if lines:
                del lines[rng.randrange(len(lines))]
        return "\n".join(lines), kind
    if kind == "duplicate":
        k = rng.randrange(len(lines))
        lines[k:k] = [lines[k]] * rng.choice([1, 2, 50])
        return "\n".join(lines), kind
    if kind == "swap":
        rows = [k for k, line in enumerate(lines) if len(line.split()) >= 4 and not line.startswith(("_", "#"))]
        for k in rng.sample(rows, min(len(rows), 20)):
            w = lines[k].split()
            i, j = rng.sample(range(len(w)), 2)
            w[i], w[j] = w[j], w[i]
            lines[k] = " ".join(w)
        return "\n".join(lines), kind
    if kind == "number":
        numbers = list(re.finditer(r"-?\d+\.?\d*(\(\d+\))?", text))
        if not numbers:
            return text, kind
        out = text
        for m in sorted(rng.sample(numbers, min(len(numbers), rng.randint(1, 4))), key=lambda m: -m.start()):
            out = out[: m.start()] + rng.choice(NUMBERS) + out[m.end():]
        return out, kind
    if kind == "symop":
        op = rng.choice(SYMOPS)
        block = f"loop_\n_symmetry_equiv_pos_as_xyz\n'{op}'\n" if rng.random() < 0.5 else \
            "loop_\n_symmetry_equiv_pos_as_xyz\n" + "x,y,z\n" * rng.choice([2, 500])
        k = next((i for i, line in enumerate(lines) if line.startswith("_cell_length_a")), 1)
        lines[k:k] = block.split("\n")
        return "\n".join(lines), kind
    if kind == "block":
        return text + "\n" + text, kind
    # repeat: a loop row many times (many atoms on one place)
    rows = [k for k, line in enumerate(lines) if len(line.split()) >= 4 and not line.startswith(("_", "#"))]
    if not rows:
        return text, kind
    k = rng.choice(rows)
    lines[k:k] = [lines[k]] * rng.choice([200, 3000])
    return "\n".join(lines), kind
