"""AppTest for the Multiverse, Backtest, Score space and Report pages (real, small fits)."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def app_at(page):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_multiverse_page_runs_a_sample():
    at = app_at("pages/multiverse.py")
    at.multiselect[0].set_value(["intelligence_index_2026_06_15"])
    at.multiselect[1].set_value(["linear"])
    at.slider[0].set_value(10)
    next(b for b in at.button if b.label == "Run the sample").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Specifications fitted"].endswith("of 10")
    assert any("moves the answer most" in m.value for m in at.markdown)


def test_backtest_page_ols():
    at = app_at("pages/backtest.py")
    at.multiselect[0].set_value(["ols"])
    next(b for b in at.button if b.label == "Run the backtest").click().run()
    assert not at.exception and not at.error
    assert any("Best calibrated: ols" in m.value for m in at.markdown)


def test_score_space_page_compares_with_the_lag_trend():
    at = app_at("pages/score_space.py")
    table = at.dataframe[0].value
    assert {"lag now, score-space model (months)", "lag now, lag trend (months)", "near saturation"} <= set(table.columns)
    assert table.set_index("benchmark").at["MATH-500 (legacy)", "near saturation"]  # display names, plain headers
    assert any("near saturation" in m.value for m in at.markdown)


def test_report_page_and_html_download():
    at = app_at("pages/report.py")
    titles = [h.value for h in at.header]
    assert titles[:3] == ["The answer in brief", "What the data say about the gap", "How sure we are"]
    assert "Data provenance and versions" in titles
    assert any(b.label.startswith("Download this report") for b in at.download_button)
    # nothing run yet on Multiverse and Backtest: their sections are left out (the HTML is built from the sections),
    # and a one-line pointer shows in the app only
    assert "Which choices matter" not in titles and "How past forecasts fared" not in titles
    captions = " ".join(c.value for c in at.caption)
    assert "Run the Backtest page to add" in captions and "Run the Multiverse page" in captions
    text = " ".join(m.value for m in at.markdown)
    assert "Diagnostics" in text or "diagnostics" in text  # each quoted fit carries its verdict
    # the brief: the index's answer with its window and evidence, the spread, the typical benchmark; the yardsticks
    assert "window from 2024" in text and "nats" in text and "A typical benchmark" in text
    assert any("Training compute" in str(t.value) for t in at.dataframe)


def test_report_html_is_self_contained_and_escaped():
    import plotly.graph_objects as go

    from model.presentation.report import Section, render_html

    html = render_html("T <b>", [Section("One", ["a <script>alert(1)</script> b"], figure=go.Figure(go.Scatter(x=[1], y=[2]))),
                                 Section("Two", ["plain"])])
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<h2>") == 2 and "plotly" in html.lower() and len(html) > 1_000_000  # plotly.js inline: works offline


def test_how_sure_opens_on_the_answers_own_benchmark_with_precomputed_results():
    """The answer page's "How sure?" links lead to Multiverse and Backtest on the answer's benchmark and models, with
    the results precomputed with the answer shown before any run."""
    at = app_at("pages/multiverse.py")
    assert at.multiselect[0].value == ["intelligence_index_2026_10_10"]
    assert set(at.multiselect[1].value) == {"constant", "linear", "linear_ar1", "changepoint"}
    assert any("Precomputed with the answer" in c.value for c in at.caption)
    assert {m.label: m.value for m in at.metric}["Specifications fitted"].endswith("of 48")
    at = app_at("pages/backtest.py")
    assert at.selectbox[0].value == "intelligence_index_2026_10_10" and "stacked" in at.multiselect[0].value
    assert any("Precomputed with the answer" in c.value for c in at.caption)
    assert any(m.value.startswith("Best calibrated:") for m in at.markdown)
