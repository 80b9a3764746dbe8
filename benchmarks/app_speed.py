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
    canvas = page.frame_locator("iframe").first.locator("canvas").first
    if canvas.count() == 0:
        return False
    pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"), dtype=float)
    return pixels.std() > 5


def wait_drawn(page, start: float, text: str) -> float:
    page.get_by_test_id("classification").get_by_text(text).wait_for(timeout=120000)
    while not drawn(page):
        page.wait_for_timeout(50)
    return time.perf_counter() - start


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


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
                start = time.perf_counter()
                choose(page, "Structure", name)
                rows.append((f"switch to {name} (cached)", wait_drawn(page, start, text)))
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
