
"""Plot data: the numbers behind the figures, checked without drawing (and without importing Plotly)."""

import subprocess
import sys

import numpy as np
import pandas as pd

from model.presentation.plot_data import (
    crossing_histogram,
    figure_name,
    figure_table,
    prior_preview_lines,
    shrinkage_table,
    slope_density,
)
from tests.conftest import ROOT


def test_crossing_histogram_shares_add_up_to_the_crossing_draws_before_the_horizon():
    dates = pd.to_datetime(["2027-01-15", "2027-02-01", "2027-08-01", "2040-01-01"]).to_numpy()
    table = crossing_histogram({"a": dates}, pd.Timestamp("2035-12-31"))
    assert list(table["quarter"].dt.strftime("%Y-%m")) == ["2027-01", "2027-07"]
    assert np.allclose(table["share"], [0.5, 0.25])  # shares are of *all* draws, so the bar for "not by 2035" is the rest


def test_slope_density_prior_integrates_to_one_and_posterior_is_a_density():
    rng = np.random.default_rng(0)
    data = slope_density(rng.normal(-1.0, 0.5, 4000), 0.0, 6.0)
    prior, post = data[data["kind"] == "prior"], data[data["kind"] == "posterior"]
    assert abs(np.trapezoid(prior["density"], prior["slope"]) - 1) < 0.01
    width = np.diff(post["slope"]).mean()
    assert abs(post["density"].sum() * width - 1) < 1e-6


def test_shrinkage_and_prior_preview_tables():
    pooled = pd.DataFrame({"benchmark": ["a", "b", "c", "population", "new benchmark"],
                           "slope_median": [-2.0, 0.5, 1.0, -0.4, -0.4]})
    alone = pd.DataFrame({"benchmark": ["b", "a"], "slope_median": [1.0, -3.0]})
    t = shrinkage_table(pooled, alone)
    assert list(t["benchmark"]) == ["a", "b", "c"] and list(t["shift"][:2]) == [1.0, -0.5] and np.isnan(t["shift"][2])
    draws = np.arange(60 * 5, dtype=float).reshape(60, 5)
    lines, q = prior_preview_lines(pd.date_range("2025-01-01", periods=5, freq="MS"), draws)
    assert lines["line"].nunique() == 40 and len(lines) == 200 and list(q.columns) == ["date", "q05", "q50", "q95"]


def test_plot_data_needs_no_plotly():
    code = "import sys, model.presentation.plot_data; assert 'plotly' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_chart_text_escapes_plotly_markup_in_names():
    from model.presentation.charts.frontiers import frontier_figure  # noqa: F401  (the figures use it)
    from model.presentation.charts.style import chart_text, layout

    assert chart_text('<a href="http://x">y</a>') == '&lt;a href="http://x"&gt;y&lt;/a&gt;'
    assert list(chart_text(["<b>m</b>", "ok"])) == ["&lt;b&gt;m&lt;/b&gt;", "ok"]
    import plotly.graph_objects as go

    assert "<a" not in layout(go.Figure(), "<a href='x'>t</a>").layout.title.text


def _rows():
    base = {"model": "linear", "current_lag_median": 4.0, "slope_median": -1.0, "p_slope_negative": 0.9, "n_obs": 20,
            "verdict": "trustworthy", "p_closed_already": 0.0, "p_cross_by_2027_12_31": 0.1}
    closing = {**base, "benchmark": "closes", "crossing_median": "2029-03-01", "crossing_lo50": "2028-06-01",
               "crossing_hi50": "2030-06-01", "crossing_lo90": "2027-09-01", "crossing_hi90": "2092-01-01", "p_never": 0.02}
    mostly_never = {**base, "benchmark": "mostly never", "crossing_median": "2032-01-01", "crossing_lo50": "2031-01-01",
                    "crossing_hi50": "2040-01-01", "crossing_lo90": "2031-01-01", "crossing_hi90": "2092-01-01",
                    "p_never": 0.99, "p_cross_by_2027_12_31": 0.0}
    never = {**base, "benchmark": "never", "crossing_median": None, "crossing_lo50": None, "crossing_hi50": None,
             "crossing_lo90": None, "crossing_hi90": None, "p_never": 1.0, "p_cross_by_2027_12_31": 0.0}
    return pd.DataFrame([closing, mostly_never, never])


def test_forest_plot_hides_minority_intervals_and_clips_the_axis():
    from model.presentation.charts.fits import forest_figure

    fig = forest_figure(_rows())
    drawn = {y for tr in fig.data for y in (tr.y or []) if y is not None}
    assert drawn == {"closes"}  # no interval for a row whose draws mostly never close
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["P(never) 2% · 95% end 2092 →", "mostly never on this trend · P(never) 99%",
                     "mostly never on this trend · P(never) >99%"]  # every draw never closes: still an estimate
    assert pd.Timestamp(fig.layout.xaxis.range[1]) < pd.Timestamp("2037-01-01")  # 2092 does not squash the rest
    fig = forest_figure(_rows().assign(p_beyond_axis=[0.004, 0.01, 0.0]))  # the page knows the share past the axis
    assert "P(never) 2% · 95% end 2092 → (<1% of draws)" in [a.text for a in fig.layout.annotations]


def test_share_closing_after_counts_only_draws_that_close_later(monkeypatch):
    from types import SimpleNamespace

    from model.bayes import summaries

    fit = SimpleNamespace(obs=SimpleNamespace(reference=pd.Timestamp("2026-01-01")))
    years = np.array([0.0, 1.0, 5.0, 20.0, np.inf])  # closed, 2027, 2031, 2046, never
    monkeypatch.setattr(summaries, "crossing_draws", lambda fit, target=None: years)
    assert summaries.share_closing_after(fit, "2035-12-31") == 0.2  # only 2046: never is not "later"


