"""Accessibility, checked by axe-core in Chromium: every page, light and dark theme, no serious or critical violation of
WCAG 2.2 A/AA (the rules axe can test automatically; the rest is judged by eye in the screenshots)."""

import pytest

from tests.chromium import PATIENCE_MS, served_app, wait_rendered

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

#: Every page, by its path, and text that shows it has finished its first run.
PAGES = [("", "When could the gap reach zero?"), ("data", "Coverage per benchmark"), ("frontiers", "Show the lag at"),
         ("lag_overview", "Every benchmark"), ("trend_fit", "probability it never closes"),
         ("pooled", "Population and a new benchmark"), ("compare", "What changes the answer?"),
         ("multiverse", "Precomputed with the answer"), ("backtest", "Precomputed with the answer"),
         ("score_space", "fitted frontiers"), ("published_figures", "Published figures, reproduced"),
         ("report", "Data provenance and versions"), ("downloads", "Posterior summaries")]
#: The WCAG 2.2 A and AA rule sets of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious(results: dict) -> list[str]:
    """Each serious or critical violation as "rule (impact): first element", for the assertion message."""
    return [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['nodes'][0]['target']} {v['help']}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def app():
    with served_app() as (url, _):
        yield url


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_accessibility_violation_on_any_page(browser, app, theme):
    axe = axe_playwright.Axe()
    found = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, color_scheme=theme)
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)  # actions wait on page state, as long as a busy machine needs
    for path, marker in PAGES:
        page.goto(f"{app}/{path}?draws=250&chains=2", wait_until="domcontentloaded")
        wait_rendered(page, marker, timeout_ms=PATIENCE_MS)
        background = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (theme == "light"), background  # the theme asked for is shown
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response
        if serious(results):
            found[path or "answer"] = serious(results)
    context.close()
    assert not found, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)
