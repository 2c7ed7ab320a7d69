"""Page data, without drawing: the numbers the Backtest, Pooled and Lag-definitions views show are computed by one
function each, shared with the CLI (before, each page computed its own copy)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from model.lags.across import definition_lags_by_benchmark
from model.lags.definitions import lags_by_definition
from model.robustness.backtest_tables import best_method_sentence, calibration_table, method_scores, vintage_table


def forecasts() -> pd.DataFrame:
    """Backtest rows of two methods: the line's 90% intervals always hold, OLS's half the time."""
    rows = []
    for h, n in ((3, 4), (12, 2)):
        for i in range(n):
            rows.append({"benchmark": "x", "method": "linear", "horizon_months": h, "in50": i % 2 == 0, "in90": True,
                         "crps": 1.0 + h / 12})
            rows.append({"benchmark": "x", "method": "ols", "horizon_months": h, "in50": False, "in90": i % 2 == 0,
                         "crps": 0.5})
    return pd.DataFrame(rows)


def test_method_scores_weight_each_horizon_by_its_forecasts_and_rank_by_calibration():
    scores = method_scores(calibration_table(forecasts()))
    assert list(scores["method"]) == ["linear", "ols"]  # calibrated first, although OLS has the lower CRPS
    line = scores.iloc[0]
    assert line["n"] == 6 and line["cover50"] == pytest.approx(3 / 6) and line["cover90"] == 1.0
    assert line["crps"] == pytest.approx((4 * 1.25 + 2 * 2.0) / 6)  # weighted, not the mean of the two horizons
    text = best_method_sentence(scores)
    assert text.startswith("Best calibrated: linear (50% intervals held 50% of the time, 90% intervals 100%")
    assert text.endswith("Lowest CRPS: ols.")


def test_vintage_table_counts_each_series_and_method():
    t = vintage_table(forecasts().assign(benchmark=lambda f: np.where(f.index % 2 == 0, "real time", "hindsight")))
    assert set(t.columns) == {"benchmark", "method", "n", "cover50", "cover90", "crps"} and t["n"].sum() == 12


def test_lags_of_every_benchmark_under_a_definition_are_each_benchmarks_own(aa):
    names = list(aa.benchmarks["benchmark"])[:6]
    table, skipped = definition_lags_by_benchmark(aa.scores, "catch_up", names=names, benchmarks=aa.benchmarks)
    assert table.columns[0] == "benchmark"
    for name in set(table["benchmark"]):
        own = lags_by_definition(aa.scores, name, "catch_up", benchmarks=aa.benchmarks)
        pd.testing.assert_frame_equal(table[table["benchmark"] == name].drop(columns="benchmark").reset_index(drop=True),
                                      own.reset_index(drop=True))
    assert len(set(table["benchmark"])) + len(skipped) == len(names)
    none, why = definition_lags_by_benchmark(aa.scores, "not_significantly_behind", names=["intelligence_index"],
                                             benchmarks=aa.benchmarks)
    assert none.empty and why[0].startswith("intelligence_index: ") and "standard error" in why[0]


def test_the_cli_writes_the_same_table(aa, capsys):
    from model.cli import main

    assert main(["lags", "--benchmark", "all", "--definition", "catch_up"]) == 0
    written = pd.read_csv(io.StringIO(capsys.readouterr().out), parse_dates=["date", "closed_date", "open_date"])
    table, _ = definition_lags_by_benchmark(aa.scores, "catch_up", names=list(aa.benchmarks["benchmark"]),
                                            benchmarks=aa.benchmarks)
    assert len(written) == len(table) and list(written.columns) == list(table.columns)
    np.testing.assert_allclose(written["lag_months"], table["lag_months"].astype(float))
