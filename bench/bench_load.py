"""Load test: several concurrent headless Chromium clients drive the server on loopback for a bounded time.

Each client repeatedly opens a new session on the answer page, then moves to Frontiers, Lag overview and Trend fit and
changes a prior there, timing each step until its answer is visible. Reports p50/p95 page latency, pages served,
errors, and the server's peak RSS.

    .venv/bin/python bench/bench_load.py [--clients 6] [--seconds 60]
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, served_app  # noqa: E402

#: Each new session: the answer page, Frontiers, Lag overview and Trend fit (each until its answer shows), then a prior
#: change on Trend fit (one keyboard step of the slope prior mean) until the refitted answer shows.
STEPS = [(None, "by the end of 2027"), ("Frontiers", "Show the lag at"), ("Lag overview", "Every benchmark"),
         ("Trend fit", "probability it never closes")]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its waited-for children so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def client(browser, url: str, deadline: float, latencies: list, errors: list) -> None:
    while time.perf_counter() < deadline:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        try:
            for link, marker in STEPS:
                t0 = time.perf_counter()
                if link is None:
                    await page.goto(url, wait_until="domcontentloaded")
                else:
                    await page.locator("[data-testid='stSidebar']").get_by_role("link", name=link, exact=True).click()
                await page.get_by_text(marker).first.wait_for(timeout=120_000)
                latencies.append(time.perf_counter() - t0)
            slider = page.get_by_role("slider", name="Slope prior mean (months of lag per year)")
            await slider.focus()
            t0 = time.perf_counter()
            await slider.press("ArrowRight")
            await page.wait_for_timeout(300)
            await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                         timeout=120_000)
            await page.get_by_text("probability it never closes").first.wait_for(timeout=120_000)
            latencies.append(time.perf_counter() - t0)
            if await page.locator("[data-testid='stException']").count():
                errors.append("exception on page")
        except Exception as exc:  # a timeout or a crash counts as an error, the load goes on
            errors.append(f"{exc.__class__.__name__}")
        finally:
            await context.close()


async def run_load(clients: int, seconds: float) -> tuple[list[float], list[str], float, dict]:
    """(latencies, errors, server peak RSS in MB, CPU use) of ``clients`` sessions looping for ``seconds``.

    CPU use: the server's CPU seconds (its worker processes included) and the whole machine's busy CPU seconds over
    the run, so a report can say how much of the two cores the server had and how much the browsers took."""
    from playwright.async_api import async_playwright

    info: dict = {}
    with served_app(info=info) as (url, _):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            latencies, errors = [], []
            t0, server0, busy0 = time.perf_counter(), cpu_seconds(info["pid"]), machine_busy_seconds()
            deadline = t0 + seconds
            await asyncio.gather(*(client(browser, url, deadline, latencies, errors) for _ in range(clients)))
            cpu = {"wall": time.perf_counter() - t0, "server": cpu_seconds(info["pid"]) - server0,
                   "machine": machine_busy_seconds() - busy0}
            await browser.close()
        rss = peak_rss_mb(info["pid"])
    return latencies, errors, rss, cpu


def p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 2 else float("nan")


def print_load(clients: int, seconds: float, latencies: list[float], errors: list[str], rss: float, cpu: dict) -> None:
    """The figures of one load run (this script and bench_server_load.py)."""
    print(f"clients {clients}, duration {seconds:.0f} s, pages answered {len(latencies)}, errors {len(errors)}")
    print(f"page latency p50 {statistics.median(latencies):.2f} s, p95 {p95(latencies):.2f} s, max {max(latencies):.2f} s")
    print(f"server peak RSS {rss:.0f} MB")
    print(cpu_line(cpu))
    if errors:
        print("errors:", sorted(set(errors))[:10])


async def main_async(clients: int, seconds: float) -> None:
    print_load(clients, seconds, *await run_load(clients, seconds))


def cpu_line(cpu: dict) -> str:
    """Where the two cores went during a load run."""
    return (f"CPU over {cpu['wall']:.0f} s: server {cpu['server']:.0f} s, whole machine {cpu['machine']:.0f} s busy of "
            f"{cpu['wall'] * os.cpu_count():.0f} s ({cpu['server'] / max(cpu['machine'], 1e-9):.0%} of the busy time was "
            "the server; the rest the browsers and the bench)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}")
    asyncio.run(main_async(args.clients, args.seconds))


if __name__ == "__main__":
    main()
