"""Command-line interface: ``python -m model <command> ...``. The whole analysis, headless.

Commands
--------
data        write the tidy table (or print coverage) for a source or a file
lags        write grid lags or event lags for one benchmark or all
fit         fit a Bayesian trend (per benchmark, or pooled) and write the posterior summary
backtest    score forecasts made at past cutoffs against what happened
multiverse  fit every defensible specification; which choice moves the answer most
compare     compare the trend models of one benchmark (PSIS-LOO and leave-future-out)
classes     public vs private test sets: the pooled lag now per class and their ratio
anchors     each published figure, reproduced on its own definition and data, with its citation
record      each data version's headline forecast, kept as made, scored as newer versions arrive
refresh     fetch, validate and archive the public data (AA API, Epoch's export and ECI scores); what changed
arena       the Arena points gap: best proprietary minus best open rating on each LMArena text board

Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from model.analysis import FIT_MODELS, OBSERVATION_KINDS, POOLINGS
from model.bayes.sampling import ENGINES
from model.bayes.trends import LIKELIHOODS
from model.cli_checks import OneLineParser, bounded_like, check_arguments, day, number, whole
from model.commands import prepare, run_data, run_fit
from model.core.errors import DataError
from model.core.limits import MAX_CHAINS, MAX_DRAWS, MAX_FIT_SECONDS, MAX_SEED, MIN_DRAWS, fit_time_limit
from model.data.dataset import SOURCES
from model.data.openness import OPEN_DEFINITIONS
from model.lag_commands import run_lags
from model.lags.definitions import DEFINITIONS
from model.lags.engine import GRIDS
from model.robustness_commands import (
    run_anchors,
    run_arena,
    run_backtest,
    run_classes,
    run_compare,
    run_multiverse,
    run_record,
    run_refresh,
)

#: Draws (and tuning steps), seeds and score tolerances as the fit settings bound them.
DRAWS, SEED, TOLERANCE = whole(MIN_DRAWS, MAX_DRAWS), whole(0, MAX_SEED - 1), number(0, 1e6)
#: What the tolerance means, in plain words (its direction lengthens the lag; not_significantly_behind shortens it).
TOLERANCE_HELP = ("score units: an open score within this many points below a closed score counts as having reached it, "
                  "so the closed match is earlier and the lag LONGER (default 0; for 'within noise counts as caught up' "
                  "use --definition not_significantly_behind)")


def _group_args(p: argparse.ArgumentParser) -> None:
    from model.lags.groups import PRESETS

    p.add_argument("--groups", choices=list(PRESETS), help="who trails whom, by name (default: open_vs_closed)")
    p.add_argument("--follower", help="follower filter, e.g. 'open&country=CN' (terms: open, closed, all, country=CC, "
                                      "creator=NAME, licence=CLASS, != to exclude, joined by &); overrides --groups")
    p.add_argument("--leader", help="leader filter, e.g. 'closed&country=US'; overrides --groups")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", choices=SOURCES, default="aa", help="embedded source, or the kind of --file")
    p.add_argument("--file", help="a CSV (long or wide), an AA API/page JSON, or an Epoch export (folder or zip)")
    p.add_argument("--open-definition", choices=OPEN_DEFINITIONS, default="any")
    p.add_argument("--exclude-estimated", action="store_true", help="drop AA's estimated index values")
    p.add_argument("--overrides", help="CSV of open/closed overrides: model_id,open_weights[,openness]")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: one subcommand per analysis step, each naming the function that runs it."""
    parser = OneLineParser(prog="python -m model", description="Frontier Lag: how far open-weights LLMs trail closed ones.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for add in (_add_data_parser, _add_lags_parser, _add_fit_parser, _add_backtest_parser, _add_multiverse_parser,
                _add_compare_parser, _add_classes_parser, _add_anchors_parser, _add_arena_parser,
                _add_record_parser, _add_refresh_parser):
        add(sub)
    return parser


