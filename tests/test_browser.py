"""The app in a real browser: Debian's Chromium (WebGL through SwiftShader) driven by Playwright."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(app_server)
    page.get_by_test_id("classification").first.wait_for(timeout=60000)
    yield page
    context.close()


def canvas_spread(page) -> float:
    """Standard deviation of the 3D canvas's pixels: 0 for a blank canvas."""
    canvas = page.frame_locator("iframe").first.locator("canvas").first
    canvas.wait_for(timeout=30000)
    page.wait_for_timeout(1500)
    pixels = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"), dtype=float)
    return float(pixels.std())


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def assert_clean(page) -> None:
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error:" not in text
    outside = [u for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert outside == []


@pytest.mark.parametrize(
    ("name", "classification"),
    [("SC-1", "2D-3D interpenetrating"), ("SC-2-0.8", "3D-3D interpenetrated"),
     ("SC-2-0.5", "3D-3D interpenetrated"), ("SC-3", "non-interpenetrated")],
)
def test_each_bundled_structure_draws_and_is_classified(page, artifacts, name: str, classification: str) -> None:
    if name != "SC-1":
        choose(page, "Structure", name)
    page.get_by_test_id("classification").get_by_text(classification).wait_for(timeout=30000)
    assert canvas_spread(page) > 5.0
    page.screenshot(path=str(artifacts / f"app-{name}.png"), full_page=True)
    assert_clean(page)


def test_broken_upload_gives_a_message_and_the_app_goes_on(page, artifacts, tmp_path: Path) -> None:
    broken = tmp_path / "broken.cif"
    broken.write_text("data_broken\n_cell_length_a 0\n_cell_length_b 5\n")
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text("Cannot read this file").wait_for(timeout=30000)
    page.screenshot(path=str(artifacts / "app-broken-upload.png"), full_page=True)
    choose(page, "Structure", "SC-3")
    page.get_by_test_id("classification").get_by_text("non-interpenetrated").wait_for(timeout=30000)
    assert canvas_spread(page) > 5.0


def test_hostile_labels_and_names_inject_nothing(page, artifacts, tmp_path: Path) -> None:
    payload = "<img src=x onerror=window.__xss=1>"
    text = (DATA / "crystalnets" / "ZIF-8.cif").read_text()
    hostile = text.replace("Zn1 ", "<script>window.__xss=2</script> ", 1).replace("N1 ", payload.replace(" ", "_") + " ", 1)
    path = tmp_path / "<img src=x onerror=window.__xss=3>.cif"
    path.write_text(hostile)
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("classification").get_by_text("non-interpenetrated").wait_for(timeout=60000)
    assert canvas_spread(page) > 5.0
    canvas = page.frame_locator("iframe").first.locator("canvas").first
    box = canvas.bounding_box()
    for dx in range(-60, 61, 20):  # hover over atoms, so that labels are drawn
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None
    frame = page.frames[-1]
    assert frame.evaluate("window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    page.screenshot(path=str(artifacts / "app-hostile-upload.png"), full_page=True)
    assert_clean(page)
