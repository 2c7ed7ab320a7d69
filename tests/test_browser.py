"""One real-browser smoke test: serve the app, open every page in headless Chromium, save screenshots."""

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, served_app, wait_rendered

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts" / "screenshots"))

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; .ci/run installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_every_page_renders_in_chromium(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with served_app() as (url, startup):
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="domcontentloaded")
        wait_rendered(page, "Coverage per benchmark")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "data.png"), full_page=True)
        for path, marker, name in (("frontiers", "open vs closed frontier", "frontiers"),
                                   ("lag_overview", "Every benchmark", "lag_overview")):
            page.goto(f"{url}/{path}", wait_until="domcontentloaded")
            wait_rendered(page, marker)
            page.wait_for_timeout(1500)  # let Plotly and the data grids finish drawing
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        assert not errors, errors
    assert startup < 30
    for name in ("data", "frontiers", "lag_overview"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
