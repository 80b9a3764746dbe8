"""The survey page in a real browser: its charts draw, and a row opens in the explorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"


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


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])  # a desktop and a phone
def test_a_results_file_after_the_bundled_set_shows_every_row_and_says_what_filters_hide(
        browser, app_server, artifacts, tmp_path, width, height) -> None:
    results = tmp_path / "results.jsonl"
    done = subprocess.run([sys.executable, "-m", "viewer.cli", "analyze", str(DATA / "real"), "-o", str(results)],
                          capture_output=True, text=True, timeout=300, cwd=DATA.parent.parent, check=False)
    assert done.returncode == 0
    records = [json.loads(line) for line in results.read_text().splitlines()]
    total = len(records)
    plain = sum(r.get("classification") == "non-interpenetrated" for r in records)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(app_server + "/survey")
    count = page.get_by_test_id("survey-count")
    count.get_by_text("All 4 structures shown").wait_for(timeout=60000)  # the bundled SC models
    page.get_by_text("A results file (.jsonl)").click()
    page.locator("input[type=file]").set_input_files(str(results))
    count.get_by_text(f"All {total} structures shown").wait_for(timeout=60000)
    page.screenshot(path=str(artifacts / f"survey-results-{width}x{height}.png"), full_page=True)
    chips = page.get_by_test_id("stMultiSelect").get_by_role("button", name="non-interpenetrated")
    chips.first.click()  # the chip's remove button: hide the non-interpenetrated structures
    count.get_by_text("hidden by filters").wait_for(timeout=30000)
    hidden = count.inner_text()
    page.screenshot(path=str(artifacts / f"survey-filtered-{width}x{height}.png"), full_page=True)
    page.get_by_role("button", name="Show all").click()
    count.get_by_text(f"All {total} structures shown").wait_for(timeout=30000)
    context.close()
    assert f"{total - plain} of {total} shown" in hidden and f"{plain} hidden by filters" in hidden
