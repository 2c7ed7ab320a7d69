"""Plotly figures for the pages and for headless export. No streamlit here.

Colours are Okabe-Ito (colour-blind safe); open vs closed are also told apart by
marker shape and line dash, so the charts survive greyscale and dark themes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

OKABE_ITO = {
    "open": "#0072B2",  # blue
    "closed": "#D55E00",  # vermillion
    "excluded": "#999999",
    "mean": "#000000",
    "ols": "#CC79A7",  # reddish purple
    "censored": "#E69F00",  # orange
    "ahead": "#009E73",  # green
}
SEQUENCE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
STATUS_STYLE = {
    "ok": ("#0072B2", "circle", "lag"),
    "left_censored": (OKABE_ITO["censored"], "triangle-up", "left-censored (lower bound)"),
    "open_ahead": (OKABE_ITO["ahead"], "star", "open ahead (lag 0)"),
}


def _layout(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        hovermode="closest",
        template="plotly_white",
        font={"size": 13},
    )
    return fig


def frontier_figure(rows: pd.DataFrame, groups: pd.Series, open_frontier: pd.DataFrame, closed_frontier: pd.DataFrame,
                    *, title: str, end: pd.Timestamp, arrow: dict | None = None, score_label: str = "score") -> go.Figure:
    """Every model as a point, both frontiers as step lines, and an optional lag arrow.

    ``open_frontier``/``closed_frontier`` come from :func:`model.lags.frontier_table`.
    ``arrow`` has ``date``, ``match_date``, ``score``, ``lag_months``.
    """
    fig = go.Figure()
    for grp, symbol in (("closed", "square"), ("open", "circle"), ("excluded", "x")):
        pts = rows[groups.reindex(rows.index) == grp]
        if pts.empty:
            continue
        fig.add_trace(go.Scatter(
            x=pts["release_date"], y=pts["score"], mode="markers", name=f"{grp} models",
            marker={"color": OKABE_ITO[grp], "symbol": symbol, "size": 7, "opacity": 0.45},
            customdata=np.stack([pts["model_name"].astype(str), pts["creator"].astype(str)], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{x|%Y-%m-%d}<br>" + score_label + ": %{y:.3g}<extra></extra>",
        ))
    for grp, fr, dash in (("closed", closed_frontier, "solid"), ("open", open_frontier, "dash")):
        if fr.empty:
            continue
        x = list(fr["since"]) + [end]
        y = list(fr["score"]) + [fr["score"].iloc[-1]]
        names = list(fr["model_name"]) + [fr["model_name"].iloc[-1]]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", line={"shape": "hv", "color": OKABE_ITO[grp], "width": 3, "dash": dash},
            name=f"{grp} frontier", customdata=names,
            hovertemplate="<b>%{customdata}</b> holds the " + grp + " frontier<br>%{x|%Y-%m-%d}: %{y:.3g}<extra></extra>",
        ))
    if arrow and arrow.get("match_date") is not None and not pd.isna(arrow.get("match_date")):
        fig.add_annotation(
            x=arrow["match_date"], y=arrow["score"], ax=arrow["date"], ay=arrow["score"], xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=3, arrowsize=1.5, arrowwidth=2.5, arrowcolor="#000000",
        )
        fig.add_annotation(
            x=arrow["date"], y=arrow["score"], text=f"lag {arrow['lag_months']:.1f} months", showarrow=False,
            yshift=14, xanchor="right", font={"size": 14, "color": "#000000"}, bgcolor="rgba(255,255,255,0.8)",
        )
    fig.update_xaxes(title="release date")
    fig.update_yaxes(title=score_label)
    return _layout(fig, title)


def lag_curve_figure(grid: pd.DataFrame, events: pd.DataFrame, *, title: str, ols=None) -> go.Figure:
    """The sawtooth lag on the grid, censored and open-ahead stretches marked, and the event lags."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=grid["date"], y=grid["lag_months"], mode="lines", name="lag on grid", line={"color": "#555555", "width": 1.5},
        customdata=np.stack([grid["open_model"].astype(str), grid["closed_match_model"].astype(str), grid["status"]], axis=-1),
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
            customdata=np.stack([pts["model_name"].astype(str), pts["closed_match_model"].astype(str)], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}: %{y:.1f} months behind<br>"
                          "closed match: %{customdata[1]}<extra></extra>",
        ))
    if ols is not None:
        _add_ols(fig, ols, grid["date"].max())
    fig.update_xaxes(title="date")
    fig.update_yaxes(title="lag (months)", rangemode="tozero")
    return _layout(fig, title, height=400)


