"""The frontier-lag engine: frontiers, lags on a date grid, event lags, gaps, and the OLS baseline.

Definition
----------
For one benchmark, with scores oriented so that higher is better (lower-is-better
benchmarks are negated internally and reported in their own units):

* the **open frontier** ``O(t)`` is the best score of any open (follower) model
  released on or before ``t``; the **closed frontier** ``C(t)`` likewise for closed
  (leader) models. Both are right-continuous step functions; a model holds a
  frontier from its release date until a strictly better model is released (a tie
  does not take the frontier over: the first to reach a score holds it);
* the **match date** ``m(t)`` is the first date on which ``C`` reached ``O(t) - tol``,
  where ``tol >= 0`` is an optional tolerance in score units (a near-tie counts as
  caught up);
* the **lag** is ``(t - m(t)) / 30.4375`` months when ``m(t) <= t``.

Status of each date:

``ok``
    ``m(t) <= t`` and the match is not the first closed model in the data.
``left_censored``
    The open frontier is at or below the earliest closed model in the data, so the
    closed side may have reached it before the data begin: the lag is a lower bound.
``open_ahead``
    The closed frontier has not reached ``O(t)`` by ``t``. The lag is 0; the lead is
    reported in score units (``lead_score``) and, when the closed side catches up
    later in the data, in months (``lead_months``).
``no_open_yet``
    No open model yet; the lag is undefined (NaN).
``no_closed_yet``
    An open model exists but no closed model has been released yet in the data: there is no comparator, so the
    lag is undefined (NaN), like ``no_open_yet``. (The open side is not "ahead": the first closed model in the
    data may score far above it, and closed models before the data are unknown.) Excluded from fits and means.

The lag is that of the *best* open model, not of a typical one: with many noisy open releases, the frontier's
event lags run below the lag of an average open model.

Event lags are the lags at the release dates of the open models that raised the
open frontier: the only non-redundant observations. Between two such events the
grid lag grows by exactly one grid step per step (the sawtooth).

The engine compares any follower group with any leader group: open vs closed is
the default pair (:func:`model.openness.open_groups`), but any two-valued labelling
of the rows works (for example China vs US open models).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.timeaxis import months_from_days
from model.data.openness import open_groups
from model.lags.frontier import Frontier, build_frontier

GRIDS = {"monthly": "MS", "weekly": "W-MON", "daily": "D"}


STATUSES = ("ok", "open_ahead", "left_censored", "no_open_yet", "no_closed_yet")
#: Statuses with no lag to observe: left out of fits, means and charts.
UNOBSERVED = ("no_open_yet", "no_closed_yet")


GRID_COLUMNS = [
    "date", "open_frontier", "open_model", "closed_frontier", "closed_match_model", "closed_match_date",
    "lag_months", "status", "gap_score", "lead_score", "lead_months",
]


EVENT_COLUMNS = [
    "model_id", "model_name", "creator", "release_date", "score", "lag_months", "status",
    "closed_match_model", "closed_match_date", "lead_score", "lead_months",
]


def date_grid(start: str | dt.date | pd.Timestamp, end: str | dt.date | pd.Timestamp, grid: str = "monthly") -> np.ndarray:
    """Grid dates from ``start`` to ``end`` inclusive: first of month, Mondays, or every day."""
    if grid not in GRIDS:
        raise DataError(f"Unknown grid {grid!r}; use one of {', '.join(GRIDS)}.")
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise DataError(f"The end date {end.date()} is before the start date {start.date()}.")
    return pd.date_range(start, end, freq=GRIDS[grid]).to_numpy(dtype="datetime64[D]")


def lag_at(follower: Frontier, leader: Frontier, dates: np.ndarray, *, tolerance: float = 0.0,
           higher_is_better: bool = True) -> pd.DataFrame:
    """Lags of ``follower`` behind ``leader`` at ``dates`` (vectorised; see the module docstring)."""
    if tolerance < 0 or not np.isfinite(tolerance):
        raise DataError("The tolerance must be a finite number >= 0.")
    dates = np.asarray(dates, dtype="datetime64[D]")
    n = len(dates)
    sign = 1.0 if higher_is_better else -1.0
    io = follower.at(dates)
    has_open = io >= 0
    o_val = np.where(has_open, follower.values[np.clip(io, 0, None)] if len(follower) else np.nan, np.nan)
    ic = leader.at(dates)
    c_val = np.where(ic >= 0, leader.values[np.clip(ic, 0, None)] if len(leader) else np.nan, np.nan)

    # First leader record reaching the follower's frontier (values strictly increase).
    k = np.searchsorted(leader.values, o_val - tolerance, side="left") if len(leader) else np.zeros(n, int)
    reached = has_open & (k < len(leader))
    kk = np.clip(k, 0, max(len(leader) - 1, 0))
    match_date = np.where(reached, leader.dates[kk] if len(leader) else np.datetime64("NaT"), np.datetime64("NaT"))
    caught_up = reached & (match_date <= dates)

    status = np.full(n, "no_open_yet", dtype=object)
    status[has_open] = "open_ahead"
    status[caught_up] = "ok"
    status[caught_up & (k == 0)] = "left_censored"
    status[has_open & (ic < 0)] = "no_closed_yet"  # before the first closed model in the data: no comparator

    lag = np.full(n, np.nan)
    lag[caught_up] = months_from_days(dates[caught_up] - match_date[caught_up])
    ahead = status == "open_ahead"
    lag[ahead] = 0.0
    lead_months = np.full(n, np.nan)
    later = ahead & reached
    lead_months[later] = months_from_days(match_date[later] - dates[later])

    return pd.DataFrame({
        "date": pd.to_datetime(dates),
        "open_frontier": o_val * sign,
        "open_model": np.where(has_open, follower.model_names[np.clip(io, 0, None)] if len(follower) else None, None),
        "closed_frontier": c_val * sign,
        "closed_match_model": np.where(caught_up, leader.model_names[kk] if len(leader) else None, None),
        "closed_match_date": pd.to_datetime(np.where(caught_up, match_date, np.datetime64("NaT"))),
        "lag_months": lag,
        "status": status,
        "gap_score": c_val - o_val,  # oriented: positive when the closed side is ahead
        "lead_score": np.where(ahead, o_val - np.nan_to_num(c_val, nan=-np.inf), np.nan),
        "lead_months": lead_months,
    })


def aligned_groups(scores: pd.DataFrame, groups: pd.Series | None) -> tuple[pd.DataFrame, pd.Series | None]:
    """Fresh 0..n-1 index (callers may pass duplicated indices); ``groups`` aligned by position."""
    if groups is not None and len(groups) != len(scores):
        raise DataError("The group labels must have one entry per score row.")
    scores = scores.reset_index(drop=True)
    return scores, (None if groups is None else pd.Series(np.asarray(groups), index=scores.index))


def split_groups(rows: pd.DataFrame, groups: pd.Series | None, open_definition: str,
                 benchmark: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The follower and leader rows of one benchmark (open vs closed unless groups are given)."""
    g = open_groups(rows, open_definition) if groups is None else groups.reindex(rows.index)
    follower, leader = rows[g == "open"], rows[g == "closed"]
    if groups is not None and (follower.empty or leader.empty):
        side = "follower" if follower.empty else "leader"
        raise DataError(f"Benchmark {benchmark!r} has no model of the {side} group, so there is no lag.")
    if follower.empty:
        raise DataError(f"Benchmark {benchmark!r} has no open models under the '{open_definition}' definition, so there is "
                        "no lag.")
    if leader.empty:
        raise DataError(f"Benchmark {benchmark!r} has no closed models, so there is no frontier to lag behind.")
    return follower, leader


