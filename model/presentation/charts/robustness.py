"""Figures of the robustness checks: the specification curve, calibration, score space."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.presentation.charts.style import INK, OKABE_ITO, SEQUENCE, add_band, chart_text, layout


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
                                 customdata=hover[~crossing], hovertemplate="%{customdata}<br>never<extra></extra>"),
                      row=1, col=1)
    for c, v in levels:
        on = t[c].astype(str) == v
        fig.add_trace(go.Scatter(x=x[on], y=[f"{c}: {v}"] * int(on.sum()), mode="markers", showlegend=False,
                                 marker={"color": INK, "size": 4, "symbol": "square"}, hoverinfo="skip"), row=2, col=1)
    fig.update_yaxes(title="crossing date", row=1, col=1, range=[t["_sort"].min() - pd.Timedelta(days=60),
                                                                 horizon + pd.Timedelta(days=60)])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[f"{c}: {v}" for c, v in levels][::-1], row=2, col=1,
                     tickfont={"size": 10}, tickmode="array", tickvals=[f"{c}: {v}" for c, v in levels],
                     range=[-0.5, len(levels) - 0.5])
    fig.update_xaxes(title="specifications, sorted by median crossing date", row=2, col=1)
    fig = layout(fig, "Specification curve: the crossing date under every defensible analysis",
                 height=max(600, 380 + 30 * len(levels)))
    return fig


def calibration_figure(table: pd.DataFrame) -> go.Figure:
    """Nominal vs realised coverage of the 50% and 90% intervals per method (the diagonal is perfect)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["interval coverage (nominal vs realised)",
                                                        "CRPS by horizon (lower is better)"])
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
    fig = layout(fig, "Would these forecasts have held up?", height=430)
    fig.update_layout(barmode="group", legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"})
    return fig


def score_space_figure(records: pd.DataFrame, curves: pd.DataFrame, *, title: str) -> go.Figure:
    """Frontier records of both groups with the fitted logistic frontiers (median and 90% band)."""
    fig = go.Figure()
    for grp, dash in (("closed", "solid"), ("open", "dash")):
        c = curves[curves["group"] == grp]
        add_band(fig, c["date"], c["q05"], c["q95"], OKABE_ITO[grp], f"{grp} frontier 90% band", 0.18)
        fig.add_trace(go.Scatter(x=c["date"], y=c["q50"], mode="lines", name=f"{grp} frontier (fit)",
                                 line={"color": OKABE_ITO[grp], "width": 2.5, "dash": dash}))
        r = records[records["group"] == grp]
        fig.add_trace(go.Scatter(x=r["since"], y=r["score"], mode="markers", name=f"{grp} records",
                                 marker={"color": OKABE_ITO[grp], "size": 7, "symbol": "circle" if grp == "open" else "square"},
                                 customdata=chart_text(r["model_name"]),
                                 hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}: %{y:.3g}<extra></extra>"))
    fig.update_yaxes(title="score")
    fig.update_xaxes(title="date")
    return layout(fig, title, height=420)


def yardstick_figure(table: pd.DataFrame) -> go.Figure:
    """The lag now by family of yardsticks: median and 90% interval of the fitted lag now, one row each, with
    P(zero by end-2027) and the direction written beside the row (plot data: model.robustness.yardsticks)."""
    from model.core.text import fmt_prob

    t = table[table["note"].fillna("") == ""].iloc[::-1].reset_index(drop=True)
    t["family"] = ["<br>".join(chart_text(line) for line in textwrap.wrap(f, 24)) for f in t["family"]]
    fig = go.Figure()
    for _, r in t.iterrows():
        fig.add_trace(go.Scatter(x=[max(r["lag_now_lo90"], 0.0), r["lag_now_hi90"]], y=[r["family"]] * 2, mode="lines",
                                 line={"color": OKABE_ITO["open"], "width": 3}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=t["lag_now_median"], y=t["family"], mode="markers", marker={"color": OKABE_ITO["closed"], "size": 10},
        showlegend=False, hovertemplate="%{y}: lag now %{x:.1f} months<extra></extra>"))
    fig.add_trace(go.Scatter(  # the reading sits past the interval's end, never over it
        x=t["lag_now_hi90"], y=t["family"], mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {'shrinking' if s < 0 else 'growing'} {s:+.1f}/yr<br>  P(zero by end-2027) {fmt_prob(p)}"
              for s, p in zip(t["slope_median"], t["p_cross_by_2027_12_31"], strict=True)],
        textposition="middle right", textfont={"size": 11}))
    right = float(t["lag_now_hi90"].max()) if len(t) else 12.0
    fig.update_xaxes(title="lag now (months; median and 90% interval of the fitted trend)", range=[0, right * 1.9])
    return layout(fig, "The lag now depends on the yardstick", height=120 + 70 * len(t))


def forecast_record_figure(record: pd.DataFrame, observed: pd.DataFrame) -> go.Figure:
    """Each stored forecast (median and 90% band from its version date on; the June line dashed) over the lag the
    newest index version shows (plot data: model.robustness.forecast_record)."""
    fig = go.Figure()
    for i, ((forecast, version), f) in enumerate(record.groupby(["forecast", "version_date"], sort=True)):
        colour = SEQUENCE[(i + 1) % len(SEQUENCE)]
        dates = pd.to_datetime(f["target_date"])
        interval = f["q05"].notna().all()
        label = f"answer of {version}" if interval else f"{forecast.split(' least')[0]} line (rebuilt)"
        if interval:
            add_band(fig, dates, f["q05"], f["q95"], colour, f"{label}, 90%", 0.15)
        fig.add_trace(go.Scatter(x=dates, y=f["q50"], mode="lines", name=label,
                                 line={"color": colour, "width": 2, "dash": "solid" if interval else "dash"},
                                 hovertemplate="%{x|%Y-%m}: %{y:.1f} months<extra></extra>"))
    fig.add_trace(go.Scatter(x=observed["date"], y=observed["lag_months"], mode="lines+markers",
                             name="observed lag (newest index version)", line={"color": INK, "width": 2.5},
                             marker={"size": 6}, hovertemplate="%{x|%Y-%m}: %{y:.1f} months<extra></extra>"))
    fig.update_yaxes(title="lag (months)", rangemode="tozero")
    fig.update_xaxes(title="month")
    return layout(fig, "The forecast record: each version's forecast against what happened", height=440)
