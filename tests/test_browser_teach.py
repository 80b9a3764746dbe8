"""The explore page for a lecture: the Teach view, per-copy colours, presentation mode at 1920x1080
and a phone's width, in Chromium (WebGL through SwiftShader) driven by Playwright."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"


def open_page(browser, app_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app_server)
    page.get_by_test_id("classification").first.wait_for(timeout=90000)
    return context, page


def canvas_rgb(page, settle: int = 2500) -> np.ndarray:
    canvas = page.frame_locator("iframe[title*='interlace_view']").first.locator("canvas").first
    canvas.wait_for(timeout=60000)
    page.wait_for_timeout(settle)
    return np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB"), dtype=int)


def blue_pixels(rgb: np.ndarray) -> int:
    """Pixels of the sky-blue net (#56B4E9), shaded or seen through translucency."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((b > 150) & (b - r > 50) & (g > r + 20) & (g < b)).sum())


def idle(page, quiet_ms: int = 1000, timeout: int = 90000) -> None:
    """Wait until the app's script has stopped running and stayed stopped for ``quiet_ms``: the view's
    report starts a second run a moment after the first, and a switch clicked while a run replaces the
    page may be lost."""
    page.wait_for_function(
        """(quiet) => {
            const app = document.querySelector('[data-testid=stApp]');
            const now = Date.now();
            if (window.__busy === undefined) window.__busy = now;
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') { window.__busy = now; return false; }
            return now - window.__busy > quiet;
        }""", arg=quiet_ms, timeout=timeout, polling=100)
    page.evaluate("() => { delete window.__busy; }")


def click_teach(page) -> None:
    """Switch the Teach view on or off once the page is settled."""
    idle(page)
    page.get_by_text("Teach: show how the nets interpenetrate").click()


def orange_pixels(rgb: np.ndarray) -> int:
    """Pixels of the orange net (#E69F00), shaded."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 120) & (r - b > 90) & (g > 0.45 * r) & (g < 0.85 * r)).sum())


def test_teach_view_of_sc1_draws_both_nets_with_its_sentence(browser, app_server, artifacts) -> None:
    context, page = open_page(browser, app_server, 1440, 900)
    click_teach(page)
    sentence = page.get_by_test_id("teach-sentence")
    sentence.wait_for(timeout=60000)
    assert "threaded by" in sentence.inner_text()
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / "teach-SC-1.png"))
    Image.fromarray(rgb.astype(np.uint8)).save(artifacts / "teach-SC-1-canvas.png")
    assert blue_pixels(rgb) > 1500 and orange_pixels(rgb) > 1500
    assert page.errors == []
    context.close()


def test_each_copy_of_jxust1_has_its_own_colour(browser, app_server, artifacts) -> None:
    context, page = open_page(browser, app_server, 1440, 900)
    page.locator("input[type=file]").set_input_files(str(DATA / "crystalnets" / "JXUST-1.cif"))
    page.get_by_test_id("nets-sentence").get_by_text("2 interpenetrating pcu nets").wait_for(timeout=90000)
    legend = page.get_by_test_id("legend").filter(has_text="copy 2 of 2")  # the new run's legend
    legend.wait_for(timeout=60000)
    assert "copy 1 of 2" in legend.inner_text()
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / "jxust1-copies.png"))
    assert blue_pixels(rgb) > 800 and orange_pixels(rgb) > 800
    click_teach(page)
    page.get_by_test_id("teach-sentence").get_by_text("two copies of one pcu framework").wait_for(timeout=60000)
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / "jxust1-teach.png"))
    assert blue_pixels(rgb) > 800 and orange_pixels(rgb) > 800
    assert page.errors == []
    context.close()


def test_presentation_mode_fills_the_screen_and_steps_with_the_arrow_keys(browser, app_server, artifacts) -> None:
    context, page = open_page(browser, app_server, 1920, 1080)
    page.get_by_text("Presentation mode").first.click()
    page.get_by_text("step through the structures").wait_for(timeout=60000)
    page.wait_for_timeout(2500)
    box = page.locator("iframe[title*='interlace_view']").first.bounding_box()
    visible_w = min(box["x"] + box["width"], 1920) - max(box["x"], 0)
    visible_h = min(box["y"] + box["height"], 1080) - max(box["y"], 0)
    assert visible_w * visible_h > 0.5 * 1920 * 1080
    title = page.locator("h1").first.bounding_box()
    assert title["height"] > 40  # the title keeps its size
    assert canvas_rgb(page).std() > 5
    page.screenshot(path=str(artifacts / "presentation-1920x1080.png"))
    legend_box = page.get_by_test_id("legend").bounding_box()
    assert legend_box["y"] + legend_box["height"] < 1080  # the legend is above the fold
    page.keyboard.press("ArrowRight")
    page.get_by_test_id("classification").get_by_text("3D-3D interpenetrated").wait_for(timeout=60000)
    page.keyboard.press("ArrowLeft")
    page.get_by_test_id("classification").get_by_text("2D-3D interpenetrating").wait_for(timeout=60000)
    assert page.errors == []
    context.close()


def test_phone_width_shows_the_whole_view(browser, app_server, artifacts) -> None:
    context, page = open_page(browser, app_server, 390, 844)
    frame = page.frame_locator("iframe[title*='interlace_view']").first
    canvas = frame.locator("canvas").first
    canvas.wait_for(timeout=60000)
    canvas.scroll_into_view_if_needed()
    rgb = canvas_rgb(page)
    box = canvas.bounding_box()
    page.screenshot(path=str(artifacts / "phone-390.png"))
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert rgb.std() > 5
    drawn = (rgb.min(axis=2) < 235)  # anything that is not the white background
    columns = np.flatnonzero(drawn.any(axis=0))
    rows = np.flatnonzero(drawn.any(axis=1))
    width, height = rgb.shape[1], rgb.shape[0]
    assert columns.min() > 0.01 * width and columns.max() < 0.99 * width  # nothing cut at the sides
    assert rows.min() > 0.01 * height and rows.max() < 0.99 * height
    assert page.errors == []
    context.close()


def test_phone_width_keeps_the_transition_caption_inside_its_frame(browser, app_server, artifacts) -> None:
    """On a phone the caption wraps to more lines: the player's view is lower there, so the caption
    stays inside the page's fixed-height frame."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server + "/transitions")
    frame_box = page.locator("iframe").first
    caption = page.frame_locator("iframe").first.get_by_test_id("transition-caption")
    caption.wait_for(timeout=90000)
    page.wait_for_timeout(1500)
    page.frame_locator("iframe").first.get_by_test_id("play").click()  # hold still
    longest = 0.0
    for position in ("0", "25", "60"):  # the scrubber's frames: captions of different lengths
        page.frame_locator("iframe").first.get_by_test_id("scrub").fill(position)
        page.wait_for_timeout(500)
        inner, outer = caption.bounding_box(), frame_box.bounding_box()
        longest = max(longest, inner["height"])
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        assert inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    page.screenshot(path=str(artifacts / "phone-390-transitions.png"))
    assert longest > 30  # a wrapped caption was measured, not an empty one
    assert errors == []
    context.close()


def test_figures_can_follow_the_view_as_turned(browser, app_server) -> None:
    """Turning the view by dragging tells the page the new orientation: the download panel's command
    then carries it (--view q:x,y,z,w), and Reset view brings back the starting one."""
    context, page = open_page(browser, app_server, 1440, 900)
    canvas = page.frame_locator("iframe[title*='interlace_view']").first.locator("canvas").first
    canvas.wait_for(timeout=60000)
    page.wait_for_timeout(2000)
    page.get_by_text("Download figures and data").click()
    page.wait_for_function("() => [...document.querySelectorAll('code')].some(c => c.innerText.includes("
                           "\"--view 'q:0,0,0,1'\"))", timeout=60000)  # not turned yet: the starting orientation
    canvas.scroll_into_view_if_needed()  # the opened panel may have scrolled the view away, as a user would scroll back
    page.wait_for_timeout(500)
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 160, y + 60, steps=8)
    page.mouse.up()
    page.wait_for_function("() => [...document.querySelectorAll('code')].some(c => c.innerText.includes('q:') "
                           "&& !c.innerText.includes('q:0,0,0,1'))", timeout=60000)
    page.get_by_role("button", name="Reset view").click()
    page.wait_for_function("() => [...document.querySelectorAll('code')].some(c => c.innerText.includes('q:0,0,0,1'))",
                           timeout=60000)
    assert page.errors == []
    context.close()


