"""The explore page on a phone (390 x 844) and at 1440 px, in Chromium driven by Playwright: the view on
the first screen, the nets table whole, the classification explained right under the view, sidebar
labels whole."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CLIPPED = """() => [...document.querySelectorAll(SELECTOR)].filter(e => e.offsetParent !== null && (
  e.scrollWidth > e.clientWidth + 1)).map(e => e.textContent.trim()).filter(t => t)"""


def open_page(browser, app_server, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(app_server)
    page.get_by_test_id("classification").first.wait_for(timeout=90000)
    page.get_by_test_id("legend").wait_for(timeout=90000)  # the rest of the page is there
    page.get_by_test_id("stTable").first.wait_for(timeout=60000)
    page.wait_for_timeout(1000)
    return context, page


def test_phone_shows_the_view_first_the_table_whole_and_the_explanation_under_the_view(browser, app_server,
                                                                                       artifacts) -> None:
    context, page = open_page(browser, app_server, 390, 844)
    page.screenshot(path=str(artifacts / "phone-explore-390x844.png"))
    page.screenshot(path=str(artifacts / "phone-explore-390x844-full.png"), full_page=True)
    view = page.locator("iframe[title*='interlace_view']").first.bounding_box()
    table = page.get_by_test_id("stTable").first
    fits = table.evaluate("t => t.scrollWidth <= t.clientWidth + 1 && t.getBoundingClientRect().right <= innerWidth")
    said = page.get_by_test_id("classification-explained").bounding_box()
    legend = page.get_by_test_id("legend").bounding_box()
    context.close()
    assert view["y"] < 0.4 * 844 and view["y"] + view["height"] < 844 + 0.25 * view["height"]  # on the first screen
    assert fits  # the nets table's last column is not clipped
    assert view["y"] + view["height"] <= said["y"] < legend["y"] + legend["height"] + 400  # right under the view


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_sidebar_labels_are_whole(browser, app_server, artifacts, width, height) -> None:
    context, page = open_page(browser, app_server, width, height)
    page.screenshot(path=str(artifacts / f"explore-{width}x{height}.png"))
    selector = "[data-testid=stSidebar] label p, [data-testid=stSidebar] [data-baseweb=select] div"
    clipped = page.evaluate(CLIPPED.replace("SELECTOR", repr(selector)))
    said = page.get_by_test_id("classification-explained").inner_text()
    context.close()
    assert clipped == []
    assert "2D-3D interpenetrating" in said and "polycatenation" in said
