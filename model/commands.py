"""What each CLI command does, given its parsed arguments (the parser is in :mod:`model.cli`).

Every output goes through :func:`emit` or the summary writer: written atomically, never over an input file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from model.bayes.crossing import fmt_prob
from model.core.errors import DataError
from model.core.files import refuse_overwriting_inputs, write_atomic
from model.data.coverage import coverage_table
from model.data.dataset import SOURCES, Dataset
from model.data.embedded import load_embedded
from model.data.openness import apply_overrides
from model.data.uploads import load_path
from model.lags.across import event_lags_by_benchmark, lag_summary_by_date, lags_by_benchmark
from model.lags.definitions import DEFINITIONS
from model.lags.engine import event_lags, frontier_lag
from model.lags.ols import ols_crossing


def load_dataset(source: str, file: str | None, *, include_estimated: bool = True) -> Dataset:
    """Load the embedded source, or a file (its kind told from its name and content; ``--source epoch``: an export)."""
    if not file:
        return load_embedded(source, include_estimated=include_estimated)
    return load_path(file, kind="epoch_zip" if source == "epoch" else None)


def emit(frame: pd.DataFrame, out: str | None, *, inputs=()) -> None:
    """CSV to ``--out`` (written atomically, never over an input) or to stdout."""
    from model.presentation.exports import safe_csv

    text = safe_csv(frame)
    if out:
        refuse_overwriting_inputs(out, inputs)
        write_atomic(out, text)
        print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def input_paths(args) -> tuple:
    """The files a command reads, which its outputs must never overwrite."""
    return tuple(getattr(args, k, None) for k in ("file", "overrides", "settings"))


def prepare(args) -> Dataset:
    """Load the data a command works on (source or file, overrides), printing the validation report."""
    ds = load_dataset(args.source, args.file, include_estimated=not args.exclude_estimated)
    if args.overrides:
        ov = pd.read_csv(args.overrides, dtype=str)
        ds.scores, changed = apply_overrides(ds.scores, ov)
        print(f"overrides changed {changed} row(s)", file=sys.stderr)
    for line in ds.report.lines():
        print(line, file=sys.stderr)
    return ds


def run_multiverse(args) -> int:
    """``multiverse``: fit every specification, print the headline and the choice importance."""
    from model.robustness.multiverse import choice_importance, enumerate_specs, headline, run_specs

    names = [b.strip() for b in args.benchmark.split(",") if b.strip()]
    known = set(load_embedded("aa").benchmarks["benchmark"])
    unknown = sorted(set(names) - known)
    if unknown:
        raise DataError("Unknown benchmark(s): " + ", ".join(unknown))
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    definitions = tuple(d.strip() for d in args.definitions.split(",") if d.strip())
    unknown = sorted(set(definitions) - set(DEFINITIONS))
    if unknown:
        raise DataError("Unknown lag definition(s): " + ", ".join(unknown))
    from model.lags.groups import PRESETS

    groups = tuple(g.strip() for g in args.groups_choices.split(",") if g.strip())
    unknown = sorted(set(groups) - set(PRESETS))
    if unknown:
        raise DataError("Unknown group preset(s): " + ", ".join(unknown) + "; use " + ", ".join(PRESETS))
    specs = enumerate_specs(names, pooled=not args.no_pooled, models=models, lag_definitions=definitions, groups=groups,
                            max_specs=args.max_specs, seed=args.seed)
    print(f"{len(specs)} specifications", file=sys.stderr)
    table = run_specs(specs, workers=args.workers, scheduler=args.scheduler, draws=args.draws)
    h = headline(table)
    print(f"fitted {h['fitted']} of {h['specs']}; share with P(zero gap by 2026-12-31) > 0.5: {h['share_p2026_over_half']:.0%}; "
          f"by 2027-12-31: {h['share_p2027_over_half']:.0%}; median P(never): {fmt_prob(h['median_p_never'])}")
    print(choice_importance(table).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        emit(table, args.out)
    return 0


def run_anchors(args) -> int:
    """``anchors``: each published figure with its citation, beside the project's number on the same definition."""
    from model.robustness.anchors import anchors_table

    table = anchors_table()
    if args.out:
        emit(table, args.out)
        return 0
    for _, r in table.iterrows():
        print(f"{r['their_figure']}\n  source: {r['citation']} ({r['address']})\n  definition: {r['definition']}\n"
              f"  this project, as of their data: {r['project_as_of_their_data']}\n  this project, now: "
              f"{r['project_now']}\n  reading: {r['reading']}\n")
    return 0


