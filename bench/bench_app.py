"""End-to-end app latency, measured in one run.

* warm slider change -> updated posterior on the Trend fit page (AppTest), target < 1 s;
* warm pooled refit over 20 benchmarks after a hyperprior change (AppTest), target < 6 s;
* cold start: `streamlit run` to the first page rendered in headless Chromium, target < 3 s.

    .venv/bin/python bench/bench_app.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FRONTIER_LAG_NO_WARMUP"] = "1"  # measure the fits, not a background compile

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "streamlit_app.py")


def trend_fit_latency() -> list[float]:
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.switch_page("pages/trend_fit.py")
    at.run()  # cold: compiles
    out = []
    for value in (-2.0, -4.0, -6.0, -8.0, -10.0):
        slider = next(s for s in at.slider if s.label.startswith("Slope prior mean"))
        slider.set_value(value)
        t0 = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t0)
        assert not at.exception
    return out


def pooled_latency() -> list[float]:
    from model.analysis import FitSettings
    from model.data.embedded import load_embedded

    names = list(load_embedded("aa").benchmarks["benchmark"])[:20]
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["pooled_form"] = FitSettings(pooling="partial", benchmarks=names, start="2024-01-01").model_dump()
    at.run()
    at.switch_page("pages/pooled.py")
    at.run()  # cold
    out = []
    for value in (3.0, 5.0, 2.0):
        slider = next(s for s in at.slider if s.label.startswith("Spread of slopes"))
        slider.set_value(value)
        t0 = time.perf_counter()
        next(b for b in at.button if "Fit the pooled model" in b.label).click().run()
        out.append(time.perf_counter() - t0)
        assert not at.exception
    return out


def cold_start() -> float | None:
    from tests.chromium import CHROMIUM, CHROMIUM_ARGS, served_app

    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        t0 = time.perf_counter()
        with served_app() as (url, _):
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("Coverage per benchmark").first.wait_for(state="visible", timeout=60_000)
            elapsed = time.perf_counter() - t0
        browser.close()
    return elapsed


def main():
    start = cold_start()
    tf = trend_fit_latency()
    pooled = pooled_latency()
    print(f"cold start, `streamlit run` to first page rendered in Chromium: {start:.2f} s (target < 3 s)"
          if start is not None else "cold start: skipped (no Chromium)")
    print(f"Trend fit, warm slider change -> updated posterior: median {statistics.median(tf):.2f} s, "
          f"max {max(tf):.2f} s over {len(tf)} changes (target < 1 s)")
    print(f"Pooled (20 benchmarks), warm hyperprior change -> updated posterior: median {statistics.median(pooled):.2f} s, "
          f"max {max(pooled):.2f} s over {len(pooled)} changes (target < 6 s)")


if __name__ == "__main__":
    main()
