"""Two app processes behind nginx (deploy/nginx.conf, rendered with loopback ports): each reader stays on one process
(the route cookie), new readers spread over both, the app runs through the proxy (its websocket included), and a fit
stored by one process is read by the other (one cache folder and one secret for both)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, PATIENCE_MS, ROOT, free_port, served_app, wait_rendered

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(NGINX).exists(), reason="no nginx (apt-get install nginx)")]


def render(listen: int, ports: list[int], prefix: Path) -> str:
    """deploy/nginx.conf with loopback ports, inside a complete configuration that keeps every file under ``prefix``;
    a test-only header names the process that answered."""
    body = (ROOT / "deploy" / "nginx.conf").read_text()
    body = re.sub(r"\n    server 127\.0\.0\.1:\d+;", "", body)
    body = body.replace("hash $fl_route consistent;", "hash $fl_route consistent;"
                        + "".join(f"\n    server 127.0.0.1:{p};" for p in ports))
    body = body.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    body = body.replace("proxy_buffering off;", "proxy_buffering off;\n        add_header X-Upstream $upstream_addr always;")
    temp = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
            f"events {{ worker_connections 512; }}\nhttp {{\naccess_log off;\n{temp}\n{body}\n}}\n")


@contextlib.contextmanager
def nginx(conf: Path, prefix: Path, url: str):
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            if proc.poll() is not None:
                raise RuntimeError("nginx did not start: " + proc.stdout.read().decode()[-1500:])
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    root = tmp_path_factory.mktemp("proxy")
    env = {"FRONTIER_LAG_CACHE": str(root / "cache"), "FRONTIER_LAG_SECRET_FILE": str(root / "secret" / "cache-secret"),
           "FRONTIER_LAG_NO_WARMUP": "1", "FRONTIER_LAG_NO_RESULT_STORE": "",  # (the suite turns the store off)
           "FRONTIER_LAG_TRUSTED_PROXIES": "127.0.0.1"}  # as deploy/frontier-lag@.service sets it
    with served_app(env=env) as (a, _), served_app(env=env) as (b, _):
        ports = [int(u.rsplit(":", 1)[1]) for u in (a, b)]
        listen, prefix = free_port(), root / "nginx"
        prefix.mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(render(listen, ports, prefix))
        url = f"http://127.0.0.1:{listen}"
        with nginx(conf, prefix, url):
            yield url, root / "cache"


def route_of(url: str, route: str | None = None) -> tuple[str, str]:
    """(the process that answered, the route cookie) for a reader with ``route`` (None: a new reader)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    request = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"fl_route={route}"} if route else {})
    with opener.open(request, timeout=10) as r:
        upstream = r.headers["X-Upstream"]
    return upstream, route or next(c.value for c in jar if c.name == "fl_route")


def test_each_reader_stays_on_one_process_and_new_readers_spread(proxy):
    url, _ = proxy
    seen = set()
    for _ in range(12):
        upstream, route = route_of(url)
        assert {route_of(url, route)[0] for _ in range(5)} == {upstream}  # a returning reader: the same process
        seen.add(upstream)
    assert len(seen) == 2  # twelve new readers on one process alone: probability 2**-11


def test_the_app_runs_through_the_proxy_and_a_fit_stored_by_one_process_is_read_by_the_other(proxy, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    url, cache = proxy
    first_upstream, first_route = route_of(url)
    other_route = next(r for r in (route_of(url)[1] for _ in range(64)) if route_of(url, r)[0] != first_upstream)
    link = f"{url}/trend_fit?benchmark=gpqa&p_slope_mean=-2.5&draws=300&chains=2"
    sentences, stored = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for route in (first_route, other_route):
            context = browser.new_context()
            context.add_cookies([{"name": "fl_route", "value": route, "url": url}])
            page = context.new_page()
            page.set_default_timeout(PATIENCE_MS)
            page.goto(link, wait_until="domcontentloaded")
            wait_rendered(page, "probability it never closes")  # the page ran through the proxy's websocket
            sentences.append(page.get_by_text("probability it never closes").first.inner_text())
            stored.append({p.name: p.stat().st_ino for p in (cache / "results").glob("*.pickle")})
            context.close()
        browser.close()
    assert sentences[0] == sentences[1]
    assert stored[0] and stored[1] == stored[0]  # the second process read the first one's file: nothing written again
