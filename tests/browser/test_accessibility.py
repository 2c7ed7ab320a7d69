"""Accessibility in the dark theme, checked by axe-core in Chromium: every page, no serious or critical violation of
WCAG 2.2 A/AA (the rules axe can test automatically; the rest is judged by eye in the screenshots). The light theme is
checked on the same pages by the page tour of test_browser.py, which visits them anyway."""

import pytest

from tests.chromium import PATIENCE_MS, serious_violations, served_app, wait_rendered

pytestmark = pytest.mark.browser
pytest.importorskip("axe_playwright_python")

#: Every page, by its path, and text that shows it has finished its first run.
PAGES = [("", "When could the gap reach zero?"), ("data", "Coverage per benchmark"), ("frontiers", "Show the lag at"),
         ("lag_overview", "Every benchmark"), ("trend_fit", "probability it never closes"),
         ("pooled", "Population and a new benchmark"), ("compare", "What changes the answer?"),
         ("multiverse", "Precomputed with the answer"), ("backtest", "Precomputed with the answer"),
         ("score_space", "fitted frontiers"), ("published_figures", "Published figures, reproduced"),
         ("report", "Data provenance and versions"), ("downloads", "Posterior summaries")]


def test_no_serious_accessibility_violation_on_any_page_in_the_dark_theme(browser):
    found = {}
    with served_app() as (url, _):
        context = browser.new_context(viewport={"width": 1400, "height": 1200}, color_scheme="dark")
        page = context.new_page()
        page.set_default_timeout(PATIENCE_MS)  # actions wait on page state, as long as a busy machine needs
        for path, marker in PAGES:
            page.goto(f"{url}/{path}?draws=250&chains=2", wait_until="domcontentloaded")
            wait_rendered(page, marker, timeout_ms=PATIENCE_MS)
            background = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]'))"
                                       ".backgroundColor")
            assert background != "rgb(255, 255, 255)", background  # the dark theme is the one shown
            if violations := serious_violations(page):
                found[path or "answer"] = violations
        context.close()
    assert not found, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)
