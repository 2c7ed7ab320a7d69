"""Plot data: the numbers behind each figure, as DataFrames, with no Plotly.

Each figure in :mod:`model.presentation.charts` draws one of these; the CLI and tests read the same numbers
without drawing. Figures whose inputs are already tidy tables (frontiers, lag curves, trend bands from
:mod:`model.bayes.summaries`, forests, specification curves) draw those tables directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Prior-preview lines drawn (a sample of the prior draws, enough to see the spread without clutter).
PREVIEW_LINES = 40


def crossing_histogram(dates_by_label: dict[str, np.ndarray], horizon: pd.Timestamp) -> pd.DataFrame:
    """Share of each posterior's draws crossing zero in each quarter up to ``horizon``: columns label, quarter, share."""
    parts = []
    for label, dates in dates_by_label.items():
        d = pd.to_datetime(pd.Series(dates)).dropna()
        d = d[d <= horizon]
        if len(d):
            counts = d.dt.to_period("Q").value_counts().sort_index()
            parts.append(pd.DataFrame({"label": label, "quarter": counts.index.to_timestamp(),
                                       "share": counts.to_numpy() / max(len(dates), 1)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["label", "quarter", "share"])


def slope_density(posterior: np.ndarray, prior_mean: float, prior_sd: float, *, bins: int = 60) -> pd.DataFrame:
    """The slope's posterior histogram (density) and its Normal prior density on one grid: columns slope, kind, density."""
    posterior = np.asarray(posterior, dtype=float)
    lo = min(np.quantile(posterior, 0.001), prior_mean - 3 * prior_sd)
    hi = max(np.quantile(posterior, 0.999), prior_mean + 3 * prior_sd)
    xs = np.linspace(lo, hi, 300)
    prior = np.exp(-0.5 * ((xs - prior_mean) / prior_sd) ** 2) / (prior_sd * np.sqrt(2 * np.pi))
    dens, edges = np.histogram(posterior, bins=bins, range=(np.quantile(posterior, 0.001), np.quantile(posterior, 0.999)),
                               density=True)
    return pd.concat([pd.DataFrame({"slope": (edges[:-1] + edges[1:]) / 2, "kind": "posterior", "density": dens}),
                      pd.DataFrame({"slope": xs, "kind": "prior", "density": prior})], ignore_index=True)


def shrinkage_table(pooled: pd.DataFrame, alone: pd.DataFrame | None) -> pd.DataFrame:
    """Each benchmark's slope median partially pooled (``pooled``: the pooled fit's summary; its population and
    new-benchmark rows are left out) and fitted alone (``alone``: the unpooled summary; missing ones are NaN), and how
    far pooling moved it."""
    per = pooled[~pooled["benchmark"].isin(["population", "new benchmark"])]
    slopes = alone.set_index("benchmark")["slope_median"] if alone is not None else pd.Series(dtype=float)
    return pd.DataFrame({"benchmark": per["benchmark"].to_numpy(),
                         "unpooled": [float(slopes.get(n, np.nan)) for n in per["benchmark"]],
                         "partial": per["slope_median"].to_numpy(dtype=float)}
                        ).assign(shift=lambda t: t["partial"] - t["unpooled"])


def prior_preview_lines(dates, draws: np.ndarray, *, lines: int = PREVIEW_LINES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sample of prior trend lines (long: line, date, lag) and the prior's 5/50/95% quantiles by date."""
    dates = pd.DatetimeIndex(dates)
    k = min(lines, draws.shape[0])
    sample = pd.DataFrame({"line": np.repeat(np.arange(k), len(dates)), "date": np.tile(dates, k),
                           "lag": draws[:k].reshape(-1)})
    q = np.quantile(draws, [0.05, 0.5, 0.95], axis=0)
    return sample, pd.DataFrame({"date": dates, "q05": q[0], "q50": q[1], "q95": q[2]})


def figure_name(fig) -> str:
    """A figure's accessible name: its title without markup (the words a screen reader and the data table use)."""
    import re

    text = (fig.layout.title.text or "") if fig.layout.title else ""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip() or "Chart"


def _as_text(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d") if isinstance(value, (pd.Timestamp, np.datetime64)) else str(value)


def figure_table(fig) -> pd.DataFrame:
    """The points a figure draws, one row per point: the series (trace name, else its kind and number), x and y, and
    the panel for small multiples. What a reader who cannot see the chart reads instead (WCAG 1.1.1)."""
    parts = []
    for i, trace in enumerate(fig.data):
        x, y = getattr(trace, "x", None), getattr(trace, "y", None)
        if x is None or y is None or len(x) != len(y) or not len(x):
            continue
        name = trace.name or f"{trace.type} {i + 1}"
        panel = getattr(trace, "xaxis", None) or "x"
        parts.append(pd.DataFrame({"series": name, "panel": panel, "x": list(x), "y": list(y)}))
    if not parts:
        return pd.DataFrame(columns=["series", "x", "y"])
    table = pd.concat(parts, ignore_index=True)
    for col in ("x", "y"):  # traces of one figure may mix dates, numbers and labels: a mixed column is shown as text
        if table[col].dtype == object and table[col].map(type).nunique() > 1:
            table[col] = table[col].map(_as_text)
    if table["panel"].nunique() == 1:
        table = table.drop(columns="panel")
    else:  # small multiples: the panel's own title where the figure has one
        titles = {f"x{'' if k == 0 else k + 1}": a.text for k, a in enumerate(fig.layout.annotations or ())}
        table["panel"] = table["panel"].map(lambda p: titles.get(p, p))
    return table
