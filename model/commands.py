"""What each CLI command does, given its parsed arguments (the parser is in :mod:`model.cli`): loading the data,
writing outputs, and ``data`` and ``fit``. The ``lags`` command is in :mod:`model.lag_commands`; the robustness
commands (``backtest``, ``multiverse``, ``compare``, ``classes``, ``anchors``) in :mod:`model.robustness_commands`.

Every output goes through :func:`emit` or the summary writer: written atomically, never over an input file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from model.core.errors import DataError
from model.core.files import refuse_overwriting_inputs, write_atomic
from model.data.coverage import coverage_table
from model.data.dataset import SOURCES, Dataset
from model.data.embedded import load_embedded
from model.data.openness import apply_overrides
from model.data.uploads import load_path


def load_dataset(source: str, file: str | None, *, include_estimated: bool = True) -> Dataset:
    """Load the embedded source, or a file (its kind told from its name and content; ``--source epoch``: an export)."""
    if not file:
        return load_embedded(source, include_estimated=include_estimated)
    return load_path(file, kind="epoch_zip" if source == "epoch" else None)


def emit(frame: pd.DataFrame, out: str | None, *, inputs=()) -> None:
    """CSV to ``--out`` (written atomically, never over an input) or to stdout."""
    from model.outputs.exports import safe_csv

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


def _from_posterior_files(args, ds: Dataset):
    """Summaries of saved fits: each file's settings and data hash must match the data loaded now."""
    from model.analysis import run_analysis
    from model.outputs.posterior_files import read_posterior

    results = []
    for path in args.from_netcdf:
        trace, fit_settings, name, data_hash = read_posterior(path)
        if not args.file and fit_settings.source in SOURCES:
            ds = load_embedded(fit_settings.source, include_estimated=fit_settings.include_estimated)
        if data_hash and data_hash != ds.content_hash:
            raise DataError(f"{path}: the data changed since this posterior was written (hash {data_hash} vs "
                            f"{ds.content_hash}); load the same data with --file.")
        if fit_settings.pooling == "none":
            fit_settings = fit_settings.model_copy(update={"benchmarks": [name]})
        results.append(run_analysis(ds, fit_settings, traces={name: trace}))
    return results


def run_fit(args, ds: Dataset) -> int:
    """``fit``: the one fit path; writes the summary (CSV or JSON) and optionally the posterior files."""
    from model.analysis import run_analysis

    if args.from_netcdf:
        results = _from_posterior_files(args, ds)
        summary = pd.concat([r.summary for r in results], ignore_index=True)
        return write_summary(summary, args)
    fit_settings = settings_from_args(args)
    if args.netcdf and not fit_settings.choice.one_posterior:
        raise DataError("--netcdf writes one model's posterior; a stacked fit has four (fit each with --model NAME).")
    if args.settings and not args.file:  # a settings file names its own embedded source
        if fit_settings.source in SOURCES:
            ds = load_embedded(fit_settings.source, include_estimated=fit_settings.include_estimated)
    def progress(done: int, total: int, name: str) -> None:  # a stacked fit's members, as they finish
        print(f"stacked: {name} fitted and scored ({done} of {total})", file=sys.stderr)

    result = run_analysis(ds, fit_settings, progress=progress if fit_settings.choice.combines else None)
    for note in result.notes:
        print(note, file=sys.stderr)
    bad = result.summary[result.summary["verdict"] != "trustworthy"]
    for _, r in bad.iterrows():
        print(f"warning: {r['benchmark']}: {r['verdict']}", file=sys.stderr)
    if args.netcdf:
        from model.outputs.posterior_files import write_posterior

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
        from model.outputs.exports import neutralise_formulas

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
