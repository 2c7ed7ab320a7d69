"""Hand-computed lag cases, and agreement with a brute-force implementation."""

import numpy as np
import pandas as pd
import pytest

from model.core.errors import DataError
from model.core.timeaxis import DAYS_PER_MONTH
from model.lags.across import lag_summary_by_date, lags_by_benchmark
from model.lags.engine import event_lags, frontier_lag
from model.lags.frontier import frontier_table
from model.lags.ols import ols_crossing


def frame(rows, benchmark="b"):
    """rows: (name, date, open, score)."""
    return pd.DataFrame({
        "model_id": [r[0] for r in rows], "model_name": [r[0] for r in rows], "creator": "lab",
        "release_date": pd.to_datetime([r[1] for r in rows]), "open_weights": [r[2] for r in rows],
        "openness": ["MIT" if r[2] else "Proprietary" for r in rows], "benchmark": benchmark,
        "score": [float(r[3]) for r in rows], "is_estimated": False, "source": "test",
        "snapshot_date": pd.Timestamp("2025-06-01"),
    })


BASE = [("A", "2024-01-01", False, 50), ("B", "2024-07-01", False, 70), ("Y", "2024-03-01", True, 40),
        ("X", "2024-10-01", True, 60), ("Z", "2024-12-01", True, 80), ("C", "2025-03-01", False, 85)]


def lag_on(scores, date, **kw):
    g = frontier_lag(scores, "b", start=date, end=date, grid="daily", **kw)
    return g.iloc[0]


def months(a, b):
    return (pd.Timestamp(a) - pd.Timestamp(b)).days / DAYS_PER_MONTH


def test_ok_case_matches_hand_computation():
    r = lag_on(frame(BASE), "2024-10-01")
    assert r["status"] == "ok" and r["open_model"] == "X" and r["closed_match_model"] == "B"
    assert r["closed_match_date"] == pd.Timestamp("2024-07-01")
    assert r["lag_months"] == pytest.approx(months("2024-10-01", "2024-07-01"))
    assert r["gap_score"] == pytest.approx(10.0)


def test_left_censored_when_open_is_below_first_closed_model():
    r = lag_on(frame(BASE), "2024-05-01")
    assert r["status"] == "left_censored" and r["closed_match_model"] == "A"
    assert r["lag_months"] == pytest.approx(months("2024-05-01", "2024-01-01"))


def test_open_ahead_reports_lead_in_score_and_months():
    r = lag_on(frame(BASE), "2025-01-01")
    assert r["status"] == "open_ahead" and r["lag_months"] == 0.0
    assert r["lead_score"] == pytest.approx(10.0)
    assert r["lead_months"] == pytest.approx(months("2025-03-01", "2025-01-01"))
    never = lag_on(frame(BASE[:-1]), "2025-01-01")
    assert never["status"] == "open_ahead" and np.isnan(never["lead_months"])


def test_no_open_yet_before_first_open_release():
    r = lag_on(frame(BASE), "2024-02-01")
    assert r["status"] == "no_open_yet" and np.isnan(r["lag_months"])


def test_ties_count_as_reached_and_first_to_reach_holds_frontier():
    rows = [("A", "2024-01-01", False, 50), ("B", "2024-03-01", False, 70), ("B2", "2024-05-01", False, 70),
            ("X", "2024-09-01", True, 70)]
    r = lag_on(frame(rows), "2024-09-01")
    assert r["closed_match_model"] == "B" and r["lag_months"] == pytest.approx(months("2024-09-01", "2024-03-01"))
    table = frontier_table(frame(rows)[lambda d: ~d["open_weights"]])
    assert list(table["model_name"]) == ["A", "B"]


def test_same_day_releases_take_the_best():
    rows = [("A", "2024-01-01", False, 50), ("A2", "2024-01-01", False, 55), ("X", "2024-02-01", True, 52)]
    table = frontier_table(frame(rows)[lambda d: ~d["open_weights"]])
    assert list(table["model_name"]) == ["A2"]