def run_data(args, ds: Dataset) -> int:
    """``data``: the tidy table, or the coverage table."""
    if args.coverage:
        table = coverage_table(ds.scores, ds.benchmarks, args.open_definition)
        if not args.out:
            print(table.to_string(index=False))
            return 0
        emit(table, args.out, inputs=input_paths(args))
        return 0
    emit(ds.scores, args.out, inputs=input_paths(args))
    return 0


def run_lags(args, ds: Dataset) -> int:
    """``lags``: grid or event lags of one benchmark or all, optionally the OLS crossing."""
    refuse_unused_lag_flags(args)
    groups = groups_from_args(args, ds)
    kw = dict(benchmarks=ds.benchmarks, tolerance=args.tolerance, definition=args.open_definition, groups=groups)
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
    if args.definition != "backward":
        for flag, given in (("--grid", args.grid is not None), ("--intervals", args.intervals), ("--events", args.events),
                            ("--ols-from", bool(args.ols_from))):
            if given:
                raise DataError(f"{flag} does not apply to --definition {args.definition}: it gives one row per "
                                "observation, not the backward grid; leave it out.")
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


def follower_leader(args) -> tuple[str, str]:
    """The follower and leader filters from ``--groups PRESET`` and/or ``--follower``/``--leader`` (they override)."""
    from model.lags.groups import DEFAULT_FOLLOWER, DEFAULT_LEADER, resolve_preset

    follower, leader = resolve_preset(args.groups) if getattr(args, "groups", None) else (DEFAULT_FOLLOWER, DEFAULT_LEADER)
    return getattr(args, "follower", None) or follower, getattr(args, "leader", None) or leader


def groups_from_args(args, ds: Dataset):
    """Engine group labels for the CLI's groups (None = open vs closed); notes on overlaps go to stderr."""
    from model.lags.groups import group_labels

    labels, notes = group_labels(ds.scores, *follower_leader(args), args.open_definition)
    for note in notes:
        print(note, file=sys.stderr)
    return labels


def with_lag_intervals(table: pd.DataFrame, ds: Dataset, args, groups) -> pd.DataFrame:
    """The grid table with the lag's 90% interval and median from score uncertainty, per benchmark and date."""
    from model.lags.uncertainty import lag_intervals

    parts = []
    for name in (table["benchmark"].unique() if "benchmark" in table else [args.benchmark]):
        parts.append(lag_intervals(ds.scores, name, benchmarks=ds.benchmarks, definition=args.open_definition,
                                   grid=args.grid or "monthly", start=args.start, end=args.end, groups=groups)
                     .assign(benchmark=name))
    intervals = pd.concat(parts, ignore_index=True)
    keys = ["benchmark", "date"] if "benchmark" in table else ["date"]
    return table.merge(intervals.drop(columns=[] if "benchmark" in table else ["benchmark"]), on=keys, how="left")


def run_lag_definition(args, ds: Dataset, groups) -> int:
    """``lags --definition D``: one benchmark's (or every benchmark's) lag observations under a published definition."""
    from model.lags.definitions import lags_by_definition

    names = list(ds.benchmarks["benchmark"]) if args.benchmark == "all" else [args.benchmark]
    scores = ds.scores if not args.end else ds.scores[ds.scores["release_date"] <= pd.Timestamp(args.end)]  # as known then
    parts, skipped = [], []
    for name in names:
        try:
            parts.append(lags_by_definition(scores, name, args.definition, benchmarks=ds.benchmarks,
                                            open_definition=args.open_definition, start=args.start,
                                            tolerance=args.tolerance, groups=groups)
                         .assign(benchmark=name))
        except DataError as exc:
            if len(names) == 1:
                raise
            skipped.append(str(exc))
            print(f"skipped: {exc}", file=sys.stderr)
    if not parts:
        raise DataError(f"No benchmark has {args.definition} lags with these options ({len(skipped)} skipped; the first: "
                        f"{skipped[0] if skipped else 'none'}).")
    table = in_window(pd.concat(parts, ignore_index=True), "date", args.start, args.end)
    emit(table[["benchmark", *[c for c in table.columns if c != "benchmark"]]], args.out, inputs=input_paths(args))
    return 0


