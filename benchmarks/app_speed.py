"""How fast the app draws, measured in headless Chromium (Playwright) against a real server.

    .venv/bin/python benchmarks/app_speed.py

Prints a Markdown table: SC-1 drawn after page load; switching to another bundled structure once
cached; a 3x3x3 supercell of SC-1 drawn, then turned by dragging (frames per second while turning).
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


def drawn(page) -> bool:
    if page.frame_locator("iframe").first.locator("canvas").count() == 0:
        return False
    return canvas_pixels(page).std() > 5


def wait_drawn(page, start: float, text: str) -> float:
    page.get_by_test_id("classification").get_by_text(text).wait_for(timeout=120000)
    while not drawn(page):
        page.wait_for_timeout(50)
    return time.perf_counter() - start


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def canvas_pixels(page) -> np.ndarray:
    """The canvas as grey levels (retried while Streamlit swaps the element under us)."""
    for _ in range(50):
        try:
            canvas = page.frame_locator("iframe").first.locator("canvas").first
            return np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"), dtype=float)
        except Exception:  # noqa: BLE001 - a detached element during a rerun: look again
            page.wait_for_timeout(50)
    raise RuntimeError("the 3D view's canvas never settled")


def switch(page, option: str, text: str) -> float:
    """Seconds from picking ``option`` in the open list to the new structure on the canvas."""
    before = canvas_pixels(page)
    page.get_by_label("Structure").first.click()
    item = page.get_by_role("option", name=option, exact=True)
    item.wait_for()
    start = time.perf_counter()
    item.click()
    page.get_by_test_id("classification").get_by_text(text).wait_for(timeout=60000)
    while True:
        now = canvas_pixels(page)
        if now.shape != before.shape or np.abs(now - before).mean() > 1.0:
            return time.perf_counter() - start


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
            wait_drawn(page, time.perf_counter(), "2D-3D interpenetrating")
            for name in ("SC-2-0.8", "SC-2-0.5", "SC-3"):
                choose(page, "Structure", name)
                page.wait_for_timeout(3000)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            start = time.perf_counter()
            page.goto(url)
            rows.append(("SC-1 drawn after the page starts loading", wait_drawn(page, start, "2D-3D interpenetrating")))
            for name, text in (("SC-3", "non-interpenetrated"), ("SC-2-0.5", "3D-3D interpenetrated")):
                rows.append((f"switch to {name} (cached), pick to new picture", switch(page, name, text)))
            choose(page, "Structure", "SC-1")
            page.get_by_test_id("classification").get_by_text("2D-3D interpenetrating").wait_for()
            start = time.perf_counter()
            for axis in ("a", "b", "c"):
                field = page.get_by_role("spinbutton", name=axis, exact=True)
                field.fill("3")
                field.press("Enter")
            page.wait_for_timeout(500)
            rows.append(("SC-1 3x3x3 supercell drawn", wait_drawn(page, start, "2D-3D interpenetrating")))
            frame = page.frame_locator("iframe").first
            box = frame.locator("canvas").first.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            start = time.perf_counter()
            steps = 40
            for k in range(steps):
                page.mouse.move(box["x"] + box["width"] / 2 + 8 * k, box["y"] + box["height"] / 2 + 2 * k)
            page.mouse.up()
            elapsed = time.perf_counter() - start
            rows.append(("3x3x3 supercell turned: 40 drag steps", elapsed))
            browser.close()
        print("| measurement | seconds |\n|---|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.2f} |")
        print(f"\nturning the 3x3x3 supercell: {steps / rows[-1][1]:.1f} drag events handled per second")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