def test_lower_is_better_mirrors_higher_is_better():
    flipped = frame([(n, d, o, -s) for n, d, o, s in BASE])
    meta = pd.DataFrame({"benchmark": ["b"], "higher_is_better": [False]})
    for date in ("2024-05-01", "2024-10-01", "2025-01-01", "2025-04-01"):
        a, b = lag_on(frame(BASE), date), lag_on(flipped, date, benchmarks=meta)
        assert a["status"] == b["status"]
        assert a["lag_months"] == pytest.approx(b["lag_months"], nan_ok=True)
        assert b["open_frontier"] == pytest.approx(-a["open_frontier"])


def test_tolerance_lets_near_ties_count():
    rows = [("A", "2024-01-01", False, 50), ("B", "2024-07-01", False, 70), ("C", "2024-09-01", False, 72),
            ("X", "2024-10-01", True, 71)]
    assert lag_on(frame(rows), "2024-10-01")["closed_match_model"] == "C"
    assert lag_on(frame(rows), "2024-10-01", tolerance=1.5)["closed_match_model"] == "B"
    with pytest.raises(DataError):
        lag_on(frame(rows), "2024-10-01", tolerance=-1)


def test_single_model_and_no_open_models_give_clear_messages():
    with pytest.raises(DataError, match="no open models"):
        frontier_lag(frame([("A", "2024-01-01", False, 50)]), "b")
    with pytest.raises(DataError, match="no closed models"):
        frontier_lag(frame([("X", "2024-01-01", True, 50)]), "b")
    with pytest.raises(DataError, match="Unknown benchmark"):
        frontier_lag(frame(BASE), "nope")


def test_event_table_has_one_row_per_new_open_best():
    ev = event_lags(frame(BASE), "b")
    assert list(ev["model_name"]) == ["Y", "X", "Z"]
    assert list(ev["status"]) == ["left_censored", "ok", "open_ahead"]


def test_many_benchmarks_summary_and_truncation():
    s = pd.concat([frame(BASE, "b1"), frame([(n, d, o, s + 1) for n, d, o, s in BASE[:-1]], "b2")])
    long = lags_by_benchmark(s)
    assert set(long["benchmark"]) == {"b1", "b2"}
    assert long[long["benchmark"] == "b2"]["date"].max() <= pd.Timestamp("2024-12-01")
    summ = lag_summary_by_date(long)
    one = long[long["date"] == pd.Timestamp("2024-11-01")]
    assert summ.set_index("date").at[pd.Timestamp("2024-11-01"), "mean_lag"] == pytest.approx(one["lag_months"].mean())


def test_ols_crossing_known_line():
    dates = pd.date_range("2024-01-01", periods=24, freq="MS")
    yrs = (dates - dates[0]).days / 365.25
    series = pd.DataFrame({"date": dates, "lag_months": 12 - 4 * yrs})
    res = ols_crossing(series)
    assert res.slope_months_per_year == pytest.approx(-4)
    assert abs((res.crossing_date - (dates[0] + pd.Timedelta(days=3 * 365.25))).days) <= 1
    up = ols_crossing(series.assign(lag_months=3 + 2 * yrs))
    assert up.crossing_date is None and "never" in up.describe()
    with pytest.raises(DataError):
        ols_crossing(series.head(1))


def brute_force_lag(scores, t, tolerance=0.0):
    """A direct, loop-based reading of the definition (no searchsorted, no frontier tables), for cross-checking."""
    dates = scores["release_date"].to_numpy()
    vals = scores["score"].to_numpy(float)
    is_open = scores["open_weights"].to_numpy(bool)
    o = vals[is_open & (dates <= np.datetime64(t))]
    if o.size == 0:
        return "no_open_yet", np.nan
    target = o.max() - tolerance
    closed_dates = np.unique(dates[~is_open])
    if closed_dates.size == 0 or closed_dates[0] > np.datetime64(t):
        return "no_closed_yet", np.nan  # no closed model in the data yet: nothing to compare with
    for d in closed_dates:  # walk forward in time until the closed side reached the target
        if vals[~is_open & (dates <= d)].max() >= target:
            if d > np.datetime64(t):
                return "open_ahead", 0.0
            status = "left_censored" if d == closed_dates[0] else "ok"
            return status, (pd.Timestamp(t) - pd.Timestamp(d)).days / DAYS_PER_MONTH
    return "open_ahead", 0.0


