"""What a trend model is fitted to: event lags or the monthly grid, with censoring from the lag status.

Time is in years from the reference date (the end of the window, so the intercept is
"the lag now"); the lag is in months. Censoring follows :mod:`model.lags`:

* ``open_ahead``: the latent lag is <= 0 (stored as y = 0, lower bound = 0);
* ``left_censored``: the latent lag is >= the observed value (upper bound = y);
* ``no_open_yet`` and ``no_closed_yet``: dropped (there is no lag to observe).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.timeaxis import years_between
from model.lags.across import lag_summary_by_date, lags_by_benchmark, quorum
from model.lags.definitions import lags_by_definition
from model.lags.engine import UNOBSERVED, event_lags, frontier_lag
from model.lags.uncertainty import lag_standard_errors

OBSERVATION_KINDS = ("events", "monthly")
#: Statuses whose lag is only a lower bound: before the data (left-censored), or not caught up yet.
LOWER_BOUND_STATUSES = ("left_censored", "not_caught_up")
MIN_OBSERVATIONS = 3


@dataclass(frozen=True)
class Observations:
    """Lag observations of one series (a benchmark, or the across-benchmark mean)."""

    name: str
    kind: str
    dates: np.ndarray  # datetime64[ns]
    y: np.ndarray
    status: np.ndarray
    reference: pd.Timestamp
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    #: Each lag's measurement error from score uncertainty (months; None = exact), added to the model's noise.
    se: np.ndarray | None = None
    #: How the lag was measured (:data:`model.lags.definitions.DEFINITIONS`).
    lag_definition: str = "backward"

    @property
    def meas_sd(self) -> np.ndarray:
        """Each observation's measurement error (months), zeros when the lags are exact."""
        return np.zeros(len(self.y)) if self.se is None else self.se

    @property
    def x(self) -> np.ndarray:
        """Years from the reference date (<= 0 inside the window)."""
        return years_between(pd.to_datetime(self.dates), self.reference)

    @property
    def lower(self) -> np.ndarray:
        """Censoring bound for ``pm.Censored``: 0 where open was ahead (latent <= 0), else -inf."""
        return np.where(self.status == "open_ahead", 0.0, -np.inf)

    @property
    def upper(self) -> np.ndarray:
        """Censoring bound: y where the lag is only a lower bound (latent >= y), else +inf."""
        return np.where(np.isin(self.status, LOWER_BOUND_STATUSES), self.y, np.inf)

    def __len__(self) -> int:
        return len(self.y)

    def frame(self) -> pd.DataFrame:
        """The observations as a table: date, years from the reference, lag, status, measurement error (months)."""
        return pd.DataFrame({"date": pd.to_datetime(self.dates), "x_years": self.x, "lag_months": self.y, "status": self.status,
                             "lag_se": self.meas_sd})

    def up_to(self, cutoff: pd.Timestamp) -> Observations:
        """The observations strictly before ``cutoff``, re-referenced to the cutoff (for backtests)."""
        keep = pd.to_datetime(self.dates) < cutoff
        return replace(self, dates=self.dates[keep], y=self.y[keep], status=self.status[keep], reference=pd.Timestamp(cutoff),
                       window_end=pd.Timestamp(cutoff), se=None if self.se is None else self.se[keep])

    def with_measurement_error(self, se: np.ndarray) -> Observations:
        """The same observations with each lag's measurement error (months)."""
        return replace(self, se=np.asarray(se, dtype=float))


def _from_table(name: str, kind: str, table: pd.DataFrame, date_col: str, start, end, reference) -> Observations:
    t = table[~table["status"].isin(UNOBSERVED)]
    if start is not None:
        t = t[t[date_col] >= pd.Timestamp(start)]
    if end is not None:
        t = t[t[date_col] <= pd.Timestamp(end)]
    if len(t) < MIN_OBSERVATIONS:
        raise DataError(f"{name}: only {len(t)} lag observation(s) in the window; a trend needs at least {MIN_OBSERVATIONS}. "
                        "Choose an earlier start date or the monthly observations.")
    dates = t[date_col].to_numpy(dtype="datetime64[ns]")
    default_reference = end if end is not None else dates.max()
    ref = pd.Timestamp(reference if reference is not None else default_reference)
    return Observations(
        name=name, kind=kind, dates=dates, y=t["lag_months"].to_numpy(dtype=float), status=t["status"].to_numpy(dtype=object),
        reference=ref, window_start=pd.Timestamp(start) if start is not None else pd.Timestamp(dates.min()),
        window_end=pd.Timestamp(end) if end is not None else pd.Timestamp(dates.max()),
    )


