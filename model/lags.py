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

Event lags are the lags at the release dates of the open models that raised the
open frontier: the only non-redundant observations. Between two such events the
grid lag grows by exactly one grid step per step (the sawtooth).

The engine compares any follower group with any leader group: open vs closed is
the default pair (:func:`model.openness.open_groups`), but any two-valued labelling
of the rows works (for example China vs US open models).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.openness import open_groups
from model.schema import DataError

DAYS_PER_MONTH = 30.4375
GRIDS = {"monthly": "MS", "weekly": "W-MON", "daily": "D"}
STATUSES = ("ok", "open_ahead", "left_censored", "no_open_yet")

GRID_COLUMNS = [
    "date", "open_frontier", "open_model", "closed_frontier", "closed_match_model", "closed_match_date",
    "lag_months", "status", "gap_score", "lead_score", "lead_months",
]
EVENT_COLUMNS = [
    "model_id", "model_name", "creator", "release_date", "score", "lag_months", "status",
    "closed_match_model", "closed_match_date", "lead_score", "lead_months",
]


@dataclass(frozen=True)
class Frontier:
    """A frontier as a step function: the record-setting models in date order.

    ``values`` are oriented (higher is better) and strictly increasing.
    """

    dates: np.ndarray  # datetime64[D]
    values: np.ndarray  # float, oriented
    model_ids: np.ndarray
    model_names: np.ndarray
    creators: np.ndarray

    def __len__(self) -> int:
        return len(self.dates)

    def at(self, dates: np.ndarray) -> np.ndarray:
        """Index of the record in force at each date (-1 before the first record)."""
        return np.searchsorted(self.dates, dates, side="right") - 1


def build_frontier(rows: pd.DataFrame, higher_is_better: bool = True) -> Frontier:
    """Running best of ``rows`` (one benchmark, one group) as a :class:`Frontier`."""
    if rows.empty:
        empty = np.array([], dtype=object)
        return Frontier(np.array([], dtype="datetime64[D]"), np.array([], dtype=float), empty, empty, empty)
    dates = rows["release_date"].to_numpy(dtype="datetime64[D]")
    oriented = rows["score"].to_numpy(dtype=float) * (1.0 if higher_is_better else -1.0)
    order = np.lexsort((-oriented, dates))  # by date, best first within a date
    _d, v = dates[order], oriented[order]
    running = np.maximum.accumulate(v)
    prev = np.concatenate(([-np.inf], running[:-1]))
    rec = order[v > prev]
    return Frontier(
        dates=dates[rec],
        values=oriented[rec],
        model_ids=rows["model_id"].to_numpy(dtype=object)[rec],
        model_names=rows["model_name"].to_numpy(dtype=object)[rec],
        creators=rows["creator"].to_numpy(dtype=object)[rec] if "creator" in rows else np.full(len(rec), "", dtype=object),
    )


def frontier_table(rows: pd.DataFrame, higher_is_better: bool = True) -> pd.DataFrame:
    """The frontier as a table: who held it, from when, with what score (native units)."""
    f = build_frontier(rows, higher_is_better)
    sign = 1.0 if higher_is_better else -1.0
    until = np.concatenate((f.dates[1:], [np.datetime64("NaT")])) if len(f) else f.dates
    return pd.DataFrame({
        "model_id": f.model_ids, "model_name": f.model_names, "creator": f.creators,
        "since": pd.to_datetime(f.dates), "until": pd.to_datetime(until), "score": f.values * sign,
    })


def date_grid(start: str | dt.date | pd.Timestamp, end: str | dt.date | pd.Timestamp, grid: str = "monthly") -> np.ndarray:
    """Grid dates from ``start`` to ``end`` inclusive: first of month, Mondays, or every day."""
    if grid not in GRIDS:
        raise DataError(f"Unknown grid {grid!r}; use one of {', '.join(GRIDS)}.")
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise DataError(f"The end date {end.date()} is before the start date {start.date()}.")
    return pd.date_range(start, end, freq=GRIDS[grid]).to_numpy(dtype="datetime64[D]")


def _months(delta: np.ndarray) -> np.ndarray:
    return delta.astype("timedelta64[D]").astype(float) / DAYS_PER_MONTH


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

    lag = np.full(n, np.nan)
    lag[caught_up] = _months(dates[caught_up] - match_date[caught_up])
    ahead = status == "open_ahead"
    lag[ahead] = 0.0
    lead_months = np.full(n, np.nan)
    later = ahead & reached
    lead_months[later] = _months(match_date[later] - dates[later])

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


