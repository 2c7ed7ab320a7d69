"""The published definitions of the lag, as one choice.

Each definition turns one benchmark's two frontiers into lag observations (date, lag in months, status), with
the same censoring vocabulary as the engine: ``ok``; ``open_ahead`` (the latent lag is at most 0);
``left_censored`` and ``not_caught_up`` (the lag is at least the value given: a lower bound).

``backward`` (the default; this project and the June 2026 analysis)
    At each open release that raised the open frontier: months since the closed frontier first reached it
    (:func:`model.lags.engine.event_lags`).
``catch_up`` (Epoch AI, "How far behind are open models?", 2024)
    For each closed record: months until an open model first matched it, observed at that catch-up date; while no
    open model has caught up, the lag is at least the time since the record (``not_caught_up``).
``threshold`` (Håvard Ihle, open_closed_gap)
    Score thresholds on a regular grid above both frontiers' first records: the first open crossing minus the
    first closed crossing, dated at the open crossing; a threshold only closed models crossed is ``not_caught_up``.
``level_average`` (Epoch AI data insight, October 2025)
    Over a window, the horizontal gap averaged over the score levels both frontiers passed through in it
    (:func:`level_average_lag`); as a series, the window runs from a fixed start to each month.

``not_significantly_behind`` (Epoch AI, "Open models lag closed models by 4 months", May 2026)
    At each open release that raised the open frontier: months since the closed frontier first became
    *significantly* better than it, i.e. first beat its score by more than ``z * sqrt(se_open**2 + se_closed**2)``
    (one-sided 5%, ``z`` = :data:`NSB_Z`: our reading of "not significantly better"). With exact scores this is
    ``backward``; with noisy scores it is shorter, since a near-tie counts as caught up. It needs standard errors
    (the data's ``score_se`` or a known item count, :func:`model.lags.uncertainty.score_standard_errors`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.timeaxis import months_from_days
from model.lags.engine import benchmark_groups, event_lags
from model.lags.frontier import Frontier, build_frontier
from model.lags.uncertainty import score_standard_errors

DEFINITIONS = ("backward", "catch_up", "threshold", "level_average", "not_significantly_behind")
#: One-sided z of "significantly better" in ``not_significantly_behind`` (5%).
NSB_Z = 1.645
DEFINITION_COLUMNS = ["date", "lag_months", "status", "level", "closed_model", "closed_date", "open_model", "open_date"]
#: Thresholds on the grid of the ``threshold`` definition, and levels averaged by ``level_average``.
N_THRESHOLDS, N_LEVELS = 20, 50


def first_reach(frontier: Frontier, level: float) -> int:
    """Index of the first record at or above ``level`` (oriented), or ``len(frontier)`` if none."""
    return int(np.searchsorted(frontier.values, level, side="left"))


def _months(later: np.datetime64, earlier: np.datetime64) -> float:
    return float(months_from_days(np.array([later - earlier]))[0])


def _frontiers(scores, benchmark, benchmarks, open_definition, groups):
    rows, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    fo, le = build_frontier(follower, hib), build_frontier(leader, hib)
    if not len(fo) or not len(le):
        raise DataError(f"{benchmark}: the lag needs both open and closed models.")
    end = rows["release_date"].max().to_datetime64().astype("datetime64[D]")
    return fo, le, end, 1.0 if hib else -1.0


def _level_row(level, fo, le, k_open, k_closed, end, sign) -> dict:
    """One level's observation: when each frontier first reached it, and the lag it implies."""
    c_date = le.dates[k_closed]
    row = {"level": level * sign, "closed_model": le.model_names[k_closed], "closed_date": pd.Timestamp(c_date),
           "open_model": None, "open_date": pd.NaT}
    if k_open >= len(fo):
        return {**row, "date": pd.Timestamp(end), "lag_months": _months(end, c_date), "status": "not_caught_up"}
    o_date = fo.dates[k_open]
    row.update(open_model=fo.model_names[k_open], open_date=pd.Timestamp(o_date))
    if o_date < c_date:
        return {**row, "date": pd.Timestamp(o_date), "lag_months": 0.0, "status": "open_ahead"}
    return {**row, "date": pd.Timestamp(o_date), "lag_months": _months(o_date, c_date), "status": "ok"}


def catch_up_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                  groups: pd.Series | None = None) -> pd.DataFrame:
    """For each closed record, the months until an open model first matched it (see the module docstring)."""
    fo, le, end, sign = _frontiers(scores, benchmark, benchmarks, open_definition, groups)
    rows = []
    for j, level in enumerate(le.values):
        k = first_reach(fo, level)
        row = _level_row(level, fo, le, k, j, end, sign)
        if row["status"] == "open_ahead":  # the open side already held this score when the record was set
            row["date"] = row["closed_date"]
        rows.append(row)
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS).sort_values("date", kind="stable").reset_index(drop=True)


