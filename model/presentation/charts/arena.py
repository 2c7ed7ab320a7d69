"""The Arena points gap over time: exact gaps with their approximate 95% intervals, lower bounds as their own mark."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from model.presentation.charts.style import INK, OKABE_ITO, SEQUENCE, STATUS_STYLE, chart_text, layout


def arena_gap_figure(frame: pd.DataFrame) -> go.Figure:
    """Best proprietary minus best open rating per board (points, not months); 0 = parity, below 0 = open ahead."""
    fig = go.Figure()
    exact = frame[~frame["gap_is_lower_bound"]]
    # one line per raw copy: the copies differ in board method and coverage, and months without a board are not drawn
    for (source, part), colour in zip(exact.groupby("source", sort=False), SEQUENCE, strict=False):
        has_ci = part["gap_lo95"].notna()
        hover = chart_text(part["best_closed_model"].astype(str) + " vs " + part["best_open_model"].astype(str))
        fig.add_trace(go.Scatter(
            x=part["board_date"], y=part["gap_points"], mode="lines+markers", name=chart_text(str(source)),
            line={"color": colour, "width": 1.5}, marker={"size": 5},
            error_y={"type": "data", "symmetric": False, "array": (part["gap_hi95"] - part["gap_points"]).where(has_ci),
                     "arrayminus": (part["gap_points"] - part["gap_lo95"]).where(has_ci), "color": INK, "thickness": 1},
            customdata=hover, hovertemplate="%{x|%Y-%m-%d}: %{y:.0f} points<br>%{customdata}<extra></extra>"))
    prelim = exact[exact["preliminary_leader"]]
    if len(prelim):
        fig.add_trace(go.Scatter(x=prelim["board_date"], y=prelim["gap_points"], mode="markers",
                                 name="a leader's rating is preliminary (few votes)",
                                 marker={"symbol": "circle-open", "size": 12, "color": OKABE_ITO["ols"], "line": {"width": 2}},
                                 hovertemplate="%{x|%Y-%m-%d}: preliminary rating<extra></extra>"))
    bounds = frame[frame["gap_is_lower_bound"]]
    if len(bounds):
        colour, symbol, _ = STATUS_STYLE["left_censored"]
        fig.add_trace(go.Scatter(x=bounds["board_date"], y=bounds["gap_points"], mode="markers",
                                 name="at least (no open model in the listed top)", marker={"symbol": symbol, "size": 9,
                                                                                          "color": colour},
                                 hovertemplate="%{x|%Y-%m-%d}: at least %{y:.0f} points<extra></extra>"))
    fig.add_hline(y=0, line={"color": INK, "dash": "dash", "width": 1}, annotation_text="parity",
                  annotation_position="bottom right")
    fig = layout(fig, "Arena text boards: best proprietary minus best open rating (points)", height=420)
    fig.update_yaxes(title="rating points (not months)", rangemode="tozero")
    fig.update_xaxes(title="board date")
    return fig
