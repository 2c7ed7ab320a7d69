"""Figures of fitted trends: bands, crossing-date histograms, P(closed by D), slopes, forests, shrinkage."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.bayes.crossing import MIN_P_CLOSES_LATER, p_closes_later
from model.core.text import fmt_prob
from model.presentation.charts.style import INK, OKABE_ITO, SEQUENCE, STATUS_STYLE, add_band, layout, panel_title, white_template
from model.presentation.plot_data import crossing_histogram, prior_preview_lines, slope_density

#: Where the forest plot's date axis stops (the horizon of the P(closed by D) curves).
FOREST_HORIZON = "2035-12-31"


def fit_figure(obs_frame: pd.DataFrame, band: pd.DataFrame, *, title: str, crossing_median=None, prior_band=None) -> go.Figure:
    """Observed lags (by status) with the fitted trend's median and 50%/90% bands out to the horizon.

    ``band`` has ``date, q05, q25, q50, q75, q95`` (months); ``obs_frame`` has ``date, lag_months, status`` and
    optionally ``lag_se`` (each lag's measurement error: drawn as a ±1.645 se bar, the 90% interval).
    """
    fig = go.Figure()
    if prior_band is not None:  # edges only: a wide filled prior band covered the plot and read as a white mound
        for col, show in (("q05", True), ("q95", False)):
            fig.add_trace(go.Scatter(x=prior_band["date"], y=prior_band[col], mode="lines", name="prior 90% band (edges)",
                                     line={"color": "#999999", "width": 1.5, "dash": "dot"}, showlegend=show,
                                     legendgroup="prior", hoverinfo="skip"))
    add_band(fig, band["date"], band["q05"], band["q95"], OKABE_ITO["open"], "90% band", 0.18)
    add_band(fig, band["date"], band["q25"], band["q75"], OKABE_ITO["open"], "50% band", 0.30)
    fig.add_trace(go.Scatter(x=band["date"], y=band["q50"], mode="lines", name="trend (median)",
                             line={"color": OKABE_ITO["open"], "width": 2.5}))
    for status, (colour, symbol, label) in STATUS_STYLE.items():
        pts = obs_frame[obs_frame["status"] == status]
        if not pts.empty:
            has_se = "lag_se" in pts and bool((pts["lag_se"] > 0).any())
            error = {"type": "data", "array": 1.645 * pts["lag_se"], "visible": True, "thickness": 1} if has_se else None
            fig.add_trace(go.Scatter(x=pts["date"], y=pts["lag_months"], mode="markers", name=f"observed: {label}",
                                     marker={"color": colour if status != "ok" else INK, "symbol": symbol, "size": 8},
                                     error_y=error, hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} months<extra></extra>"))
    fig.add_hline(y=0, line={"color": INK, "width": 1})
    if crossing_median is not None:
        fig.add_vline(x=crossing_median, line={"color": OKABE_ITO["closed"], "dash": "dash", "width": 2})
        fig.add_annotation(x=crossing_median, y=1, yref="paper", text=f"median crossing {crossing_median:%Y-%m}",
                           showarrow=False, xanchor="left", font={"color": OKABE_ITO["closed"]})
    fig.update_xaxes(title="date")
    # Scale to the data and the posterior band; the (wide) prior band is clipped, not allowed to flatten the data.
    lo = min(-2.0, float(np.nanmin(band["q05"])))
    hi = max(float(np.nanmax(band["q95"])), float(np.nanmax(obs_frame["lag_months"])) if len(obs_frame) else 1.0)
    fig.update_yaxes(title="lag (months)", range=[lo - 0.05 * (hi - lo), hi + 0.1 * (hi - lo)])
    return layout(fig, title, height=440)


def crossing_figure(dates_by_label: dict[str, np.ndarray], p_never: dict[str, float], *, horizon: pd.Timestamp,
                    title: str = "When does the gap reach zero?") -> go.Figure:
    """Histogram of crossing dates (draws that cross before the horizon) and a separate bar for
    P(not by the horizon), for one or more posteriors."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.82, 0.18], shared_yaxes=False, horizontal_spacing=0.06,
                        subplot_titles=["crossing date<br>(share of draws per quarter)", "not by<br>horizon"])
    hist = crossing_histogram(dates_by_label, horizon)
    for i, label in enumerate(dates_by_label):
        colour = SEQUENCE[i % len(SEQUENCE)]
        h = hist[hist["label"] == label]
        if len(h):
            fig.add_trace(go.Bar(x=h["quarter"], y=h["share"], name=label, marker_color=colour,
                                 opacity=0.75, hovertemplate="%{x|%Y Q%q}: %{y:.1%}<extra>" + label + "</extra>"),
                          row=1, col=1)
        fig.add_trace(go.Bar(x=[label], y=[p_never[label]], marker_color=colour, showlegend=False, opacity=0.9,
                             text=[fmt_prob(p_never[label])], textposition="outside",
                             hovertemplate="P(no crossing by horizon) = %{y:.1%}<extra></extra>"), row=1, col=2)
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15], row=1, col=2)
    fig = layout(fig, title, height=420)
    fig.update_layout(margin_t=fig.layout.margin.t + 60)  # room for the two-line panel titles under the title
    fig.update_layout(barmode="overlay", legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"})
    return fig


def p_cross_figure(curves: dict[str, pd.DataFrame], *, title: str = "Probability the gap has closed by each date") -> go.Figure:
    """P(the gap has closed by D) against D, one line per posterior."""
    fig = go.Figure()
    for i, (label, c) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(x=c["date"], y=c["p_crossed"], mode="lines", name=label,
                                 line={"color": SEQUENCE[i % len(SEQUENCE)], "width": 2.5, "shape": "hv"},
                                 hovertemplate="by %{x|%Y-%m}: %{y:.0%}<extra>" + label + "</extra>"))
    fig.add_hline(y=0.5, line={"color": "#999999", "dash": "dot"})
    fig.update_yaxes(title="P(crossed by date)", range=[0, 1], tickformat=".0%")
    fig.update_xaxes(title="date")
    return layout(fig, title, height=340)