def threshold_levels(fo: Frontier, le: Frontier, n: int = N_THRESHOLDS) -> np.ndarray:
    """``n`` evenly spaced thresholds above both first records (below them a crossing date says nothing) up to the
    best score either side reached (oriented units)."""
    lo, hi = max(fo.values[0], le.values[0]), max(fo.values[-1], le.values[-1])
    return np.linspace(lo, hi, n + 1)[1:] if hi > lo else np.array([])


def threshold_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                   groups: pd.Series | None = None, n: int = N_THRESHOLDS) -> pd.DataFrame:
    """First open crossing minus first closed crossing of each threshold, dated at the open crossing."""
    fo, le, end, sign = _frontiers(scores, benchmark, benchmarks, open_definition, groups)
    rows = []
    for level in threshold_levels(fo, le, n):
        k_open, k_closed = first_reach(fo, level), first_reach(le, level)
        if k_closed >= len(le):  # only the open side got there: the open side is ahead at this level
            rows.append({"date": pd.Timestamp(fo.dates[k_open]), "lag_months": 0.0, "status": "open_ahead",
                         "level": level * sign, "closed_model": None, "closed_date": pd.NaT,
                         "open_model": fo.model_names[k_open], "open_date": pd.Timestamp(fo.dates[k_open])})
            continue
        rows.append(_level_row(level, fo, le, k_open, k_closed, end, sign))
    if not rows:
        raise DataError(f"{benchmark}: the frontiers do not rise above their first records; no threshold to compare.")
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS).sort_values("date", kind="stable").reset_index(drop=True)


def _value_at(frontier: Frontier, date: np.datetime64) -> float:
    i = int(frontier.at(np.array([date]))[0])
    return frontier.values[i] if i >= 0 else -np.inf


def level_average_lag(scores: pd.DataFrame, benchmark: str, *, start, end, benchmarks: pd.DataFrame | None = None,
                      open_definition: str = "any", groups: pd.Series | None = None, n: int = N_LEVELS) -> float:
    """Months between the first closed and the first open model at each score level both frontiers passed through
    between ``start`` and ``end``, averaged over those levels (NaN when the two ranges do not overlap)."""
    fo, le, _, _ = _frontiers(scores, benchmark, benchmarks, open_definition, groups)
    t0 = np.datetime64(pd.Timestamp(start).date())
    t1 = np.datetime64(pd.Timestamp(end).date())
    lo = max(_value_at(fo, t0), _value_at(le, t0), fo.values[0], le.values[0])
    hi = min(_value_at(fo, t1), _value_at(le, t1))
    if not hi > lo:
        return float("nan")
    gaps = [_months(fo.dates[first_reach(fo, s)], le.dates[first_reach(le, s)]) for s in np.linspace(lo, hi, n + 1)[1:]]
    return float(np.mean(gaps))


def level_average_lags(scores: pd.DataFrame, benchmark: str, *, start, benchmarks: pd.DataFrame | None = None,
                       open_definition: str = "any", groups: pd.Series | None = None) -> pd.DataFrame:
    """:func:`level_average_lag` from ``start`` to each month after it, as a series."""
    rows_all = scores[scores["benchmark"] == benchmark]
    grid = pd.date_range(pd.Timestamp(start) + pd.offsets.MonthBegin(1), rows_all["release_date"].max(), freq="MS")
    rows = []
    for t in grid:
        lag = level_average_lag(scores, benchmark, start=start, end=t, benchmarks=benchmarks, open_definition=open_definition,
                                groups=groups)
        if np.isfinite(lag):
            rows.append({"date": t, "lag_months": max(lag, 0.0), "status": "ok" if lag >= 0 else "open_ahead"})
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)


def _se_by_model(rows: pd.DataFrame, se: np.ndarray, frontier: Frontier) -> np.ndarray:
    return pd.Series(se, index=rows["model_id"].to_numpy()).groupby(level=0).first().reindex(frontier.model_ids).to_numpy()


def not_significantly_behind_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None,
                                  open_definition: str = "any", groups: pd.Series | None = None,
                                  z: float = NSB_Z) -> pd.DataFrame:
    """At each open record: months since the closed frontier first became significantly better than it."""
    rows, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    se_f, origin_f = score_standard_errors(follower, benchmark, benchmarks)
    se_l, origin_l = score_standard_errors(leader, benchmark, benchmarks)
    if origin_f == "none" and origin_l == "none":
        raise DataError(f"{benchmark}: no score has a standard error, so 'not significantly behind' cannot be judged "
                        "(give a score_se column, or use another definition).")
    fo, le = build_frontier(follower, hib), build_frontier(leader, hib)
    if not len(fo) or not len(le):
        raise DataError(f"{benchmark}: the lag needs both open and closed models.")
    se_o, se_c = _se_by_model(follower, se_f, fo), _se_by_model(leader, se_l, le)
    margin = z * np.sqrt(se_o[:, None] ** 2 + se_c[None, :] ** 2)
    better = (le.values[None, :] - fo.values[:, None]) > margin  # open record x closed record
    k = np.where(better.any(axis=1), better.argmax(axis=1), len(le))
    sign = 1.0 if hib else -1.0
    out = []
    for i, t in enumerate(fo.dates):
        row = {"date": pd.Timestamp(t), "level": fo.values[i] * sign, "closed_model": None, "closed_date": pd.NaT,
               "open_model": fo.model_names[i], "open_date": pd.Timestamp(t)}
        if t < le.dates[0]:
            row.update(lag_months=np.nan, status="no_closed_yet")
        elif k[i] >= len(le) or le.dates[k[i]] > t:  # not significantly behind the closed frontier of the day
            row.update(lag_months=0.0, status="open_ahead")
        else:
            row.update(lag_months=_months(t, le.dates[k[i]]), status="left_censored" if k[i] == 0 else "ok",
                       closed_model=le.model_names[k[i]], closed_date=pd.Timestamp(le.dates[k[i]]))
        out.append(row)
    return pd.DataFrame(out, columns=DEFINITION_COLUMNS)


