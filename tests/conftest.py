import http.server
import os
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
os.environ.setdefault("FRONTIER_LAG_NO_WARMUP", "1")
os.environ.setdefault("FRONTIER_LAG_NO_RESULT_STORE", "1")  # synthetic fits of the fast tier must never reach the disk store
os.environ.setdefault("FRONTIER_LAG_FIT_WORKERS", "0")  # fits in place, where fast_fits can act (pool: test_fit_queue.py)


@pytest.fixture
def fast_fits(monkeypatch):
    """Compile-and-sample replaced by synthetic posteriors (tests/fake_sampler.py), and no fake result left in the
    shared fit cache for the tests that sample for real."""
    import streamlit as st

    from tests import fake_sampler

    st.cache_resource.clear()
    fake_sampler.install(monkeypatch)
    yield
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (the browser tests; skipped, with the reason, where it is missing)."""
    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; .ci/run installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _DEVICES.update(p.devices)
        yield b
        b.close()


_DEVICES: dict = {}


@pytest.fixture(scope="module")
def playwright_devices(browser):
    """Playwright's device descriptors (a phone's user agent, touch and scale), from the browser fixture's instance."""
    return _DEVICES


@pytest.fixture(scope="session")
def aa():
    from model.data.embedded import load_embedded

    return load_embedded("aa")


@pytest.fixture(scope="session")
def epoch():
    from model.data.embedded import load_embedded

    return load_embedded("epoch")


@pytest.fixture
def media(monkeypatch):
    """Capture what download buttons serve in AppTest: returns a function url -> (mimetype, bytes)."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores = []

    class Capturing(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Capturing)

    def fetch(url: str):
        name = url.split("/")[-1]
        for store in reversed(stores):
            try:
                f = store.get_file(name)
                return f.mimetype, bytes(f.content)
            except Exception:  # not in this store
                continue
        raise KeyError(url)

    return fetch


@pytest.fixture(scope="session")
def aa_api_server():
    """A loopback stand-in for the AA API: /ok, /bad-key (401), /forbidden, /limited (429), /down (503), /slow,
    /garbled, /renamed, /flaky-429 and /flaky-503 (fail once, then 200), /redirect-same (to /ok) and
    /redirect-to/<quoted url>; any other path answers 401."""
    body = (FIXTURES / "aa_api_sample.json").read_bytes()
    seen = []
    flaky_seen = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append({k.lower(): v for k, v in self.headers.items()})
            if self.path.startswith("/redirect"):  # /redirect-same -> /ok; /redirect-to/<quoted url> -> that url
                target = "/ok" if self.path == "/redirect-same" else urllib.parse.unquote(self.path[len("/redirect-to/"):])
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return
            if self.path == "/slow":
                time.sleep(2)
            if self.path in ("/drip-headers", "/drip-body", "/endless"):
                self.drip()
                return
            if self.path.startswith("/flaky"):  # first answer 429 (or 503), then 200
                first = self.path not in flaky_seen
                flaky_seen.add(self.path)
                code = (429 if "429" in self.path else 503) if first else 200
            else:
                code = {"/ok": 200, "/bad-key": 401, "/forbidden": 403, "/limited": 429, "/down": 503, "/slow": 200,
                        "/garbled": 200, "/renamed": 200}.get(self.path, 401)
            self.send_response(code)
            if code == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if self.path == "/garbled":
                self.wfile.write(b'{"data": [ {"id": "x", oops')
            elif self.path == "/renamed":
                self.wfile.write(b'{"models_v3": []}')
            elif code == 200:
                self.wfile.write(body)

        def drip(self):
            """/drip-headers: a header a byte every 0.1 s; /drip-body: a body likewise; /endless: a body that never
            ends, 64 KB at a time. Each stops when the client hangs up."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                if self.path == "/drip-headers":
                    while True:
                        self.wfile.write(b"X")
                        self.wfile.flush()
                        time.sleep(0.1)
                self.wfile.write(b"Content-Type: application/json\r\n\r\n")
                piece, pause = (b"[" * 2**16, 0) if self.path == "/endless" else (b" ", 0.1)
                while True:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


class QuietServer(http.server.ThreadingHTTPServer):
    """A loopback server that does not print a client's early hang-up (the slow and timeout cases hang up on purpose):
    the traceback went to whichever test's captured stderr was open when the handler thread noticed."""

    def handle_error(self, request, client_address):
        pass


# Hypothesis profiles: CI runs a fixed, derandomised example budget (set by .ci/run), so a green run is
# reproducible; locally the default profile keeps exploring with random examples and its database.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
_hypothesis_settings.register_profile("dev")
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


#: Test modules whose tests neither sample, start a process nor run a page (``pytest -m unit``: feedback in under a
#: minute); a test in them marked ``slow`` or ``browser`` is left out of the tier.
UNIT_MODULES = {"test_architecture", "test_compiled_callbacks", "test_conflict", "test_corpus", "test_fuzz_loaders",
                "test_every_flag", "test_groups", "test_lag_definitions", "test_lag_uncertainty", "test_lags",
                "test_lags_properties", "test_limits", "test_loaders", "test_network", "test_one_answer", "test_plot_data",
                "test_published_figures", "test_tables", "test_page_data", "test_sealed_store", "test_names",
                "test_argument_checks"}


#: Seconds each of the longest modules took in a quiet 2-core run (tests/ paths; measured 2026-12-07 with
#: --durations=0). The longest start first: pytest-xdist's loadscope hands out whole modules as workers free up, and
#: by default it orders them by their number of tests, which put the few-test browser modules last, one worker
#: finishing them alone for minutes (pyproject's addopts turn that order off). Others keep collection order, after.
MODULE_SECONDS = {"browser/test_browser": 110, "browser/test_accessibility": 75, "browser/test_concurrency": 71,
                  "browser/test_browser_displays": 69, "bayes/test_stacking": 61, "ui/test_pages_fast": 53,
                  "bayes/test_compile_files": 50, "browser/test_browser_inputs": 50, "ui/test_page_guard": 44,
                  "cli/test_cli": 39, "ui/test_links": 25, "bayes/test_trend": 26, "cli/test_fit_cli_and_compare": 24,
                  "cli/test_lags_flags": 23, "bayes/test_fast_engine": 23, "robustness/test_multiverse": 23}


def _module_seconds(item) -> float:
    path = item.nodeid.split("::", 1)[0].removeprefix("tests/").removesuffix(".py")
    return MODULE_SECONDS.get(path, 0.0)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: -_module_seconds(item))  # stable: each module's tests keep their order
    for item in items:
        if (item.module.__name__.rsplit(".", 1)[-1] in UNIT_MODULES and not item.get_closest_marker("slow")
                and not item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.unit)