def _add_data_parser(sub) -> None:
    p = sub.add_parser("data", help="write the tidy table or print coverage")
    _common(p)
    p.add_argument("--coverage", action="store_true", help="print the per-benchmark coverage table")
    p.add_argument("--out", help="output CSV (default: stdout)")
    p.set_defaults(func=run_data)


def _add_lags_parser(sub) -> None:
    p = sub.add_parser("lags", help="frontier lags on a grid, or event lags")
    _common(p)
    p.add_argument("--benchmark", required=True, help="benchmark id, or 'all'")
    p.add_argument("--grid", choices=list(GRIDS), help="the date grid of the backward lag (default monthly)")
    p.add_argument("--start", type=day)
    p.add_argument("--end", type=day)
    p.add_argument("--tolerance", type=TOLERANCE, default=0.0, help=TOLERANCE_HELP)
    p.add_argument("--events", action="store_true", help="write the event table instead of the grid")
    p.add_argument("--intervals", action="store_true",
                   help="add lag_lo90, lag_median, lag_hi90 from score uncertainty (parametric bootstrap) to the grid")
    p.add_argument("--definition", choices=DEFINITIONS, default="backward",
                   help="lag definition (docs/methods.md 'Lag definitions'); other than backward: one row per observation "
                        "(--start: the level_average window's start)")
    _group_args(p)
    p.add_argument("--ols-from", type=day, help="print the least-squares zero-crossing date from this date")
    p.add_argument("--out", help="output CSV (default: stdout)")
    p.set_defaults(func=run_lags)


def _add_fit_parser(sub) -> None:
    p = sub.add_parser("fit", help="fit a Bayesian trend and write the posterior summary")
    _common(p)
    _fit_args(p)
    p.add_argument("--pooling", choices=POOLINGS, default="none")
    p.add_argument("--correlated", action="store_true", help="partial pooling: correlated intercepts and slopes (LKJ)")
    p.add_argument("--settings", help="a settings JSON (from the app's Downloads page); it gives every fit option, so other "
                                      "fit options are refused beside it")
    p.add_argument("--out", help="summary CSV, or .json (default: stdout CSV)")
    p.add_argument("--netcdf", help="write the full posterior(s) as NetCDF (one file per fit; suffixed when several)")
    p.add_argument(
        "--from-netcdf",
        nargs="+",
        metavar="FILE",
        help="summarise posterior file(s) written by --netcdf, without sampling (their settings are inside)",
    )
    p.set_defaults(func=run_fit)


def _add_backtest_parser(sub) -> None:
    p = sub.add_parser("backtest", help="would past forecasts have held up? quarterly cutoffs, 3/6/12-month horizons")
    _common(p)
    p.add_argument(
        "--benchmark",
        default="intelligence_index_2026_10_10",
        help="benchmark id(s), comma-separated; 'mean' for the across-benchmark mean of every benchmark",
    )
    p.add_argument("--methods", default="ols,linear,linear_ar1", help="ols and/or Bayesian models, comma-separated")
    p.add_argument("--start", type=day, default="2023-07-01", help="window start of every fit")
    p.add_argument("--cutoffs", help="comma-separated cutoff dates (default: every quarter from 2024-07-01)")
    p.add_argument("--draws", type=DRAWS, default=500)
    p.add_argument("--seed", type=SEED, default=0)
    p.add_argument("--vintages", action="store_true",
                   help="real time: fit each AA index version at its own snapshot date and score against the newest "
                        "version 1-3 months later, beside the same forecasts made with hindsight (--benchmark: "
                        "intelligence, coding and/or agentic)")
    p.add_argument("--out", help="per-forecast CSV (the calibration table is printed)")
    p.set_defaults(func=run_backtest)


