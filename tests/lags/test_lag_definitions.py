"""The published lag definitions: hand cases, and the published numbers the embedded data allow."""

import numpy as np
import pandas as pd
import pytest

from model.core.errors import DataError
from model.lags.definitions import (
    DEFINITIONS,
    catch_up_lags,
    lags_by_definition,
    level_average_lag,
    not_significantly_behind_lags,
    threshold_lags,
)
from tests.cli.in_process import run_cli
from tests.lags.test_lags import frame, months

# closed: A 50 (2024-01), B 70 (2024-07), C 85 (2025-03); open: Y 40 (2024-03), X 60 (2024-10), Z 80 (2024-12)
BASE = [("A", "2024-01-01", False, 50), ("B", "2024-07-01", False, 70), ("Y", "2024-03-01", True, 40),
        ("X", "2024-10-01", True, 60), ("Z", "2024-12-01", True, 80), ("C", "2025-03-01", False, 85)]


def test_catch_up_hand_case():
    t = catch_up_lags(frame(BASE), "b").set_index("closed_model")
    assert t.at["A", "open_model"] == "X" and t.at["A", "lag_months"] == pytest.approx(months("2024-10-01", "2024-01-01"))
    assert t.at["B", "open_model"] == "Z" and t.at["B", "lag_months"] == pytest.approx(months("2024-12-01", "2024-07-01"))
    assert t.at["C", "status"] == "not_caught_up"  # still a lower bound: the time from C to the end of the data
    assert t.at["C", "lag_months"] == pytest.approx(0.0)
    assert t.at["B", "date"] == pd.Timestamp("2024-12-01")  # observed at the catch-up date


def test_catch_up_open_already_ahead_is_zero():
    rows = [("O", "2024-01-01", True, 90), ("C1", "2024-02-01", False, 50), ("C2", "2024-05-01", False, 95)]
    t = catch_up_lags(frame(rows), "b").set_index("closed_model")
    assert t.at["C1", "status"] == "open_ahead" and t.at["C1", "lag_months"] == 0.0
    assert t.at["C2", "status"] == "not_caught_up"


def test_threshold_hand_case():
    t = threshold_lags(frame(BASE), "b", n=3)  # thresholds above max(40, 50) = 50: 61.67, 73.33, 85
    assert np.allclose(t["level"], [61.666667, 73.333333, 85.0])
    first = t.iloc[0]  # 61.67: closed B (2024-07) first, open Z (2024-12)
    assert first["closed_model"] == "B" and first["open_model"] == "Z"
    assert first["lag_months"] == pytest.approx(months("2024-12-01", "2024-07-01"))
    assert t.iloc[-1]["status"] == "not_caught_up"  # 85: only closed C


def test_level_average_hand_case():
    # From 2024-01 to 2025-01 both frontiers pass through (50, 70]. Every level there was first reached by closed B
    # (2024-07; A's 50 is below it); levels in (50, 60] by open X (2024-10), those in (60, 70] by open Z (2024-12).
    lag = level_average_lag(frame(BASE), "b", start="2024-01-01", end="2025-01-01", n=100)
    expected = (months("2024-10-01", "2024-07-01") + months("2024-12-01", "2024-07-01")) / 2
    assert lag == pytest.approx(expected, abs=0.1)
    assert np.isnan(level_average_lag(frame(BASE), "b", start="2024-01-01", end="2024-02-01"))


def with_se(rows, se):
    return frame(rows).assign(score_se=float(se))


def test_not_significantly_behind_with_exact_scores_is_backward():
    nsb = not_significantly_behind_lags(with_se(BASE, 0.0), "b")
    back = lags_by_definition(with_se(BASE, 0.0), "b", "backward")
    assert list(nsb["status"]) == list(back["status"]) == ["left_censored", "ok", "open_ahead"]
    np.testing.assert_allclose(nsb["lag_months"], back["lag_months"])


def test_not_significantly_behind_counts_a_near_tie_as_caught_up():
    # closed A 50 (2024-01), B 62 (2024-05), C 75 (2024-08); open X 60 (2024-10). Exact: B reached 60 first, 5 months.
    rows = [("A", "2024-01-01", False, 50), ("B", "2024-05-01", False, 62), ("C", "2024-08-01", False, 75),
            ("X", "2024-10-01", True, 60)]
    assert lags_by_definition(with_se(rows, 3.0), "b", "backward").iloc[-1]["lag_months"] == pytest.approx(
        months("2024-10-01", "2024-05-01"))
    # se 3 on both sides: "significantly better" needs a gap above 1.645 * sqrt(18) = 7.0 points; B (+2) is not, C (+15) is
    row = not_significantly_behind_lags(with_se(rows, 3.0), "b").iloc[-1]
    assert row["status"] == "ok" and row["closed_model"] == "C"
    assert row["lag_months"] == pytest.approx(months("2024-10-01", "2024-08-01"))
    # larger errors: no closed record is significantly better by 2024-10, so the open side is not behind
    assert not_significantly_behind_lags(with_se(rows, 8.0), "b").iloc[-1]["status"] == "open_ahead"