def test_people_table_says_never_and_never_prints_a_false_zero():
    from model.presentation.readings import summary_table_for_people

    t = summary_table_for_people(_rows()).set_index("benchmark")
    assert t.at["closes", "zero gap: median"] == "2029-03" and t.at["mostly never", "90% to"] == "mostly never"
    assert t.at["never", "zero gap: median"] == "mostly never" and t.at["never", "P(never)"] == ">99%"  # from draws
    assert "None" not in t.astype(str).to_numpy() and t.at["closes", "P(never)"] == "2%"


def test_model_comparison_in_plain_words():
    from model.presentation.readings import comparison_table_for_people

    raw = pd.DataFrame([{"model": "linear", "elpd_loo": -40.123, "elpd_se": 3.2, "elpd_diff": 0.0, "p_loo": 2.9,
                         "pareto_k_max": 0.9, "lfo_cover50": 0.5, "lfo_cover90": 0.83, "lfo_crps": 1.234,
                         "verdict": "trustworthy"}, {"model": "changepoint", "note": "too few lags"}])
    t = comparison_table_for_people(raw)
    assert t.loc[0, "fit to held-out lags (higher is better)"] == "-40.1 ± 3.2"
    assert t.loc[0, "leave-one-out reliable"] == "no (k = 0.90)" and t.loc[0, "inside their 90% interval"] == "83%"
    assert "elpd_loo" not in t.columns and t.loc[1, "note"] == "too few lags" and "nan" not in t.astype(str).to_numpy()


def test_every_summary_column_is_in_the_data_dictionary():
    from model.bayes.summaries import SUMMARY_COLUMNS
    from model.presentation.dictionary import SUMMARY_DICTIONARY, dictionary_table

    assert set(SUMMARY_COLUMNS) <= set(SUMMARY_DICTIONARY)
    from model.presentation.dictionary import PRIOR_COLUMNS

    own = {"fit", "fitted_at", "benchmark_name"} | set(PRIOR_COLUMNS)  # the downloads' own columns
    assert set(SUMMARY_DICTIONARY) - set(SUMMARY_COLUMNS) == own
    assert len(dictionary_table()) == len(SUMMARY_DICTIONARY)


def test_the_session_summary_has_one_row_per_fit_names_priors_as_columns_and_sensible_precision():
    from types import SimpleNamespace

    from model.analysis import FitSettings, run_analysis
    from model.data.embedded import load_embedded
    from model.outputs.exports import session_summary
    from model.presentation.dictionary import SUMMARY_DICTIONARY

    ds = load_embedded("aa")
    settings = FitSettings(benchmarks=["gpqa"], draws=250, chains=2, priors={"slope_mean": -2.0})
    result = run_analysis(ds, settings)
    pooled_like = SimpleNamespace(summary=result.summary.assign(prior_json='{"tau_slope": 4.0}'))
    table = session_summary([{"labels": ["gpqa · linear", "compare · gpqa"], "fitted_at": "2026-12-02T10:00:00Z",
                              "result": result},
                             {"labels": ["pooled"], "fitted_at": "2026-12-02T10:05:00Z", "result": pooled_like}],
                            names={"gpqa": "GPQA Diamond"})
    assert len(table) == 2 and table.loc[0, "fit"] == "gpqa · linear · compare · gpqa"
    assert list(table.columns[:4]) == ["fit", "fitted_at", "benchmark", "benchmark_name"]
    assert table.loc[0, "benchmark_name"] == "GPQA Diamond" and "prior_json" not in table.columns
    assert table.loc[0, "prior_slope_mean"] == -2.0 and table.loc[1, "prior_tau_slope"] == 4.0
    assert set(table.columns) <= set(SUMMARY_DICTIONARY)  # every downloaded column is explained
    for col in table.select_dtypes("float").columns:
        values = table[col].dropna()
        values = values[(values != 0) & np.isfinite(values)]
        assert all(len(f"{abs(v):.15g}".replace(".", "").lstrip("0")) <= 4 for v in values), col


def test_long_chart_titles_wrap_instead_of_being_cut():
    import plotly.graph_objects as go

    from model.presentation.charts.style import layout

    fig = layout(go.Figure(), "AA Intelligence Index (2026-10-10 version): follower vs leader frontier")
    assert fig.layout.title.text.count("<br>") == 1 and fig.layout.margin.t == 80
    assert "<br>" not in layout(go.Figure(), "Short title").layout.title.text


def test_a_figure_table_lists_every_point_each_trace_draws_and_names_the_chart():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = go.Figure([go.Scatter(x=pd.to_datetime(["2026-01-01", "2026-02-01"]), y=[3.0, 2.5], name="observed lag"),
                     go.Scatter(x=["never"], y=[0.2])])  # a label among dates: the column is shown as text
    fig.update_layout(title="<b>AA index</b>: lag and<br>linear fit")
    assert figure_name(fig) == "AA index : lag and linear fit"
    table = figure_table(fig)
    assert list(table.columns) == ["series", "x", "y"]
    assert table["series"].tolist() == ["observed lag", "observed lag", "scatter 2"]
    assert table["x"].tolist() == ["2026-01-01", "2026-02-01", "never"] and table["y"].tolist() == [3.0, 2.5, 0.2]
    panels = make_subplots(rows=1, cols=2, subplot_titles=["GPQA", "HLE"])
    panels.add_trace(go.Scatter(x=[1, 2], y=[4, 5], name="lag"), row=1, col=1)
    panels.add_trace(go.Scatter(x=[1], y=[6], name="lag"), row=1, col=2)
    assert figure_table(panels)["panel"].tolist() == ["GPQA", "GPQA", "HLE"]
    assert figure_name(panels) == "Chart" and figure_table(go.Figure()).empty
