"""The transitions player across reruns, in Chromium (WebGL through SwiftShader) driven by Playwright:
it keeps its picture, its caption and its place while Streamlit reruns the page."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser

SAMPLER = """() => {
  window.samples = [];
  window.sampler = setInterval(() => {
    const frame = document.querySelector("iframe[srcdoc*='transition-caption']");
    const doc = frame && frame.contentDocument;
    const canvas = doc && doc.querySelector("canvas");
    const caption = doc && doc.querySelector("[data-testid=transition-caption]");
    const scrub = doc && doc.querySelector("[data-testid=scrub]");
    window.samples.push({canvas: !!(canvas && canvas.width > 0), caption: caption ? caption.textContent : "",
                         born: !!(frame && frame.contentWindow.born),
                         place: scrub ? +scrub.value : -1});
  }, 50);
}"""


RUNS = """() => {  // counts the reruns, from the script state Streamlit writes on its app element
  window.runs = 0;
  new MutationObserver(() => {
    const running = !!document.querySelector("[data-test-script-state=running]");
    if (running && !window.wasRunning) window.runs += 1;
    window.wasRunning = running;
  }).observe(document, {subtree: true, childList: true, attributes: true});
}"""


def player_frame(page):
    return page.frame_locator("iframe[srcdoc*='transition-caption']").first


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])  # 1920x1080: the Why? and Teach tests
def test_player_keeps_its_picture_and_place_across_five_reruns(browser, app_server, artifacts, width, height) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server + "/transitions")
    player = player_frame(page)
    player.get_by_test_id("transition-caption").get_by_text("SC-1").wait_for(timeout=90000)
    page.get_by_text("Download the movie").wait_for(timeout=60000)  # the first run has finished
    for _ in range(30):  # the movie moves on once its first caption has been read (about 4 s)
        if int(player.get_by_test_id("scrub").input_value()) > 0:
            break
        page.wait_for_timeout(500)
    player.get_by_test_id("play").click()  # pause where it is
    place = int(player.get_by_test_id("scrub").input_value())
    caption = player.get_by_test_id("transition-caption").inner_text()
    page.evaluate("() => { document.querySelector(\"iframe[srcdoc*='transition-caption']\").contentWindow.born = 1; }")
    page.evaluate(SAMPLER)
    page.evaluate(RUNS)
    for _ in range(5):
        page.get_by_role("heading", name="Transitions").click()  # the keys go to the page, not the player
        page.keyboard.press("r")  # Streamlit's rerun shortcut
        page.wait_for_timeout(2500)
    runs = page.evaluate("window.runs")
    samples = page.evaluate("() => { clearInterval(window.sampler); return window.samples; }")
    page.screenshot(path=str(artifacts / f"player-after-reruns-{width}x{height}.png"))
    canvas = np.asarray(Image.open(io.BytesIO(player.locator("canvas").first.screenshot())).convert("L"), dtype=int)
    context.close()
    edge = np.concatenate([canvas[:3].ravel(), canvas[-3:].ravel(), canvas[:, :3].ravel(), canvas[:, -3:].ravel()])
    assert canvas.std() > 5 and (edge < 200).sum() < 20  # a picture, none of it cut by the frame's edge
    assert place > 0 and len(samples) > 40 and runs >= 5
    blank = [s for s in samples if not s["canvas"] or not s["caption"].strip()]
    assert blank == []
    assert all(s["born"] for s in samples)  # the same player all along, never loaded again
    assert {s["caption"] for s in samples} == {caption} and {s["place"] for s in samples} == {place}
    assert errors == []

