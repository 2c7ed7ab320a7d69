"""Backtests: forecasts made at past cutoffs, scored against what happened."""


import numpy as np
import pandas as pd
import pytest

from model.bayes.sampling import SamplerSettings
from model.core.errors import DataError
from model.core.limits import MAX_FIT_SECONDS  # real sampling on a busy machine: the most a fit may take
from model.robustness.backtest import _ols_predictive, backtest_benchmark, backtest_mean, realised_lag
from model.robustness.backtest_tables import calibration_table
from tests.cli.in_process import run_cli
from tests.sim import simulate_series

FAST = SamplerSettings(draws=200, tune=200, chains=2, seed=1, max_seconds=MAX_FIT_SECONDS)
pytestmark = pytest.mark.slow


def test_backtest_uses_only_past_models_and_scores_every_method(aa):
    r = backtest_benchmark(aa.scores, "coding_index_2026_06_15", benchmarks=aa.benchmarks, cutoffs=["2025-01-01", "2025-07-01"],
                           sampler=FAST)
    assert set(r["method"]) == {"ols", "linear", "linear_ar1"}
    assert set(r["horizon_months"]) <= {3, 6, 12}
    # the realised lag is the full data's lag on the target date
    row = r.iloc[0]
    assert row["observed_lag"] == pytest.approx(realised_lag(aa.scores, "coding_index_2026_06_15",
                                                             pd.Timestamp(row["target_date"]), benchmarks=aa.benchmarks)[0])
    assert ((r["lo90"] <= r["pred_median"]) & (r["pred_median"] <= r["hi90"])).all()
    assert (r["lo90"] >= 0).all() and (r["crps"] >= 0).all()
    table = calibration_table(r)
    assert {"cover50", "cover90", "crps", "calibration_error"} <= set(table.columns)


def test_training_data_stop_at_the_cutoff(aa):
    cut = pd.Timestamp("2025-04-01")
    r = backtest_benchmark(aa.scores, "gpqa", benchmarks=aa.benchmarks, cutoffs=[cut], methods=("ols",))
    r2 = backtest_benchmark(aa.scores[(aa.scores["release_date"] < cut) | (aa.scores["release_date"] >= cut)], "gpqa",
                            benchmarks=aa.benchmarks, cutoffs=[cut], methods=("ols",))
    pd.testing.assert_frame_equal(r, r2)
    # adding a future model with a huge score changes the realised lag but not the forecast
    fut = aa.scores[aa.scores["benchmark"] == "gpqa"].iloc[[0]].assign(model_id="future-x", model_name="future-x",
                                                                        release_date=pd.Timestamp("2025-05-01"), score=0.99,
                                                                        open_weights=True)
    r3 = backtest_benchmark(pd.concat([aa.scores, fut], ignore_index=True), "gpqa", benchmarks=aa.benchmarks, cutoffs=[cut],
                            methods=("ols",))
    assert np.allclose(r3["pred_median"], r["pred_median"])


def test_ols_prediction_interval_is_calibrated_on_a_true_line():
    rng = np.random.default_rng(0)
    hits = 0
    for s in range(200):
        obs = simulate_series(8.0, -2.0, n=30, sigma=1.0, seed=s, censor=False)
        draws, _ = _ols_predictive(obs, np.array([0.5]), rng)
        y = 8.0 - 2.0 * 0.5 + rng.normal(0, 1.0)
        lo, hi = np.quantile(draws[:, 0], [0.05, 0.95])
        hits += lo <= y <= hi
    assert 0.84 <= hits / 200 <= 0.96


def test_backtest_on_the_mean_series(aa):
    names = ["gpqa", "hle", "scicode", "ifbench", "aa_lcr"]
    r = backtest_mean(aa.scores, names, benchmarks=aa.benchmarks, cutoffs=["2025-01-01"], sampler=FAST)
    assert r["benchmark"].iloc[0] == "mean of 5 benchmarks" and r["observed_status"].eq("mean").all()


def test_cli_backtest(tmp_path):
    out = tmp_path / "bt.csv"
    # OLS only: the CLI plumbing, without a compile (the Bayesian path is tested above)
    r = run_cli("backtest", "--benchmark", "gpqa,mean", "--methods", "ols", "--cutoffs", "2025-01-01,2025-07-01", "--out",
                str(out))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out)
    assert "cover90" in r.stdout and set(table["method"]) == {"ols"} and table["benchmark"].nunique() == 2
    assert list(pd.read_csv(tmp_path / "bt.dictionary.csv")["column"]) == list(table.columns)  # every column described
    bad = run_cli("backtest", "--methods", "magic")
    assert bad.returncode == 2 and "unknown method 'magic'" in bad.stderr


def test_benchmarks_that_appear_after_the_cutoff_change_nothing_before_it(aa):
    """The across-benchmark mean at a cutoff uses only benchmarks with data before it, and their quorum."""
    names = ["gpqa", "tau2_bench"]  # tau2_bench starts later: some early months have one benchmark only
    cut = "2024-10-01"
    late_rows = aa.scores[(aa.scores["benchmark"] == "gpqa") & (aa.scores["release_date"] >= "2025-01-01")]
    late = pd.concat([late_rows.assign(benchmark=f"late_{i}") for i in range(6)], ignore_index=True)
    more = pd.concat([aa.scores, late], ignore_index=True)
    kw = dict(cutoffs=[cut], methods=("ols",), horizons=(3, 6))
    base = backtest_mean(aa.scores, names, **kw)
    with_late = backtest_mean(more, names + [f"late_{i}" for i in range(6)], **kw)
    cols = ["cutoff", "horizon_months", "pred_median", "lo50", "hi50", "lo90", "hi90", "n_train"]
    pd.testing.assert_frame_equal(base[cols], with_late[cols])


def test_real_time_backtest_fits_each_index_version_at_its_own_date(aa):
    """Real time: at 2026-06-15 the fit sees only the 06-15 index version (and models released before that date); the
    hindsight run at the same cutoff fits the newest version; both are scored against the newest version's lag."""
    from model.robustness.backtest import INDEX_VINTAGES, backtest_vintages

    live = backtest_vintages(aa.scores, "intelligence", methods=("ols", "linear"), benchmarks=aa.benchmarks, sampler=FAST)
    past = backtest_vintages(aa.scores, "intelligence", methods=("ols", "linear"), benchmarks=aa.benchmarks, sampler=FAST,
                             hindsight=True)
    assert set(live["cutoff"]) == set(past["cutoff"]) == set(sorted(INDEX_VINTAGES["intelligence"])[:-1])
    assert live["benchmark"].str.contains("real time").all() and past["benchmark"].str.contains("hindsight").all()
    cols = ["cutoff", "horizon_months", "target_date", "observed_lag"]
    pd.testing.assert_frame_equal(live[cols].reset_index(drop=True), past[cols].reset_index(drop=True))  # same targets
    # the forecasts differ: the 06-15 version's lags are not the newest version's
    assert not np.allclose(live["pred_median"].to_numpy(), past["pred_median"].to_numpy())
    with pytest.raises(DataError, match="No index versions"):
        backtest_vintages(aa.scores, "math", benchmarks=aa.benchmarks)