def _add_multiverse_parser(sub) -> None:
    p = sub.add_parser("multiverse", help="fit every defensible specification; which choice moves the answer most?")
    p.add_argument(
        "--benchmark",
        default="intelligence_index,intelligence_index_2026_06_15",
        help="AA benchmark ids, comma-separated (gpqa adds the Epoch twin as a source choice)",
    )
    p.add_argument("--no-pooled", action="store_true", help="leave out the pooled AA set")
    p.add_argument("--models", default="constant,linear,linear_ar1,changepoint")
    p.add_argument("--definitions", default="backward",
                   help="lag definitions to vary, comma-separated (" + ",".join(DEFINITIONS) + ")")
    p.add_argument("--groups-choices", default="open_vs_closed",
                   help="who-trails-whom presets to vary, comma-separated (e.g. open_vs_closed,china_open_vs_us_closed)")
    p.add_argument("--max-specs", type=whole(1, 100_000), help="subsample this many specifications (fixed seed)")
    p.add_argument("--seed", type=SEED, default=0)
    p.add_argument("--draws", type=DRAWS, default=500)
    p.add_argument("--workers", type=whole(1, 64), default=2, help="local processes (1 = in this process)")
    p.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://127.0.0.1:8786, instead of local processes")
    p.add_argument("--out", help="one row per specification (CSV)")
    p.set_defaults(func=run_multiverse, prepare=False)


def _add_compare_parser(sub) -> None:
    p = sub.add_parser("compare", help="compare models of one benchmark: PSIS-LOO and leave-future-out")
    _common(p)
    _fit_args(p)
    p.add_argument("--no-lfo", action="store_true", help="skip the leave-future-out refits")
    p.add_argument("--out", help="output CSV (default: print)")
    p.set_defaults(func=run_compare)

def _add_classes_parser(sub) -> None:
    p = sub.add_parser("classes", help="public vs private test sets: pooled lag now per class and their ratio")
    _common(p)
    _fit_args(p)
    p.add_argument("--out", help="output CSV of the per-class table (default: print)")
    p.set_defaults(func=run_classes)


def _add_anchors_parser(sub) -> None:
    p = sub.add_parser("anchors", help="published figures reproduced: each with its citation, definition and our number")
    p.add_argument("--out", help="output CSV (default: print)")
    p.set_defaults(func=run_anchors, prepare=False)


def _add_arena_parser(sub) -> None:
    p = sub.add_parser("arena", help="the Arena points gap per board: best proprietary minus best open rating (not months)")
    p.add_argument("--out", help="output CSV of every board (default: print the newest boards)")
    p.add_argument("--last", type=whole(1, 10_000), default=12, help="how many of the newest boards to print (default 12)")
    p.set_defaults(func=run_arena, prepare=False)


def _add_record_parser(sub) -> None:
    p = sub.add_parser("record", help="each data version's headline forecast, as made, scored on the newest version")
    p.add_argument("--update", action="store_true", help="add the forecast of every version not yet recorded (rows already "
                                                          "recorded are never rewritten), then score")
    p.add_argument("--record", help="the record file (default data/forecast_record.csv)")
    p.add_argument("--out", help="output CSV of every scored forecast month (default: print the summary)")
    p.set_defaults(func=run_record, prepare=False)


def _add_refresh_parser(sub) -> None:
    from model.data.refresh import SOURCES

    p = sub.add_parser("refresh", help="fetch, validate and archive the public data as dated snapshots; what changed")
    p.add_argument("--sources", default=",".join(SOURCES),
                   help=f"comma-separated, of {', '.join(SOURCES)} (aa_api needs AA_API_KEY)")
    p.add_argument("--dry-run", action="store_true", help="fetch, check and compare; write nothing")
    p.add_argument("--archive", help="the archive folder (default archive/ beside data/)")
    p.add_argument("--aa-url", help="AA API address (default $AA_API_URL, else AA's endpoint)")
    p.add_argument("--epoch-url", help="Epoch benchmark export (zip) address (default $EPOCH_EXPORT_URL, else Epoch's)")
    p.add_argument("--eci-url", help="Epoch ECI scores (CSV) address (default $EPOCH_ECI_URL, else Epoch's)")
    p.add_argument("--mirror", help="a mirror of the raw folder (manifest.json beside the files): pull it, archive it and "
                                    "rebuild data/ with the build script")
    p.add_argument("--data-dir", help="the data folder --mirror rebuilds (default data/)")
    p.set_defaults(func=run_refresh, prepare=False)


