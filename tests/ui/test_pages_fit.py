"""AppTest for the fit pages: real (small) sampling, slider changes, downloads with the right content."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from model.core.limits import MAX_FIT_SECONDS  # real sampling on a busy machine: the most a fit may take
from tests.conftest import ROOT
from ui.state import Key

APP = str(ROOT / "streamlit_app.py")
SMALL = {"draws": 250, "tune": 250, "chains": 2, "max_seconds": MAX_FIT_SECONDS}
pytestmark = pytest.mark.slow


def app_at(page, **state):
    at = AppTest.from_file(APP, default_timeout=600)
    for k, v in state.items():
        at.session_state[getattr(Key, k.upper())] = v  # a declared key (ui.state)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def small_fit_form(**kw):
    return FitSettings(**SMALL, **kw).model_dump()


def crossing_text(at):
    return " ".join(m.value for m in at.markdown if "probability" in m.value)


def test_trend_fit_page_slider_changes_the_summary():
    at = app_at("pages/trend_fit.py", fit_form=small_fit_form())
    before = crossing_text(at)
    assert "probability" in before
    slope_mean = next(s for s in at.slider if s.label.startswith("Slope prior mean"))
    slope_sd = next(s for s in at.slider if s.label.startswith("Slope prior sd"))
    slope_sd.set_value(0.5)
    slope_mean.set_value(-15.0).run()
    assert not at.exception
    after = crossing_text(at)
    assert after and after != before
    assert at.session_state[Key.RESULTS]  # recorded for the Downloads page
    assert len(at.metric) >= 4  # diagnostics panel


def test_trend_fit_page_other_models_and_bad_window():
    at = app_at("pages/trend_fit.py", fit_form=small_fit_form(model="linear_ar1", likelihood="student"))
    assert "First passage" in " ".join(m.value for m in at.markdown)
    at2 = app_at("pages/trend_fit.py", fit_form=small_fit_form(start="2026-09-01"))  # one open best since: too few
    assert any("at least 3" in e.value for e in at2.error)


def test_pooled_page_fits_population_and_new_benchmark():
    form = FitSettings(pooling="partial", benchmarks=["gpqa", "hle", "scicode"], start="2024-07-01", **SMALL).model_dump()
    at = app_at("pages/pooled.py", pooled_form=form)
    text = " ".join(m.value for m in at.markdown)
    assert "Population:" in text and "new, unseen benchmark" in text
    assert any("least-squares" in c.value or "OLS" in c.value for c in at.caption)


def test_compare_page_side_by_side():
    at = app_at("pages/compare.py", fit_form=small_fit_form(), compare_chosen=["gpqa", "hle"])
    tables = [d.value for d in at.dataframe if "series" not in d.value.columns]  # (not a chart's data table)
    assert tables and len(tables[0]) == 2
    assert not at.error


def test_downloads_serve_right_content(media):
    at = app_at("pages/trend_fit.py", fit_form=small_fit_form())
    at.switch_page("pages/downloads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    served, deferred = {}, []
    for b in at.download_button:
        if not b.proto.url:  # made on click (the lag tables): nothing is computed until asked for
            deferred.append(b.label)
            continue
        mime, body = media(b.proto.url)
        served[b.label] = (mime, body)
        assert len(body) > 100, b.label
    assert served["Summary table (CSV)"][0] == "text/csv"
    assert served["Summary table (CSV)"][1].startswith(b"fit,fitted_at,benchmark,benchmark_name,model")
    assert served["Summary table (JSON)"][0] == "application/json"
    row = json.loads(served["Summary table (JSON)"][1])[0]
    assert row["benchmark"] == "intelligence_index_2026_10_10"
    assert row["benchmark_name"] == "AA Intelligence Index (2026-10-10 version)"
    assert row["prior_slope_mean"] == 0.0 and "prior_json" not in row  # priors as columns
    assert served["Posterior (NetCDF)"][1][:4] == b"\x89HDF"
    settings = json.loads(served["Settings (JSON)"][1])
    assert FitSettings.model_validate(settings).benchmarks == ["intelligence_index_2026_10_10"]
    assert deferred == ["Monthly lags, every benchmark (CSV)", "Event lags, every benchmark (CSV)",
                        "Lag observations under the 'backward' definition, every benchmark (CSV)"]
    assert served["Data dictionary (CSV)"][1].startswith(b"column,meaning")


def test_figures_export_as_png_and_svg(media):
    from model.outputs.figure_export import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium for static figure export")
    at = app_at("pages/trend_fit.py", fit_form=small_fit_form())
    at.switch_page("pages/downloads.py").run()
    next(b for b in at.button if b.label == "Prepare PNG and SVG").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    png = next(b for b in at.download_button if b.label == "PNG")
    svg = next(b for b in at.download_button if b.label == "SVG")
    assert media(png.proto.url)[0] == "image/png" and media(png.proto.url)[1][:4] == b"\x89PNG"
    assert media(svg.proto.url)[0] == "image/svg+xml" and b"<svg" in media(svg.proto.url)[1][:400]
