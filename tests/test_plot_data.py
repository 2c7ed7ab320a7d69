"""Plot data: the numbers behind the figures, checked without drawing (and without importing Plotly)."""

import subprocess
import sys

import numpy as np
import pandas as pd

from model.presentation.plot_data import crossing_histogram, prior_preview_lines, shrinkage_table, slope_density
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
    t = shrinkage_table(["a", "b"], np.array([-3.0, 1.0]), np.array([-2.0, 0.5]))
    assert list(t["shift"]) == [1.0, -0.5]
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
