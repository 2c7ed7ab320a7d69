"""Figures of frontiers and lags: the step frontiers, lag curves, the across-benchmark overview."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.core.timeaxis import years_between
from model.lags.engine import UNOBSERVED
from model.presentation.charts.style import (
    INK,
    OKABE_ITO,
    STATUS_STYLE,
    add_band,
    chart_text,
    layout,
    panel_title,
    white_template,
)


def frontier_figure(rows: pd.DataFrame, groups: pd.Series, open_frontier: pd.DataFrame, closed_frontier: pd.DataFrame,
                    *, title: str, end: pd.Timestamp, arrow: dict | None = None, score_label: str = "score",
                    names: dict[str, str] | None = None) -> go.Figure:
    """Every model as a point, both frontiers as step lines, and an optional lag arrow.

    ``open_frontier``/``closed_frontier`` come from :func:`model.lags.frontier_table`; ``names`` relabels the groups
    (follower/leader filters other than open vs closed: ``{"open": "…", "closed": "…", "excluded": "…"}``).
    ``arrow`` has ``date``, ``match_date``, ``score``, ``lag_months``.
    """
    label = {"open": "open", "closed": "closed", "excluded": "excluded", **(names or {})}
    fig = go.Figure()
    for grp, symbol in (("closed", "square"), ("open", "circle"), ("excluded", "x")):
        pts = rows[groups.reindex(rows.index).fillna("excluded").replace("", "excluded") == grp]
        if pts.empty:
            continue
        fig.add_trace(go.Scatter(
            x=pts["release_date"], y=pts["score"], mode="markers", name=chart_text([f"{label[grp]} models"])[0],
            marker={"color": OKABE_ITO[grp], "symbol": symbol, "size": 7, "opacity": 0.45},
            customdata=np.stack([chart_text(pts["model_name"]), chart_text(pts["creator"])], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{x|%Y-%m-%d}<br>" + score_label
            + ": %{y:.3g}<extra></extra>",
        ))
    for grp, fr, dash in (("closed", closed_frontier, "solid"), ("open", open_frontier, "dash")):
        if fr.empty:
            continue
        x = list(fr["since"]) + [end]
        y = list(fr["score"]) + [fr["score"].iloc[-1]]
        holders = list(fr["model_name"]) + [fr["model_name"].iloc[-1]]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", line={"shape": "hv", "color": OKABE_ITO[grp], "width": 3, "dash": dash},
            name=chart_text([f"{label[grp]} frontier"])[0], customdata=chart_text(holders),
            hovertemplate="<b>%{customdata}</b> holds this frontier<br>%{x|%Y-%m-%d}: %{y:.3g}<extra></extra>",
        ))
    if arrow and arrow.get("match_date") is not None and not pd.isna(arrow.get("match_date")):
        fig.add_annotation(
            x=arrow["match_date"], y=arrow["score"], ax=arrow["date"], ay=arrow["score"],
            xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=3, arrowsize=1.5, arrowwidth=2.5, arrowcolor="#000000",
        )
        fig.add_annotation(
            x=arrow["date"], y=arrow["score"], text=f"lag {arrow['lag_months']:.1f} months", showarrow=False,
            yshift=14, xanchor="right", font={"size": 14, "color": "#000000"}, bgcolor="rgba(255,255,255,0.8)",
        )
    fig.update_xaxes(title="release date")
    fig.update_yaxes(title=score_label)
    return layout(fig, title)


def lag_curve_figure(grid: pd.DataFrame, events: pd.DataFrame, *, title: str, ols=None,
                     intervals: pd.DataFrame | None = None) -> go.Figure:
    """The sawtooth lag on the grid, censored and open-ahead stretches marked, and the event lags; with
    ``intervals`` (date, lag_lo90, lag_hi90), the 90% band of the lag from score uncertainty behind it."""
    fig = go.Figure()
    if intervals is not None and intervals["lag_hi90"].notna().any():
        band = intervals.dropna(subset=["lag_lo90", "lag_hi90"])
        add_band(fig, band["date"], band["lag_lo90"], band["lag_hi90"], OKABE_ITO["open"],
                 "90% band from score uncertainty", 0.18)
    fig.add_trace(go.Scatter(
        x=grid["date"], y=grid["lag_months"], mode="lines", name="lag on grid", line={"color": INK, "width": 1.5},
        customdata=np.stack([chart_text(grid["open_model"]), chart_text(grid["closed_match_model"]), grid["status"]], axis=-1),
        hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} months<br>open: %{customdata[0]}<br>closed match: %{customdata[1]}"
                      "<br>%{customdata[2]}<extra></extra>",
    ))
    for status in ("left_censored", "open_ahead"):
        stretch = grid[grid["status"] == status]
        if not stretch.empty:
            colour, _, label = STATUS_STYLE[status]
            for start, stop in _runs(grid["status"].to_numpy() == status, grid["date"]):
                fig.add_vrect(x0=start, x1=stop, fillcolor=colour, opacity=0.15, line_width=0)
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label + " stretch",
                                     marker={"color": colour, "symbol": "square", "size": 12, "opacity": 0.4}))
    for status, (colour, symbol, label) in STATUS_STYLE.items():
        pts = events[events["status"] == status]
        if pts.empty:
            continue
        fig.add_trace(go.Scatter(
            x=pts["release_date"], y=pts["lag_months"], mode="markers", name=f"event: {label}",
            marker={"color": colour, "symbol": symbol, "size": 10, "line": {"width": 1, "color": "white"}},
            customdata=np.stack([chart_text(pts["model_name"]), chart_text(pts["closed_match_model"])], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}: %{y:.1f} months behind<br>"
                          "closed match: %{customdata[1]}<extra></extra>",
        ))
    if ols is not None:
        _add_ols(fig, ols, grid["date"].max())
    fig.update_xaxes(title="date")
    fig.update_yaxes(title="lag (months)", rangemode="tozero")
    return layout(fig, title, height=400)


def _runs(mask: np.ndarray, dates: pd.Series) -> list[tuple]:
    """Start and end dates of consecutive True runs in ``mask``."""
    out, d = [], dates.to_numpy()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=False):
        out.append((d[a], d[b - 1]))
    return out


def _add_ols(fig: go.Figure, ols, last_date) -> None:
    near = ols.crossing_date is not None and ols.crossing_date < last_date + pd.DateOffset(years=4)
    end = ols.crossing_date if near else last_date
    xs = pd.to_datetime([ols.window_start, max(end, last_date)])
    yrs = years_between(xs, ols.reference_date)
    fig.add_trace(go.Scatter(
        x=xs, y=ols.intercept_months + ols.slope_months_per_year * yrs, mode="lines",
        name="least-squares line (June 2026 method)",
        line={"color": OKABE_ITO["ols"], "dash": "dot", "width": 2.5}, hoverinfo="skip",
    ))


def overview_figure(long: pd.DataFrame, summary: pd.DataFrame, *, title: str, ols=None,
                    mean_intervals: pd.DataFrame | None = None) -> go.Figure:
    """Per-date box plots of lags across benchmarks, the mean line (with its 90% band from score uncertainty when
    ``mean_intervals`` has date, mean_lo90, mean_hi90), and the OLS line through the mean."""
    fig = go.Figure()
    if mean_intervals is not None and len(mean_intervals):
        add_band(fig, mean_intervals["date"], mean_intervals["mean_lo90"], mean_intervals["mean_hi90"], "#888888",
                 "mean, 90% (score noise)", 0.35)
    usable = long[~long["status"].isin(UNOBSERVED)]
    fig.add_trace(go.Box(
        x=usable["date"], y=usable["lag_months"], name="lags across benchmarks", marker={"color": "#56B4E9", "size": 3},
        line={"color": "#0072B2", "width": 1}, boxpoints="all", jitter=0.4, pointpos=0, fillcolor="rgba(86,180,233,0.25)",
        customdata=chart_text(usable["benchmark"]), hovertemplate="%{customdata}: %{y:.1f} months<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=summary["date"], y=summary["mean_lag"], mode="lines+markers", name="mean across benchmarks",
                             line={"color": OKABE_ITO["mean"], "width": 2.5}, marker={"size": 5}))
    fig.add_trace(go.Scatter(x=summary["date"], y=summary["median_lag"], mode="lines", name="median",
                             line={"color": OKABE_ITO["closed"], "width": 2, "dash": "dash"}))
    if ols is not None:
        _add_ols(fig, ols, summary["date"].max())
    fig.update_xaxes(title="month")
    fig.update_yaxes(title="lag (months)", rangemode="tozero")
    fig = layout(fig, title, height=520)
    # five entries: below the plot, so they never run into the title
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "xanchor": "left"},
                      margin={"b": 110})
    return fig


def small_multiples_figure(long: pd.DataFrame, titles: dict[str, str], *, columns: int = 2) -> go.Figure:
    """One small panel per benchmark, shared axes, lag on the grid. Two columns by default: readable on a phone."""
    names = list(dict.fromkeys(long["benchmark"]))
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[panel_title(titles.get(n, n)) for n in names],
                        vertical_spacing=min(0.3, 60 / (200 * rows)),  # about 60 px: room for a two-line panel title
                        horizontal_spacing=0.06)
    ymax = float(np.nanmax(long["lag_months"])) if long["lag_months"].notna().any() else 1.0
    traces, rows_of, cols_of = [], [], []  # added in one call: Plotly validates a batch once, not trace by trace
    for i, (name, s) in enumerate(long.groupby("benchmark", sort=False)):
        r, c = i // columns + 1, i % columns + 1
        traces.append(go.Scatter(x=s["date"], y=s["lag_months"], mode="lines", line={"color": OKABE_ITO["open"], "width": 1.5},
                                 showlegend=False, name=name,
                                 hovertemplate=name + "<br>%{x|%Y-%m}: %{y:.1f} months<extra></extra>"))
        rows_of.append(r)
        cols_of.append(c)
        cens = s[s["status"] == "left_censored"]
        if not cens.empty:
            traces.append(go.Scatter(x=cens["date"], y=cens["lag_months"], mode="markers", showlegend=False,
                                     marker={"color": OKABE_ITO["censored"], "size": 4, "symbol": "triangle-up"},
                                     hoverinfo="skip"))
            rows_of.append(r)
            cols_of.append(c)
    if traces:
        fig.add_traces(traces, rows=rows_of, cols=cols_of)
    fig.update_yaxes(range=[0, ymax * 1.05])
    fig.update_annotations(font_size=11)
    fig.update_layout(height=max(260, 200 * rows), margin={"l": 40, "r": 10, "t": 80, "b": 30},
                      title={"text": "Lag (months) per benchmark; orange triangles = left-censored", "x": 0.01,
                             "font": {"size": 13}})
    return white_template(fig)