def test_not_significantly_behind_needs_standard_errors(epoch):
    with pytest.raises(DataError, match="no score has a standard error"):
        not_significantly_behind_lags(frame(BASE), "b")
    no_se = epoch.scores.assign(score_se=np.nan)
    with pytest.raises(DataError, match="epoch_eci: no score has a standard error"):
        lags_by_definition(no_se, "epoch_eci", "not_significantly_behind", benchmarks=epoch.benchmarks)
    gpqa = lags_by_definition(epoch.scores, "epoch_gpqa_diamond", "not_significantly_behind", benchmarks=epoch.benchmarks)
    back = lags_by_definition(epoch.scores, "epoch_gpqa_diamond", "backward", benchmarks=epoch.benchmarks)
    assert len(gpqa) == len(back) and (gpqa["lag_months"].fillna(0) <= back["lag_months"].fillna(0) + 1e-9).all()


def test_epoch_2024_mmlu_llama65b_behind_gopher(epoch):
    t = catch_up_lags(epoch.scores, "epoch_mmlu", benchmarks=epoch.benchmarks)
    gopher = t[t["closed_model"].astype(str).str.startswith("Gopher")].iloc[0]
    assert gopher["open_model"] == "LLaMA-65B"
    assert gopher["lag_months"] == pytest.approx(14.6, abs=0.1)  # Epoch AI (2024): about 14.6 months


def test_epoch_2024_gpqa_llama_405b_behind_claude_3_opus(epoch):
    t = catch_up_lags(epoch.scores, "epoch_gpqa_diamond", benchmarks=epoch.benchmarks)
    opus = t[t["closed_model"].astype(str).str.contains("claude-3-opus")].iloc[0]
    assert opus["open_model"].startswith("Llama-3.1-405B")
    assert 4.5 <= opus["lag_months"] <= 4.9  # Epoch AI: 4.6 to 4.8 months


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_every_definition_runs_on_every_embedded_benchmark(aa, epoch, definition):
    for ds in (aa, epoch):
        for bench in ds.benchmarks["benchmark"]:
            try:
                t = lags_by_definition(ds.scores, bench, definition, benchmarks=ds.benchmarks)
            except DataError:
                continue
            assert set(t["status"]) <= {"ok", "open_ahead", "left_censored", "not_caught_up", "no_closed_yet"}
            assert (t["lag_months"].dropna() >= 0).all()


def test_unknown_definition_and_tolerance_messages(aa):
    with pytest.raises(DataError, match="Unknown lag definition 'sideways'"):
        lags_by_definition(aa.scores, "gpqa", "sideways")
    with pytest.raises(DataError, match="tolerance applies to the backward definition only"):
        lags_by_definition(aa.scores, "gpqa", "catch_up", tolerance=0.5)


def test_definitions_flow_into_the_fit_observations_with_their_censoring(aa):
    from model.bayes.observations import benchmark_observations

    obs = benchmark_observations(aa.scores, "intelligence_index_2026_06_15", lag_definition="catch_up",
                                 benchmarks=aa.benchmarks)
    pending = obs.status == "not_caught_up"
    assert pending.any() and np.all(obs.upper[pending] == obs.y[pending])  # a lower bound: latent lag >= y
    assert np.isinf(obs.upper[~pending & (obs.status == "ok")]).all()
    with pytest.raises(DataError, match="use the events observations"):
        benchmark_observations(aa.scores, "gpqa", kind="monthly", lag_definition="threshold")


@pytest.mark.slow
@pytest.mark.slow  # fits (the fast engine)
def test_fit_path_and_cli_take_the_definition(aa, tmp_path):

    from model.analysis import FitSettings, run_analysis

    fast = dict(draws=200, tune=200, chains=2)
    result = run_analysis(aa, FitSettings(benchmarks=["intelligence_index_2026_06_15"], lag_definition="catch_up", **fast))
    backward = run_analysis(aa, FitSettings(benchmarks=["intelligence_index_2026_06_15"], **fast))
    assert result.summary.loc[0, "n_obs"] != backward.summary.loc[0, "n_obs"]
    with pytest.raises(DataError, match="choose the backward definition"):
        run_analysis(aa, FitSettings(benchmarks=["gpqa", "hle"], pooling="complete", lag_definition="threshold", **fast))
    out = tmp_path / "s.csv"
    r = run_cli("fit", "--benchmark", "gpqa", "--definition", "threshold", "--draws", "100", "--tune", "100", "--chains", "1",
                "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(out).loc[0, "n_obs"] > 3


def test_the_monthly_grid_of_not_significantly_behind_is_the_sawtooth_of_its_events():
    # closed A 50 (2024-01), B 62 (2024-05), C 75 (2024-08); open X 60 (2024-10): se 3, C is the first significantly
    # better closed record, so from 2024-10 the lag is the months since 2024-08; before X no open model exists
    from model.lags.definitions import not_significantly_behind_grid

    rows = [("A", "2024-01-01", False, 50), ("B", "2024-05-01", False, 62), ("C", "2024-08-01", False, 75),
            ("X", "2024-10-01", True, 60)]
    grid = not_significantly_behind_grid(with_se(rows, 3.0), "b", start="2024-09-01", end="2025-01-01")
    assert list(grid["date"].dt.strftime("%Y-%m")) == ["2024-10", "2024-11", "2024-12", "2025-01"]
    np.testing.assert_allclose(grid["lag_months"], [months(d, "2024-08-01") for d in
                                                    ("2024-10-01", "2024-11-01", "2024-12-01", "2025-01-01")])
    assert set(grid["closed_model"]) == {"C"}
