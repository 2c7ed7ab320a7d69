"""Score uncertainty carried into the lag: the bootstrap's lag is the engine's lag when scores are exact, and its
interval widens with the scores' standard errors."""

import numpy as np
import pandas as pd
import pytest

from model.data import catalog
from model.lags.engine import frontier_lag
from model.lags.uncertainty import bootstrap_lags, lag_intervals, score_standard_errors
from tests.lags.test_lags import frame


@pytest.mark.parametrize("source", ["aa", "epoch"])
def test_without_score_errors_the_bootstrap_is_the_engine(source, aa, epoch, monkeypatch):
    monkeypatch.setattr("model.lags.uncertainty.ITEM_COUNTS", {})
    ds = aa if source == "aa" else epoch
    scores = ds.scores.assign(score_se=np.nan)  # no error from the data either
    for bench in ds.benchmarks["benchmark"]:
        try:
            dates, lag, origin = bootstrap_lags(scores, bench, benchmarks=ds.benchmarks, n_replicates=5)
        except Exception:  # one-sided benchmarks: the engine refuses them too
            continue
        grid = frontier_lag(ds.scores, bench, benchmarks=ds.benchmarks)
        assert origin == "none" and lag.shape == (1, len(grid))
        expected = grid["lag_months"].where(~grid["status"].isin(["no_open_yet", "no_closed_yet"])).to_numpy(float)
        np.testing.assert_allclose(lag[0], expected, atol=1e-9, equal_nan=True, err_msg=bench)


def test_binomial_standard_errors_from_item_counts(aa):
    rows = pd.DataFrame({"score": [0.5, 0.9]})
    se, origin = score_standard_errors(rows, "gpqa", aa.benchmarks)
    assert se[0] == pytest.approx(np.sqrt(0.25 / 198)) and "198 questions" in origin
    assert score_standard_errors(rows, "intelligence_index", aa.benchmarks)[1] == "none"


def test_the_datas_own_errors_come_first_then_binomial(aa, epoch):
    rows = pd.DataFrame({"score": [0.5, 0.9], "score_se": [0.01, np.nan]})
    se, origin = score_standard_errors(rows, "gpqa", aa.benchmarks)
    assert se[0] == 0.01 and se[1] == pytest.approx(np.sqrt(0.09 / 198)) and origin.startswith("data and binomial")
    se, origin = score_standard_errors(rows, "intelligence_index", aa.benchmarks)
    assert list(se) == [0.01, 0.0] and origin == "data"
    gpqa = epoch.scores[epoch.scores["benchmark"] == "epoch_gpqa_diamond"]
    assert gpqa["score_se"].notna().all() and gpqa["score_se"].between(0.005, 0.05).all()  # Epoch's stderr, kept


def test_interval_widens_with_score_noise_and_covers_the_point(monkeypatch):
    # closed 0.50 (2024-01) and 0.58 (2024-07); open 0.55 (2024-10): close to both closed scores, so noise matters
    rows = [("A", "2024-01-01", False, 0.50), ("B", "2024-07-01", False, 0.58), ("X", "2024-10-01", True, 0.55)]
    scores = frame(rows)
    bench = pd.DataFrame({"benchmark": ["b"], "display_name": ["b"], "category": ["other"], "higher_is_better": [True],
                          "scale": ["0..1"], "source": ["t"], "caveats": [""]})
    monkeypatch.setattr("model.lags.uncertainty.ITEM_COUNTS", {"b": (10_000, "many")})
    narrow = lag_intervals(scores, "b", benchmarks=bench, start="2024-12-01", end="2024-12-01").iloc[0]
    monkeypatch.setattr("model.lags.uncertainty.ITEM_COUNTS", {"b": (50, "few")})
    wide = lag_intervals(scores, "b", benchmarks=bench, start="2024-12-01", end="2024-12-01").iloc[0]
    point = frontier_lag(scores, "b", start="2024-12-01", end="2024-12-01").iloc[0]["lag_months"]
    assert narrow["lag_lo90"] <= point <= narrow["lag_hi90"]
    assert wide["lag_hi90"] - wide["lag_lo90"] > narrow["lag_hi90"] - narrow["lag_lo90"]
    assert wide["lag_lo90"] <= point <= wide["lag_hi90"]
    assert catalog.ITEM_COUNTS["gpqa"][0] == 198


