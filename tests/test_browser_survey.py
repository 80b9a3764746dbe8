"""The survey page in a real browser: its charts draw, and a row opens in the explorer."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_survey_charts_draw_and_a_row_opens_in_the_explorer(browser, app_server, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server + "/survey")
    page.get_by_text("By classification").wait_for(timeout=60000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    assert charts.count() == 2
    box = charts.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    marks = page.locator("[data-testid='stVegaLiteChart'] svg .mark-rect path, [data-testid='stVegaLiteChart'] canvas")
    assert marks.count() > 0
    page.screenshot(path=str(artifacts / "survey.png"), full_page=True)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30000)
    gbox = grid.bounding_box()
    page.mouse.click(gbox["x"] + 12, gbox["y"] + 35 + 35 / 2 + 35 * 2)  # the row-selection cell of the third row
    page.get_by_role("button", name="in the explorer").wait_for(timeout=30000)
    page.get_by_role("button", name="in the explorer").click()
    page.get_by_test_id("classification").first.wait_for(timeout=60000)
    page.screenshot(path=str(artifacts / "survey-opened.png"), full_page=True)
    context.close()
    assert errors == []