def run_backtest(args, ds: Dataset) -> int:
    """``backtest``: forecasts from past cutoffs scored against what happened; prints calibration."""
    from model.bayes.engine import SamplerSettings
    from model.robustness.backtest import (
        METHODS_ALL,
        backtest_benchmark,
        backtest_mean,
        backtest_vintages,
        calibration_table,
    )

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS_ALL))
    if unknown:
        raise DataError("Unknown method(s): " + ", ".join(unknown))
    cutoffs = [pd.Timestamp(c) for c in args.cutoffs.split(",")] if args.cutoffs else None
    kw = dict(methods=methods, start=args.start, benchmarks=ds.benchmarks, definition=args.open_definition, cutoffs=cutoffs,
              sampler=SamplerSettings(draws=args.draws, tune=args.draws, chains=2, seed=args.seed), seed=args.seed)
    parts = []
    names = [n.strip() for n in args.benchmark.split(",") if n.strip()]
    if getattr(args, "vintages", False):
        kw.pop("cutoffs")
        for name in names:
            for hindsight in (False, True):
                parts.append(backtest_vintages(ds.scores, name, hindsight=hindsight, **kw))
        results = pd.concat(parts, ignore_index=True)
        table = results.groupby(["benchmark", "method"]).agg(
            n=("crps", "size"), cover50=("in50", "mean"), cover90=("in90", "mean"), crps=("crps", "mean")).reset_index()
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.out:
            emit(results, args.out, inputs=input_paths(args))
        return 0
    for name in names:
        if name == "mean":
            parts.append(backtest_mean(ds.scores, list(ds.benchmarks["benchmark"]), **kw))
        else:
            parts.append(backtest_benchmark(ds.scores, name, **kw))
    results = pd.concat(parts, ignore_index=True)
    print(calibration_table(results).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        emit(results, args.out, inputs=input_paths(args))
    return 0


def run_compare(args, ds: Dataset) -> int:
    """``compare``: PSIS-LOO and leave-future-out for every model of one benchmark."""
    from model.analysis import observations_for
    from model.robustness.comparison import compare_models

    st = settings_from_args(args)
    if len(st.benchmarks) != 1 or st.benchmarks == ["all"]:
        raise DataError("compare: name one benchmark (--benchmark ID); it compares the models of one series.")
    if st.model != "linear":
        raise DataError("compare: --model is not used (compare fits every model); leave it out.")
    obs = observations_for(ds, st)
    table = compare_models(obs, likelihood=st.likelihood, priors=st.priors, sampler=st.sampler(), with_lfo=not args.no_lfo)
    if not args.out:
        print(table.to_string(index=False))
        return 0
    emit(table, args.out, inputs=input_paths(args))
    return 0


def run_classes(args, ds: Dataset) -> int:
    """``classes``: a partially pooled fit per test-set class (public; private or held out) and the ratio of their lag
    now (the classes come from data/benchmark_classes.csv; --benchmark is ignored)."""
    from model.robustness.classes import compare_classes

    comparison = compare_classes(ds, settings_from_args(args))
    for note in comparison.notes:
        print(note, file=sys.stderr)
    print(comparison.sentence())
    if not args.out:
        print(comparison.table.to_string(index=False))
        return 0
    emit(comparison.table, args.out, inputs=input_paths(args))
    return 0


def _from_posterior_files(args, ds: Dataset):
    """Summaries of saved fits: each file's settings and data hash must match the data loaded now."""
    from model.analysis import run_analysis
    from model.presentation.posterior_files import read_posterior

    results = []
    for path in args.from_netcdf:
        trace, st, name, data_hash = read_posterior(path)
        if not args.file and st.source in SOURCES:
            ds = load_embedded(st.source, include_estimated=st.include_estimated)
        if data_hash and data_hash != ds.content_hash:
            raise DataError(f"{path}: the data changed since this posterior was written (hash {data_hash} vs "
                            f"{ds.content_hash}); load the same data with --file.")
        if st.pooling == "none":
            st = st.model_copy(update={"benchmarks": [name]})
        results.append(run_analysis(ds, st, traces={name: trace}))
    return results


def run_fit(args, ds: Dataset) -> int:
    """``fit``: the one fit path; writes the summary (CSV or JSON) and optionally the posterior files."""
    from model.analysis import run_analysis

    if args.from_netcdf:
        results = _from_posterior_files(args, ds)
        summary = pd.concat([r.summary for r in results], ignore_index=True)
        return write_summary(summary, args)
    st = settings_from_args(args)
    if args.netcdf and st.model == "stacked":
        raise DataError("--netcdf writes one model's posterior; a stacked fit has four (fit each with --model NAME).")
    if args.settings and not args.file:  # a settings file names its own embedded source
        ds = load_embedded(st.source, include_estimated=st.include_estimated) if st.source in SOURCES else ds
    def progress(done: int, total: int, name: str) -> None:  # a stacked fit's members, as they finish
        print(f"stacked: {name} fitted and scored ({done} of {total})", file=sys.stderr)

    result = run_analysis(ds, st, progress=progress if st.model == "stacked" else None)
    for note in result.notes:
        print(note, file=sys.stderr)
    bad = result.summary[result.summary["verdict"] != "trustworthy"]
    for _, r in bad.iterrows():
        print(f"warning: {r['benchmark']}: {r['verdict']}", file=sys.stderr)
    if args.netcdf:
        from model.presentation.posterior_files import write_posterior

        base = Path(args.netcdf)
        for name in result.fits:
            path = base if len(result.fits) == 1 else base.with_name(f"{base.stem}_{name}{base.suffix}")
            refuse_overwriting_inputs(path, input_paths(args))
            write_posterior(result, name, path, data_hash=ds.content_hash)
            print(f"wrote posterior {path}", file=sys.stderr)
    return write_summary(result.summary, args)


def write_summary(summary: pd.DataFrame, args) -> int:
    """The summary to ``--out`` (CSV, or JSON by suffix; atomic, never over an input) or to stdout."""
    if args.out and args.out.endswith(".json"):
        from model.presentation.exports import neutralise_formulas

        refuse_overwriting_inputs(args.out, input_paths(args))
        write_atomic(args.out, neutralise_formulas(summary).to_json(orient="records", indent=1))
        print(f"wrote {len(summary)} rows to {args.out}", file=sys.stderr)
    else:
        emit(summary, args.out, inputs=input_paths(args))
    return 0


def settings_from_args(args):
    """Build :class:`model.analysis.FitSettings` from CLI arguments (or the --settings file)."""
    from model.analysis import FitSettings
    from model.bayes.priors import PoolingPriors, TrendPriors

    if getattr(args, "settings", None):
        return read_settings_file(args.settings)
    follower, leader = follower_leader(args)
    priors = {k: v for k in TrendPriors.model_fields if (v := getattr(args, "prior_" + k)) is not None}
    pool = {k: v for k in PoolingPriors.model_fields if (v := getattr(args, "pool_" + k)) is not None}
    try:
        return FitSettings(
            source=args.source if not args.file else "file",
            benchmarks=[b.strip() for b in args.benchmark.split(",") if b.strip()],
            model=args.model, likelihood=args.likelihood, observations=args.observations, start=args.start, end=args.end,
            pooling=getattr(args, "pooling", "none"), correlated=getattr(args, "correlated", False),
            open_definition=args.open_definition, tolerance=args.tolerance, lag_definition=args.lag_definition,
            measurement_error=not getattr(args, "exact_lags", False), include_estimated=not args.exclude_estimated,
            follower=follower, leader=leader,
            priors=TrendPriors(**priors), pooling_priors=PoolingPriors(**pool), draws=args.draws, tune=args.tune,
            chains=args.chains, seed=args.seed, max_seconds=args.max_seconds, engine=getattr(args, "engine", "auto"),
        )
    except ValueError as exc:
        raise DataError("Invalid option: " + " ".join(str(exc).splitlines()[:3])) from None


def read_settings_file(path: str | Path):
    """Validated settings from a JSON file; an unreadable or non-UTF-8 file is a one-line error naming it."""
    from model.analysis import FitSettings

    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: the settings file is not UTF-8 text (save it as UTF-8).") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the settings file ({exc.strerror or exc.__class__.__name__}).") from None
    return FitSettings.from_json(text)
