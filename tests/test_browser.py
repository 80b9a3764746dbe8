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


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets: nothing on the page may reach it."""
    import http.server
    import threading

    hits: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_markdown_from_a_file_is_shown_as_text_and_fetches_nothing(page, artifacts, tmp_path, listener) -> None:
    host, hits = listener
    image = f"![b](http://{host}/block.png)"
    text = (DATA / "crystalnets" / "ZIF-8.cif").read_text()
    # a data block name (shown in notes), an image in the file name, and a broken file whose error quotes it
    named = text.replace("data_", f"data_{image.replace(' ', '')}", 1) if "data_" in text else text
    good = tmp_path / f"![n](http:__{host}_name.png).cif"
    good.write_text(named)
    broken = tmp_path / "broken.cif"
    broken.write_text(f"data_x\n_cell_length_a 10\n_cell_length_b 10\n_cell_length_c 10\n_cell_angle_alpha 90\n"
                      f"_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_equiv_pos_as_xyz "
                      f"'![e](http://{host}/error.png)'\nloop_\n_atom_site_label\n_atom_site_fract_x\n"
                      f"_atom_site_fract_y\n_atom_site_fract_z\nZn1 0 0 0\n")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_test_id("classification").get_by_text("non-interpenetrated").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    assert good.name in page.inner_text("body")
    page.screenshot(path=str(artifacts / "app-markdown-in-file.png"), full_page=True)
    page.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text("Cannot read this file").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    assert f"![e](http://{host}/error.png)" in page.inner_text("body")  # quoted literally
    page.screenshot(path=str(artifacts / "app-markdown-in-error.png"), full_page=True)
    assert page.locator(f"a[href*='{host}']").count() == 0  # not even as a link
    assert hits == []
    assert page.locator(f"img[src*='{host}']").count() == 0


def test_transitions_by_direct_link_and_after_reruns(browser, app_server, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(app_server + "/transitions")
    player = page.frame_locator("iframe").first
    player.get_by_test_id("transition-caption").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    player.get_by_test_id("play").click()  # pause: a still picture screenshots fast under SwiftShader
    spread = canvas_spread(page)
    page.screenshot(path=str(artifacts / "transitions-direct.png"), full_page=True, timeout=90000)
    for k in range(3):  # reruns: Streamlit's "r" shortcut and a changed control
        page.keyboard.press("r")
        page.wait_for_timeout(1500)
        if k == 1:
            page.get_by_text("mp4", exact=True).click()
            page.wait_for_timeout(1500)
    player = page.frame_locator("iframe").first
    player.get_by_test_id("transition-caption").wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    player.get_by_test_id("play").click()
    again = canvas_spread(page)
    page.screenshot(path=str(artifacts / "transitions-after-reruns.png"), full_page=True, timeout=90000)
    context.close()
    assert spread > 5.0 and again > 5.0
    assert errors == [] and failed == []


def test_six_pages_at_once_each_draw_sc1(browser, app_server) -> None:
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(6)]
    pages = [c.new_page() for c in contexts]
    errors: list[str] = []
    for p in pages:
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto(app_server)
    for p in pages:
        p.get_by_test_id("classification").get_by_text("2D-3D interpenetrating").wait_for(timeout=120000)
        assert canvas_spread(p) > 5.0
    for c in contexts:
        c.close()
    assert errors == []


CONTROLS_SEEN = """new MutationObserver(() => {
  if (!window.controlsAt && document.querySelector("[data-testid=stSidebar] [data-testid=stSelectbox]"))
    window.controlsAt = performance.timeOrigin + performance.now();
}).observe(document, {subtree: true, childList: true});"""


def test_a_new_visit_shows_the_picture_before_the_controls_and_keeps_it(browser, app_server) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.add_init_script(CONTROLS_SEEN)
    page.goto(app_server)
    page.get_by_label("Structure").first.wait_for(timeout=60000)
    page.get_by_test_id("legend").wait_for(timeout=60000)
    (frame,) = [f for f in page.frames if "interlace_view" in f.url]
    marks = frame.evaluate("marks")
    assert marks["painted"] < page.evaluate("window.controlsAt")  # the picture first, then the controls
    assert canvas_spread(page) > 5.0
    assert frame.evaluate("marks") == marks  # the same view, drawn once: not loaded or drawn again after
    context.close()