def _runs(mask: np.ndarray, dates: pd.Series) -> list[tuple]:
    """Start and end dates of consecutive True runs in ``mask``."""
    out, d = [], dates.to_numpy()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=False):
        out.append((d[a], d[b - 1]))
    return out


def _add_ols(fig: go.Figure, ols, last_date) -> None:
    end = ols.crossing_date if ols.crossing_date is not None and ols.crossing_date < last_date + pd.DateOffset(years=4) else last_date
    xs = pd.to_datetime([ols.window_start, max(end, last_date)])
    yrs = (xs - ols.reference_date).days.to_numpy() / 365.25
    fig.add_trace(go.Scatter(
        x=xs, y=ols.intercept_months + ols.slope_months_per_year * yrs, mode="lines", name="least-squares line (June 2026 method)",
        line={"color": OKABE_ITO["ols"], "dash": "dot", "width": 2.5}, hoverinfo="skip",
    ))


def overview_figure(long: pd.DataFrame, summary: pd.DataFrame, *, title: str, ols=None) -> go.Figure:
    """Per-date box plots of lags across benchmarks, the mean line, and the OLS line through the mean."""
    fig = go.Figure()
    usable = long[long["status"] != "no_open_yet"]
    fig.add_trace(go.Box(
        x=usable["date"], y=usable["lag_months"], name="lags across benchmarks", marker={"color": "#56B4E9", "size": 3},
        line={"color": "#0072B2", "width": 1}, boxpoints="all", jitter=0.4, pointpos=0, fillcolor="rgba(86,180,233,0.25)",
        customdata=usable["benchmark"], hovertemplate="%{customdata}: %{y:.1f} months<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=summary["date"], y=summary["mean_lag"], mode="lines+markers", name="mean across benchmarks",
                             line={"color": OKABE_ITO["mean"], "width": 2.5}, marker={"size": 5}))
    fig.add_trace(go.Scatter(x=summary["date"], y=summary["median_lag"], mode="lines", name="median",
                             line={"color": OKABE_ITO["closed"], "width": 2, "dash": "dash"}))
    if ols is not None:
        _add_ols(fig, ols, summary["date"].max())
    fig.update_xaxes(title="month")
    fig.update_yaxes(title="lag (months)", rangemode="tozero")
    return _layout(fig, title, height=480)


def small_multiples_figure(long: pd.DataFrame, titles: dict[str, str], *, columns: int = 4) -> go.Figure:
    """One small panel per benchmark, shared axes, lag on the grid."""
    names = list(dict.fromkeys(long["benchmark"]))
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[titles.get(n, n)[:34] for n in names], vertical_spacing=0.5 / max(rows, 1) if rows > 1 else 0.1,
                        horizontal_spacing=0.03)
    ymax = float(np.nanmax(long["lag_months"])) if long["lag_months"].notna().any() else 1.0
    for i, name in enumerate(names):
        s = long[long["benchmark"] == name]
        r, c = i // columns + 1, i % columns + 1
        fig.add_trace(go.Scatter(x=s["date"], y=s["lag_months"], mode="lines", line={"color": OKABE_ITO["open"], "width": 1.5},
                                 showlegend=False, name=name, hovertemplate=name + "<br>%{x|%Y-%m}: %{y:.1f} months<extra></extra>"),
                      row=r, col=c)
        cens = s[s["status"] == "left_censored"]
        if not cens.empty:
            fig.add_trace(go.Scatter(x=cens["date"], y=cens["lag_months"], mode="markers", showlegend=False,
                                     marker={"color": OKABE_ITO["censored"], "size": 4, "symbol": "triangle-up"},
                                     hoverinfo="skip"), row=r, col=c)
    fig.update_yaxes(range=[0, ymax * 1.05])
    fig.update_annotations(font_size=11)
    fig.update_layout(height=max(260, 190 * rows), margin={"l": 40, "r": 10, "t": 40, "b": 30}, template="plotly_white",
                      title={"text": "Lag (months) per benchmark; orange triangles = left-censored", "x": 0.01, "font": {"size": 13}})
    return fig


