"""Wall time of the exports, as a user runs them: ``interlace render`` and ``interlace animate``
(each a fresh process, so imports count), and the in-process figure and movie functions.

    .venv/bin/python benchmarks/export_speed.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "assets" / "structures"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "viewer.cli", *args], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    from topology import analyze_file
    from viewer.export import animate, paper_order, render
    from viewer.scene import Options

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sc1 = str(MODELS / "SC-1.cif")
        for out, extra in (("a.png", []), ("b.png", ["--width", "4000"]), ("c.svg", []), ("d.pdf", []),
                           ("e.svg", ["--column", "single", "--view", "1 1 0", "--title"])):
            rows.append((f"interlace render SC-1 -o {out} {' '.join(extra)}".rstrip(),
                         timed(["render", sc1, "-o", f"{tmp}/{out}", *extra])))
        series = [str(MODELS / f"{n}.cif") for n in paper_order()]  # as the Transitions page makes it
        for out in ("s.gif", "s.mp4"):
            rows.append((f"interlace animate (the paper's {len(series)} steps) -o {out} --width 800",
                         timed(["animate", *series, "-o", f"{tmp}/{out}", "--width", "800"])))
    reports = [analyze_file(p) for p in series]
    start = time.perf_counter()
    render(reports[0], Options(), "png")
    rows.append(("render() PNG 7.2 in at 300 dpi, in process", time.perf_counter() - start))
    start = time.perf_counter()
    animate(reports[:2], "gif", width=800)
    rows.append(("animate() 2 structures GIF 800 px, in process", time.perf_counter() - start))
    width = max(len(name) for name, _ in rows)
    print(f"{'export':<{width}}  seconds")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:7.2f}")


if __name__ == "__main__":
    main()