def slope_figure(posterior: np.ndarray, prior_mean: float, prior_sd: float, *,
                 title: str = "Slope: posterior vs prior") -> go.Figure:
    """Posterior histogram of the slope (months of lag per year) against its Normal prior density."""
    data = slope_density(posterior, prior_mean, prior_sd)
    post, prior = data[data["kind"] == "posterior"], data[data["kind"] == "prior"]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=post["slope"], y=post["density"], name="posterior", marker_color=OKABE_ITO["open"], opacity=0.75))
    fig.add_trace(go.Scatter(x=prior["slope"], y=prior["density"], mode="lines", name="prior",
                             line={"color": INK, "dash": "dash", "width": 2}))
    fig.update_layout(bargap=0)
    fig.add_vline(x=0, line={"color": OKABE_ITO["closed"], "width": 1.5})
    fig.update_xaxes(title="slope (months of lag per year; negative = closing)")
    fig.update_yaxes(title="density")
    return layout(fig, title, height=320)


def forest_figure(table: pd.DataFrame, *, label_col: str = "benchmark",
                  title: str = "Crossing date: median, 50% and 90% intervals", horizon=FOREST_HORIZON) -> go.Figure:
    """One row per fit: 90% and 50% crossing intervals, median, and P(never) written beside it.

    A row where fewer than half the draws close later shows no interval (it would describe a minority): the text
    says "mostly never". The date axis stops at ``horizon``; under a row whose interval runs past it, the 95% end and,
    given a ``p_beyond_axis`` column, the share of draws that close after the axis end. Each row's P(never) is written
    under it, inside the plot (a right margin ran into the arrow text and squeezed the plot on a phone)."""
    t = table.reset_index(drop=True)
    y = [panel_title(label, width=24) for label in t[label_col].astype(str)]  # two short lines: room on a phone
    end = pd.Timestamp(horizon)
    fig = go.Figure()
    shown = [i for i, r in t.iterrows() if pd.notna(r.get("crossing_lo90")) and p_closes_later(r) >= MIN_P_CLOSES_LATER]
    for n, i in enumerate(shown):
        r = t.loc[i]
        hi90, hi50 = (min(pd.Timestamp(r[c]), end) for c in ("crossing_hi90", "crossing_hi50"))
        fig.add_trace(go.Scatter(x=[r["crossing_lo90"], hi90], y=[y[i]] * 2, mode="lines", showlegend=n == 0,
                                 name="90% interval", line={"color": OKABE_ITO["open"], "width": 2}, legendgroup="90"))
        fig.add_trace(go.Scatter(x=[r["crossing_lo50"], hi50], y=[y[i]] * 2, mode="lines", showlegend=n == 0,
                                 name="50% interval", line={"color": OKABE_ITO["open"], "width": 7}, legendgroup="50"))
        if pd.Timestamp(r["crossing_median"]) <= end:
            fig.add_trace(go.Scatter(x=[r["crossing_median"]], y=[y[i]], mode="markers", showlegend=n == 0, name="median",
                                     marker={"color": OKABE_ITO["closed"], "size": 10, "symbol": "diamond"}, legendgroup="m"))
    for i, r in t.iterrows():
        # one line of text under each row, right-aligned inside the plot: the probability first, then what the axis cut
        words = [f"P(never) {fmt_prob(r['p_never'])}"]
        if i not in shown:
            words.insert(0, "mostly never on this trend" if r["p_never"] >= MIN_P_CLOSES_LATER
                         else "no interval: fewer than half the draws close later")
        elif pd.Timestamp(r["crossing_hi90"]) > end:
            beyond = r.get("p_beyond_axis")  # the share of draws past the axis, where the page knows it
            later = f" ({fmt_prob(beyond)} of draws)" if beyond is not None and pd.notna(beyond) else ""
            words.append(f"95% end {str(r['crossing_hi90'])[:4]} →{later}")
        fig.add_annotation(x=1.0, xref="paper", y=y[i], yshift=-15, xanchor="right", showarrow=False,
                           text=" · ".join(words), font={"size": 11})
    fig.update_yaxes(categoryorder="array", categoryarray=y[::-1], type="category")
    starts = pd.to_datetime(t["crossing_lo90"], errors="coerce").dropna()
    first = min(starts.min(), end - pd.DateOffset(years=1)) if len(starts) else end - pd.DateOffset(years=5)
    # no axis title: the chart's title says what the dates are, and the legend below needs the room
    fig.update_xaxes(range=[first - pd.DateOffset(months=3), end + pd.DateOffset(months=9)])
    return layout(fig, title, height=max(260, 80 + 56 * len(t)))


