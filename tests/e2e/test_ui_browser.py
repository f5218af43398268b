"""The Dagster UI as a planner uses it, in a real browser: the asset graph grouped
ingest -> gaps -> reports, "Materialize all", the run succeeding, the report asset's
metadata, and the nightly schedule and input-file sensor switched on.

Headless Chromium is the Debian `chromium` package driven by the `playwright` package
(`executable_path`, never a downloaded browser). `.ci/run` installs it; without it the
test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.e2e import screenshots

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The asset a planner opens after a refresh, and metadata it must show.
REPORT_ASSET = "report_publication"
REPORT_METADATA = ("workbook", "index", "manifest")
RUN_TIMEOUT_MS = 150_000
UI_GUIDE_HEIGHT = 900  # px of ui-assets.png, 1280 wide (CDP_SCREENSHOTS_DIR)
# The sign-up dialog a fresh Dagster home shows unless dagster.yaml says `nux: enabled:
# false`; the UI opens it a second after its ShouldShowNux query answers true.
NUX_TITLE = "Join the Dagster community"
NUX_DELAY_MS = 1_000


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (scripts/install-system-deps.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, dagster_server):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(30_000)
    # No handler dismisses the community sign-up dialog: dagster.yaml switches it off,
    # and a dialog in the way fails the test that clicks behind it.
    page.goto(f"{dagster_server.url}/asset-groups")
    yield page
    page.close()


def _wait_for_statuses(page) -> None:
    """The graph draws its groups first and fills in their materialisation statuses next."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    try:
        page.get_by_text("fetching statuses").first.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        pass  # already fetched
    expect(page.get_by_text("fetching statuses")).to_have_count(0)


def _opening_words(asset: str, words: int = 5) -> str:
    from dagster import AssetKey

    from pipelines.definitions import defs

    description = defs.resolve_asset_graph().get(AssetKey(asset)).description
    return " ".join(description.split()[:words])


def _screenshot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("CDP_TEST_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_no_community_signup_dialog_on_a_fresh_home(page, dagster_server):
    from playwright.sync_api import expect

    # The server's Dagster home is new; nobody has dismissed the dialog in it.
    assert not (dagster_server.home / ".nux" / "nux.yaml").exists()
    assert dagster_server.graphql("{ shouldShowNux }") == {"shouldShowNux": False}

    with page.expect_response(
        lambda response: "ShouldShowNux" in (response.request.post_data or "")
    ) as nux_query:
        page.goto(f"{dagster_server.url}/asset-groups")
    assert nux_query.value.json()["data"] == {"shouldShowNux": False}
    _wait_for_statuses(page)
    page.wait_for_timeout(2 * NUX_DELAY_MS)  # past the moment the dialog would open
    expect(page.get_by_text(NUX_TITLE)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_materialize_all_from_the_asset_graph(page, dagster_server, tmp_path):
    from playwright.sync_api import expect

    for group in ("ingest", "gaps", "reports"):
        expect(page.get_by_text(group, exact=True).first).to_be_visible()
    _wait_for_statuses(page)
    _screenshot(page, tmp_path, "asset_graph")

    page.get_by_role("button", name="Materialize all").click()
    launched = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
    expect(launched).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="View", exact=True).click()
    expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]{36}"))
    # Perhaps queued behind the refresh the sensor starts on its first look: one run at a time.
    expect(page.get_by_text("Success", exact=True).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    _screenshot(page, tmp_path, "run_succeeded")

    page.goto(f"{dagster_server.url}/asset-groups")
    _wait_for_statuses(page)
    _screenshot(page, tmp_path, "asset_graph_after_run")

    page.goto(f"{dagster_server.url}/assets/{REPORT_ASSET}")
    expect(page.get_by_text(_opening_words(REPORT_ASSET))).to_be_visible()  # its description
    for key in REPORT_METADATA:
        expect(page.get_by_role("cell", name=key, exact=True)).to_be_visible()
    assert "cdp_gap_report.xlsx" in page.locator("body").inner_text()
    _screenshot(page, tmp_path, "report_asset")
    assert (dagster_server.reports_dir / "latest" / "cdp_gap_report.xlsx").is_file()

    guide = screenshots.target("ui-assets.png")
    if guide is not None:
        # For the planners' guide: the report asset after a refresh, where the workbook is,
        # how fresh it is, and the schedule and sensor that keep it so.
        page.set_viewport_size({"width": screenshots.WIDTH, "height": UI_GUIDE_HEIGHT})
        page.reload()
        for key in REPORT_METADATA:
            expect(page.get_by_role("cell", name=key, exact=True)).to_be_visible()
        expect(page.get_by_text("input_files", exact=True).first).to_be_visible()
        page.wait_for_timeout(1_000)  # the history chart settles
        page.screenshot(path=str(guide))


def test_schedule_and_sensor_are_running(page, dagster_server):
    from playwright.sync_api import expect

    page.goto(f"{dagster_server.url}/automation")
    for name in ("nightly_refresh", "input_files"):
        expect(page.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_text("At 02:00 AM", exact=False)).to_be_visible()
    # One on/off toggle per automation, both on; the row selection boxes are unticked.
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(2)
