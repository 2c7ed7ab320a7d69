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
    """CSV to ``--out`` (written atomically, never over an input) or to stdout. A table whose every column the data
    dictionary describes (the tidy data, the lag tables) gets its dictionary beside it: ``NAME.dictionary.csv``."""
    from model.outputs.exports import safe_csv
    from model.presentation.dictionary import table_dictionary

    text = safe_csv(frame)
    if out:
        refuse_overwriting_inputs(out, inputs)
        write_atomic(out, text)
        print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
        described = table_dictionary(frame)
        if not described["meaning"].str.startswith("Not described").any():
            path = Path(out).with_suffix("").as_posix() + ".dictionary.csv"
            refuse_overwriting_inputs(path, inputs)
            write_atomic(path, safe_csv(described))
    else:
        sys.stdout.write(text)


def refuse(args, reasons: dict[str, str]) -> None:
    """Refuse, in one line naming it, the first flag the user gave (``args.given``, set by the parser) that this command
    cannot honour with the other options given: ``reasons`` maps a flag (or a flag prefix ending in ``-``) to why."""
    for flag in sorted(getattr(args, "given", ())):
        why = reasons.get(flag) or next((w for f, w in reasons.items() if f.endswith("-") and flag.startswith(f)), None)
        if why:
            raise DataError(f"{flag} {why}; leave it out.")


#: The flags of each FitSettings field that a design can ignore (:data:`model.analysis.DESIGNS`).
FIELD_FLAGS = {"priors": "--prior-", "pooling_priors": "--pool-", "correlated": "--correlated"}
#: Why a design ignores a field's flags.
IGNORED_BECAUSE = {"priors": "sets a one-series trend prior, and a partially pooled fit uses the --pool- hyperpriors",
                   "pooling_priors": "sets a pooling hyperprior, which only --pooling partial uses",
                   "correlated": "applies to --pooling partial only"}


def refuse_unused_fit_flags(args, *, pooling: str | None = None) -> None:
    """The fit options a fit with these arguments cannot use are refused in one line (before, they were ignored):
    what the design ignores, what a lag definition other than backward or complete pooling leaves out, and every fit
    option beside a settings or posterior file (the file carries its own)."""
    from model.analysis import DESIGNS, STACKED

    pooling = pooling or getattr(args, "pooling", "none")
    reasons = {FIELD_FLAGS[f]: IGNORED_BECAUSE[f] for f in DESIGNS[pooling].ignores if f in FIELD_FLAGS}
    if pooling == "partial":
        if args.model not in ("linear", STACKED):
            reasons["--model"] = "must be linear or stacked with --pooling partial (the pooled trend is a line)"
    if pooling == "complete":
        reasons["--observations"] = "does not apply to --pooling complete (it fits the monthly mean across benchmarks)"
        reasons["--exact-lags"] = "does not apply to --pooling complete (the mean series carries no score errors)"
        reasons["--definition"] = "does not apply to --pooling complete (it averages the monthly backward lag)"
    elif args.lag_definition != "backward":
        reasons["--tolerance"] = "applies to the backward definition only"
        reasons["--exact-lags"] = "applies to the backward definition only (other definitions add no score errors)"
        reasons["--observations"] = "does not apply to a definition other than backward (one observation per record)"
    for source in ("settings", "from_netcdf"):
        if getattr(args, source, None):
            flag = "--" + source.replace("_", "-")
            keep = {"--file", "--out", flag} | ({"--netcdf"} if source == "settings" else set())
            reasons = {f: f"is given by the {flag} file" for f in getattr(args, "given", ()) if f not in keep}
    refuse(args, reasons)


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
    refuse(args, {"--open-definition": "applies to --coverage only (the tidy table keeps every model's open flag)"}
           if not args.coverage else {})
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
        refuse_unused_fit_flags(args)
        results = _from_posterior_files(args, ds)
        summary = pd.concat([r.summary for r in results], ignore_index=True)
        return write_summary(summary, args)
    refuse_unused_fit_flags(args)
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
