import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Seconds an AppTest script run may take before the test gives up (each ends as soon as the run does): a busy machine
#: needs far more than a quiet one (60 s was a bound a page with real fits could reach at load 5 on two cores).
APP_PATIENCE = 600
os.environ.setdefault("FRONTIER_LAG_NO_WARMUP", "1")
os.environ.setdefault("FRONTIER_LAG_NO_RESULT_STORE", "1")  # synthetic fits of the fast tier must never reach the disk store
os.environ.setdefault("FRONTIER_LAG_FIT_WORKERS", "0")  # fits in place, where fast_fits can act (pool: test_fit_queue.py)
os.environ.setdefault("FRONTIER_LAG_FIT_SECONDS", "600")  # the served apps' fits on a busy machine (load 20-30 ran the
# Pooled page's NUTS fit past the 120 s default in two of three loaded runs; the tests of the limit set their own)


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
    """A loopback stand-in for the AA API (tests/aa_stand_in.py): yields (base URL, the headers of each request)."""
    from tests.aa_stand_in import serve_aa_stand_in

    with serve_aa_stand_in() as served:
        yield served


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
                "test_argument_checks", "test_arena_gap", "test_chart_html", "test_engine_numerics"}


#: Seconds each of the longest modules took in a quiet 2-core run (tests/ paths; measured 2026-12-07 with
#: --durations=0; the browser module alone). The longest start first: pytest-xdist's loadscope hands out whole modules
#: as workers free up, and by default it orders them by their number of tests, which put the few-test browser modules
#: last, one worker finishing them alone for minutes (pyproject's addopts turn that order off). Others keep collection
#: order, after.
MODULE_SECONDS = {"browser/test_browser": 190, "browser/test_concurrency": 96, "bayes/test_stacking": 90,
                  "cli/test_cli": 67, "bayes/test_fast_engine": 59, "browser/test_browser_inputs": 59,
                  "cli/test_fit_cli_and_compare": 54, "ui/test_pages_fast": 45, "bayes/test_compile_files": 45,
                  "ui/test_page_guard": 40, "bayes/test_trend": 40, "serving/test_fit_queue": 24,
                  "data/test_hostile_inputs": 24, "cli/test_lags_flags": 23}


def _module_seconds(item) -> float:
    path = item.nodeid.split("::", 1)[0].removeprefix("tests/").removesuffix(".py")
    return MODULE_SECONDS.get(path, 0.0)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: -_module_seconds(item))  # stable: each module's tests keep their order
    for item in items:
        if (item.module.__name__.rsplit(".", 1)[-1] in UNIT_MODULES and not item.get_closest_marker("slow")
                and not item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.unit)