def test_mean_intervals_reduce_to_the_point_mean_without_score_errors(aa, monkeypatch):
    from model.lags.across import lag_summary_by_date, lags_by_benchmark, quorum
    from model.lags.uncertainty import mean_lag_intervals

    names = ["gpqa", "hle", "scicode", "intelligence_index"]
    point = lag_summary_by_date(lags_by_benchmark(aa.scores, benchmarks=aa.benchmarks, names=names),
                                min_benchmarks=quorum(len(names))).set_index("date")
    monkeypatch.setattr("model.lags.uncertainty.ITEM_COUNTS", {})
    exact = mean_lag_intervals(aa.scores, names, benchmarks=aa.benchmarks, min_benchmarks=quorum(len(names)),
                               n_replicates=3).set_index("date")
    common = point.index.intersection(exact.index)
    assert len(common) > 20
    np.testing.assert_allclose(exact.loc[common, "mean_median"], point.loc[common, "mean_lag"], atol=1e-9)
    np.testing.assert_allclose(exact.loc[common, "mean_lo90"], exact.loc[common, "mean_hi90"], atol=1e-9)
    monkeypatch.undo()
    noisy = mean_lag_intervals(aa.scores, names, benchmarks=aa.benchmarks, min_benchmarks=quorum(len(names)),
                               n_replicates=300).set_index("date")  # gpqa has binomial errors
    assert (noisy["mean_hi90"] - noisy["mean_lo90"]).max() > 0.1


def test_uploaded_score_se_is_validated_and_kept():
    from model.data.validation import validate_scores

    raw = pd.DataFrame({"model_name": ["a", "b", "c"], "release_date": ["2024-01-01", "2024-02-01", "2024-03-01"],
                        "open_weights": [True, False, True], "benchmark": "x", "score": [0.5, 0.6, 0.7],
                        "score_se": ["0.02", "-1", ""]})
    before = raw.copy()
    clean, report = validate_scores(raw)
    pd.testing.assert_frame_equal(raw, before)  # the upload is never modified
    assert clean.set_index("model_name")["score_se"].to_dict() == pytest.approx({"a": 0.02, "b": np.nan, "c": np.nan},
                                                                              nan_ok=True)
    assert any(i.column == "score_se" and i.rows == (2,) and i.level == "repair" for i in report.issues)


def test_epoch_interval_columns_become_standard_errors():
    from model.data.epoch_export import score_standard_error

    arena = pd.DataFrame({"Score 95% CI": ["=+11/-11", None], "95% CI High": [None, 1570.0], "95% CI Low": [None, 1550.0]})
    np.testing.assert_allclose(score_standard_error(arena), [11 / 1.96, 10 / 1.96])
    assert score_standard_error(pd.DataFrame({"CI_low": [1.0], "CI_high": [9.0]})).isna().all()  # METR: not symmetric


def test_fit_observations_carry_lag_errors_only_where_scores_have_them(aa, epoch):
    from model.bayes.observations import benchmark_observations

    noisy = benchmark_observations(epoch.scores, "epoch_gpqa_diamond", benchmarks=epoch.benchmarks, measurement_error=True)
    assert noisy.meas_sd.max() > 0.5 and (noisy.meas_sd >= 0).all()
    assert not benchmark_observations(epoch.scores, "epoch_gpqa_diamond", benchmarks=epoch.benchmarks).meas_sd.any()
    exact = benchmark_observations(aa.scores, "intelligence_index", benchmarks=aa.benchmarks, measurement_error=True)
    assert exact.se is None  # no standard errors for the index: the lags stay exact