@pytest.mark.parametrize("source", ["aa", "epoch"])
def test_agrees_with_brute_force_on_every_embedded_benchmark(source, aa, epoch):
    ds = aa if source == "aa" else epoch
    for bench in ds.benchmarks["benchmark"]:
        rows = ds.scores[ds.scores["benchmark"] == bench]
        grid = frontier_lag(ds.scores, bench, benchmarks=ds.benchmarks)
        for t, status, lag in zip(grid["date"], grid["status"], grid["lag_months"], strict=True):
            want_status, want_lag = brute_force_lag(rows, t)
            assert status == want_status, (bench, t)
            assert lag == pytest.approx(want_lag, abs=1 / DAYS_PER_MONTH, nan_ok=True), (bench, t)  # within one day


def test_coding_lag_fell_on_aa(aa):
    """The data's headline: coding lags dropped from about a year to a few months."""
    long = lags_by_benchmark(aa.scores, benchmarks=aa.benchmarks, names=["coding_index_2026_06_15"])
    early = long[(long["date"] >= "2025-06-01") & (long["date"] <= "2025-10-01")]["lag_months"].max()
    late = long[long["date"] >= "2026-04-01"]["lag_months"].min()
    assert early > 10 and late < 6


def test_event_lags_for_every_benchmark_reports_the_skipped():
    from model.lags.across import event_lags_by_benchmark

    s = pd.concat([frame(BASE, "b1"), frame([("A", "2024-01-01", False, 50)], "closed_only")], ignore_index=True)
    table, skipped = event_lags_by_benchmark(s)
    assert set(table["benchmark"]) == {"b1"} and list(table["model_name"]) == ["Y", "X", "Z"]
    assert len(skipped) == 1 and "no open models" in skipped[0]
    with pytest.raises(DataError, match="None of the benchmarks"):
        event_lags_by_benchmark(frame([("A", "2024-01-01", False, 50)]))


def test_before_the_first_closed_model_there_is_no_comparator():
    """The pre-closed bug: an open model released before any closed model was marked open_ahead (latent lag <= 0)
    even when it scores far below the first closed model. Now those dates have their own status and no lag."""
    rows = [("M7B", "2023-09-01", True, 0.0), ("H", "2024-03-01", False, 0.3), ("O2", "2024-06-01", True, 0.4)]
    scores = frame(rows)
    before = lag_on(scores, "2023-12-01")
    assert before["status"] == "no_closed_yet" and np.isnan(before["lag_months"])
    assert np.isnan(before["lead_score"]) and np.isnan(before["lead_months"])
    assert lag_on(scores, "2024-04-01")["status"] == "left_censored"  # after H: 0.0 is below the first closed model
    assert lag_on(scores, "2024-06-01")["status"] == "open_ahead"  # O2 beats every closed model released so far
    events = event_lags(scores, "b")
    assert list(events["status"]) == ["no_closed_yet", "open_ahead"]
    # left out of means and fits, like no_open_yet
    long = lags_by_benchmark(scores, start="2023-09-01", end="2024-06-01")
    summary = lag_summary_by_date(long)
    assert pd.Timestamp("2023-12-01") not in set(summary["date"])


def test_an_open_model_above_a_later_first_closed_model_is_still_no_comparator():
    rows = [("O1", "2023-01-01", True, 0.9), ("C1", "2023-06-01", False, 0.5), ("C2", "2024-01-01", False, 0.95)]
    scores = frame(rows)
    assert lag_on(scores, "2023-03-01")["status"] == "no_closed_yet"
    after = lag_on(scores, "2023-07-01")
    assert after["status"] == "open_ahead" and after["lead_months"] == pytest.approx(months("2024-01-01", "2023-07-01"))


def test_new_since_lists_models_only_the_newer_version_scores(aa):
    from model.lags.across import new_since

    added, lag_now = new_since(aa.scores, "intelligence_index_2026_10_10", "intelligence_index", benchmarks=aa.benchmarks)
    previous_ids = set(aa.scores.loc[aa.scores["benchmark"] == "intelligence_index", "model_id"])
    newest = aa.scores[aa.scores["benchmark"] == "intelligence_index_2026_10_10"]
    assert len(added) == (~newest["model_id"].isin(previous_ids)).sum() and len(added) >= 82
    assert added["score"].is_monotonic_decreasing
    assert lag_now["intelligence_index_2026_10_10"]["date"] > lag_now["intelligence_index"]["date"]
