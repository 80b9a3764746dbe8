"""How fast the app draws, measured in headless Chromium (Playwright) against a real server.

    .venv/bin/python benchmarks/app_speed.py

Prints a Markdown table: SC-1 drawn after the page starts loading (five fresh pages, and their median); switching to
another bundled structure once cached; the Teach view of SC-1 (from the click); a 3x3x3 supercell of
SC-1 drawn, then turned by dragging, with the time until the last drag's frame is on screen.
"Painted" is the view's own mark, two animation frames after 3Dmol's render (the frame holding the
scene has been produced); "seen in a screenshot" is when a screenshot begun just after that mark
came back showing the picture, an upper bound that includes the screenshot's own ~0.7 s here.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"]
PORT = 8799


FRESH = 5
"""Fresh pages measured: the first picture varies by a second or more from one load to the next here."""
WAIT = 120.0
"""Seconds to wait for the view before giving up: a broken app fails the benchmark, never hangs it."""


def view_frame(page):
    """The frame of the live 3D view (a Streamlit component), once it exists."""
    deadline = time.time() + WAIT
    while time.time() < deadline:
        frames = [f for f in page.frames if "interlace_view" in f.url]
        if frames:
            return frames[0]
        page.wait_for_timeout(20)
    raise RuntimeError(f"no 3D view on the page after {WAIT:.0f} s")


def painted(page, old_view: str | None = None) -> float:
    """Epoch seconds at which the view first produced a frame with a scene other than ``old_view``
    (the component's own timing marks: ``requestAnimationFrame`` after the 3Dmol render). The page
    itself watches for the mark (every 50 ms), so that measuring does not load the browser it measures."""
    deadline = time.time() + WAIT
    while time.time() < deadline:
        try:
            handle = view_frame(page).wait_for_function(
                "old => typeof marks !== 'undefined' && marks.painted && marks.view !== old ? marks.painted : null",
                arg=old_view, polling=50, timeout=WAIT * 1000)
            return handle.json_value() / 1000
        except Exception:  # noqa: BLE001 - the frame was replaced while loading: look again
            page.wait_for_timeout(50)
    raise RuntimeError(f"the 3D view painted no new scene in {WAIT:.0f} s")


def current_view(page) -> str:
    return view_frame(page).evaluate("marks.view")


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def canvas_pixels(page) -> np.ndarray:
    """The canvas as grey levels (retried while Streamlit swaps the element under us)."""
    for _ in range(50):
        try:
            canvas = page.frame_locator("iframe[title*='interlace_view']").first.locator("canvas").first
            return np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"), dtype=float)
        except Exception:  # noqa: BLE001 - a detached element during a rerun: look again
            page.wait_for_timeout(50)
    raise RuntimeError("the 3D view's canvas never settled")


def seen(page, text: str) -> float:
    """Epoch seconds when a screenshot of the view, begun right after the paint mark, came back
    showing a picture (not blank) under the right classification: an upper bound on the paint."""
    pixels = canvas_pixels(page)
    done = time.time()
    if pixels.std() <= 5:
        raise RuntimeError("the 3D view is blank")
    page.get_by_test_id("classification").get_by_text(text).wait_for(timeout=60000)
    return done


def switch(page, option: str, text: str) -> float:
    """Seconds from picking ``option`` in the open list to the new structure painted, and seen."""
    before = current_view(page)
    page.get_by_label("Structure").first.click()
    item = page.get_by_role("option", name=option, exact=True)
    item.wait_for()
    start = time.time()
    item.click()
    return painted(page, before) - start, seen(page, text) - start


def main() -> None:
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "viewer/app.py", "--server.port", str(PORT),
                               "--server.headless", "true"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{PORT}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url)  # warm the server's cache, as a second visitor would find it
            painted(page)
            for name in ("SC-2-0.8", "SC-2-0.5", "SC-3"):
                before = current_view(page)
                choose(page, "Structure", name)
                painted(page, before)
            for _ in range(FRESH):  # a fresh page each time, the last one closed (SwiftShader shares 2 cores)
                page.close()
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                page.goto(url)
                start = page.evaluate("performance.timeOrigin") / 1000  # when the navigation began
                rows.append(("SC-1 drawn after the page starts loading", painted(page) - start,
                             seen(page, "2D-3D interpenetrating") - start))
            for name, text in (("SC-3", "non-interpenetrated"), ("SC-2-0.5", "3D-3D interpenetrated")):
                rows.append((f"switch to {name} (cached), pick to new picture", *switch(page, name, text)))
            before = current_view(page)
            choose(page, "Structure", "SC-1")
            painted(page, before)
            before = current_view(page)
            start = time.time()
            page.get_by_text("Teach: show how the nets interpenetrate").click()
            rows.append(("Teach view of SC-1 (from the click)", painted(page, before) - start,
                         seen(page, "2D-3D interpenetrating") - start))
            before = current_view(page)
            page.get_by_text("Teach: show how the nets interpenetrate").click()
            painted(page, before)
            for axis in ("a", "b"):
                before = current_view(page)
                field = page.get_by_role("spinbutton", name=axis, exact=True)
                field.fill("3")
                field.press("Enter")
                painted(page, before)
            before = current_view(page)
            field = page.get_by_role("spinbutton", name="c", exact=True)
            field.fill("3")
            start = time.time()
            field.press("Enter")
            rows.append(("SC-1 3x3x3 supercell drawn (from the last input)", painted(page, before) - start,
                         seen(page, "2D-3D interpenetrating") - start))
            frame = page.frame_locator("iframe[title*='interlace_view']").first
            box = frame.locator("canvas").first.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            start = time.perf_counter()
            steps = 40
            for k in range(steps):
                page.mouse.move(box["x"] + box["width"] / 2 + 8 * k, box["y"] + box["height"] / 2 + 2 * k)
            page.mouse.up()
            handled = time.perf_counter() - start
            frame_of_view = view_frame(page)
            frame_of_view.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            elapsed = time.perf_counter() - start  # until a frame after the last drag has been produced
            browser.close()
        first = [row for row in rows if row[0].startswith("SC-1 drawn after")]
        rows.insert(len(first), ("SC-1 drawn after the page starts loading, median",
                                 float(np.median([r[1] for r in first])), float(np.median([r[2] for r in first]))))
        print("| measurement | painted (s) | seen in a screenshot (s) |\n|---|---:|---:|")
        for name, paint, shot in rows:
            print(f"| {name} | {paint:.2f} | {shot:.2f} |")
        print(f"\nturning the 3x3x3 supercell: 40 drag steps handled in {handled:.2f} s, the last one on screen "
              f"after {elapsed:.2f} s: {steps / elapsed:.1f} drag steps per second")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
