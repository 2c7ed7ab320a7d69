"""The ``lags`` command: grid or event lags, or the observations of a published definition, for one benchmark or all.

Every flag either changes the output or is refused in one line naming it (:func:`refuse_unused_lag_flags`).
"""

from __future__ import annotations

import sys

import pandas as pd

from model.commands import emit, groups_from_args, input_paths
from model.core.errors import DataError
from model.data.dataset import Dataset
from model.lags.across import definition_lags_by_benchmark, event_lags_by_benchmark, lag_summary_by_date, lags_by_benchmark
from model.lags.engine import event_lags, frontier_lag
from model.lags.ols import ols_crossing


def run_lags(args, ds: Dataset) -> int:
    """``lags``: grid or event lags of one benchmark or all, optionally the OLS crossing."""
    refuse_unused_lag_flags(args)
    groups = groups_from_args(args, ds)
    kw = dict(benchmarks=ds.benchmarks, tolerance=args.tolerance, open_definition=args.open_definition, groups=groups)
    if args.definition != "backward":
        return run_lag_definition(args, ds, groups)
    grid = args.grid or "monthly"
    if args.benchmark == "all" and args.events:
        table, skipped = event_lags_by_benchmark(ds.scores, **kw)
        for reason in skipped:
            print(f"skipped: {reason}", file=sys.stderr)
        table = in_window(table, "release_date", args.start, args.end)
    elif args.benchmark == "all":
        table = lags_by_benchmark(ds.scores, grid=grid, start=args.start, end=args.end, **kw)
    elif args.events:
        table = in_window(event_lags(ds.scores, args.benchmark, **kw), "release_date", args.start, args.end)
    else:
        table = frontier_lag(ds.scores, args.benchmark, grid=grid, start=args.start, end=args.end, **kw)
    if args.intervals:
        table = with_lag_intervals(table, ds, args, groups)
    if args.ols_from:
        if args.benchmark == "all" and not args.events:
            series = lag_summary_by_date(table).rename(columns={"mean_lag": "lag_months"})
        else:
            series = table.rename(columns={"release_date": "date"}) if args.events else table
        print(ols_crossing(series, args.ols_from).describe())
        if not args.out:
            return 0
    emit(table, args.out, inputs=input_paths(args))
    return 0


def refuse_unused_lag_flags(args) -> None:
    """Every ``lags`` flag changes the output or is refused here, in one line naming it and why."""
    grid_only = "it gives one row per observation, not the backward grid"
    if args.definition != "backward":
        for flag, given, why in (("--grid", args.grid is not None, grid_only), ("--intervals", args.intervals, grid_only),
                                 ("--events", args.events, grid_only), ("--ols-from", bool(args.ols_from), grid_only),
                                 ("--tolerance", args.tolerance != 0, "a tolerance is part of the backward rule only")):
            if given:
                raise DataError(f"{flag} does not apply to --definition {args.definition}: {why}; leave it out.")
    elif args.events:
        for flag, given in (("--grid", args.grid is not None), ("--intervals", args.intervals)):
            if given:
                raise DataError(f"{flag} applies to the monthly grid, not to --events (one row per open release); leave "
                                "one of them out.")


def in_window(table: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    """The rows of ``table`` dated from ``start`` to ``end`` (either may be None)."""
    dates = pd.to_datetime(table[column])
    keep = pd.Series(True, index=table.index)
    if start:
        keep &= dates >= pd.Timestamp(start)
    if end:
        keep &= dates <= pd.Timestamp(end)
    return table[keep].reset_index(drop=True)


def with_lag_intervals(table: pd.DataFrame, ds: Dataset, args, groups) -> pd.DataFrame:
    """The grid table with the lag's 90% interval and median from score uncertainty, per benchmark and date."""
    from model.lags.uncertainty import lag_intervals

    parts = []
    for name in (table["benchmark"].unique() if "benchmark" in table else [args.benchmark]):
        parts.append(lag_intervals(ds.scores, name, benchmarks=ds.benchmarks, open_definition=args.open_definition,
                                   grid=args.grid or "monthly", start=args.start, end=args.end, groups=groups)
                     .assign(benchmark=name))
    intervals = pd.concat(parts, ignore_index=True)
    keys = ["benchmark", "date"] if "benchmark" in table else ["date"]
    return table.merge(intervals.drop(columns=[] if "benchmark" in table else ["benchmark"]), on=keys, how="left")


def run_lag_definition(args, ds: Dataset, groups) -> int:
    """``lags --definition D``: one benchmark's (or every benchmark's) lag observations under a published definition."""
    names = list(ds.benchmarks["benchmark"]) if args.benchmark == "all" else [args.benchmark]
    scores = ds.scores if not args.end else ds.scores[ds.scores["release_date"] <= pd.Timestamp(args.end)]  # as known then
    table, skipped = definition_lags_by_benchmark(scores, args.definition, names=names, benchmarks=ds.benchmarks,
                                                  open_definition=args.open_definition, start=args.start,
                                                  tolerance=args.tolerance, groups=groups)
    if len(names) == 1 and skipped:
        raise DataError(skipped[0].removeprefix(f"{names[0]}: "))  # the helper names the benchmark; one is named already
    for reason in skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    if table.empty:
        raise DataError(f"No benchmark has {args.definition} lags with these options ({len(skipped)} skipped; the first: "
                        f"{skipped[0] if skipped else 'none'}).")
    emit(in_window(table, "date", args.start, args.end), args.out, inputs=input_paths(args))
    return 0
