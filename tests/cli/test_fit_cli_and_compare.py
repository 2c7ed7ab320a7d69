"""The fit path headless: CLI fit, settings round trip, model comparison, diagnostics verdicts."""

import json

import numpy as np
import pandas as pd
import pytest

from model.analysis import FitSettings, run_analysis
from model.bayes.diagnostics import verdict
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.sampling import SamplerSettings
from model.bayes.summaries import SUMMARY_COLUMNS
from model.core.errors import DataError
from model.core.limits import MAX_FIT_SECONDS  # real sampling on a busy machine: the most a fit may take
from model.robustness.comparison import compare_models, crps_samples, leave_future_out, loo
from tests.cli.in_process import run_cli
from tests.sim import simulate_series

FAST = dict(draws=300, tune=300, chains=2, seed=5, max_seconds=MAX_FIT_SECONDS)
pytestmark = pytest.mark.slow


run = run_cli  # the CLI in this process (tests/cli/in_process.py)


def test_cli_fit_writes_summary_json_and_netcdf(tmp_path):
    out, nc = tmp_path / "summary.csv", tmp_path / "post.nc"
    r = run("fit", "--source", "aa", "--benchmark", "coding_index_2026_06_15", "--model", "linear", "--draws", "300",
            "--tune", "300", "--chains", "2", "--prior-slope-sd", "4", "--out", str(out), "--netcdf", str(nc))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == SUMMARY_COLUMNS and table.loc[0, "benchmark"] == "coding_index_2026_06_15"
    assert json.loads(table.loc[0, "prior_json"])["slope_sd"] == 4
    assert nc.stat().st_size > 1000
    import xarray as xr

    posterior = xr.open_datatree(nc, engine="h5netcdf")["posterior"]  # every variable says what it is, in which units
    assert posterior["beta"].attrs["long_name"] == "slope now" and posterior["beta"].attrs["units"] == \
        "months of lag per year" and posterior["alpha"].attrs["description"]
    assert all(posterior[v].attrs.get("long_name") and "description" in posterior[v].attrs for v in posterior.data_vars)
    # the posterior file carries its settings: the same summary comes back without sampling
    again = tmp_path / "again.csv"
    r = run("fit", "--from-netcdf", str(nc), "--out", str(again))
    assert r.returncode == 0, r.stderr
    assert again.read_text() == out.read_text()
    js = tmp_path / "summary.json"
    assert run("fit", "--benchmark", "gpqa", "--draws", "100", "--tune", "100", "--chains", "1", "--out", str(js)).returncode == 0
    assert json.loads(js.read_text())[0]["benchmark"] == "gpqa"


def test_posterior_file_refuses_other_data_and_foreign_files(tmp_path):
    import xarray as xr

    plain = tmp_path / "plain.nc"
    xr.DataTree(xr.Dataset({"a": ("x", [1.0, 2.0])})).to_netcdf(plain, engine="h5netcdf")
    r = run("fit", "--from-netcdf", str(plain))
    assert r.returncode == 2 and "carries no Frontier Lag settings" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    junk = tmp_path / "junk.nc"
    junk.write_bytes(b"not a netcdf file")
    r = run("fit", "--from-netcdf", str(junk))
    assert r.returncode == 2 and "not a readable posterior file" in r.stderr


def test_settings_file_reproduces_exactly(tmp_path, aa):
    settings = FitSettings(benchmarks=["intelligence_index_2026_06_15"], model="linear", priors={"slope_mean": -1}, **FAST)
    path = tmp_path / "settings.json"
    path.write_text(settings.to_json())
    out = tmp_path / "s.csv"
    r = run("fit", "--settings", str(path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    direct = run_analysis(aa, FitSettings.from_json(path.read_text())).summary
    from_cli = pd.read_csv(out)
    assert from_cli.loc[0, "crossing_median"] == direct.loc[0, "crossing_median"]
    assert from_cli.loc[0, "slope_median"] == pytest.approx(direct.loc[0, "slope_median"], rel=1e-9)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("fit", "--benchmark", "nope"), "Unknown benchmark"),
        (("fit", "--benchmark", "gpqa", "--draws", "5"), "argument --draws: 5 is outside 10 to 5,000"),
        (("fit", "--benchmark", "gpqa", "--start", "2026-08-01"), "a trend needs at least 3"),
        (("fit", "--settings", "/dev/null"), "Invalid settings file"),
    ],
)
def test_fit_bad_input_is_one_line(args, needle):
    r = run(*args)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.strip().splitlines() if ln]
    assert len(lines) == 1 and needle in lines[0], r.stderr


def test_partial_and_complete_pooling_on_real_data(aa):
    names = ["gpqa", "hle", "scicode", "ifbench"]
    part = run_analysis(aa, FitSettings(benchmarks=names, pooling="partial", start="2024-06-01", **FAST))
    assert set(part.summary["benchmark"]) == set(names) | {"population", "new benchmark"}
    comp = run_analysis(aa, FitSettings(benchmarks=names, pooling="complete", start="2024-06-01", **FAST))
    assert comp.summary.loc[0, "pooling"] == "complete" and comp.summary.loc[0, "observations"] == "monthly_mean"
    with pytest.raises(DataError):
        run_analysis(aa, FitSettings(benchmarks=["gpqa"], pooling="partial", **FAST))


def test_compare_models_table_and_lfo():
    obs = simulate_series(6.0, -2.5, n=30, seed=9)
    table = compare_models(obs, sampler=SamplerSettings(**FAST), models=("constant", "linear"))
    assert list(table["model"])[0] == "linear"  # the true model wins LOO
    assert {"elpd_loo", "elpd_se", "pareto_k_max", "lfo_cover90", "lfo_crps"} <= set(table.columns)
    lfo = leave_future_out(obs, FitSpec(sampler=SamplerSettings(**FAST)))
    assert len(lfo) > 0 and lfo["in90"].mean() >= 0.6
    fit = fit_trend(obs, FitSpec(model="linear_ar1", sampler=SamplerSettings(**FAST)))
    assert np.isfinite(loo(fit)["elpd_loo"])


def test_crps_of_point_mass_is_absolute_error():
    assert crps_samples(np.full(100, 2.0), 5.0) == pytest.approx(3.0)
    rng = np.random.default_rng(0)
    # CRPS of N(0,1) at 0 is (sqrt(2) - 1) / sqrt(pi) ~ 0.2337
    assert crps_samples(rng.standard_normal(20000), 0.0) == pytest.approx(0.2337, abs=0.01)


def test_verdicts():
    assert verdict(1.001, 2000, 2000, 0) == "trustworthy"
    assert verdict(1.001, 2000, 2000, 12).startswith("do not trust: 12 divergences")
    assert verdict(1.2, 2000, 2000, 0).startswith("do not trust: R-hat")
    assert verdict(1.02, 300, 2000, 0).startswith("caution")
    assert "effective sample size" in verdict(1.0, 50, 50, 0)