def shrinkage_figure(t: pd.DataFrame, population: float, *, titles: dict[str, str] | None = None,
                     title: str = "Slopes: unpooled vs partially pooled") -> go.Figure:
    """Each benchmark's slope median fitted alone and with partial pooling (:func:`shrinkage_table`); lines show the
    shrinkage. ``titles``: display names by benchmark id."""
    t = t.assign(benchmark=[(titles or {}).get(b, b)[:30] for b in t["benchmark"]])
    fig = go.Figure()
    for r in t.itertuples():
        fig.add_trace(go.Scatter(x=[r.unpooled, r.partial], y=[r.benchmark, r.benchmark], mode="lines",
                                 line={"color": "#999999", "width": 1.5}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=t["unpooled"], y=t["benchmark"], mode="markers", name="fitted alone (no pooling)",
                             marker={"color": OKABE_ITO["closed"], "size": 9, "symbol": "circle-open", "line": {"width": 2}}))
    fig.add_trace(go.Scatter(x=t["partial"], y=t["benchmark"], mode="markers", name="partial pooling",
                             marker={"color": OKABE_ITO["open"], "size": 9}))
    fig.add_vline(x=population, line={"color": INK, "dash": "dash"})
    fig.add_annotation(x=population, y=1.02, yref="paper", text="population mean", showarrow=False)
    fig.update_xaxes(title="slope median (months of lag per year)")
    return layout(fig, title, height=max(300, 60 + 28 * len(t)))


