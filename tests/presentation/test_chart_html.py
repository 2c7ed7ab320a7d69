"""One chart as a self-contained HTML file: the figure with Plotly inline (no network), caption, data, attribution and
the reproducing link, every text escaped."""

import pandas as pd
import plotly.graph_objects as go

from model.outputs.chart_html import chart_file_name, chart_html


def test_a_chart_file_holds_its_figure_text_data_and_link_all_escaped():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a"))
    table = pd.DataFrame({"model": ["<b>evil</b>", "=cmd()"], "lag": [1.0, 2.0]})
    page = chart_html(fig, name="Lag <script>", caption="Caption & more", attribution="Data: X",
                      link="https://example.org/frontiers?benchmark=gpqa&draws=250", table=table)
    assert page.startswith("<!DOCTYPE html>") and "plotly" in page.lower()
    assert "<script src=" not in page  # Plotly's JavaScript inline: the file works offline
    assert "Lag &lt;script&gt;" in page and "Caption &amp; more" in page and "Data: X" in page
    assert "&lt;b&gt;evil&lt;/b&gt;" in page and "<b>evil</b>" not in page  # names from data shown as typed
    assert "'=cmd()" in page  # a spreadsheet formula neutralised, as in every download
    assert "https://example.org/frontiers?benchmark=gpqa&amp;draws=250" in page


def test_file_names():
    assert chart_file_name("Arena text boards: best proprietary minus best open rating (points)") == \
        "arena_text_boards_best_proprietary_minus_best_open_rating_points.html"
    assert chart_file_name("???") == "chart.html"