def not_significantly_behind_grid(scores: pd.DataFrame, benchmark: str, *, start, end=None,
                                  benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                                  groups: pd.Series | None = None, z: float = NSB_Z) -> pd.DataFrame:
    """The ``not_significantly_behind`` lag on the first of every month from ``start`` to ``end`` (default: the data's
    end): months since the closed frontier first became significantly better than the best open model released so
    far, 0 where it is not (yet) significantly better. Between open releases it grows with the calendar (the sawtooth);
    its mean over a window is the "open models lag by N months" figure."""
    events = not_significantly_behind_lags(scores, benchmark, benchmarks=benchmarks, open_definition=open_definition,
                                           groups=groups,
                                           z=z)
    rows, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    se_f, _ = score_standard_errors(follower, benchmark, benchmarks)
    se_l, _ = score_standard_errors(leader, benchmark, benchmarks)
    fo, le = build_frontier(follower, hib), build_frontier(leader, hib)
    se_o, se_c = _se_by_model(follower, se_f, fo), _se_by_model(leader, se_l, le)
    end = pd.Timestamp(end) if end is not None else rows["release_date"].max()
    out = []
    for d in pd.date_range(pd.Timestamp(start), end, freq="MS"):
        i = int(np.searchsorted(fo.dates, np.datetime64(d), side="right")) - 1  # the open record standing on d
        known = int(np.searchsorted(le.dates, np.datetime64(d), side="right"))  # closed records released by d
        if i < 0 or known == 0:
            continue
        better = (le.values[:known] - fo.values[i]) > z * np.sqrt(se_o[i] ** 2 + se_c[:known] ** 2)
        if better.any():
            k = int(better.argmax())
            out.append({"date": d, "lag_months": _months(np.datetime64(d), le.dates[k]), "status": "ok",
                        "closed_model": le.model_names[k], "closed_date": pd.Timestamp(le.dates[k]),
                        "open_model": fo.model_names[i], "open_date": pd.Timestamp(fo.dates[i]),
                        "level": fo.values[i] * (1.0 if hib else -1.0)})
        else:
            out.append({"date": d, "lag_months": 0.0, "status": "open_ahead", "open_model": fo.model_names[i],
                        "open_date": pd.Timestamp(fo.dates[i]), "level": fo.values[i] * (1.0 if hib else -1.0)})
    del events  # computed for its checks (standard errors present, both groups): same refusals as the event version
    return pd.DataFrame(out, columns=DEFINITION_COLUMNS)


def lags_by_definition(scores: pd.DataFrame, benchmark: str, definition_name: str, *, benchmarks=None,
                       open_definition: str = "any", start=None, tolerance: float = 0.0,
                       groups: pd.Series | None = None) -> pd.DataFrame:
    """Lag observations of one benchmark under a named definition (``backward`` = the engine's event lags)."""
    if definition_name not in DEFINITIONS:
        raise DataError(f"Unknown lag definition {definition_name!r}; use one of {', '.join(DEFINITIONS)}.")
    kw = dict(benchmarks=benchmarks, open_definition=open_definition, groups=groups)
    if definition_name == "backward":
        ev = event_lags(scores, benchmark, tolerance=tolerance, **kw)
        return ev.rename(columns={"release_date": "date", "model_name": "open_model", "closed_match_model": "closed_model",
                                  "closed_match_date": "closed_date", "score": "level"}).assign(
            open_date=lambda t: t["date"])[DEFINITION_COLUMNS]
    if tolerance:
        raise DataError("A tolerance applies to the backward definition only.")
    if definition_name == "catch_up":
        return catch_up_lags(scores, benchmark, **kw)
    if definition_name == "threshold":
        return threshold_lags(scores, benchmark, **kw)
    if definition_name == "not_significantly_behind":
        return not_significantly_behind_lags(scores, benchmark, **kw)
    first = scores.loc[scores["benchmark"] == benchmark, "release_date"].min()
    return level_average_lags(scores, benchmark, start=start or first, **kw)