def _aligned(scores: pd.DataFrame, groups: pd.Series | None) -> tuple[pd.DataFrame, pd.Series | None]:
    """Fresh 0..n-1 index (callers may pass duplicated indices); ``groups`` aligned by position."""
    if groups is not None and len(groups) != len(scores):
        raise DataError("The group labels must have one entry per score row.")
    scores = scores.reset_index(drop=True)
    return scores, (None if groups is None else pd.Series(np.asarray(groups), index=scores.index))


def _split(rows: pd.DataFrame, groups: pd.Series | None, definition: str, benchmark: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = open_groups(rows, definition) if groups is None else groups.reindex(rows.index)
    follower, leader = rows[g == "open"], rows[g == "closed"]
    if follower.empty:
        raise DataError(f"Benchmark {benchmark!r} has no open models under the '{definition}' definition, so there is no lag.")
    if leader.empty:
        raise DataError(f"Benchmark {benchmark!r} has no closed models, so there is no frontier to lag behind.")
    return follower, leader


def _hib(benchmarks: pd.DataFrame | None, benchmark: str) -> bool:
    if benchmarks is None or benchmark not in set(benchmarks["benchmark"]):
        return True
    return bool(benchmarks.set_index("benchmark").at[benchmark, "higher_is_better"])


def frontier_lag(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None,
                 grid: str = "monthly", start=None, end=None, tolerance: float = 0.0,
                 definition: str = "any", groups: pd.Series | None = None) -> pd.DataFrame:
    """Lag of the open frontier behind the closed frontier on a date grid, for one benchmark.

    ``groups`` (optional) labels each row ``"open"`` (follower) / ``"closed"`` (leader) /
    anything else (ignored), replacing the open-weights definition.
    Default grid: from the first open release (month start) to the last release in the benchmark.
    """
    scores, groups = _aligned(scores, groups)
    rows = scores[scores["benchmark"] == benchmark]
    if rows.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    follower, leader = _split(rows, groups, definition, benchmark)
    hib = _hib(benchmarks, benchmark)
    start = pd.Timestamp(start) if start is not None else follower["release_date"].min().to_period("M").to_timestamp()
    end = pd.Timestamp(end) if end is not None else rows["release_date"].max()
    return lag_at(build_frontier(follower, hib), build_frontier(leader, hib), date_grid(start, end, grid),
                  tolerance=tolerance, higher_is_better=hib)


def event_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None,
               tolerance: float = 0.0, definition: str = "any", groups: pd.Series | None = None) -> pd.DataFrame:
    """One row per open model that raised the open frontier, with its lag at release."""
    scores, groups = _aligned(scores, groups)
    rows = scores[scores["benchmark"] == benchmark]
    if rows.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    follower, leader = _split(rows, groups, definition, benchmark)
    hib = _hib(benchmarks, benchmark)
    fo, le = build_frontier(follower, hib), build_frontier(leader, hib)
    lags = lag_at(fo, le, fo.dates, tolerance=tolerance, higher_is_better=hib)
    return pd.DataFrame({
        "model_id": fo.model_ids, "model_name": fo.model_names, "creator": fo.creators,
        "release_date": pd.to_datetime(fo.dates), "score": lags["open_frontier"].to_numpy(),
        "lag_months": lags["lag_months"].to_numpy(), "status": lags["status"].to_numpy(),
        "closed_match_model": lags["closed_match_model"].to_numpy(), "closed_match_date": lags["closed_match_date"].to_numpy(),
        "lead_score": lags["lead_score"].to_numpy(), "lead_months": lags["lead_months"].to_numpy(),
    })


def event_lags_by_benchmark(scores: pd.DataFrame, *, benchmarks: pd.DataFrame | None = None, tolerance: float = 0.0,
                            definition: str = "any") -> tuple[pd.DataFrame, list[str]]:
    """Event lags of every benchmark as one table with a ``benchmark`` column, and the reasons for those skipped."""
    parts, skipped = [], []
    for name in sorted(scores["benchmark"].unique()):
        try:
            parts.append(event_lags(scores, name, benchmarks=benchmarks, tolerance=tolerance, definition=definition)
                         .assign(benchmark=name))
        except DataError as exc:
            skipped.append(str(exc))
    if not parts:
        raise DataError("None of the benchmarks has both open and closed models.")
    return pd.concat(parts, ignore_index=True), skipped