# --------------------------------------------------------------------------- posterior figures


def _band(fig, x, lo, hi, colour, name, opacity):
    fig.add_trace(go.Scatter(x=list(x) + list(x)[::-1], y=list(hi) + list(lo)[::-1], fill="toself", fillcolor=colour,
                             opacity=opacity, line={"width": 0}, name=name, hoverinfo="skip"))


def fit_figure(obs_frame: pd.DataFrame, band: pd.DataFrame, *, title: str, crossing_median=None, prior_band=None) -> go.Figure:
    """Observed lags (by status) with the fitted trend's median and 50%/90% bands out to the horizon.

    ``band`` has ``date, q05, q25, q50, q75, q95`` (months); ``obs_frame`` has ``date, lag_months, status``.
    """
    fig = go.Figure()
    if prior_band is not None:
        _band(fig, prior_band["date"], prior_band["q05"], prior_band["q95"], "#999999", "prior 90% band", 0.15)
    _band(fig, band["date"], band["q05"], band["q95"], OKABE_ITO["open"], "90% band", 0.18)
    _band(fig, band["date"], band["q25"], band["q75"], OKABE_ITO["open"], "50% band", 0.30)
    fig.add_trace(go.Scatter(x=band["date"], y=band["q50"], mode="lines", name="trend (median)",
                             line={"color": OKABE_ITO["open"], "width": 2.5}))
    for status, (colour, symbol, label) in STATUS_STYLE.items():
        pts = obs_frame[obs_frame["status"] == status]
        if not pts.empty:
            fig.add_trace(go.Scatter(x=pts["date"], y=pts["lag_months"], mode="markers", name=f"observed: {label}",
                                     marker={"color": colour if status != "ok" else "#000000", "symbol": symbol, "size": 8},
                                     hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} months<extra></extra>"))
    fig.add_hline(y=0, line={"color": "#555555", "width": 1})
    if crossing_median is not None:
        fig.add_vline(x=crossing_median, line={"color": OKABE_ITO["closed"], "dash": "dash", "width": 2})
        fig.add_annotation(x=crossing_median, y=1, yref="paper", text=f"median crossing {crossing_median:%Y-%m}",
                           showarrow=False, xanchor="left", font={"color": OKABE_ITO["closed"]})
    fig.update_xaxes(title="date")
    # Scale to the data and the posterior band; the (wide) prior band is clipped, not allowed to flatten the data.
    lo = min(-2.0, float(np.nanmin(band["q05"])))
    hi = max(float(np.nanmax(band["q95"])), float(np.nanmax(obs_frame["lag_months"])) if len(obs_frame) else 1.0)
    fig.update_yaxes(title="lag (months)", range=[lo - 0.05 * (hi - lo), hi + 0.1 * (hi - lo)])
    return _layout(fig, title, height=440)


def crossing_figure(dates_by_label: dict[str, np.ndarray], p_never: dict[str, float], *, horizon: pd.Timestamp,
                    title: str = "When does the gap reach zero?") -> go.Figure:
    """Histogram of crossing dates (draws that cross before the horizon) and a separate bar for
    P(not by the horizon), for one or more posteriors."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.82, 0.18], shared_yaxes=False, horizontal_spacing=0.06,
                        subplot_titles=["crossing date (share of draws per quarter)", "no crossing by horizon"])
    for i, (label, dates) in enumerate(dates_by_label.items()):
        colour = SEQUENCE[i % len(SEQUENCE)]
        d = pd.to_datetime(pd.Series(dates)).dropna()
        d = d[d <= horizon]
        n_all = max(len(dates), 1)
        if len(d):
            counts = d.dt.to_period("Q").value_counts().sort_index()
            fig.add_trace(go.Bar(x=counts.index.to_timestamp(), y=counts.to_numpy() / n_all, name=label, marker_color=colour,
                                 opacity=0.75, hovertemplate="%{x|%Y Q%q}: %{y:.1%}<extra>" + label + "</extra>"),
                          row=1, col=1)
        fig.add_trace(go.Bar(x=[label], y=[p_never[label]], marker_color=colour, showlegend=False, opacity=0.9,
                             text=[f"{p_never[label]:.0%}"], textposition="outside",
                             hovertemplate="P(no crossing by horizon) = %{y:.1%}<extra></extra>"), row=1, col=2)
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15], row=1, col=2)
    fig = _layout(fig, title, height=400)
    fig.update_layout(barmode="overlay", legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"})
    return fig


def p_cross_figure(curves: dict[str, pd.DataFrame], *, title: str = "Probability the gap has closed by each date") -> go.Figure:
    fig = go.Figure()
    for i, (label, c) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(x=c["date"], y=c["p_crossed"], mode="lines", name=label,
                                 line={"color": SEQUENCE[i % len(SEQUENCE)], "width": 2.5, "shape": "hv"},
                                 hovertemplate="by %{x|%Y-%m}: %{y:.0%}<extra>" + label + "</extra>"))
    fig.add_hline(y=0.5, line={"color": "#999999", "dash": "dot"})
    fig.update_yaxes(title="P(crossed by date)", range=[0, 1], tickformat=".0%")
    fig.update_xaxes(title="date")
    return _layout(fig, title, height=340)


def slope_figure(posterior: np.ndarray, prior_mean: float, prior_sd: float, *, title: str = "Slope: posterior vs prior") -> go.Figure:
    """Posterior histogram of the slope (months of lag per year) against its Normal prior density."""
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=posterior, histnorm="probability density", name="posterior", nbinsx=60,
                               marker_color=OKABE_ITO["open"], opacity=0.75))
    lo = min(np.quantile(posterior, 0.001), prior_mean - 3 * prior_sd)
    hi = max(np.quantile(posterior, 0.999), prior_mean + 3 * prior_sd)
    xs = np.linspace(lo, hi, 300)
    dens = np.exp(-0.5 * ((xs - prior_mean) / prior_sd) ** 2) / (prior_sd * np.sqrt(2 * np.pi))
    fig.add_trace(go.Scatter(x=xs, y=dens, mode="lines", name="prior", line={"color": "#555555", "dash": "dash", "width": 2}))
    fig.add_vline(x=0, line={"color": OKABE_ITO["closed"], "width": 1.5})
    fig.update_xaxes(title="slope (months of lag per year; negative = closing)")
    fig.update_yaxes(title="density")
    return _layout(fig, title, height=320)


def forest_figure(table: pd.DataFrame, *, label_col: str = "benchmark", title: str = "Crossing date: median, 50% and 90% intervals") -> go.Figure:
    """One row per fit: 90% and 50% crossing intervals, median, and P(never) written beside it."""
    t = table.reset_index(drop=True)
    y = t[label_col].astype(str).tolist()
    fig = go.Figure()
    for i, r in t.iterrows():
        if pd.notna(r.get("crossing_lo90")):
            fig.add_trace(go.Scatter(x=[r["crossing_lo90"], r["crossing_hi90"]], y=[y[i]] * 2, mode="lines", showlegend=i == 0,
                                     name="90% interval", line={"color": OKABE_ITO["open"], "width": 2}, legendgroup="90"))
            fig.add_trace(go.Scatter(x=[r["crossing_lo50"], r["crossing_hi50"]], y=[y[i]] * 2, mode="lines", showlegend=i == 0,
                                     name="50% interval", line={"color": OKABE_ITO["open"], "width": 7}, legendgroup="50"))
            fig.add_trace(go.Scatter(x=[r["crossing_median"]], y=[y[i]], mode="markers", showlegend=i == 0, name="median",
                                     marker={"color": "#000000", "size": 9, "symbol": "diamond"}, legendgroup="m"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"opacity": 0}, name="P(never) on the right"))
    for i, r in t.iterrows():
        fig.add_annotation(x=1.0, xref="paper", y=y[i], text=f"P(never) {r['p_never']:.0%}", showarrow=False, xanchor="left",
                           font={"size": 12})
    fig.update_yaxes(categoryorder="array", categoryarray=y[::-1], type="category")
    fig.update_xaxes(title="date the trend reaches zero lag")
    fig = _layout(fig, title, height=max(260, 70 + 46 * len(t)))
    fig.update_layout(margin={"r": 130})
    return fig


def shrinkage_figure(names: list[str], unpooled: np.ndarray, partial: np.ndarray, population: float,
                     *, title: str = "Slopes: unpooled vs partially pooled") -> go.Figure:
    """Each benchmark's slope median fitted alone and with partial pooling; arrows show the shrinkage."""
    fig = go.Figure()
    for i, n in enumerate(names):
        fig.add_trace(go.Scatter(x=[unpooled[i], partial[i]], y=[n, n], mode="lines", line={"color": "#999999", "width": 1.5},
                                 showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=unpooled, y=names, mode="markers", name="fitted alone (no pooling)",
                             marker={"color": OKABE_ITO["closed"], "size": 9, "symbol": "circle-open", "line": {"width": 2}}))
    fig.add_trace(go.Scatter(x=partial, y=names, mode="markers", name="partial pooling",
                             marker={"color": OKABE_ITO["open"], "size": 9}))
    fig.add_vline(x=population, line={"color": "#000000", "dash": "dash"})
    fig.add_annotation(x=population, y=1.02, yref="paper", text="population mean", showarrow=False)
    fig.update_xaxes(title="slope median (months of lag per year)")
    return _layout(fig, title, height=max(300, 60 + 28 * len(names)))


def small_fits_figure(panels: list[dict], *, columns: int = 3, horizon: pd.Timestamp) -> go.Figure:
    """Small multiples on shared axes: observed lags and fitted trend bands, one panel per benchmark.

    Each panel dict has ``title``, ``obs`` (date, lag_months, status) and ``band`` (date, q05, q50, q95).
    """
    rows = max(1, math.ceil(len(panels) / columns))
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes="all", shared_yaxes="all",
                        subplot_titles=[p["title"][:40] for p in panels], vertical_spacing=0.12, horizontal_spacing=0.04)
    for i, p in enumerate(panels):
        r, c = i // columns + 1, i % columns + 1
        b = p["band"]
        fig.add_trace(go.Scatter(x=list(b["date"]) + list(b["date"])[::-1], y=list(b["q95"]) + list(b["q05"])[::-1],
                                 fill="toself", fillcolor=OKABE_ITO["open"], opacity=0.2, line={"width": 0}, showlegend=i == 0,
                                 name="90% band", hoverinfo="skip"), row=r, col=c)
        fig.add_trace(go.Scatter(x=b["date"], y=b["q50"], mode="lines", line={"color": OKABE_ITO["open"], "width": 2},
                                 showlegend=i == 0, name="trend median"), row=r, col=c)
        o = p["obs"]
        fig.add_trace(go.Scatter(x=o["date"], y=o["lag_months"], mode="markers", marker={"color": "#000000", "size": 5},
                                 showlegend=i == 0, name="observed lag"), row=r, col=c)
        fig.add_hline(y=0, line={"color": "#999999", "width": 1}, row=r, col=c)
    fig.update_xaxes(range=[min(p["obs"]["date"].min() for p in panels), horizon])
    # One explicit y range for every panel: the data, with room for the trend to reach (and pass) zero.
    top = max(float(p["obs"]["lag_months"].max()) for p in panels)
    fig.update_yaxes(range=[-0.25 * top, 1.3 * top])
    fig.update_annotations(font_size=12)
    fig.update_layout(height=max(300, 260 * rows), template="plotly_white", margin={"l": 40, "r": 10, "t": 50, "b": 30},
                      legend={"orientation": "h", "y": -0.08})
    return fig


