"""The Why? view in Chromium (WebGL through SwiftShader) driven by Playwright: both rings whole, centred,
filling most of the view and seen open, after the Teach view too."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from topology import analyze_file
from viewer.why import picture

pytestmark = pytest.mark.browser
STRUCTURES = Path(__file__).resolve().parent.parent / "assets" / "structures"


def ring_mask(rgb: np.ndarray, color: str) -> np.ndarray:
    """Pixels of a thick ring drawn in ``color``: its hue under any shading, and dark enough not to be
    the faded context edges (a quarter of the colour on white)."""
    c = np.array([int(color[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)
    unit = c / np.linalg.norm(c)
    norm = np.linalg.norm(rgb, axis=2) + 1e-9
    cosine = (rgb @ unit) / norm
    depth = 255 - rgb.min(axis=2)  # white is 0, the pure colour is 255 - min(c)
    return (cosine > 0.985) & (depth > 0.55 * (255 - c.min()))


def elongation(mask: np.ndarray) -> float:
    """Ratio of the smaller to the larger spread of a pixel set: near 0 for a ring seen edge-on."""
    ys, xs = np.nonzero(mask)
    spreads = np.sqrt(np.linalg.eigvalsh(np.cov(np.vstack([xs, ys]).astype(float))))
    return float(spreads[0] / spreads[1])


def canvas(page) -> np.ndarray:
    view = page.frame_locator("iframe[title*='interlace_view']").first.locator("canvas").first
    view.wait_for(timeout=60000)
    page.wait_for_timeout(9500)  # the rock (8 s) is over: the picture as framed
    return np.asarray(Image.open(io.BytesIO(view.screenshot())).convert("RGB"), dtype=int)


@pytest.mark.parametrize(("name", "width", "height", "teach_first"),
                         [("SC-1", 1440, 900, True), ("SC-1", 390, 844, True), ("SC-2-0.8", 1920, 1080, False)])
def test_why_frames_both_rings_open_and_whole(browser, app_server, artifacts, name, width, height,
                                              teach_first) -> None:
    colors = picture(analyze_file(STRUCTURES / f"{name}.cif")).colors
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server)
    page.get_by_test_id("classification").first.wait_for(timeout=90000)
    if name != "SC-1":
        page.get_by_label("Structure").first.click()
        page.get_by_role("option", name=name, exact=True).click()
        page.get_by_test_id("classification").get_by_text("3D-3D").wait_for(timeout=60000)
    if teach_first:
        page.get_by_text("Teach: show how the nets interpenetrate").click()
        page.get_by_test_id("teach-sentence").wait_for(timeout=60000)
        page.wait_for_timeout(1500)
    page.get_by_text("Why? Show one linked pair of rings").click()
    page.get_by_test_id("why-sentence").wait_for(timeout=60000)
    assert "linked with" in page.get_by_test_id("why-sentence").inner_text()
    rgb = canvas(page)
    page.screenshot(path=str(artifacts / f"why-{name}-{width}x{height}{'-after-teach' if teach_first else ''}.png"))
    context.close()
    masks = [ring_mask(rgb, c) for c in colors]
    h, w = rgb.shape[:2]
    for mask in masks:
        assert mask.sum() > 0.004 * h * w  # each ring drawn
        ys, xs = np.nonzero(mask)
        assert xs.min() > 4 and ys.min() > 4 and xs.max() < w - 5 and ys.max() < h - 5  # whole, off the edges
        assert elongation(mask) > 0.3  # seen open, not edge-on
    ys, xs = np.nonzero(masks[0] | masks[1])
    assert max((xs.max() - xs.min()) / w, (ys.max() - ys.min()) / h) > 0.6  # filling most of the view
    assert abs((xs.max() + xs.min()) / 2 - w / 2) < 0.12 * w and abs((ys.max() + ys.min()) / 2 - h / 2) < 0.12 * h
    assert errors == []