def lags_by_benchmark(scores: pd.DataFrame, *, benchmarks: pd.DataFrame | None = None, names: list[str] | None = None,
                      grid: str = "monthly", start=None, end=None, tolerance: float = 0.0, definition: str = "any",
                      groups: pd.Series | None = None, skip_unusable: bool = True) -> pd.DataFrame:
    """Grid lags for many benchmarks on one shared grid, as a long table with a ``benchmark`` column.

    Benchmarks without both groups are skipped (``skip_unusable``) or raise. Each
    benchmark's rows stop at its last release date in the data.
    """
    names = names if names is not None else sorted(scores["benchmark"].unique())
    if not names:
        raise DataError("No benchmarks selected.")
    scores, groups = _aligned(scores, groups)
    sub = scores[scores["benchmark"].isin(names)]
    g_all = open_groups(sub, definition) if groups is None else groups.reindex(sub.index)
    start = pd.Timestamp(start) if start is not None else sub.loc[g_all == "open", "release_date"].min()
    if pd.isna(start):
        raise DataError(f"No open models in the selected benchmarks under the '{definition}' definition.")
    start = start.to_period("M").to_timestamp() if grid == "monthly" else start
    end = pd.Timestamp(end) if end is not None else sub["release_date"].max()
    dates = date_grid(start, end, grid)
    out = []
    for name, rows in sub.groupby("benchmark", sort=True):
        try:
            follower, leader = _split(rows, g_all, definition, name)
        except DataError:
            if skip_unusable:
                continue
            raise
        hib = _hib(benchmarks, name)
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
    usable = long[long["status"] != "no_open_yet"]
    g = usable.groupby("date")["lag_months"]
    out = pd.DataFrame({
        "mean_lag": g.mean(), "median_lag": g.median(), "q25_lag": g.quantile(0.25), "q75_lag": g.quantile(0.75),
        "n_benchmarks": g.size(),
        "n_censored": usable.assign(c=usable["status"] == "left_censored").groupby("date")["c"].sum(),
        "n_open_ahead": usable.assign(c=usable["status"] == "open_ahead").groupby("date")["c"].sum(),
    })
    out = out[out["n_benchmarks"] >= min_benchmarks]
    return out.reset_index()


def years_since(dates, reference: pd.Timestamp) -> np.ndarray:
    """Time in years (365.25 days) from ``reference``."""
    return (pd.to_datetime(pd.Series(dates)) - reference).dt.days.to_numpy(dtype=float) / 365.25


@dataclass(frozen=True)
class OLSResult:
    """A least-squares straight line through a lag series (the June 2026 method; not Bayesian)."""

    slope_months_per_year: float
    intercept_months: float
    reference_date: pd.Timestamp
    crossing_date: pd.Timestamp | None
    n_points: int
    window_start: pd.Timestamp
    window_end: pd.Timestamp

    def describe(self) -> str:
        cross = self.crossing_date.date().isoformat() if self.crossing_date is not None else "never (slope >= 0)"
        return (f"OLS (least squares, no uncertainty): slope {self.slope_months_per_year:+.2f} months/year over "
                f"{self.n_points} points from {self.window_start.date()} to {self.window_end.date()}; "
                f"zero crossing: {cross}")


def ols_crossing(series: pd.DataFrame, start=None, *, value: str = "lag_months", date: str = "date") -> OLSResult:
    """Fit ``lag = a + b * years`` by least squares from ``start`` and return where it hits 0.

    This is the June 2026 analysis's method, kept as a labelled baseline: it treats
    the sawtooth points as independent and ignores the floor at 0.
    """
    s = series[[date, value]].dropna()
    if start is not None:
        s = s[s[date] >= pd.Timestamp(start)]
    if len(s) < 2 or s[date].nunique() < 2:
        raise DataError(f"A least-squares line needs at least 2 dated points after {start}; found {len(s)}.")
    ref = s[date].min()
    x, y = years_since(s[date], ref), s[value].to_numpy(dtype=float)
    b, a = np.polyfit(x, y, 1)
    crossing = None
    if b < 0:
        crossing = (ref + pd.to_timedelta(-a / b * 365.25, unit="D")).normalize()
    return OLSResult(float(b), float(a), ref, crossing, len(s), s[date].min(), s[date].max())
