"""Command-line interface: ``python -m model <command> ...``. The whole analysis, headless.

Commands
--------
data    write the tidy table (or print coverage) for a source or a file
lags    write grid lags or event lags for one benchmark or all

Bad input exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from model.coverage import coverage_table
from model.lags import GRIDS, event_lags, frontier_lag, lags_by_benchmark, ols_crossing
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
    return parser


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


def run(args) -> int:
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
                parts = []
                for b in sorted(ds.scores["benchmark"].unique()):
                    try:
                        parts.append(event_lags(ds.scores, b, **kw).assign(benchmark=b))
                    except DataError as exc:
                        print(f"skipped: {exc}", file=sys.stderr)
                table = pd.concat(parts, ignore_index=True)
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
    raise DataError(f"Unknown command {args.command}")


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
