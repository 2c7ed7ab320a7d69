"""Every subcommand x flag pair, walked from the parser itself: the flag changes what reaches the command's work (the
fit path, the comparison, the backtest, the multiverse; or the output, for ``data``), or it is refused in one line
naming it. Before, ``classes`` ignored ``--benchmark``, ``fit`` ignored trend priors under partial pooling and every
fit option beside ``--settings``, ``multiverse`` ignored ``--seed`` without ``--max-specs``, and ``fit --pooling
partial --model changepoint`` fitted the line. (``lags`` is walked under every definition in test_lags_flags.py.)

The expensive work is replaced by a recorder, so the walk costs no sampling: what reaches it is compared with what
reached it without the flag (data sets by content, tables by their values, settings by their fields)."""

from __future__ import annotations

import argparse
import importlib

import pandas as pd
import pytest

from model.analysis import FitSettings
from model.cli import build_parser, main
from model.data.dataset import Dataset

#: Flags that choose files (read or written), not the analysis: walked by their own tests.
IO_FLAGS = {"--out", "--file", "--overrides", "--settings", "--netcdf", "--from-netcdf", "--help",
            "--record", "--update"}  # (record's file, and adding to it: tests/robustness/test_forecast_record.py)
#: The function each command hands its work to; the walk records what reaches it instead of running it.
WORK = {
    "fit": [("model.analysis", "run_analysis")],
    "compare": [("model.analysis", "observations_for"), ("model.robustness.comparison", "compare_models")],
    "classes": [("model.robustness.test_sets", "compare_classes")],
    "backtest": [("model.robustness.backtest", f) for f in ("backtest_benchmark", "backtest_mean", "backtest_vintages")],
    "multiverse": [("model.robustness.multiverse", "run_specs")],
}
#: Steps before the work that would need real data for the flag's value (an Epoch benchmark for --source epoch):
#: recorded and passed on, so the work sees what they were given.
PASSED_ON = {"observations_for"}
#: Commands whose output is cheap: walked for real, the output compared.
REAL = {"data", "anchors", "arena", "record"}
#: The contexts each command is walked in (each flag is added to each context it is not already part of).
CONTEXTS = {
    "data": [[], ["--coverage"]],
    "fit": [[], ["--pooling", "partial"], ["--pooling", "complete"], ["--definition", "catch_up"]],
    "compare": [[]],
    "classes": [[]],
    "backtest": [[], ["--vintages"], ["--methods", "ols"]],
    "multiverse": [[], ["--max-specs", "5"]],
    "anchors": [[]],
    "arena": [[]],
    "record": [[]],
}
#: A value differing from the default, where the flag's type or choices do not give one.
VALUES = {"--start": "2025-01-01", "--end": "2026-06-01", "--tolerance": "1", "--follower": "open&country=CN",
          "--leader": "closed&creator=Anthropic", "--draws": "200", "--tune": "200", "--chains": "2", "--seed": "3",
          "--max-seconds": "60", "--methods": "ols,linear", "--cutoffs": "2025-01-01,2025-07-01", "--max-specs": "3",
          "--models": "linear,constant", "--definitions": "backward,catch_up", "--workers": "1",
          "--groups-choices": "open_vs_closed,china_open_vs_us_closed", "--scheduler": "tcp://127.0.0.1:1",
          "--source": "epoch", "--groups": "china_open_vs_us_closed", "--last": "3"}
BENCHMARK = {"backtest": "mean", "multiverse": "intelligence_index"}


class Reached(Exception):
    """What reached a command's work (raised by the recorder in its place)."""

    def __init__(self, name: str, args: tuple, kwargs: dict) -> None:
        super().__init__(name)
        self.value = (name, fingerprint(args), fingerprint(kwargs))


