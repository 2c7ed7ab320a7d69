"""Lags of many benchmarks at once, and their across-benchmark mean (with the quorum rule)."""

from __future__ import annotations

import pandas as pd

from model.core.errors import DataError
from model.data.openness import open_groups
from model.lags.engine import (
    UNOBSERVED,
    aligned_groups,
    date_grid,
    event_lags,
    frontier_lag,
    higher_is_better,
    lag_at,
    split_groups,
)
from model.lags.frontier import build_frontier


def event_lags_by_benchmark(scores: pd.DataFrame, *, benchmarks: pd.DataFrame | None = None, tolerance: float = 0.0,
                            open_definition: str = "any", groups: pd.Series | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Event lags of every benchmark as one table with a ``benchmark`` column, and the reasons for those skipped."""
    parts, skipped = [], []
    for name in sorted(scores["benchmark"].unique()):
        try:
            parts.append(event_lags(scores, name, benchmarks=benchmarks, tolerance=tolerance, open_definition=open_definition,
                                    groups=groups).assign(benchmark=name))
        except DataError as exc:
            skipped.append(str(exc))
    if not parts:
        raise DataError("None of the benchmarks has both open and closed models.")
    return pd.concat(parts, ignore_index=True), skipped


def definition_lags_by_benchmark(scores: pd.DataFrame, definition: str, *, names: list[str] | None = None,
                                 benchmarks: pd.DataFrame | None = None, open_definition: str = "any", start=None,
                                 tolerance: float = 0.0, groups: pd.Series | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Lag observations of every benchmark (``names``, default all) under a lag definition, as one table with a
    ``benchmark`` column first, and the reasons for those it cannot measure (e.g. no standard errors): what the Lag
    definitions view shows and ``lags --benchmark all --definition D`` writes."""
    from model.lags.definitions import lags_by_definition

    parts, skipped = [], []
    for name in names if names is not None else sorted(scores["benchmark"].unique()):
        try:
            parts.append(lags_by_definition(scores, name, definition, benchmarks=benchmarks, open_definition=open_definition,
                                            start=start, tolerance=tolerance, groups=groups).assign(benchmark=name))
        except DataError as exc:
            skipped.append(f"{name}: {exc}")
    if not parts:
        return pd.DataFrame(columns=["benchmark"]), skipped
    table = pd.concat(parts, ignore_index=True)
    return table[["benchmark", *[c for c in table.columns if c != "benchmark"]]], skipped


def lags_by_benchmark(scores: pd.DataFrame, *, benchmarks: pd.DataFrame | None = None, names: list[str] | None = None,
                      grid: str = "monthly", start=None, end=None, tolerance: float = 0.0, open_definition: str = "any",
                      groups: pd.Series | None = None, skip_unusable: bool = True) -> pd.DataFrame:
    """Grid lags for many benchmarks on one shared grid, as a long table with a ``benchmark`` column.

    Benchmarks without both groups are skipped (``skip_unusable``) or raise. Each
    benchmark's rows stop at its last release date in the data.
    """
    names = names if names is not None else sorted(scores["benchmark"].unique())
    if not names:
        raise DataError("No benchmarks selected.")
    scores, groups = aligned_groups(scores, groups)
    sub = scores[scores["benchmark"].isin(names)]
    g_all = open_groups(sub, open_definition) if groups is None else groups.reindex(sub.index)
    start = pd.Timestamp(start) if start is not None else sub.loc[g_all == "open", "release_date"].min()
    if pd.isna(start):
        raise DataError(f"No open models in the selected benchmarks under the '{open_definition}' definition.")
    start = start.to_period("M").to_timestamp() if grid == "monthly" else start
    end = pd.Timestamp(end) if end is not None else sub["release_date"].max()
    dates = date_grid(start, end, grid)
    out = []
    for name, rows in sub.groupby("benchmark", sort=True):
        try:
            follower, leader = split_groups(rows, g_all, open_definition, name)
        except DataError:
            if skip_unusable:
                continue
            raise
        hib = higher_is_better(benchmarks, name)
        table = lag_at(build_frontier(follower, hib), build_frontier(leader, hib), dates,
                       tolerance=tolerance, higher_is_better=hib)
        table.insert(0, "benchmark", name)
        # A benchmark's series ends with its data: AA stopped scoring legacy benchmarks,
        # and a lag "growing" after the last measurement would be an artefact.
        out.append(table[table["date"] <= rows["release_date"].max()])
    if not out:
        raise DataError("None of the selected benchmarks has both open and closed models.")
    return pd.concat(out, ignore_index=True)


def quorum(n_benchmarks: int) -> int:
    """Fewest benchmarks a date needs before its lags are averaged: a quarter of those chosen, at least one."""
    return max(1, -(-n_benchmarks // 4))


def lag_summary_by_date(long: pd.DataFrame, min_benchmarks: int = 1) -> pd.DataFrame:
    """Across-benchmark mean, median, quartiles and count of the lag per grid date.

    Open-ahead dates count as 0; left-censored lags count at their (lower-bound)
    value, as in the June 2026 analysis; ``n_censored`` says how many those are.
    Dates with fewer than ``min_benchmarks`` usable benchmarks are left out (an
    "average" of one early benchmark is not an average).
    """
    usable = long[~long["status"].isin(UNOBSERVED)]
    g = usable.groupby("date")["lag_months"]
    out = pd.DataFrame({
        "mean_lag": g.mean(), "median_lag": g.median(), "q25_lag": g.quantile(0.25), "q75_lag": g.quantile(0.75),
        "n_benchmarks": g.size(),
        "n_censored": usable.assign(c=usable["status"] == "left_censored").groupby("date")["c"].sum(),
        "n_open_ahead": usable.assign(c=usable["status"] == "open_ahead").groupby("date")["c"].sum(),
    })
    out = out[out["n_benchmarks"] >= min_benchmarks]
    return out.reset_index()


def new_since(scores: pd.DataFrame, benchmark: str, previous: str, *, benchmarks: pd.DataFrame | None = None,
              open_definition: str = "any") -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """What a newer snapshot adds: the models scored on ``benchmark`` that ``previous`` (an older index version) does
    not have, best first, and the lag at the end of each version's data (the last grid row of each)."""
    new_rows = scores[(scores["benchmark"] == benchmark)
                      & ~scores["model_id"].isin(scores.loc[scores["benchmark"] == previous, "model_id"])]
    table = new_rows.sort_values("score", ascending=False)[["model_name", "creator", "release_date", "open_weights", "score"]]
    lag_now = {}
    for name in (previous, benchmark):
        grid = frontier_lag(scores, name, benchmarks=benchmarks, open_definition=open_definition)
        lag_now[name] = grid.iloc[-1]
    return table.reset_index(drop=True), lag_now
