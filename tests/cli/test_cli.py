"""The CLI end to end, as a user runs it: each command through ``model.cli.main`` in this process (tests/cli/
in_process.py), and the module entry point itself once in a real subprocess."""

import io
import subprocess
import sys

import pandas as pd
import pytest

from tests.cli.in_process import run_cli
from tests.conftest import FIXTURES, ROOT

run = run_cli


def test_the_module_entry_point_runs_in_a_subprocess():
    r = subprocess.run([sys.executable, "-m", "model", "data", "--source", "epoch", "--coverage"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "epoch_gpqa_diamond" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-m", "model", "fit", "--draws", "3"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2 and "argument --draws: 3 is outside 10 to 5,000" in r.stderr.strip().splitlines()[-1]


def test_data_writes_tidy_csv(tmp_path):
    out = tmp_path / "tidy.csv"
    r = run("data", "--source", "aa", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert df["model_id"].nunique() >= 600 and "open_weights" in df


def test_data_coverage_prints_table():
    r = run("data", "--source", "epoch", "--coverage")
    assert r.returncode == 0 and "epoch_gpqa_diamond" in r.stdout and "n_open" in r.stdout


def test_lags_grid_events_all_and_ols(tmp_path):
    out = tmp_path / "lags.csv"
    assert run("lags", "--benchmark", "gpqa", "--grid", "weekly", "--out", str(out)).returncode == 0
    g = pd.read_csv(out)
    assert list(g.columns[:8]) == ["date", "open_frontier", "open_model", "closed_frontier", "closed_match_model",
                                   "closed_match_date", "lag_months", "status"]
    assert run("lags", "--benchmark", "gpqa", "--events", "--out", str(out)).returncode == 0
    assert "model_name" in pd.read_csv(out)
    assert run("lags", "--benchmark", "all", "--out", str(out)).returncode == 0
    assert pd.read_csv(out)["benchmark"].nunique() >= 20
    r = run("lags", "--benchmark", "intelligence_index_2026_06_15", "--ols-from", "2025-01-01")
    assert r.returncode == 0 and "zero crossing" in r.stdout


def test_cli_reads_files(tmp_path):
    r = run("data", "--file", str(FIXTURES / "aa_page_sample.json"), "--coverage")
    assert r.returncode == 0 and "gpqa" in r.stdout
    r = run("data", "--source", "epoch", "--file", str(FIXTURES / "epoch_sample.zip"), "--coverage")
    assert r.returncode == 0 and "epoch_eci" in r.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("lags", "--benchmark", "nope"), "Unknown benchmark"),
        (("data", "--file", "/no/such/file.csv"), "No such file"),
        (("lags", "--benchmark", "gpqa", "--start", "2026-01-01", "--end", "2025-01-01"), "is not before --end"),
        (("lags", "--benchmark", "gpqa", "--ols-from", "2030-01-01"), "at least 2 dated points"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(args, needle):
    r = run(*args)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.strip().splitlines() if ln]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in r.stderr


def test_bad_csv_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    r = run("data", "--file", str(bad))
    assert r.returncode == 2 and "Missing required column(s)" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("definition", ["backward", "catch_up", "threshold", "level_average"])
@pytest.mark.parametrize(("source", "benchmark"), [("aa", "intelligence_index_2026_06_15"), ("epoch", "epoch_eci")])
def test_lags_under_every_definition(source, benchmark, definition):
    r = run("lags", "--source", source, "--benchmark", benchmark, "--definition", definition, "--start", "2024-01-01")
    assert r.returncode == 0, r.stderr
    header = "date,open_frontier" if definition == "backward" else "benchmark,date,lag_months,status"  # backward: the grid
    assert r.stdout.startswith(header) and len(r.stdout.splitlines()) > 2


def test_lags_with_score_uncertainty_intervals():
    r = run("lags", "--source", "aa", "--benchmark", "gpqa", "--intervals")
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(io.StringIO(r.stdout))
    ok = table[table["status"] == "ok"]
    assert {"lag_lo90", "lag_median", "lag_hi90", "score_se"} <= set(table.columns)
    assert (ok["lag_lo90"] <= ok["lag_hi90"]).all() and ok["score_se"].str.startswith("binomial").all()