def fingerprint(value):
    """A comparable form of what a command passes on (a data set by its content, a table by its values)."""
    if isinstance(value, Dataset):
        return ("dataset", value.content_hash)
    if isinstance(value, pd.DataFrame | pd.Series):
        return ("table", int(pd.util.hash_pandas_object(value, index=False).sum()), tuple(getattr(value, "columns", ())))
    if isinstance(value, FitSettings):
        return ("settings", value.model_dump_json())
    if isinstance(value, dict):
        return tuple(sorted((k, fingerprint(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(fingerprint(v) for v in value)
    return repr(value)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    return next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices


def flag_value(command: str, action: argparse.Action) -> list[str]:
    """The flag with a value unlike its default."""
    flag = action.option_strings[0]
    if action.nargs == 0:
        return [flag]
    if flag == "--benchmark":
        return [flag, BENCHMARK.get(command, "gpqa")]
    if flag in VALUES:
        return [flag, VALUES[flag]]
    if action.choices:
        return [flag, next(str(c) for c in action.choices if c != action.default)]
    if action.dest.startswith(("prior_", "pool_")):  # a prior: its default, moved by one
        from model.bayes.priors import PoolingPriors, TrendPriors

        fields = TrendPriors.model_fields if action.dest.startswith("prior_") else PoolingPriors.model_fields
        default = fields[action.dest.split("_", 1)[1]].default
        return [flag, str(default * 0.8 if default > 0 else default + 1.0)]
    raise AssertionError(f"{command} {flag}: give it a test value in VALUES")


def outcome(command: str, argv: list[str], capsys) -> tuple[str, object]:
    """("refused", the error lines) or ("reached", what reached the work, or the output)."""
    try:
        code = main([command, *argv])
    except Reached as reached:
        capsys.readouterr()
        return "reached", reached.value
    out, err = capsys.readouterr()
    if code == 2:
        return "refused", [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 0, (command, argv, err[-500:])
    return "reached", out


@pytest.fixture
def recorders(monkeypatch):
    import model.commands

    loaded = {}  # each data set is validated once (the walk is about flags, and loads the same data hundreds of times)
    load = model.commands.load_dataset
    monkeypatch.setattr(model.commands, "load_dataset", lambda *a, **k: loaded.get(repr((a, k))) or
                        loaded.setdefault(repr((a, k)), load(*a, **k)))
    for targets in WORK.values():
        for module, name in targets:
            def record(*args, _name=name, **kwargs):
                if _name in PASSED_ON:
                    return ("passed on", _name, fingerprint(args), fingerprint(kwargs))
                raise Reached(_name, args, kwargs)

            monkeypatch.setattr(importlib.import_module(module), name, record)


def test_every_subcommand_is_walked():
    # lags: walked under every definition in test_lags_flags.py; refresh: its flags fetch, so they are walked against
    # a loopback server in tests/data/test_refresh.py
    assert set(subcommands()) == set(CONTEXTS) | {"lags", "refresh"}
    assert set(WORK) | REAL == set(CONTEXTS)


@pytest.mark.parametrize("command", sorted(CONTEXTS))
def test_every_flag_changes_the_work_or_is_refused_in_one_line(command, recorders, capsys):
    actions = [a for a in subcommands()[command]._actions
               if a.option_strings and a.dest != "help" and a.option_strings[0] not in IO_FLAGS]
    if command in ("anchors", "record"):
        assert not actions  # only files: nothing to walk
        return
    checked = 0
    for context in CONTEXTS[command]:
        kind, baseline = outcome(command, context, capsys)
        assert kind == "reached", (command, context, baseline)
        for action in actions:
            flag = action.option_strings[0]
            if flag in context:
                continue
            argv = [*context, *flag_value(command, action)]
            kind, value = outcome(command, argv, capsys)
            if kind == "refused":
                assert len(value) == 1 and flag in value[0], (command, argv, value)
            else:
                assert value != baseline, f"{command} {' '.join(argv)}: the flag changed nothing"
            checked += 1
    assert checked >= len(actions)


def test_the_fit_options_beside_a_settings_file_are_refused(tmp_path, recorders, capsys):
    path = tmp_path / "settings.json"
    path.write_text(FitSettings().to_json())
    assert outcome("fit", ["--settings", str(path)], capsys)[0] == "reached"
    kind, lines = outcome("fit", ["--settings", str(path), "--draws", "200"], capsys)
    assert kind == "refused" and lines == ["error: --draws is given by the --settings file; leave it out."]


def test_partial_pooling_of_another_model_is_refused_in_the_settings_too():
    """The library refuses it as well (a page or a settings file cannot fit the line under another model's name)."""
    with pytest.raises(ValueError, match="partial pooling fits the linear trend"):
        FitSettings(pooling="partial", model="changepoint")
    assert FitSettings(pooling="partial", model="stacked").choice.combines
