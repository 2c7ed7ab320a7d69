"""Ten simultaneous browser sessions, each with its own upload and priors (set by a shared link), each get their own
correct result: the crossing sentence each browser shows equals the same fit run in-process."""

import asyncio
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.analysis import FitSettings, run_analysis
from model.data.csv_upload import load_user_csv
from model.presentation.readings import readings
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, PATIENCE_MS, served_app

N_SESSIONS = 10
pytestmark = [pytest.mark.browser, pytest.mark.slow]



def session_csv(i: int) -> bytes:
    """A small lag history whose gap closes at a session-specific rate; unique benchmark and model names."""
    rng = np.random.default_rng(i)
    rows = []
    for k in range(10):
        closed_day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=90 * k)
        rows.append((f"s{i}-closed-{k}", closed_day, False, 10 + 5 * k))
        lag_days = max(20, int(400 - (20 + 8 * i) * k + rng.integers(0, 30)))
        rows.append((f"s{i}-open-{k}", closed_day + pd.Timedelta(days=lag_days), True, 10 + 5 * k))
    frame = pd.DataFrame(rows, columns=["model_name", "release_date", "open_weights", "score"])
    frame = frame[frame["release_date"] <= pd.Timestamp("2026-06-01")].assign(benchmark=f"session_{i}_bench")
    return frame.to_csv(index=False, date_format="%Y-%m-%d").encode()


async def one_session(browser, url: str, i: int, tmp: Path) -> tuple[str, str]:
    path = tmp / f"upload_{i}.csv"
    path.write_bytes(session_csv(i))
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(PATIENCE_MS)  # every action waits on page state, as long as a busy machine needs
    page = await context.new_page()
    # Each session gets its own priors through a shared-link query string.
    await page.goto(f"{url}/data?p_slope_mean={-i}&p_slope_sd=4&draws=300&chains=2", wait_until="domcontentloaded")
    await page.get_by_text("Coverage per benchmark").first.wait_for(timeout=PATIENCE_MS)
    await page.get_by_text("Upload a CSV", exact=True).click()
    await page.locator("input[type='file']").set_input_files(str(path))
    await page.get_by_text(f"Upload: upload_{i}.csv").first.wait_for(timeout=PATIENCE_MS)
    body = await page.inner_text("body")
    leaked = [j for j in range(N_SESSIONS) if j != i and f"session_{j}_bench" in body]
    assert not leaked, (i, leaked)
    await page.locator("[data-testid='stSidebar']").get_by_role("link", name="Trend fit", exact=True).click()
    # the crossing sentence, whichever it is (a date interval, or "No crossing date: too few observations …")
    sentence = page.locator("strong").filter(has_text=re.compile("probability it never closes|No crossing date")).first
    await sentence.wait_for(timeout=PATIENCE_MS)
    text = await sentence.inner_text()
    body = await page.inner_text("body")
    await context.close()
    return text, body


def test_ten_simultaneous_sessions_get_their_own_results(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.async_api import async_playwright

    async def run_all(url):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            results = await asyncio.gather(*(one_session(browser, url, i, tmp_path) for i in range(N_SESSIONS)))
            await browser.close()
            return results

    with served_app() as (url, _):
        results = asyncio.run(run_all(url))
    for i, (sentence, body) in enumerate(results):
        assert f"session_{i}_bench" in body
        ds = load_user_csv(session_csv(i), name=f"upload_{i}.csv")
        settings = FitSettings(source="csv", benchmarks=[f"session_{i}_bench"], priors={"slope_mean": -i, "slope_sd": 4},
                               draws=300, chains=2)
        expected = run_analysis(ds, settings).summary.iloc[0]
        assert json.loads(expected["prior_json"])["slope_mean"] == -i
        assert sentence.strip() == readings(expected)["crossing"], (i, sentence)
    assert len({s for s, _ in results}) > 1  # different data, different answers
