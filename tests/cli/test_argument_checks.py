"""Every CLI argument is checked before any work (issue 26, item 7): one line naming the option, exit status 2, and
no data read; repeated names are used once, with a note."""

import pytest

import model.cli as cli

HELP = " (see python -m model {} --help)"

CASES = [
    ("fit --draws abc", "argument --draws: 'abc' is not a whole number"),
    ("fit --draws 3", "argument --draws: 3 is outside 10 to 5,000"),
    ("fit --chains 9", "argument --chains: 9 is outside 1 to 8"),
    ("fit --seed -1", "argument --seed: -1 is outside 0 to 4,294,967,295"),
    ("fit --max-seconds 1e9", "argument --max-seconds: 1e9 is outside (0, 600]"),
    ("fit --max-seconds 0", "argument --max-seconds: 0 is outside (0, 600]"),
    ("fit --tolerance nan", "argument --tolerance: nan is not a finite number"),
    ("fit --prior-slope-mean inf", "argument --prior-slope-mean: inf is not a finite number"),
    ("fit --prior-slope-mean 61", "argument --prior-slope-mean: 61 is outside [-60, 60]"),
    ("fit --prior-noise-sd 0", "argument --prior-noise-sd: 0 is outside (0, 100]"),
    ("fit --pooling partial --pool-lkj-eta 0.1", "argument --pool-lkj-eta: 0.1 is outside [0.5, 50]"),
    ("fit --start 2024-13-01", "argument --start: '2024-13-01' is not a date (YYYY-MM-DD)"),
    ("fit --start 1990-01-01", "argument --start: 1990-01-01 is outside 2018-01-01 to {latest}"),
    ("fit --start 2025-01-01 --end 2024-01-01", "argument --start: 2025-01-01 is not before --end 2024-01-01"),
    ("fit --benchmark gpqa,,hle", "argument --benchmark: an empty item in 'gpqa,,hle' (two commas together, or one at "
                                  "an end)"),
    ("fit --benchmark gpqa,", "argument --benchmark: an empty item in 'gpqa,' (two commas together, or one at an end)"),
    ("lags --benchmark gpqa --ols-from nope", "argument --ols-from: 'nope' is not a date (YYYY-MM-DD)"),
    ("lags --benchmark gpqa --end 2024-02-30", "argument --end: '2024-02-30' is not a date (YYYY-MM-DD)"),
    ("backtest --methods ols,linaer", "argument --methods: unknown method 'linaer' (did you mean linear or linear_ar1?) "
                                      "(valid: ols, constant, linear, linear_ar1, changepoint, stacked)"),
    ("backtest --cutoffs 2024-01-01,2025-13-01", "argument --cutoffs: '2025-13-01' is not a date (YYYY-MM-DD)"),
    ("backtest --draws 0", "argument --draws: 0 is outside 10 to 5,000"),
    ("multiverse --definitions ''", "argument --definitions: an empty item in '' (two commas together, or one at an "
                                    "end)"),
    ("multiverse --models linear,stacked", "argument --models: unknown model 'stacked' (did you mean ...)"),
    ("multiverse --groups-choices open_vs_closd", "argument --groups-choices: unknown group preset 'open_vs_closd' (did "
                                                  "you mean ...)"),  # the nearest names and the list follow PRESETS
    ("multiverse --workers 0", "argument --workers: 0 is outside 1 to 64"),
    ("multiverse --max-specs 0", "argument --max-specs: 0 is outside 1 to 100,000"),
]


@pytest.fixture
def no_work(monkeypatch):
    """Any data read or command run fails the test: the checks come first."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(cli, "prepare", refuse)
    monkeypatch.setattr(cli, "run", refuse)


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_argument_is_one_line_naming_it_before_any_work(no_work, capsys, argv, message):
    import datetime as dt
    import shlex

    words = shlex.split(argv)
    with pytest.raises(SystemExit) as info:
        cli.main(words)
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1
    expected = "error: " + message.format(latest=f"{dt.date.today().year + 10}-12-31") + HELP.format(words[0]) + "\n"
    if "(did you mean ...)" in message:  # the nearest names depend on the model list; the start is exact
        assert err.startswith(expected.split(" (did you mean")[0]), err
    else:
        assert err == expected


def test_repeated_names_are_used_once_with_a_note(monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr(cli, "run", lambda args: seen.update(vars(args)) or 0)
    assert cli.main(["multiverse", "--models", "linear,constant,linear", "--definitions", "backward,backward"]) == 0
    assert seen["models"] == "linear,constant" and seen["definitions"] == "backward"
    assert capsys.readouterr().err.splitlines() == [
        "note: --models named linear more than once; each is used once.",
        "note: --definitions named backward more than once; each is used once."]


def test_an_unknown_benchmark_names_the_nearest_once_the_data_are_read(capsys):
    assert cli.main(["fit", "--benchmark", "gpq,hle"]) == 2
    assert capsys.readouterr().err == ("error: Unknown benchmark 'gpq' (did you mean gpqa?) (valid: 28 known; the data "
                                       "command lists them).\n")