def small_fits_figure(panels: list[dict], *, columns: int = 3, horizon: pd.Timestamp) -> go.Figure:
    """Small multiples on shared axes: observed lags and fitted trend bands, one panel per benchmark.

    Each panel dict has ``title``, ``obs`` (date, lag_months, status) and ``band`` (date, q05, q50, q95).
    """
    rows = max(1, math.ceil(len(panels) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes="all", shared_yaxes="all",
                        subplot_titles=[panel_title(p["title"]) for p in panels], vertical_spacing=0.12,
                        horizontal_spacing=0.04)
    for i, p in enumerate(panels):
        r, c = i // columns + 1, i % columns + 1
        b = p["band"]
        fig.add_trace(go.Scatter(x=list(b["date"]) + list(b["date"])[::-1], y=list(b["q95"]) + list(b["q05"])[::-1],
                                 fill="toself", fillcolor=OKABE_ITO["open"], opacity=0.2, line={"width": 0}, showlegend=i == 0,
                                 name="90% band", hoverinfo="skip"), row=r, col=c)
        fig.add_trace(go.Scatter(x=b["date"], y=b["q50"], mode="lines", line={"color": OKABE_ITO["open"], "width": 2},
                                 showlegend=i == 0, name="trend median"), row=r, col=c)
        o = p["obs"]
        fig.add_trace(go.Scatter(x=o["date"], y=o["lag_months"], mode="markers", marker={"color": INK, "size": 5},
                                 showlegend=i == 0, name="observed lag"), row=r, col=c)
        fig.add_hline(y=0, line={"color": "#999999", "width": 1}, row=r, col=c)
    fig.update_xaxes(range=[min(p["obs"]["date"].min() for p in panels), horizon])
    # One explicit y range for every panel: the data, with room for the trend to reach (and pass) zero.
    top = max(float(p["obs"]["lag_months"].max()) for p in panels)
    fig.update_yaxes(range=[-0.25 * top, 1.3 * top])
    fig.update_annotations(font_size=12)
    fig.update_layout(height=max(300, 260 * rows), margin={"l": 40, "r": 10, "t": 50, "b": 30},
                      legend={"orientation": "h", "y": -0.08})
    return white_template(fig)


def prior_preview_figure(dates, draws: np.ndarray, obs_frame: pd.DataFrame | None = None) -> go.Figure:
    """A few prior-predictive trend lines, so a prior's meaning is visible before fitting."""
    lines, q = prior_preview_lines(dates, draws)
    fig = go.Figure()
    # Every line in one trace, each ended by a gap (a trace per line was a sixth of the Trend fit page's time).
    gaps = lines.drop_duplicates("line").assign(date=pd.NaT, lag=np.nan)
    joined = pd.concat([lines, gaps]).sort_values("line", kind="stable")
    fig.add_trace(go.Scatter(x=joined["date"], y=joined["lag"], mode="lines", connectgaps=False,
                             line={"color": "#999999", "width": 1}, opacity=0.5, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=q["date"], y=q["q50"], mode="lines", line={"color": INK, "width": 2}, name="prior median"))
    if obs_frame is not None:
        fig.add_trace(go.Scatter(x=obs_frame["date"], y=obs_frame["lag_months"], mode="markers", name="data",
                                 marker={"color": OKABE_ITO["open"], "size": 6}))
    fig.add_hline(y=0, line={"color": OKABE_ITO["closed"], "width": 1})
    fig.update_yaxes(title="lag (months)", range=[-12, 30])
    return layout(fig, "Prior-predictive trends", height=300)