def _fit_args(p: argparse.ArgumentParser) -> None:
    from model.bayes.priors import PoolingPriors, TrendPriors

    p.add_argument("--benchmark", default="intelligence_index_2026_10_10", help="benchmark id, comma-separated ids, or 'all'")
    p.add_argument("--model", choices=FIT_MODELS, default="linear",
                   help="a trend model, or 'stacked': all four weighted by leave-future-out forecasts (docs/methods.md)")
    p.add_argument("--likelihood", choices=LIKELIHOODS, default="normal")
    p.add_argument("--observations", choices=OBSERVATION_KINDS, default="events")
    p.add_argument("--start", type=day, help="window start YYYY-MM-DD")
    p.add_argument("--end", type=day, help="window end YYYY-MM-DD")
    p.add_argument("--tolerance", type=TOLERANCE, default=0.0, help=TOLERANCE_HELP)
    p.add_argument("--definition", choices=DEFINITIONS, default="backward", dest="lag_definition",
                   help="how the lag is measured (docs/methods.md 'Lag definitions'); other than backward: events only")
    _group_args(p)
    p.add_argument("--exact-lags", action="store_true",
                   help="treat the lags as exact (default: each backward lag's error from score uncertainty is added to "
                        "the model's noise, where scores have standard errors)")
    p.add_argument("--draws", type=DRAWS, default=1000)
    p.add_argument("--tune", type=DRAWS, default=500)
    p.add_argument("--chains", type=whole(1, MAX_CHAINS), default=4)
    p.add_argument("--seed", type=SEED, default=1)
    p.add_argument("--max-seconds", type=number(0, MAX_FIT_SECONDS, above=True), default=fit_time_limit(),
                   help="per-fit time limit; a longer fit is cancelled (default $FRONTIER_LAG_FIT_SECONDS, else 120)")
    p.add_argument("--engine", choices=ENGINES, default="auto",
                   help="auto (default): the compile-free importance sampler where its Pareto k <= 0.7, else NUTS; "
                        "nuts: always NUTS (pooled fits too; a Student-t pooled fit always uses NUTS)")
    for name, info in TrendPriors.model_fields.items():
        p.add_argument(
            "--prior-" + name.replace("_", "-"), type=bounded_like(info), dest="prior_" + name,
            help=f"trend prior (default {info.default})"
        )
    for name, info in PoolingPriors.model_fields.items():
        p.add_argument(
            "--pool-" + name.replace("_", "-"),
            type=bounded_like(info),
            dest="pool_" + name,
            help=f"pooling hyperprior (default {info.default})",
        )


def given_flags(parser: argparse.ArgumentParser, args) -> frozenset[str]:
    """The flags of the chosen subcommand whose value differs from its default: what the user asked for (a command
    refuses, in one line, any of them it cannot honour)."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[args.command]
    return frozenset(a.option_strings[0] for a in sub._actions
                     if a.option_strings and a.dest != "help" and getattr(args, a.dest, a.default) != a.default)


def run(args) -> int:
    """Run the command the arguments name (each subcommand set its own function)."""
    if not getattr(args, "prepare", True):
        return args.func(args)
    return args.func(args, prepare(args))


def main(argv: list[str] | None = None) -> int:
    """The CLI entry point: exit 0, or 2 with one line on stderr."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)  # comma lists and date order, before any data is read
    args.given = given_flags(parser, args)
    try:
        return run(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
