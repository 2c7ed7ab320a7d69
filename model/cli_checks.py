"""Every CLI argument checked before any work (issue 26, item 7): one line naming the option, exit status 2.

Numbers and dates are checked as they are parsed (argparse ``type=`` functions bounded by the same limits the fit
settings enforce); comma lists after parsing, by :func:`check_arguments`: empty items and unknown names are refused
(with the nearest valid ones), repeated names are removed with a note. Benchmark names depend on the data, so they are
checked against it as soon as it is loaded (:func:`model.core.text.unknown_names`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys

from model.core.text import unknown_names

#: The earliest date an option may name: no LLM benchmark score is older.
EARLIEST_DAY = dt.date(2018, 1, 1)
#: How far ahead a date may reach (a forecast horizon, a window end).
YEARS_AHEAD = 10


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the option (argparse prints the whole usage first)."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see python -m model {self.prog.split()[-1]} --help)\n")


def whole(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low:,} to {high:,}")
        return value
    return parse


def number(low: float, high: float, *, above: bool = False, below: bool = False):
    """An argparse type: a finite number from ``low`` to ``high`` (``above``/``below``: the bound itself excluded)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        too_low = value <= low if above else value < low
        too_high = value >= high if below else value > high
        if too_low or too_high:
            raise argparse.ArgumentTypeError(f"{text} is outside {'(' if above else '['}{low:g}, {high:g}"
                                             f"{')' if below else ']'}")
        return value
    return parse


def bounded_like(field_info):
    """An argparse type bounded as a pydantic field is (a prior's ``ge``/``gt``/``le``/``lt``)."""
    bounds = {name: getattr(m, name) for m in field_info.metadata for name in ("ge", "gt", "le", "lt") if hasattr(m, name)}
    low = bounds.get("ge", bounds.get("gt", -math.inf))
    high = bounds.get("le", bounds.get("lt", math.inf))
    return number(low, high, above="gt" in bounds, below="lt" in bounds)


def day(text: str) -> str:
    """An argparse type: a calendar date YYYY-MM-DD from :data:`EARLIEST_DAY` to ten years from today."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    latest = dt.date(dt.date.today().year + YEARS_AHEAD, 12, 31)
    if not EARLIEST_DAY <= value <= latest:
        raise argparse.ArgumentTypeError(f"{value} is outside {EARLIEST_DAY} to {latest}")
    return value.isoformat()


def comma_items(flag: str, text: str, *, known=None, kind: str = "name", notes: list[str]) -> list[str]:
    """The items of a comma list: none empty, each known (when ``known`` is given), repeats removed with a note."""
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or any(not t for t in items):
        raise argparse.ArgumentTypeError(f"argument {flag}: an empty item in {text!r} (two commas together, or one at "
                                         "an end)")
    if known is not None and (message := unknown_names(items, known, kind)):
        raise argparse.ArgumentTypeError(f"argument {flag}: {message}")
    unique = list(dict.fromkeys(items))
    if len(unique) < len(items):
        notes.append(f"note: {flag} named {', '.join(sorted({t for t in items if items.count(t) > 1}))} more than once; "
                     "each is used once.")
    return unique


def list_options(command: str) -> dict[str, tuple[str, object, str]]:
    """Each comma-list option of a command: its flag, its valid names (None: data-dependent) and what they are."""
    from model.bayes.trends import MODELS
    from model.lags.definitions import DEFINITIONS
    from model.lags.groups import PRESETS
    from model.robustness.backtest import METHODS_ALL

    options = {"benchmark": ("--benchmark", None, "benchmark")}
    if command == "backtest":
        options |= {"methods": ("--methods", METHODS_ALL, "method"), "cutoffs": ("--cutoffs", "dates", "date")}
    if command == "multiverse":
        options |= {"models": ("--models", MODELS, "model"),  # the multiverse varies single trend models
                    "definitions": ("--definitions", DEFINITIONS, "lag definition"),
                    "groups_choices": ("--groups-choices", list(PRESETS), "group preset")}
    if command == "refresh":
        from model.data.refresh import SOURCES

        options |= {"sources": ("--sources", list(SOURCES), "source")}
    return options


def check_arguments(parser: argparse.ArgumentParser, args) -> None:
    """Refuse (one line, exit 2) what no command could honour; remove repeats with a note; before any data is read."""
    notes: list[str] = []
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[args.command]
    try:
        for dest, (flag, known, kind) in list_options(args.command).items():
            text = getattr(args, dest, None)
            if text is None:
                continue
            items = comma_items(flag, text, known=None if known == "dates" else known, kind=kind, notes=notes)
            if known == "dates":
                try:
                    items = [day(t) for t in items]
                except argparse.ArgumentTypeError as exc:
                    raise argparse.ArgumentTypeError(f"argument {flag}: {exc}") from None
            setattr(args, dest, ",".join(items))
        start, end = getattr(args, "start", None), getattr(args, "end", None)
        if start and end and start >= end:
            raise argparse.ArgumentTypeError(f"argument --start: {start} is not before --end {end}")
    except argparse.ArgumentTypeError as exc:
        sub.error(str(exc))
    for note in notes:
        print(note, file=sys.stderr)
