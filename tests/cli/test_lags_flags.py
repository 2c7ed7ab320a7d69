"""Every ``lags`` flag, walked from the parser itself under every lag definition: it changes the output, or it is
refused in one line naming the flag (before, several flags were silently ignored under other definitions)."""

from __future__ import annotations

import argparse

import pytest

from model.cli import build_parser, main
from model.lags.definitions import DEFINITIONS

#: Flags about where data come from or go to (they choose files, not the analysis): not walked here.
IO_FLAGS = {"--out", "--file", "--overrides", "--source", "--benchmark"}
#: A value for each flag that differs from its default (store_true flags need none).
VALUES = {"--open-definition": "permissive", "--grid": "weekly", "--start": "2025-01-01", "--end": "2025-06-01",
          "--tolerance": "1", "--groups": "china_open_vs_us_closed", "--follower": "open&country=CN",
          "--leader": "closed&creator=Anthropic", "--ols-from": "2024-06-01"}
#: The benchmark each definition is walked on: the 2026-08-22 index version has estimated values (so
#: --exclude-estimated can act); "not significantly behind" needs score errors, which GPQA's item count gives.
BENCHMARK = {"not_significantly_behind": "gpqa"}
#: Flags whose effect depends on what the data hold: not walked where the data cannot show it.
NO_EFFECT_ON = {"gpqa": {"--exclude-estimated"}}


def lags_flags() -> list[argparse.Action]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["lags"]
    return [a for a in sub._actions if a.option_strings and a.option_strings[0].startswith("--")
            and a.option_strings[0] not in IO_FLAGS | {"--help", "--definition"}]


def run(argv, capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_every_lags_flag_changes_the_output_or_is_refused_in_one_line(definition, capsys):
    bench = BENCHMARK.get(definition, "intelligence_index")
    base = ["lags", "--benchmark", bench, "--definition", definition]
    code, baseline, _ = run(base, capsys)
    assert code == 0 and baseline
    for action in lags_flags():
        flag = action.option_strings[0]
        if flag in NO_EFFECT_ON.get(bench, set()):
            continue
        extra = [flag] if action.nargs == 0 else [flag, VALUES[flag]]
        code, out, err = run(base + extra, capsys)
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        if code == 2:
            assert len(lines) == 1 and (flag in lines[0] or "--" not in lines[0]), (flag, err)
        else:
            assert code == 0 and out != baseline, f"{flag} under {definition}: exit {code}, output unchanged"
