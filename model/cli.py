"""Command-line interface: ``python -m model <command> ...``. The whole analysis, headless.

Commands
--------
data     write the tidy table (or print coverage) for a source or a file
lags     write grid lags or event lags for one benchmark or all
fit      fit a Bayesian trend (per benchmark, or pooled) and write the posterior summary
compare  compare the trend models of one benchmark (PSIS-LOO and leave-future-out)

Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from model.coverage import coverage_table
from model.lags import GRIDS, event_lags, event_lags_by_benchmark, frontier_lag, lags_by_benchmark, ols_crossing
from model.loaders import SOURCES, Dataset, load_aa_api, load_aa_page, load_embedded, load_epoch_export, load_user_csv
from model.openness import OPEN_DEFINITIONS, apply_overrides
from model.schema import DataError


def load_dataset(source: str, file: str | None, *, include_estimated: bool = True) -> Dataset:
    """Load the embedded source, or a file whose kind is told by ``source`` (csv, aa, aa-api, epoch)."""
    if not file:
        return load_embedded(source, include_estimated=include_estimated)
    path = Path(file)
    if not path.exists():
        raise DataError(f"No such file: {file}")
    if source == "epoch":
        return load_epoch_export(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".json":
        head = data[:4000]
        return load_aa_api(data) if b'"data"' in head and b'"models"' not in head else load_aa_page(data)
    return load_user_csv(data, name=path.name)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=SOURCES, default="aa", help="embedded source, or the kind of --file")
    p.add_argument("--file", help="a CSV (long or wide), an AA API/page JSON, or an Epoch export (folder or zip)")
    p.add_argument("--open-definition", choices=OPEN_DEFINITIONS, default="any")
    p.add_argument("--exclude-estimated", action="store_true", help="drop AA's estimated index values")
    p.add_argument("--overrides", help="CSV of open/closed overrides: model_id,open_weights[,openness]")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model", description="Frontier Lag: how far open-weights LLMs trail closed ones.")
    sub = parser.add_subparsers(dest="command", required=True)

    d = sub.add_parser("data", help="write the tidy table or print coverage")
    _common(d)
    d.add_argument("--coverage", action="store_true", help="print the per-benchmark coverage table")
    d.add_argument("--out", help="output CSV (default: stdout)")

    lg = sub.add_parser("lags", help="frontier lags on a grid, or event lags")
    _common(lg)
    lg.add_argument("--benchmark", required=True, help="benchmark id, or 'all'")
    lg.add_argument("--grid", choices=list(GRIDS), default="monthly")
    lg.add_argument("--start")
    lg.add_argument("--end")
    lg.add_argument("--tolerance", type=float, default=0.0, help="score units; a near-tie counts as caught up")
    lg.add_argument("--events", action="store_true", help="write the event table instead of the grid")
    lg.add_argument("--ols-from", help="print the least-squares zero-crossing date from this date")
    lg.add_argument("--out", help="output CSV (default: stdout)")

    f = sub.add_parser("fit", help="fit a Bayesian trend and write the posterior summary")
    _common(f)
    _fit_args(f)
    f.add_argument("--pooling", choices=["none", "partial", "complete"], default="none")
    f.add_argument("--correlated", action="store_true", help="partial pooling: correlated intercepts and slopes (LKJ)")
    f.add_argument("--settings", help="a settings JSON (from the app's Downloads page); other fit options are then ignored")
    f.add_argument("--out", help="summary CSV, or .json (default: stdout CSV)")
    f.add_argument("--netcdf", help="write the full posterior(s) as NetCDF (one file per fit; suffixed when several)")

    b = sub.add_parser("backtest", help="would past forecasts have held up? quarterly cutoffs, 3/6/12-month horizons")
    _common(b)
    b.add_argument("--benchmark", default="intelligence_index_2026_06_15",
                   help="benchmark id(s), comma-separated; 'mean' for the across-benchmark mean of every benchmark")
    b.add_argument("--methods", default="ols,linear,linear_ar1", help="ols and/or Bayesian models, comma-separated")
    b.add_argument("--start", default="2023-07-01", help="window start of every fit")
    b.add_argument("--cutoffs", help="comma-separated cutoff dates (default: every quarter from 2024-07-01)")
    b.add_argument("--draws", type=int, default=500)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--out", help="per-forecast CSV (the calibration table is printed)")

    mv = sub.add_parser("multiverse", help="fit every defensible specification; which choice moves the answer most?")
    mv.add_argument("--benchmark", default="intelligence_index,intelligence_index_2026_06_15",
                    help="AA benchmark ids, comma-separated (gpqa adds the Epoch twin as a source choice)")
    mv.add_argument("--no-pooled", action="store_true", help="leave out the pooled AA set")
    mv.add_argument("--models", default="constant,linear,linear_ar1,changepoint")
    mv.add_argument("--max-specs", type=int, help="subsample this many specifications (fixed seed)")
    mv.add_argument("--seed", type=int, default=0)
    mv.add_argument("--draws", type=int, default=500)
    mv.add_argument("--workers", type=int, default=2, help="local processes (1 = in this process)")
    mv.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://127.0.0.1:8786, instead of local processes")
    mv.add_argument("--out", help="one row per specification (CSV)")

    c = sub.add_parser("compare", help="compare models of one benchmark: PSIS-LOO and leave-future-out")
    _common(c)
    _fit_args(c)
    c.add_argument("--no-lfo", action="store_true", help="skip the leave-future-out refits")
    c.add_argument("--out", help="output CSV (default: print)")
    return parser


def _fit_args(p: argparse.ArgumentParser) -> None:
    from model.priors import PoolingPriors, TrendPriors

    p.add_argument("--benchmark", default="intelligence_index_2026_06_15", help="benchmark id, comma-separated ids, or 'all'")
    p.add_argument("--model", choices=["constant", "linear", "linear_ar1", "changepoint"], default="linear")
    p.add_argument("--likelihood", choices=["normal", "student"], default="normal")
    p.add_argument("--observations", choices=["events", "monthly"], default="events")
    p.add_argument("--start", help="window start YYYY-MM-DD")
    p.add_argument("--end", help="window end YYYY-MM-DD")
    p.add_argument("--tolerance", type=float, default=0.0)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--tune", type=int, default=500)
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-seconds", type=float, default=120.0, help="per-fit time limit; a longer fit is cancelled")
    for name, info in TrendPriors.model_fields.items():
        p.add_argument("--prior-" + name.replace("_", "-"), type=float, dest="prior_" + name,
                       help=f"trend prior (default {info.default})")
    for name, info in PoolingPriors.model_fields.items():
        p.add_argument("--pool-" + name.replace("_", "-"), type=float, dest="pool_" + name,
                       help=f"pooling hyperprior (default {info.default})")


def settings_from_args(args):
    """Build :class:`model.analysis.FitSettings` from CLI arguments (or the --settings file)."""
    from model.analysis import FitSettings
    from model.priors import PoolingPriors, TrendPriors

    if getattr(args, "settings", None):
        return FitSettings.from_json(Path(args.settings).read_text())
    priors = {k: v for k in TrendPriors.model_fields if (v := getattr(args, "prior_" + k)) is not None}
    pool = {k: v for k in PoolingPriors.model_fields if (v := getattr(args, "pool_" + k)) is not None}
    try:
        return FitSettings(
            source=args.source if not args.file else "file", benchmarks=[b.strip() for b in args.benchmark.split(",") if b.strip()],
            model=args.model, likelihood=args.likelihood, observations=args.observations, start=args.start, end=args.end,
            pooling=getattr(args, "pooling", "none"), correlated=getattr(args, "correlated", False),
            open_definition=args.open_definition, tolerance=args.tolerance, include_estimated=not args.exclude_estimated,
            priors=TrendPriors(**priors), pooling_priors=PoolingPriors(**pool), draws=args.draws, tune=args.tune,
            chains=args.chains, seed=args.seed, max_seconds=args.max_seconds,
        )
    except ValueError as exc:
        raise DataError("Invalid option: " + " ".join(str(exc).splitlines()[:3])) from None


def _emit(frame: pd.DataFrame, out: str | None) -> None:
    from model.export import safe_csv

    text = safe_csv(frame)
    if out:
        Path(out).write_text(text)
        print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _prepare(args) -> Dataset:
    ds = load_dataset(args.source, args.file, include_estimated=not args.exclude_estimated)
    if args.overrides:
        ov = pd.read_csv(args.overrides, dtype=str)
        ds.scores, changed = apply_overrides(ds.scores, ov)
        print(f"overrides changed {changed} row(s)", file=sys.stderr)
    for line in ds.report.lines():
        print(line, file=sys.stderr)
    return ds


def run_multiverse(args) -> int:
    from model.multiverse import choice_importance, enumerate_specs, headline, run_specs

    names = [b.strip() for b in args.benchmark.split(",") if b.strip()]
    known = set(load_embedded("aa").benchmarks["benchmark"])
    unknown = sorted(set(names) - known)
    if unknown:
        raise DataError("Unknown benchmark(s): " + ", ".join(unknown))
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    specs = enumerate_specs(names, pooled=not args.no_pooled, models=models, max_specs=args.max_specs, seed=args.seed)
    print(f"{len(specs)} specifications", file=sys.stderr)
    table = run_specs(specs, workers=args.workers, scheduler=args.scheduler, draws=args.draws)
    h = headline(table)
    print(f"fitted {h['fitted']} of {h['specs']}; share with P(zero gap by 2026-12-31) > 0.5: {h['share_p2026_over_half']:.0%}; "
          f"by 2027-12-31: {h['share_p2027_over_half']:.0%}; median P(never): {h['median_p_never']:.0%}")
    print(choice_importance(table).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        _emit(table, args.out)
    return 0


def run(args) -> int:
    if args.command == "multiverse":
        return run_multiverse(args)
    ds = _prepare(args)
    if args.command == "data":
        if args.coverage:
            table = coverage_table(ds.scores, ds.benchmarks, args.open_definition)
            if args.out:
                _emit(table, args.out)
            else:
                print(table.to_string(index=False))
            return 0
        _emit(ds.scores, args.out)
        return 0
    if args.command == "lags":
        kw = dict(benchmarks=ds.benchmarks, tolerance=args.tolerance, definition=args.open_definition)
        if args.benchmark == "all":
            if args.events:
                table, skipped = event_lags_by_benchmark(ds.scores, **kw)
                for reason in skipped:
                    print(f"skipped: {reason}", file=sys.stderr)
            else:
                table = lags_by_benchmark(ds.scores, grid=args.grid, start=args.start, end=args.end, **kw)
        elif args.events:
            table = event_lags(ds.scores, args.benchmark, **kw)
        else:
            table = frontier_lag(ds.scores, args.benchmark, grid=args.grid, start=args.start, end=args.end, **kw)
        if args.ols_from:
            if args.benchmark == "all" and not args.events:
                from model.lags import lag_summary_by_date

                series = lag_summary_by_date(table).rename(columns={"mean_lag": "lag_months"})
            else:
                series = table.rename(columns={"release_date": "date"}) if args.events else table
            print(ols_crossing(series, args.ols_from).describe())
            if not args.out:
                return 0
        _emit(table, args.out)
        return 0
    if args.command == "fit":
        return run_fit(args, ds)
    if args.command == "backtest":
        from model.backtest import backtest_benchmark, backtest_mean, calibration_table
        from model.trend import SamplerSettings

        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = sorted(set(methods) - {"ols", "constant", "linear", "linear_ar1", "changepoint"})
        if unknown:
            raise DataError("Unknown method(s): " + ", ".join(unknown))
        cutoffs = [pd.Timestamp(c) for c in args.cutoffs.split(",")] if args.cutoffs else None
        kw = dict(methods=methods, start=args.start, benchmarks=ds.benchmarks, definition=args.open_definition, cutoffs=cutoffs,
                  sampler=SamplerSettings(draws=args.draws, tune=args.draws, chains=2, seed=args.seed), seed=args.seed)
        parts = []
        for name in [n.strip() for n in args.benchmark.split(",") if n.strip()]:
            if name == "mean":
                parts.append(backtest_mean(ds.scores, list(ds.benchmarks["benchmark"]), **kw))
            else:
                parts.append(backtest_benchmark(ds.scores, name, **kw))
        results = pd.concat(parts, ignore_index=True)
        table = calibration_table(results)
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.out:
            _emit(results, args.out)
        return 0
    if args.command == "compare":
        from model.compare import compare_models
        from model.observations import benchmark_observations

        st = settings_from_args(args)
        obs = benchmark_observations(ds.scores, st.benchmarks[0], kind=st.observations, start=st.start, end=st.end,
                                     benchmarks=ds.benchmarks, definition=st.open_definition, tolerance=st.tolerance)
        table = compare_models(obs, likelihood=st.likelihood, priors=st.priors, sampler=st.sampler(), with_lfo=not args.no_lfo)
        if args.out:
            _emit(table, args.out)
        else:
            print(table.to_string(index=False))
        return 0
    raise DataError(f"Unknown command {args.command}")


def run_fit(args, ds: Dataset) -> int:
    from model.analysis import run_analysis

    st = settings_from_args(args)
    if args.settings and not args.file:  # a settings file names its own embedded source
        ds = load_embedded(st.source, include_estimated=st.include_estimated) if st.source in SOURCES else ds
    result = run_analysis(ds, st)
    for note in result.notes:
        print(note, file=sys.stderr)
    bad = result.summary[result.summary["verdict"] != "trustworthy"]
    for _, r in bad.iterrows():
        print(f"warning: {r['benchmark']}: {r['verdict']}", file=sys.stderr)
    if args.netcdf:
        base = Path(args.netcdf)
        for _i, (name, fit) in enumerate(result.fits.items()):
            path = base if len(result.fits) == 1 else base.with_name(f"{base.stem}_{name}{base.suffix}")
            fit.trace.to_netcdf(path)
            print(f"wrote posterior {path}", file=sys.stderr)
    if args.out and args.out.endswith(".json"):
        from model.export import neutralise_formulas

        Path(args.out).write_text(neutralise_formulas(result.summary).to_json(orient="records", indent=1))
        print(f"wrote {len(result.summary)} rows to {args.out}", file=sys.stderr)
    else:
        _emit(result.summary, args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
