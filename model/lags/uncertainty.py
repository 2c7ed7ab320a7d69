"""Score uncertainty carried into the lag: a parametric bootstrap of the scores gives a distribution of both
frontiers, and so of the lag, at every date.

Each score gets a standard error where one is known: the data's own (``score_se``: Epoch's ``stderr``, a user's
column), else binomial from the benchmark's item count (:data:`model.data.catalog.ITEM_COUNTS`), else none (the
indices, most sub-benchmarks: their lag interval is then a point).
Replicates draw every score from Normal(score, se), clipped to the benchmark's scale; the backward lag is
recomputed per replicate on the grid, vectorised over replicates (one broadcast comparison per benchmark), and
summarised as the 5%, 50% and 95% quantiles. Dates with no lag in a replicate (no open or no closed model yet) are
left out of that replicate's quantiles.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.timeaxis import months_from_days
from model.data.catalog import ITEM_COUNTS
from model.data.schema import parse_scale
from model.lags.engine import benchmark_groups, date_grid

#: Replicates of the parametric bootstrap (enough for stable 5%/95% ends; cheap, see bench/).
N_REPLICATES = 1000
INTERVAL_COLUMNS = ["lag_lo90", "lag_median", "lag_hi90"]


def scale_of(benchmarks: pd.DataFrame | None, benchmark: str) -> tuple[float, float] | None:
    """(min, max) of a benchmark's scale written "min..max", or None."""
    if benchmarks is None or benchmark not in set(benchmarks["benchmark"]):
        return None
    return parse_scale(benchmarks.set_index("benchmark").at[benchmark, "scale"])


def score_standard_errors(rows: pd.DataFrame, benchmark: str, benchmarks: pd.DataFrame | None) -> tuple[np.ndarray, str]:
    """Each row's standard error (native units; 0 = unknown) and where they came from.

    In order: the data's own ``score_se`` (Epoch's ``stderr``, a user's column), else binomial from the benchmark's
    item count, else none. The origin reads "data", "binomial: <source>", "data and binomial: <source>" or "none"."""
    given = rows["score_se"].to_numpy(float) if "score_se" in rows else np.full(len(rows), np.nan)
    has_data = np.isfinite(given)
    se, origins = np.where(has_data, given, 0.0), ["data"] if has_data.any() else []
    scale = scale_of(benchmarks, benchmark)
    if benchmark in ITEM_COUNTS and scale is not None and not has_data.all():
        n, source = ITEM_COUNTS[benchmark]
        lo, hi = scale
        p = ((rows["score"].to_numpy(float) - lo) / (hi - lo)).clip(0, 1)
        se = np.where(has_data, se, np.sqrt(p * (1 - p) / n) * (hi - lo))
        origins.append(f"binomial: {source}")
    return se, " and ".join(origins) or "none"


def _bootstrap(values: np.ndarray, se: np.ndarray, scale, rng: np.random.Generator, n: int) -> np.ndarray:
    draws = values[None, :] + se[None, :] * rng.standard_normal((n, len(values)))
    return draws.clip(*scale) if scale is not None else draws


def bootstrap_lags(scores: pd.DataFrame, benchmark: str, *, benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                   grid: str = "monthly", start=None, end=None, n_replicates: int = N_REPLICATES,
                   seed: int = 0, dates=None, groups: pd.Series | None = None) -> tuple[pd.DatetimeIndex, np.ndarray, str]:
    """Grid dates (or the ``dates`` given), the backward lag per replicate and date (months; NaN = no lag), and the
    SE's origin."""
    rows, follower, leader, hib = benchmark_groups(scores, benchmark, benchmarks, open_definition, groups)
    if follower.empty or leader.empty:
        raise DataError(f"{benchmark}: the lag needs both open and closed models.")
    sign = 1.0 if hib else -1.0
    follower, leader = follower.sort_values("release_date"), leader.sort_values("release_date")
    se_o, origin = score_standard_errors(follower, benchmark, benchmarks)
    se_c, _ = score_standard_errors(leader, benchmark, benchmarks)
    rng = np.random.default_rng(seed)
    scale = scale_of(benchmarks, benchmark)
    reps = n_replicates if origin != "none" else 1
    vo = _bootstrap(follower["score"].to_numpy(float), se_o, scale, rng, reps) * sign
    vc = _bootstrap(leader["score"].to_numpy(float), se_c, scale, rng, reps) * sign
    d_o = follower["release_date"].to_numpy("datetime64[D]")
    d_c = leader["release_date"].to_numpy("datetime64[D]")
    start = pd.Timestamp(start) if start is not None else pd.Timestamp(d_o[0]).to_period("M").to_timestamp()
    end = pd.Timestamp(end) if end is not None else rows["release_date"].max()
    dates = date_grid(start, end, grid) if dates is None else pd.DatetimeIndex(dates).to_numpy("datetime64[D]")
    idx_o = np.searchsorted(d_o, dates, side="right") - 1
    run_o = np.maximum.accumulate(vo, axis=1)
    open_frontier = np.where(idx_o[None, :] >= 0, run_o[:, np.clip(idx_o, 0, None)], np.nan)
    run_c = np.maximum.accumulate(vc, axis=1)
    # first closed record reaching the open frontier: closed running maxima are non-decreasing along the rows
    k = (run_c[:, None, :] < open_frontier[:, :, None]).sum(axis=2)
    match = np.where(k < len(d_c), d_c[np.clip(k, 0, len(d_c) - 1)], np.datetime64("NaT"))
    ahead = np.isnat(match) | (match > dates[None, :])  # not reached by the date (or ever): open ahead, lag 0
    lag = np.where(ahead, 0.0, months_from_days(np.where(ahead, dates[None, :], dates[None, :] - match)))
    no_comparator = (idx_o[None, :] < 0) | (dates[None, :] < d_c[0])
    lag = np.where(no_comparator | np.isnan(open_frontier), np.nan, lag)
    return pd.DatetimeIndex(dates), lag, origin


