"""One real-browser smoke test: serve the app, visit every page in headless Chromium, move a prior slider on
Trend fit, wait for the new crossing-date text, download the summary CSV, and save screenshots of every page. On each
page axe-core checks WCAG 2.2 A/AA in the light theme (test_accessibility.py does the dark one)."""

import os
from pathlib import Path

import pytest

from tests.chromium import PATIENCE_MS, ROOT, choose_page, serious_violations, served_app, wait_rendered

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts" / "screenshots"))
PAGES = [("The answer", "When could the gap reach zero?", "answer"),
         ("Data", "Coverage per benchmark", "data"), ("Frontiers", "Show the lag at", "frontiers"),
         ("Lag overview", "Every benchmark", "lag_overview")]

pytestmark = pytest.mark.browser


#: Serious or critical accessibility violations found on the tour, by page (light theme).
VIOLATIONS: dict[str, list[str]] = {}


def shot(page, name):
    page.wait_for_timeout(1200)  # let Plotly and the data grids finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    try:
        VIOLATIONS[name] = serious_violations(page)
    except ImportError:  # axe-playwright-python not installed: the dark-theme test says it was skipped
        pass


def crossing_sentence(page) -> str:
    loc = page.get_by_text("probability it never closes", exact=False).first
    loc.wait_for(state="visible", timeout=PATIENCE_MS)
    return loc.inner_text()


def test_every_page_in_chromium_with_a_slider_move_and_a_download(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with served_app() as (url, startup):
        page = browser.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
        page.set_default_timeout(PATIENCE_MS)  # actions wait on page state, as long as a busy machine needs
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # A deep link on a fresh server must go through the entry point (wide layout, our sidebar links).
        # (The link also asks for small draws, so every fit of this session, the Report's stacked one included, is quick.)
        page.goto(f"{url}/frontiers?benchmark=intelligence_index_2026_10_10&draws=250&chains=2", wait_until="domcontentloaded")
        wait_rendered(page, "Show the lag at")  # (the chart title wraps, so its words are split)
        assert page.locator("[data-testid='stSidebar']").get_by_role("link", name="Trend fit", exact=True).count() == 1
        for link, marker, name in PAGES:  # navigate in-app, so the session (and its fits) persists
            choose_page(page, link)
            wait_rendered(page, marker)
            shot(page, name)

        # Trend fit: wait for the first posterior, move the slope-prior slider, wait for the new text.
        choose_page(page, "Trend fit")
        before = crossing_sentence(page)
        wait_rendered(page, "Diagnostics", timeout_ms=PATIENCE_MS)
        shot(page, "trend_fit")
        slider = page.get_by_role("slider", name="Slope prior mean (months of lag per year)")
        slider.focus()
        page.keyboard.press("Home")  # to the slider's minimum: a strongly "closing" prior
        page.wait_for_function(
            "before => [...document.querySelectorAll('strong')].some(e => e.innerText.includes('probability it never closes')"
            " && e.innerText.trim() !== before.trim())", arg=before, timeout=PATIENCE_MS)
        after = crossing_sentence(page)
        assert after != before

        for link, marker, name in (("Pooled", "Population and a new benchmark", "pooled"),
                                   ("Compare", "What changes the answer?", "compare")):
            choose_page(page, link)
            wait_rendered(page, marker, timeout_ms=PATIENCE_MS)
            shot(page, name)

        for link, marker, name in (("Multiverse", "Precomputed with the answer", "multiverse"),  # the answer's own
                                   ("Backtest", "Precomputed with the answer", "backtest"),
                                   ("Score space", "fitted frontiers", "score_space"),
                                   ("Published figures", "Published figures, reproduced", "published_figures"),
                                   ("Report", "Data provenance and versions", "report")):
            choose_page(page, link)
            wait_rendered(page, marker, timeout_ms=PATIENCE_MS)
            shot(page, name)

        choose_page(page, "Downloads")
        wait_rendered(page, "Posterior summaries")
        shot(page, "downloads")
        with page.expect_download(timeout=PATIENCE_MS) as info:
            page.get_by_role("button", name="Summary table (CSV)").click()
        target = tmp_path / "summary.csv"
        info.value.save_as(target)
        text = target.read_text()
        assert text.startswith("fit,fitted_at,benchmark,benchmark_name,model") and "intelligence_index_2026_10_10" in text
        assert page.locator("[data-testid='stException']").count() == 0
        assert not errors, errors
    assert not any(VIOLATIONS.values()), {name: v for name, v in VIOLATIONS.items() if v}  # WCAG 2.2 AA, light theme
    print(f"server healthy after {startup:.1f} s (measured, not asserted: bench/bench_app.py times it)")
    for name in ("data", "frontiers", "lag_overview", "trend_fit", "pooled", "compare", "multiverse", "backtest", "score_space",
                 "report", "downloads"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
