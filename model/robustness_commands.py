"""The robustness commands: ``backtest``, ``multiverse``, ``compare``, ``classes`` and ``anchors``."""

from __future__ import annotations

import sys

import pandas as pd

from model.commands import emit, input_paths, refuse, refuse_unused_fit_flags, settings_from_args
from model.core.errors import DataError
from model.core.text import fmt_prob, unknown_names
from model.data.dataset import Dataset
from model.data.embedded import load_embedded


def run_multiverse(args) -> int:
    """``multiverse``: fit every specification, print the headline and the choice importance."""
    from model.robustness.multiverse import choice_importance, enumerate_specs, headline, run_specs

    refuse(args, {"--seed": "picks the subsample of --max-specs, and without it every specification is fitted"}
           if args.max_specs is None else {})
    names = args.benchmark.split(",")  # (the CLI checked every list for empty, repeated and unknown items)
    if message := unknown_names(names, load_embedded("aa").benchmarks["benchmark"], "benchmark"):
        raise DataError(message[0].upper() + message[1:] + ".")
    models, definitions = tuple(args.models.split(",")), tuple(args.definitions.split(","))
    groups = tuple(args.groups_choices.split(","))
    specs = enumerate_specs(names, pooled=not args.no_pooled, models=models, lag_definitions=definitions, groups=groups,
                            max_specs=args.max_specs, seed=args.seed)
    print(f"{len(specs)} specifications", file=sys.stderr)
    table = run_specs(specs, workers=args.workers, scheduler=args.scheduler, draws=args.draws)
    h = headline(table)
    print(f"fitted {h['fitted']} of {h['specs']}; share with P(zero gap by 2026-12-31) > 0.5: {h['share_p2026_over_half']:.0%}; "
          f"by 2027-12-31: {h['share_p2027_over_half']:.0%}; median P(never): {fmt_prob(h['median_p_never'])}")
    if args.out:
        emit(table, args.out)
    try:
        print(choice_importance(table).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    except DataError as exc:  # nothing to rank is a note, not a failure: the table is written
        print(f"note: {exc}", file=sys.stderr)
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


def run_arena(args) -> int:
    """``arena``: the Arena points gap per board (best proprietary minus best open rating), with its caveat."""
    from model.data.arena import ARENA_CAVEAT, arena_gap_sentence, arena_gap_summary, load_arena_gap

    table = load_arena_gap()
    if args.out:
        emit(table.assign(board_date=table["board_date"].dt.strftime("%Y-%m-%d")), args.out)
        return 0
    print(arena_gap_sentence(arena_gap_summary(table)))
    print(f"caveat: {ARENA_CAVEAT}\n")
    shown = table.tail(args.last)
    for _, r in shown.iterrows():
        gap = (f"at least {r['gap_points']:.0f}" if r["gap_is_lower_bound"] else f"{r['gap_points']:.0f}"
               + (f" (95% {r['gap_lo95']:.0f} to {r['gap_hi95']:.0f})" if pd.notna(r["gap_lo95"]) else ""))
        best_open = "none in the listed top" if r["gap_is_lower_bound"] else r["best_open_model"]
        print(f"{r['board_date']:%Y-%m-%d}  gap {gap} points  closed {r['best_closed_model']}  open {best_open}  "
              f"({r['models_listed']} models listed)")
    return 0


def run_record(args) -> int:
    """``record``: each data version's stored headline forecast, scored against the newest version."""
    from pathlib import Path

    from model.robustness.forecast_record import (
        RECORD_FILE,
        forecast_record_view,
        record_sentence,
        update_record,
        write_record,
    )
    from model.serving.first_view import first_view_settings

    aa, settings, path = load_embedded("aa"), first_view_settings(), Path(args.record or RECORD_FILE)
    if args.update:
        record, added = update_record(aa.scores, aa.benchmarks, settings, path)
        if added:
            write_record(record, path)
        print(f"{path}: added {', '.join(added)}" if added else f"{path}: unchanged (every version has its forecast)",
              file=sys.stderr)
    view = forecast_record_view(aa, settings, path)
    if args.out:
        emit(view["scored"], args.out)
        return 0
    for _, r in view["summary"].iterrows():
        print(record_sentence(r))
    return 0


def run_refresh(args) -> int:
    """``refresh``: fetch, validate and archive the public data; print what changed (one line per finding)."""
    import os
    from pathlib import Path

    from model.data.refresh import ARCHIVE_DIR, refresh

    if args.mirror:
        from model.core.paths import DATA_DIR
        from model.data.raw_mirror import refresh_from_mirror

        refuse(args, {f: "chooses a public source, and --mirror pulls the raw folder instead" for f in
                      ("--sources", "--aa-url", "--epoch-url", "--eci-url")})
        for line in refresh_from_mirror(args.mirror, Path(args.archive or ARCHIVE_DIR), Path(args.data_dir or DATA_DIR),
                                        dry_run=args.dry_run):
            print(line)
        return 0
    refuse(args, {"--data-dir": "is rebuilt only from a --mirror"})
    urls = {"aa_api": args.aa_url, "epoch_export": args.epoch_url, "epoch_eci": args.eci_url}
    for line in refresh(Path(args.archive or ARCHIVE_DIR), sources=tuple(args.sources.split(",")),
                        urls={k: v for k, v in urls.items() if v}, key=os.environ.get("AA_API_KEY"),
                        dry_run=args.dry_run):
        print(line)
    return 0


def run_backtest(args, ds: Dataset) -> int:
    """``backtest``: forecasts from past cutoffs scored against what happened; prints calibration."""
    from model.bayes.sampling import SamplerSettings
    from model.robustness.backtest import (
        backtest_benchmark,
        backtest_mean,
        backtest_vintages,
    )
    from model.robustness.backtest_tables import best_method_sentence, calibration_table, method_scores, vintage_table

    methods = args.methods.split(",")  # (checked by the CLI: known, none empty, none repeated)
    reasons = {"--cutoffs": "does not apply to --vintages (each index version is fitted at its own snapshot date)"} \
        if args.vintages else {}
    if set(methods) <= {"ols"}:
        reasons["--draws"] = "sets the Bayesian methods' draws, and --methods names none"
    refuse(args, reasons)
    cutoffs = [pd.Timestamp(c) for c in args.cutoffs.split(",")] if args.cutoffs else None
    kw = dict(methods=methods, start=args.start, benchmarks=ds.benchmarks, open_definition=args.open_definition, cutoffs=cutoffs,
              sampler=SamplerSettings(draws=args.draws, tune=args.draws, chains=2, seed=args.seed), seed=args.seed)
    parts = []
    names = args.benchmark.split(",")
    if args.vintages:
        kw.pop("cutoffs")
        for name in names:
            for hindsight in (False, True):
                parts.append(backtest_vintages(ds.scores, name, hindsight=hindsight, **kw))
        results = pd.concat(parts, ignore_index=True)
        print(vintage_table(results).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.out:
            emit(results, args.out, inputs=input_paths(args))
        return 0
    for name in names:
        if name == "mean":
            parts.append(backtest_mean(ds.scores, list(ds.benchmarks["benchmark"]), **kw))
        else:
            parts.append(backtest_benchmark(ds.scores, name, **kw))
    results = pd.concat(parts, ignore_index=True)
    calibration = calibration_table(results)
    print(calibration.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(best_method_sentence(method_scores(calibration)))
    if args.out:
        emit(results, args.out, inputs=input_paths(args))
    return 0


def run_compare(args, ds: Dataset) -> int:
    """``compare``: PSIS-LOO and leave-future-out for every model of one benchmark."""
    from model.analysis import observations_for
    from model.robustness.comparison import compare_models

    refuse(args, {"--model": "is not used by compare (it fits every model)"})
    refuse_unused_fit_flags(args)
    fit_settings = settings_from_args(args)
    if len(fit_settings.benchmarks) != 1 or fit_settings.benchmarks == ["all"]:
        raise DataError("compare: name one benchmark (--benchmark ID); it compares the models of one series.")
    obs = observations_for(ds, fit_settings)
    table = compare_models(obs, likelihood=fit_settings.likelihood, priors=fit_settings.priors,
                           sampler=fit_settings.sampler(), with_lfo=not args.no_lfo)
    if not args.out:
        print(table.to_string(index=False))
        return 0
    emit(table, args.out, inputs=input_paths(args))
    return 0


def run_classes(args, ds: Dataset) -> int:
    """``classes``: a partially pooled fit per test-set class (public; private or held out) and the ratio of their lag
    now (the classes come from data/benchmark_classes.csv)."""
    from model.robustness.test_sets import compare_classes

    refuse(args, {"--benchmark": "is not used by classes (data/benchmark_classes.csv names each class's benchmarks)",
                  "--model": "is not used by classes (each class is a partially pooled line)"})
    refuse_unused_fit_flags(args, pooling="partial")
    comparison = compare_classes(ds, settings_from_args(args))
    for note in comparison.notes:
        print(note, file=sys.stderr)
    print(comparison.sentence())
    if not args.out:
        print(comparison.table.to_string(index=False))
        return 0
    emit(comparison.table, args.out, inputs=input_paths(args))
    return 0