def benchmark_observations(scores: pd.DataFrame, benchmark: str, *, kind: str = "events", start=None, end=None,
                           reference=None, benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                           tolerance: float = 0.0, lag_definition: str = "backward",
                           measurement_error: bool = False, groups: pd.Series | None = None) -> Observations:
    """Event lags (default) or the monthly grid of one benchmark, from ``start`` to ``end``.

    The reference date defaults to the benchmark's last release in the data, so the
    intercept is the trend's lag at the end of the data. ``lag_definition`` other than ``backward`` takes the
    observations of that definition (:mod:`model.lags.definitions`; event-like, so only with ``kind="events"``).
    ``measurement_error`` attaches each backward lag's error from score uncertainty
    (:func:`model.lags.uncertainty.lag_standard_errors`; zeros where the scores have no standard error). The other
    definitions are left exact: ``not_significantly_behind`` already uses the errors in its rule.
    """
    obs = _benchmark_observations(scores, benchmark, kind=kind, start=start, end=end, reference=reference,
                                  benchmarks=benchmarks, open_definition=open_definition, tolerance=tolerance,
                                  lag_definition=lag_definition, groups=groups)
    if not measurement_error or lag_definition != "backward":
        return obs
    se = lag_standard_errors(scores, benchmark, pd.to_datetime(obs.dates), benchmarks=benchmarks, open_definition=open_definition,
                             groups=groups)
    return obs.with_measurement_error(se) if se.any() else obs


def _benchmark_observations(scores, benchmark, *, kind, start, end, reference, benchmarks, open_definition, tolerance,
                            lag_definition, groups) -> Observations:
    if kind not in OBSERVATION_KINDS:
        raise DataError(f"Unknown observations {kind!r}; use one of {', '.join(OBSERVATION_KINDS)}.")
    rows = scores[scores["benchmark"] == benchmark]
    if rows.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    data_end = rows["release_date"].max()
    end = pd.Timestamp(end) if end is not None else data_end
    if lag_definition != "backward":
        if kind != "events":
            raise DataError(f"The {lag_definition} definition gives one observation per record or threshold; use the "
                            "events observations.")
        table = lags_by_definition(scores, benchmark, lag_definition, benchmarks=benchmarks, open_definition=open_definition,
                                   start=start, tolerance=tolerance, groups=groups)
        return replace(_from_table(benchmark, kind, table, "date", start, end, reference or end), lag_definition=lag_definition)
    if kind == "events":
        table = event_lags(scores, benchmark, benchmarks=benchmarks, open_definition=open_definition, tolerance=tolerance,
                           groups=groups)
        return _from_table(benchmark, kind, table, "release_date", start, end, reference or end)
    table = frontier_lag(scores, benchmark, benchmarks=benchmarks, open_definition=open_definition, tolerance=tolerance, end=end,
                         groups=groups)
    return _from_table(benchmark, kind, table, "date", start, end, reference or end)


def mean_observations(scores: pd.DataFrame, names: list[str], *, start=None, end=None, benchmarks: pd.DataFrame | None = None,
                      open_definition: str = "any", tolerance: float = 0.0, groups: pd.Series | None = None) -> Observations:
    """The across-benchmark mean monthly lag (the June 2026 analysis's series), as uncensored observations."""
    long = lags_by_benchmark(scores, benchmarks=benchmarks, names=names, open_definition=open_definition, tolerance=tolerance,
                             groups=groups)
    summary = lag_summary_by_date(long, min_benchmarks=quorum(len(names)))
    table = summary.rename(columns={"mean_lag": "lag_months"}).assign(status="ok")
    return _from_table("mean of " + str(len(names)) + " benchmarks", "monthly_mean", table, "date", start, end, end)


@dataclass(frozen=True)
class PooledObservations:
    """Observations of several benchmarks on one reference date, for the hierarchical model."""

    series: tuple[Observations, ...]
    #: One line per benchmark left out (too few observations in the window).
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """The benchmarks' names, in group order."""
        return [s.name for s in self.series]

    @property
    def group(self) -> np.ndarray:
        """Each stacked observation's benchmark index."""
        return np.concatenate([np.full(len(s), i) for i, s in enumerate(self.series)]).astype("int64")

    def stacked(self, attr: str) -> np.ndarray:
        """One attribute of every series, concatenated in group order."""
        return np.concatenate([getattr(s, attr) for s in self.series])

    @property
    def reference(self) -> pd.Timestamp:
        """The shared reference date (x = 0)."""
        return self.series[0].reference


def pooled_observations(scores: pd.DataFrame, names: list[str], *, kind: str = "events", start=None, end=None,
                        benchmarks: pd.DataFrame | None = None, open_definition: str = "any",
                        tolerance: float = 0.0, lag_definition: str = "backward",
                        measurement_error: bool = False,
                        groups: pd.Series | None = None) -> tuple[PooledObservations, list[str]]:
    """Observations of each named benchmark on a shared reference date (the latest data end).

    Returns the pooled observations and a list of one-line notes for benchmarks left out.
    """
    if not names:
        raise DataError("Choose at least two benchmarks to pool.")
    ends = scores[scores["benchmark"].isin(names)].groupby("benchmark")["release_date"].max()
    reference = pd.Timestamp(end) if end is not None else ends.max()
    series, notes = [], []
    for name in names:
        try:
            series.append(benchmark_observations(scores, name, kind=kind, start=start,
                                                 end=min(ends.get(name, reference), reference),
                                                 reference=reference, benchmarks=benchmarks, open_definition=open_definition,
                                                 tolerance=tolerance, lag_definition=lag_definition,
                                                 measurement_error=measurement_error, groups=groups))
        except DataError as exc:
            notes.append(f"left out: {exc}")
    if len(series) < 2:
        raise DataError("Pooling needs at least two benchmarks with enough observations. " + " ".join(notes)[:300])
    return PooledObservations(tuple(series)), notes