def prior_preview_figure(dates, draws: np.ndarray, obs_frame: pd.DataFrame | None = None) -> go.Figure:
    """A few prior-predictive trend lines, so a prior's meaning is visible before fitting."""
    fig = go.Figure()
    for k in range(min(40, draws.shape[0])):
        fig.add_trace(go.Scatter(x=dates, y=draws[k], mode="lines", line={"color": "#999999", "width": 1}, opacity=0.5,
                                 showlegend=False, hoverinfo="skip"))
    q = np.quantile(draws, [0.05, 0.5, 0.95], axis=0)
    fig.add_trace(go.Scatter(x=dates, y=q[1], mode="lines", line={"color": "#000000", "width": 2}, name="prior median"))
    if obs_frame is not None:
        fig.add_trace(go.Scatter(x=obs_frame["date"], y=obs_frame["lag_months"], mode="markers", name="data",
                                 marker={"color": OKABE_ITO["open"], "size": 6}))
    fig.add_hline(y=0, line={"color": OKABE_ITO["closed"], "width": 1})
    fig.update_yaxes(title="lag (months)", range=[-12, 30])
    return _layout(fig, "Prior-predictive trends", height=300)


# --------------------------------------------------------------------------- robustness figures


def specification_curve_figure(table: pd.DataFrame, choices: list[str], *, horizon: pd.Timestamp) -> go.Figure:
    """The standard specification curve: crossing medians and 90% intervals sorted (top), the choices as a
    dot matrix (bottom). Specs that never cross are drawn at the horizon, marked as open circles."""
    t = table[table["fitted"]].copy()
    med = pd.to_datetime(t["crossing_median"], errors="coerce")
    t["_sort"] = med.fillna(horizon + pd.Timedelta(days=1))
    t = t.sort_values(["_sort", "p_never"]).reset_index(drop=True)
    x = np.arange(len(t))
    med = pd.to_datetime(t["crossing_median"], errors="coerce")
    lo = pd.to_datetime(t["crossing_lo90"], errors="coerce")
    hi = pd.to_datetime(t["crossing_hi90"], errors="coerce").where(lambda s: s <= horizon, horizon)
    levels = [(c, v) for c in choices for v in sorted(t[c].astype(str).unique())]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.45, 0.55], vertical_spacing=0.04)
    for i in range(len(t)):
        if pd.notna(lo[i]):
            fig.add_trace(go.Scatter(x=[x[i], x[i]], y=[lo[i], hi[i]], mode="lines", line={"color": "#56B4E9", "width": 1.5},
                                     showlegend=False, hoverinfo="skip"), row=1, col=1)
    crossing = med.notna()
    hover = t.apply(lambda r: " · ".join(str(r[c]) for c in choices), axis=1)
    fig.add_trace(go.Scatter(x=x[crossing], y=med[crossing], mode="markers", name="median crossing",
                             marker={"color": OKABE_ITO["open"], "size": 6}, customdata=np.stack([hover[crossing],
                             t.loc[crossing, "p_never"]], axis=-1),
                             hovertemplate="%{customdata[0]}<br>median %{y|%Y-%m}, P(never) %{customdata[1]:.0%}<extra></extra>"),
                  row=1, col=1)
    if (~crossing).any():
        fig.add_trace(go.Scatter(x=x[~crossing], y=[horizon] * int((~crossing).sum()), mode="markers", name="no crossing",
                                 marker={"color": OKABE_ITO["closed"], "size": 6, "symbol": "circle-open"},
                                 customdata=hover[~crossing], hovertemplate="%{customdata}<br>never<extra></extra>"), row=1, col=1)
    for c, v in levels:
        on = t[c].astype(str) == v
        fig.add_trace(go.Scatter(x=x[on], y=[f"{c}: {v}"] * int(on.sum()), mode="markers", showlegend=False,
                                 marker={"color": "#000000", "size": 4, "symbol": "square"}, hoverinfo="skip"), row=2, col=1)
    fig.update_yaxes(title="crossing date", row=1, col=1, range=[t["_sort"].min() - pd.Timedelta(days=60), horizon + pd.Timedelta(days=60)])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[f"{c}: {v}" for c, v in levels][::-1], row=2, col=1,
                     tickfont={"size": 10}, tickmode="array", tickvals=[f"{c}: {v}" for c, v in levels],
                     range=[-0.5, len(levels) - 0.5])
    fig.update_xaxes(title="specifications, sorted by median crossing date", row=2, col=1)
    fig = _layout(fig, "Specification curve: the crossing date under every defensible analysis", height=max(600, 380 + 30 * len(levels)))
    return fig


