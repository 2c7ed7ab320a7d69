"""The fast UI tier: every page, with compile-and-sample replaced by synthetic posteriors (tests/fake_sampler.py).

A page-layout change is checked here in seconds; the real sampling through the same pages stays covered by the
slow tier (test_pages_fit.py, test_pages_robustness.py, test_browser.py).
"""

import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from tests.conftest import APP_PATIENCE, ROOT
from ui.state import Key

APP = str(ROOT / "streamlit_app.py")
ALL_PAGES = ["pages/answer.py",
             "pages/data.py", "pages/frontiers.py", "pages/lag_overview.py", "pages/trend_fit.py", "pages/pooled.py",
             "pages/compare.py", "pages/multiverse.py", "pages/backtest.py", "pages/score_space.py", "pages/report.py",
             "pages/downloads.py", "pages/published_figures.py", "pages/arena_gap.py"]



@pytest.fixture(autouse=True)
def _fast(fast_fits):
    """Every test here runs on synthetic posteriors."""


def app_at(page, **state):
    at = AppTest.from_file(APP, default_timeout=APP_PATIENCE)
    for k, v in state.items():
        at.session_state[getattr(Key, k.upper())] = v  # a declared key (ui.state)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_with_fast_fits(page):
    at = app_at(page)
    assert not at.error, [e.value for e in at.error]
    assert at.title, f"{page} has no title"
    # every chart has its data one click away, in an expander named after it (WCAG 1.1.1: a text alternative)
    charts = at.get("plotly_chart")
    named = [e for e in at.expander if e.label.startswith("Chart data: ")]
    assert len(named) == len(charts), (len(named), len(charts))


def test_trend_fit_reads_the_fit_and_follows_a_prior_slider():
    at = app_at("pages/trend_fit.py", fit_form=FitSettings(draws=200, tune=200, chains=2).model_dump())
    sentence = [m.value for m in at.markdown if "probability" in m.value]
    assert sentence and "2035" not in sentence[0][:3]
    assert any(s.value == "Diagnostics" for s in at.header)
    slider = next(s for s in at.slider if s.label.startswith("Slope prior mean"))
    slider.set_value(-5.0).run()
    assert not at.exception
    assert at.session_state[Key.FIT_FORM]["priors"]["slope_mean"] == -5.0


@pytest.mark.parametrize("model", ["constant", "linear_ar1", "changepoint"])
def test_trend_fit_page_shows_each_model(model):
    at = app_at("pages/trend_fit.py", fit_form=FitSettings(model=model, draws=200, tune=200, chains=2).model_dump())
    assert not at.error, [e.value for e in at.error]
    if model == "constant":
        assert any("constant model has no slope" in i.value for i in at.info)


def test_pooled_page_reports_population_and_new_benchmark():
    form = FitSettings(pooling="partial", benchmarks=["gpqa", "hle", "scicode"], start="2024-07-01", draws=200, tune=200,
                       chains=2).model_dump()
    at = app_at("pages/pooled.py", pooled_form=form)
    text = " ".join(m.value for m in at.markdown)
    assert "Population:" in text and "A new, unseen benchmark:" in text


def test_pooled_page_shows_the_shipped_answer_while_its_own_fit_runs(monkeypatch):
    import ui.fits

    at = app_at("pages/pooled.py")  # default settings: the shipped answer is replaced by the page's own fit
    assert "Population (precomputed)" not in [h.value for h in at.header]
    assert "Population and a new benchmark" in [h.value for h in at.header]
    monkeypatch.setattr(ui.fits, "run_fit", lambda *args, **kwargs: None)  # the fit has not answered
    at = app_at("pages/pooled.py")
    assert [h.value for h in at.header] == ["Population (precomputed)"]
    assert "Population:" in " ".join(m.value for m in at.markdown)
    assert any("Computed with these settings" in c.value for c in at.caption)