def higher_is_better(benchmarks: pd.DataFrame | None, benchmark: str) -> bool:
    """Whether a higher score is better on this benchmark (True when unknown)."""
    if benchmarks is None or benchmark not in set(benchmarks["benchmark"]):
        return True
    return bool(benchmarks.set_index("benchmark").at[benchmark, "higher_is_better"])


def benchmark_groups(scores: pd.DataFrame, benchmark: str, benchmarks: pd.DataFrame | None, open_definition: str,
                     groups: pd.Series | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, bool]:
    """One benchmark's rows, its follower and leader rows, and whether higher is better; unknown is an error."""
    scores, groups = aligned_groups(scores, groups)
    rows = scores[scores["benchmark"] == benchmark]
    if rows.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    follower, leader = split_groups(rows, groups, open_definition, benchmark)
    return rows, follower, leader, higher_is_better(benchmarks, benchmark)


def frontier_lag(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None,
                 grid: str = "monthly", start=None, end=None, tolerance: float = 0.0,
                 open_definition: str = "any", groups: pd.Series | None = None) -> pd.DataFrame:
    """Lag of the open frontier behind the closed frontier on a date grid, for one benchmark.

    ``groups`` (optional) labels each row ``"open"`` (follower) / ``"closed"`` (leader) /
    anything else (ignored), replacing the open-weights definition.
    Default grid: from the first open release (month start) to the last release in the benchmark.
    """
    rows, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    start = pd.Timestamp(start) if start is not None else follower["release_date"].min().to_period("M").to_timestamp()
    end = pd.Timestamp(end) if end is not None else rows["release_date"].max()
    return lag_at(build_frontier(follower, hib), build_frontier(leader, hib), date_grid(start, end, grid),
                  tolerance=tolerance, higher_is_better=hib)


def event_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None,
               tolerance: float = 0.0, open_definition: str = "any", groups: pd.Series | None = None) -> pd.DataFrame:
    """One row per open model that raised the open frontier, with its lag at release."""
    _, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    fo, le = build_frontier(follower, hib), build_frontier(leader, hib)
    lags = lag_at(fo, le, fo.dates, tolerance=tolerance, higher_is_better=hib)
    return pd.DataFrame({
        "model_id": fo.model_ids, "model_name": fo.model_names, "creator": fo.creators,
        "release_date": pd.to_datetime(fo.dates), "score": lags["open_frontier"].to_numpy(),
        "lag_months": lags["lag_months"].to_numpy(), "status": lags["status"].to_numpy(),
        "closed_match_model": lags["closed_match_model"].to_numpy(), "closed_match_date": lags["closed_match_date"].to_numpy(),
        "lead_score": lags["lead_score"].to_numpy(), "lead_months": lags["lead_months"].to_numpy(),
    })