def centroid(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.array([xs.mean(), ys.mean()])


def blue_mask(rgb: np.ndarray) -> np.ndarray:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (b > 150) & (b - r > 50) & (g > r + 20) & (g < b)


def orange_mask(rgb: np.ndarray) -> np.ndarray:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 120) & (r - b > 90) & (g > 0.45 * r) & (g < 0.85 * r)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080), (390, 844)])
def test_teach_view_of_sc1_interweaves_the_nets_and_says_what_is_shown(browser, app_server, artifacts, width,
                                                                        height) -> None:
    context, page = open_page(browser, app_server, width, height)
    click_teach(page)
    sentence = page.get_by_test_id("teach-sentence")
    sentence.get_by_text("threaded by the blue pcu framework").wait_for(timeout=60000)
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / f"teach-SC-1-{width}x{height}.png"))
    blue, orange = blue_mask(rgb), orange_mask(rgb)
    assert blue.sum() > 800 and orange.sum() > 800
    apart = np.linalg.norm(centroid(blue) - centroid(orange)) / np.hypot(*rgb.shape[:2])
    assert apart < 0.06  # around one centre, not one block lower left and the other upper right
    page.get_by_role("button", name="pcu (0)").click()  # show only the sql layer
    page.get_by_test_id("teach-sentence").get_by_text("shown alone").wait_for(timeout=60000)
    text = page.get_by_test_id("teach-sentence").inner_text()
    assert "threaded by" not in text and "sql layer" in text
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / f"teach-SC-1-sql-alone-{width}x{height}.png"))
    assert blue_mask(rgb).sum() < 50 and orange_mask(rgb).sum() > 800
    assert page.errors == []
    context.close()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_teach_view_of_a_tenfold_cof_names_copies_one_to_ten(browser, app_server, artifacts, width, height) -> None:
    context, page = open_page(browser, app_server, width, height)
    page.locator("input[type=file]").set_input_files(str(DATA / "real" / "curatedcofs_18134N3_LZU-79_CSD1846140.cif"))
    page.get_by_test_id("classification").get_by_text("3D-3D interpenetrated").wait_for(timeout=90000)
    click_teach(page)
    sentence = page.get_by_test_id("teach-sentence")
    sentence.get_by_text("Copies 1-10 of one dia framework").wait_for(timeout=60000)
    rgb = canvas_rgb(page)
    page.screenshot(path=str(artifacts / f"teach-LZU-79-{width}x{height}.png"))
    text = sentence.inner_text()
    assert "orange" not in text and rgb.std() > 5
    assert page.errors == []
    context.close()
