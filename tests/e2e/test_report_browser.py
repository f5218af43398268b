"""The web report as a planner opens it: latest/index.html of the bundled data, from disk,
in headless Chromium. The answer per scenario is on screen, nothing on the page fails, and
no request leaves file:// (the report is for networks without internet).

With CDP_SCREENSHOTS_DIR set it also saves the top of the page as report-index.png, and
the What if chart as report-whatif.png, for docs/planners-guide.md.
"""

from __future__ import annotations

import shutil

import pytest

from pipelines.lib import publish
from tests.e2e import screenshots
from tests.e2e.test_ui_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEIGHT = 900  # px: the browser window


def test_index_html_shows_the_answers_offline(browser, bundled):  # noqa: F811
    from playwright.sync_api import expect

    index = bundled.latest / publish.INDEX
    scenario_ids = [row[0] for row in bundled.run.query(
        "SELECT scenario_id FROM stg_scenarios ORDER BY scenario_id")]
    assert "FI-HYBRID-2026" in scenario_ids

    page = browser.new_page(viewport={"width": screenshots.WIDTH, "height": HEIGHT})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(index.as_uri(), wait_until="load")
        heading = page.get_by_role("heading", name="The answer, scenario by scenario")
        expect(heading).to_be_visible()
        answers = page.locator("p.answer")
        expect(answers).to_have_count(len(scenario_ids))
        for i, scenario_id in enumerate(scenario_ids):
            expect(answers.nth(i)).to_contain_text(scenario_id)
        fi = answers.filter(has_text="FI-HYBRID-2026")
        expect(fi).to_contain_text("If Finland invoked Art. 42.7")
        expect(page.get_by_role("heading", name="Headline")).to_be_attached()
        expect(page.get_by_role("link", name=publish.WORKBOOK)).to_be_visible()
        # The plotly charts draw themselves from the inlined script.
        expect(page.locator("div.plotly-graph-div svg.main-svg").first).to_be_attached()

        target = screenshots.target("report-index.png")
        if target is not None:
            # From the marking down to the end of FI-HYBRID-2026's answer.
            box = fi.bounding_box()
            bottom = box["y"] + box["height"] + 6
            page.screenshot(path=str(target), full_page=True,
                            clip={"x": 0, "y": 0, "width": screenshots.WIDTH, "height": bottom})
    finally:
        page.close()

    assert not errors, errors
    outside = [url for url in requests if not url.startswith(("file:", "data:", "blob:", "about:"))]
    assert not outside, outside


def test_the_what_if_chart_of_the_bundled_data(bundled):
    """The bundled lever files give the What if chart (and, with a Chromium, its image);
    with CDP_SCREENSHOTS_DIR set the image is the guide's report-whatif.png."""
    chart = bundled.latest / publish.CHARTS / "whatif.html"
    text = chart.read_text(encoding="utf-8")
    assert "MGMT-PACKAGE (package)" in text and "READINESS-5D" in text
    image = chart.with_suffix(".png")
    target = screenshots.target("report-whatif.png")
    if target is not None:
        assert image.is_file(), "no PNG copy: is Chromium installed?"
        shutil.copyfile(image, target)