def calibration_figure(table: pd.DataFrame) -> go.Figure:
    """Nominal vs realised coverage of the 50% and 90% intervals per method (the diagonal is perfect)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["interval coverage (nominal vs realised)", "CRPS by horizon (lower is better)"])
    for i, (method, g) in enumerate(table.groupby("method")):
        colour = SEQUENCE[i % len(SEQUENCE)]
        cov50 = float(np.average(g["cover50"], weights=g["n"]))
        cov90 = float(np.average(g["cover90"], weights=g["n"]))
        fig.add_trace(go.Scatter(x=[0.5, 0.9], y=[cov50, cov90], mode="lines+markers", name=method,
                                 line={"color": colour, "width": 2.5}, marker={"size": 9}), row=1, col=1)
        fig.add_trace(go.Bar(x=[f"{h} m" for h in g["horizon_months"]], y=g["crps"], name=method, marker_color=colour,
                             showlegend=False), row=1, col=2)
    fig.add_trace(go.Scatter(x=[0.4, 1.0], y=[0.4, 1.0], mode="lines", line={"color": "#999999", "dash": "dot"}, name="perfect"),
                  row=1, col=1)
    fig.update_xaxes(title="nominal coverage", range=[0.4, 1.0], row=1, col=1)
    fig.update_yaxes(title="realised coverage", range=[0, 1.05], row=1, col=1)
    fig.update_yaxes(title="CRPS (months)", row=1, col=2)
    fig = _layout(fig, "Would these forecasts have held up?", height=430)
    fig.update_layout(barmode="group", legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"})
    return fig


def score_space_figure(records: pd.DataFrame, curves: pd.DataFrame, *, title: str) -> go.Figure:
    """Frontier records of both groups with the fitted logistic frontiers (median and 90% band)."""
    fig = go.Figure()
    for grp, dash in (("closed", "solid"), ("open", "dash")):
        c = curves[curves["group"] == grp]
        _band(fig, c["date"], c["q05"], c["q95"], OKABE_ITO[grp], f"{grp} frontier 90% band", 0.18)
        fig.add_trace(go.Scatter(x=c["date"], y=c["q50"], mode="lines", name=f"{grp} frontier (fit)",
                                 line={"color": OKABE_ITO[grp], "width": 2.5, "dash": dash}))
        r = records[records["group"] == grp]
        fig.add_trace(go.Scatter(x=r["since"], y=r["score"], mode="markers", name=f"{grp} records",
                                 marker={"color": OKABE_ITO[grp], "size": 7, "symbol": "circle" if grp == "open" else "square"},
                                 customdata=r["model_name"], hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}: %{y:.3g}<extra></extra>"))
    fig.update_yaxes(title="score")
    fig.update_xaxes(title="date")
    return _layout(fig, title, height=420)
