"""Every speed target of the performance issue, measured side by side in one run, with the load average beside each.

    .venv/bin/python bench/bench_targets.py [--load-seconds 120] [--skip-browser]

1. a fresh process, ``python -m model fit`` (linear, one benchmark), end to end: fast engine and NUTS (compile included);
2. a warm refit after a prior change: fast engine vs nutpie with data vs plain ``pm.sample`` on the same model;
3. the pooled partial fit over 20 AA benchmarks, cold and warm, and cold in a second process with and without the
   disk cache of the compiled callbacks (NUTS: the pooled model has no fast engine);
4. a fresh server: time from navigation to the fitted answer on the answer page, Trend fit and Pooled;
5. load: 6 concurrent Chromium sessions, each looping a new session through the answer page, Frontiers, Lag overview
   and Trend fit with a prior change: p95 page-to-answer, errors, peak server memory, and where the CPU went (5a); the
   same loop from 6 protocol-level clients without a browser, the server alone on the cores (5b).

Targets: (1) <= 2 s; (2) <= 0.1 s median and >= 50x faster than pm.sample; (3) <= 3 s warm, <= 8 s cold;
(4) answer page and Trend fit <= 2 s, Pooled <= 4 s; (5) p95 <= 6 s, 0 errors, peak RSS <= 1.5 GB.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH = "intelligence_index_2026_10_10"


def load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(label: str, value: float, target: str | None = None, ok: bool = True) -> None:
    """One figure; ``target`` None marks a reference figure (a "before" or a comparison), not a target."""
    verdict = f"target {target:<10s} {'met' if ok else 'MISSED':<7s}" if target else f"{'(reference)':<25s}"
    print(f"  {label:<62s} {value:8.3f} s   {verdict}   ({load()})", flush=True)


def process_env(cache: Path, callback_cache: bool = True) -> dict:
    """The environment of a measured subprocess: its cache folder, the compiled-callback cache on or off."""
    env = {**os.environ, "FRONTIER_LAG_CACHE": str(cache)}
    if not callback_cache:
        env["FRONTIER_LAG_NO_CALLBACK_CACHE"] = "1"
    return env


def fresh_process(engine: str, cache: Path, callback_cache: bool = True) -> float:
    env = process_env(cache, callback_cache)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "model", "fit", "--benchmark", BENCH, "--engine", engine], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - t0


def bench_fresh_process(tmp: Path) -> None:
    print("1. fresh process, python -m model fit (linear, one benchmark), end to end")
    fast = fresh_process("auto", tmp / "cache_fast")
    report("fast engine (auto)", fast, "<= 2 s", fast <= 2)
    nuts_cold = fresh_process("nuts", tmp / "cache_nuts")
    report("NUTS, empty cache (compile included)", nuts_cold)
    nuts_plain = fresh_process("nuts", tmp / "cache_nuts", callback_cache=False)
    report("NUTS, second process, callback cache off (before)", nuts_plain)
    nuts_second = fresh_process("nuts", tmp / "cache_nuts")
    report("NUTS, second process (callbacks from the disk cache)", nuts_second)
    print(f"  ratio NUTS cold / fast engine: {nuts_cold / fast:.1f}x; second process, cache off / on: "
          f"{nuts_plain / nuts_second:.1f}x")


def bench_refit() -> None:
    from dataclasses import replace

    from bench.bench_fits import pm_sample_fit
    from model.bayes.fitting import FitSpec, fit_trend
    from model.bayes.observations import benchmark_observations
    from model.bayes.priors import TrendPriors
    from model.bayes.sampling import SamplerSettings
    from model.data.embedded import load_embedded

    print("2. warm refit after a prior change (linear, 4 x 1000 draws)")
    ds = load_embedded("aa")
    obs = benchmark_observations(ds.scores, BENCH, benchmarks=ds.benchmarks, measurement_error=True)
    sampler = SamplerSettings()
    fit_trend(obs, FitSpec(sampler=sampler))
    times = []
    for i, mean in enumerate((-3, -2, -1, 0, 1, 2, -0.5, 0.5, -1.5, 1.5)):
        fit = fit_trend(obs, FitSpec(priors=TrendPriors(slope_mean=mean), sampler=replace(sampler, seed=i)))
        assert fit.diagnostics.engine == "importance", fit.diagnostics.engine
        times.append(fit.seconds)
    fast = statistics.median(times)
    report("fast engine, median of 10 prior changes", fast, "<= 0.1 s", fast <= 0.1)
    nuts = replace(sampler, engine="nuts")
    fit_trend(obs, FitSpec(sampler=nuts))  # compile
    nuts_times = [fit_trend(obs, FitSpec(priors=TrendPriors(slope_mean=m), sampler=nuts)).seconds for m in (-2, 0, 2)]
    report("nutpie warm refit (with_data), median of 3", statistics.median(nuts_times))
    t_pm = pm_sample_fit(obs, TrendPriors(), sampler)
    report("plain pm.sample, same model and draws (build + sample)", t_pm)
    print(f"  ratio pm.sample / fast engine: {t_pm / fast:.0f}x (target >= 50x: {'met' if t_pm / fast >= 50 else 'MISSED'}); "
          f"pm.sample / nutpie warm: {t_pm / statistics.median(nuts_times):.0f}x")


POOLED_PROBE = """
import sys, time, warnings
warnings.filterwarnings("ignore")
from model.analysis import FitSettings, run_analysis
from model.data.embedded import load_embedded
ds = load_embedded("aa")
t0 = time.perf_counter()
run_analysis(ds, FitSettings(pooling="partial", benchmarks=list(ds.benchmarks["benchmark"])[:20], seed=3))
print(time.perf_counter() - t0)
"""


def pooled_second_process(cache: Path, callback_cache: bool) -> tuple[float, float]:
    """(end to end, the fit alone) of the pooled fit in a new process whose cache folder another process filled."""
    env = process_env(cache, callback_cache)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", POOLED_PROBE], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, float(r.stdout.strip().splitlines()[-1])


def bench_pooled(tmp: Path) -> None:
    from model.analysis import FitSettings, run_analysis
    from model.data.embedded import load_embedded

    os.environ["FRONTIER_LAG_CACHE"] = str(tmp / "cache_pooled")
    print("3. pooled partial fit over 20 AA benchmarks (NUTS, 4 x 1000 draws)")
    ds = load_embedded("aa")
    # the target: 20 benchmarks (the catalogue's first 20, as measured before; the Pooled page's default is
    # now the distinct current evaluations, fewer)
    settings = FitSettings(pooling="partial", benchmarks=list(ds.benchmarks["benchmark"])[:20])
    t0 = time.perf_counter()
    run_analysis(ds, settings)
    cold = time.perf_counter() - t0
    report("cold (compile included, this process)", cold, "<= 8 s", cold <= 8)
    t0 = time.perf_counter()
    run_analysis(ds, settings.model_copy(update={"seed": 2}))
    warm = time.perf_counter() - t0
    report("warm (another seed)", warm, "<= 3 s", warm <= 3)
    for on, label in ((False, "callback cache off (before)"), (True, "callbacks from the disk cache")):
        total, fit = pooled_second_process(tmp / "cache_pooled", on)
        report(f"cold, second process, {label}: the fit", fit, "<= 8 s" if on else None, fit <= 8)
        report("  the same, end to end with the imports", total)


def bench_fresh_server(tmp: Path) -> None:
    """A fresh server on an empty result store, then a restarted server on the store the first one (and its warm-up)
    filled: the default views are computed once per data version and read back after that."""
    from model.data.embedded import load_embedded
    from model.serving.stored_results import load_result
    from model.serving.warmup import default_views

    os.environ["FRONTIER_LAG_CACHE"] = str(tmp / "cache_server")
    print("4. fresh server: navigation -> fitted answer visible")
    _first_visits("empty result store (first server ever on this machine)")
    ds = load_embedded("aa")
    t0 = time.perf_counter()
    while any(load_result(ds.content_hash, s) is None for s in default_views(ds)) and time.perf_counter() - t0 < 300:
        time.sleep(2)  # the warm-up process (or the visits) store the default views
    _first_visits("restarted server (the store holds the default views)")


def _first_visits(label: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS, served_app

    print(f"  {label}")
    # (path, [(marker, label, target)]): Pooled shows the answer shipped for its default settings first ("Population:"
    # in the precomputed box or in its own fit), then its own fit ("Population and a new benchmark")
    steps = [("", [("by the end of 2027", "answer page", 2)]),
             ("/trend_fit", [("probability it never closes", "Trend fit", 2)]),
             ("/pooled", [("Population:", "Pooled, first answer (shipped or fitted)", 4),
                          ("Population and a new benchmark", "Pooled, its own fit with the charts", None)])]
    with served_app() as (url, startup), sync_playwright() as p:
        print(f"  server healthy after {startup:.1f} s")
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for path, markers in steps:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            t0 = time.perf_counter()
            page.goto(url + path, wait_until="domcontentloaded")
            for marker, label, target in markers:
                page.get_by_text(marker, exact=False).first.wait_for(state="visible", timeout=300_000)
                seconds = time.perf_counter() - t0
                report(f"{label} (first visit)", seconds, f"<= {target} s" if target else None,
                       target is None or seconds <= target)
            page.close()
        browser.close()


async def _load(clients: int, seconds: float, tmp: Path, browsers: bool) -> None:
    from bench.bench_load import cpu_line, p95, run_load
    from bench.bench_server_load import run_server_load

    os.environ["FRONTIER_LAG_CACHE"] = str(tmp / "cache_load")
    run = run_load if browsers else run_server_load
    latencies, errors, rss, cpu = await run(clients, seconds)
    q95 = p95(latencies)
    how = ("Chromium clients on the server's cores" if browsers
           else "protocol clients (no browser: bench_server_load.py), the server alone on the cores")
    print(f"5{'a' if browsers else 'b'}. load: {clients} {how}, {seconds:.0f} s, {len(latencies)} page answers, "
          f"{len(errors)} errors {sorted(set(errors)) if errors else ''}")
    report("p95 page-to-answer", q95, "<= 6 s", q95 <= 6)
    print(f"  p50 {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s; server peak RSS {rss:.0f} MB "
          f"(target <= 1536 MB: {'met' if rss <= 1536 else 'MISSED'}); errors target 0: {'met' if not errors else 'MISSED'}")
    print(f"  {cpu_line(cpu)}")


def main():
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    print(f"start: {load()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench_fresh_process(tmp)
        bench_refit()
        bench_pooled(tmp)
        if not args.skip_browser:
            bench_fresh_server(tmp)
            asyncio.run(_load(args.clients, args.load_seconds, tmp, browsers=True))
            asyncio.run(_load(args.clients, args.load_seconds, tmp, browsers=False))
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
