"""Helpers to serve the app on a free loopback port and drive it with Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
#: How long any browser action may wait for the page before the test gives up: long, because a busy machine (CI beside
#: other work, ten sessions on two cores) is slow; every wait ends as soon as the page shows what it waits for.
PATIENCE_MS = 900_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_app(timeout: float = 300.0, info: dict | None = None, env: dict | None = None):
    """Start ``streamlit run`` on loopback; yield (base URL, seconds until healthy). ``info`` receives the pid; ``env``
    adds environment variables for the server."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})
    if info is not None:
        info["pid"] = proc.pid
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("streamlit did not start: " + (proc.stdout.read().decode()[-2000:] if proc.stdout else ""))
            time.sleep(0.1)
        yield url, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_rendered(page, text: str, timeout_ms: int = PATIENCE_MS) -> None:
    """Wait until ``text`` is visible and Streamlit has stopped running the script."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout_ms)
    page.wait_for_timeout(400)  # the running indicator can appear a moment after the first elements
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


#: The WCAG 2.2 A and AA rule sets of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


#: The WCAG rules of axe-core whose outcome depends on colour: all a theme switch can change (the others check
#: structure, names and roles, the same in both themes).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def serious_violations(page, rules: list[str] | None = None) -> list[str]:
    """axe-core's serious or critical WCAG 2.2 A/AA violations on the page as it is (only ``rules``, if given), each
    as "rule (impact) xN: first element, help" (axe-playwright-python injects axe-core; the test skips where the
    package is missing)."""
    from axe_playwright_python.sync_playwright import Axe

    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    results = Axe().run(page, options={"runOnly": only}).response
    return [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['nodes'][0]['target']} {v['help']}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def choose_page(page, link: str, *, attempt_ms: int = 30_000) -> None:
    """Choose a page in the sidebar's navigation, opening the sidebar first whenever Streamlit has collapsed it (the
    links are not in the page then). Retried until :data:`PATIENCE_MS`: a single check-then-click missed a sidebar that
    collapsed between the two on a busy machine, and the click then waited 15 minutes for a link that never came. The
    first miss saves a screenshot (artifacts/screenshots/nav_miss_<link>.png) to show what the page looked like."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    nav = page.locator("[data-testid='stSidebar']").get_by_role("link", name=link, exact=True)
    missed = False
    for attempt in range(1, PATIENCE_MS // attempt_ms + 1):
        expand = page.locator("[data-testid=stExpandSidebarButton]")
        if expand.count() and expand.first.is_visible():
            expand.first.click()
        try:
            nav.click(timeout=attempt_ms)
            return
        except PlaywrightTimeout:
            if not missed:
                shots = ROOT / "artifacts" / "screenshots"
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"nav_miss_{link.replace(' ', '_')}.png"))
                missed = True
            if attempt * attempt_ms >= PATIENCE_MS:
                raise
