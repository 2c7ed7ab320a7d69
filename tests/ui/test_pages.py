"""AppTest: every page runs without an exception and reacts to its widgets."""

import datetime
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP_PATIENCE, ROOT

APP = str(ROOT / "streamlit_app.py")
PAGES = ["pages/data.py", "pages/frontiers.py", "pages/lag_overview.py"]


def app_at(page=None):
    at = AppTest.from_file(APP, default_timeout=APP_PATIENCE)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    at = app_at(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_data_page_shows_embedded_aa_by_default():
    at = app_at("pages/data.py")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Models"].replace(",", "")) >= 600
    assert int(metrics["Benchmarks with open and closed models"]) >= 20
    assert any("Artificial Analysis" in c.value for c in at.caption)


def test_data_page_switches_source_and_filters_models():
    at = app_at("pages/data.py")
    at.radio[0].set_value("epoch").run()
    assert not at.exception
    assert "Epoch" in at.header[0].value
    at.text_input[0].set_value("Kimi").run()
    assert not at.exception


def test_data_page_permissive_definition_changes_coverage():
    at = app_at("pages/data.py")
    before = at.dataframe[0].value["open models"].sum()  # plain header of n_open
    at.radio[1].set_value("permissive").run()
    after = at.dataframe[0].value["open models"].sum()
    assert after < before


def test_first_page_does_not_import_pymc():
    sys.modules.pop("pymc", None)
    app_at()
    assert "pymc" not in sys.modules


def test_frontiers_page_reacts_to_benchmark_and_date():
    at = app_at("pages/frontiers.py")
    text0 = " ".join(m.value for m in at.markdown)
    at.selectbox[0].set_value("coding_index_2026_06_15").run()
    assert not at.exception
    text1 = " ".join(m.value for m in at.markdown)
    assert text0 != text1 and "lag" in text1
    at.slider[0].set_value(datetime.date(2025, 3, 1)).run()
    assert not at.exception
    assert "2025-03-01" in " ".join(m.value for m in at.markdown)


def test_lag_overview_category_filter():
    at = app_at("pages/lag_overview.py")
    at.multiselect[0].set_value(["coding"]).run()
    assert not at.exception
    assert all(b in {"coding_index", "coding_index_2026_06_15", "scicode", "livecodebench"} for b in at.multiselect[1].value)
    assert any("least squares" in c.value for c in at.caption)