def test_the_lag_definition_is_one_setting_shared_by_frontiers_and_trend_fit():
    at = app_at("pages/frontiers.py")
    picker = next(s for s in at.selectbox if s.label == "Lag definition")
    picker.set_value("catch_up").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert {"closed model", "best open model", "lag (months)", "status"} <= set(table.columns)  # plain headers
    at.switch_page("pages/trend_fit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert next(s for s in at.selectbox if s.label == "Lag definition").value == "catch_up"
    assert at.session_state[Key.FIT_FORM]["lag_definition"] == "catch_up"
    assert any("probability" in m.value for m in at.markdown)


def test_frontiers_shows_the_lag_band_from_score_uncertainty():
    at = app_at("pages/frontiers.py")  # the default index has no known standard error
    assert any("no band from score uncertainty" in c.value for c in at.caption)
    next(s for s in at.selectbox if s.label == "Benchmark").set_value("gpqa").run()
    assert not at.exception
    assert any("90% band from score uncertainty" in c.value.replace("\\", "") for c in at.caption)
    assert any("90% band from score uncertainty" in c.proto.spec for c in at.get("plotly_chart"))


def test_lag_overview_draws_the_mean_band():
    at = app_at("pages/lag_overview.py")
    assert any("Shaded around the mean" in c.value for c in at.caption)
    assert any("mean, 90% (score noise)" in c.proto.spec for c in at.get("plotly_chart"))


def test_data_page_says_what_is_new_in_the_newest_aa_state():
    at = app_at("pages/data.py")
    assert any(s.value == "What is new in the 2026-10-10 AA state" for s in at.header)
    text = " ".join(m.value for m in at.markdown)
    assert "The lag moved from" in text and "compare lags, not scores" in text


def test_every_page_file_is_in_the_page_list():
    """A new page joins every per-page test (this tier, the page guard, plain text) by being listed above."""
    assert {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py"} == set(ALL_PAGES)


def test_answer_page_sets_the_arena_points_gap_beside_the_yardsticks():
    at = app_at("pages/answer.py")
    text = " ".join(m.value for m in at.markdown)
    assert "rating points" in text and "not months" in text


def test_backtest_page_shows_the_forecast_record():
    at = app_at("pages/backtest.py")
    assert "The forecast record" in [h.value for h in at.header]
    from model.robustness.forecast_record import load_record

    lines = [m.value for m in at.markdown if "made on the" in m.value]
    assert len(lines) == len(load_record().groupby(["forecast", "version_date"])) and any("June 2026" in x for x in lines)


def test_every_chart_offers_itself_as_a_self_contained_html_file_and_an_embed_address():
    at = app_at("pages/arena_gap.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "This chart as a self-contained HTML file" in labels
    assert any("embed=true" in c.value for c in at.caption)


def test_an_embedded_page_keeps_its_display_parameter_when_the_address_follows_the_settings():
    at = AppTest.from_file(APP, default_timeout=APP_PATIENCE)
    at.query_params["nav"] = "hidden"
    at.run()
    at.switch_page("pages/answer.py").run()  # its share link rewrites the address to the answer's settings
    assert not at.exception
    assert at.query_params.get("nav") in ("hidden", ["hidden"]) and "benchmark" in at.query_params


def test_a_chart_alone_address_draws_that_chart_above_the_hidden_page_and_a_missing_one_says_so():
    """Through the entry point (AppTest's page switch runs a page without it): the answer page, its yardstick chart."""
    from model.outputs.chart_html import chart_slug

    for wanted, drawn in ((chart_slug("The lag now depends on the yardstick"), True), ("no_such_chart", False)):
        at = AppTest.from_file(APP, default_timeout=APP_PATIENCE)
        at.query_params["chart"] = wanted
        at.run()
        assert not at.exception
        slot = next(iter(at.main.children.values()))  # the slot above the hidden page
        alone = [c for c in slot.children.values() if getattr(c, "type", "") == "plotly_chart"]
        assert len(alone) == (1 if drawn else 0)
        assert any("No chart of that name" in i.value for i in at.info) is not drawn