def lag_intervals(scores: pd.DataFrame, benchmark: str, **kw) -> pd.DataFrame:
    """The lag's 90% interval and median from score uncertainty, per grid date (one row per date)."""
    dates, lag, origin = bootstrap_lags(scores, benchmark, **kw)
    with warnings.catch_warnings():  # dates with no lag in any replicate stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(lag, [0.05, 0.5, 0.95], axis=0) if np.isfinite(lag).any() else np.full((3, len(dates)), np.nan)
    return pd.DataFrame({"date": dates, "lag_lo90": q[0], "lag_median": q[1], "lag_hi90": q[2], "score_se": origin})


def lag_standard_errors(scores: pd.DataFrame, benchmark: str, dates, *, benchmarks: pd.DataFrame | None = None,
                        open_definition: str = "any", n_replicates: int = N_REPLICATES, seed: int = 0,
                        groups: pd.Series | None = None) -> np.ndarray:
    """Each date's lag measurement error (months) from score uncertainty: the half-width of the bootstrap's 90%
    interval / 1.645, a standard deviation robust to the lag's skew and its bound at 0 (0 where scores are exact)."""
    _, lag, origin = bootstrap_lags(scores, benchmark, benchmarks=benchmarks, open_definition=open_definition,
                                    n_replicates=n_replicates, seed=seed, dates=dates, groups=groups)
    if origin == "none":
        return np.zeros(lag.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanquantile(lag, [0.05, 0.95], axis=0)
    return np.nan_to_num((hi - lo) / (2 * 1.645), nan=0.0)


def mean_lag_intervals(scores: pd.DataFrame, names: list[str], *, benchmarks: pd.DataFrame | None = None,
                       open_definition: str = "any", min_benchmarks: int = 1, n_replicates: int = N_REPLICATES,
                       seed: int = 0, groups: pd.Series | None = None) -> pd.DataFrame:
    """The across-benchmark mean monthly lag with its 90% interval from score uncertainty.

    Each replicate averages the benchmarks' replicated lags per month (benchmarks without standard errors enter with
    their exact lag); months with fewer than ``min_benchmarks`` lags are left out, as in the point mean."""
    per = []
    for i, name in enumerate(names):
        try:
            dates, lag, _ = bootstrap_lags(scores, name, benchmarks=benchmarks, open_definition=open_definition,
                                           n_replicates=n_replicates, seed=seed + i, groups=groups)
        except DataError:
            continue
        per.append(pd.DataFrame(np.broadcast_to(lag, (n_replicates, lag.shape[1])), columns=dates))
    if not per:
        raise DataError("No benchmark has both open and closed models.")
    all_dates = sorted(set().union(*(p.columns for p in per)))
    stack = np.stack([p.reindex(columns=all_dates).to_numpy(float) for p in per])  # benchmarks x replicates x dates
    count = np.isfinite(stack[:, 0, :]).sum(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(stack, axis=0)  # replicates x dates
        q = np.nanquantile(means, [0.05, 0.5, 0.95], axis=0)
    out = pd.DataFrame({"date": pd.DatetimeIndex(all_dates), "mean_lo90": q[0], "mean_median": q[1], "mean_hi90": q[2],
                        "n_benchmarks": count})
    return out[out["n_benchmarks"] >= min_benchmarks].reset_index(drop=True)
