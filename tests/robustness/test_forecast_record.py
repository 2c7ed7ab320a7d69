"""The forecast record: quantile scores (CRPS and PIT) against their closed forms, the crossing verdicts, an update
that adds a missing version and never rewrites a recorded one, and the shipped record scored on the newest data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.data.embedded import load_embedded
from model.robustness.forecast_record import (
    JUNE_LABEL,
    POOLED_LABEL,
    RECORD_FILE,
    STACKED_LABEL,
    forecast_record_view,
    load_record,
    record_sentence,
    update_record,
    write_record,
)
from model.robustness.forecast_scores import LEVELS, crossing_verdict, pit_value, quantile_crps
from model.serving.first_view import first_view_settings
from tests.cli.in_process import run_cli


@pytest.mark.parametrize("y", [-1.0, 0.0, 0.7, 2.5])
def test_quantile_crps_approximates_the_normal_closed_form(y):
    q = stats.norm.ppf(LEVELS)
    exact = 2 * stats.norm.pdf(y) + y * (2 * stats.norm.cdf(y) - 1) - 1 / np.sqrt(np.pi)  # CRPS of N(0, 1) at y
    # 19 levels, 5% apart, both tails beyond 5% and 95% left out: within a few percent (measured 1-5% here)
    assert quantile_crps(y, q) == pytest.approx(exact, rel=0.08)


def test_pit_places_an_observation_in_the_forecast():
    q = stats.norm.ppf(LEVELS)
    assert pit_value(0.0, q) == pytest.approx(0.5)
    assert pit_value(stats.norm.ppf(0.3), q) == pytest.approx(0.3, abs=0.01)
    assert pit_value(-5.0, q) == pytest.approx(0.025) and pit_value(5.0, q) == pytest.approx(0.975)
    floored = np.maximum(q, 0.0)  # the lag's floor: half the levels sit at 0
    assert pit_value(0.0, floored) == pytest.approx(0.25)  # the middle of the point mass's levels


def test_crossing_verdicts():
    end = pd.Timestamp("2026-10-07")
    none = pd.DataFrame({"observed_lag": [3.0], "target_date": ["2026-09-01"]})
    assert "has passed" in crossing_verdict(pd.Timestamp("2026-08-01"), none, end)
    assert "not yet testable" in crossing_verdict(pd.Timestamp("2027-08-01"), none, end)
    assert "published zero date" in crossing_verdict(None, none, end, published=pd.Timestamp("2026-12-03"))
    closed = pd.DataFrame({"observed_lag": [1.0, 0.0], "target_date": ["2026-08-01", "2026-09-01"]})
    assert crossing_verdict(pd.Timestamp("2027-01-01"), closed, end) == "the gap closed by 2026-09-01"


def test_update_adds_a_missing_version_and_never_rewrites_a_recorded_one(tmp_path, fast_fits):
    aa, settings = load_embedded("aa"), first_view_settings()
    shipped = load_record()
    kept = shipped[shipped["version_date"] != "2026-10-10"]
    path = tmp_path / "record.csv"
    write_record(kept, path)
    before = path.read_bytes()
    record, added = update_record(aa.scores, aa.benchmarks, settings, path)
    assert added == ["2026-10-10", "2026-10-10 (pooled)"]
    old = record[record["version_date"] != "2026-10-10"].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, load_record(path))  # recorded rows kept exactly
    assert path.read_bytes() == before  # nothing written until asked
    write_record(record, path)
    again, added_again = update_record(aa.scores, aa.benchmarks, settings, path)
    assert added_again == [] and len(again) == len(record)


def test_the_shipped_record_is_scored_on_the_newest_version():
    view = forecast_record_view(load_embedded("aa"), first_view_settings())
    summary = view["summary"].set_index(["forecast", "version_date"])
    assert summary.loc[(STACKED_LABEL, "2026-06-15"), "months_scored"] >= 3  # July to October 2026
    assert summary.loc[(STACKED_LABEL, "2026-10-10"), "months_scored"] == 0  # no newer data yet
    pooled = view["scored"][view["scored"]["forecast"] == POOLED_LABEL]
    assert summary.loc[(POOLED_LABEL, "2026-06-15"), "months_scored"] >= 1  # scored on the mean lag of its benchmarks
    assert (pooled["scored_against"] == "mean lag across its benchmarks").all()
    assert POOLED_LABEL not in set(view["index_record"]["forecast"])  # the chart draws the index's forecasts only
    june = summary.loc[(JUNE_LABEL, "2026-06-15")]
    assert "2026-12-03" in june["crossing_verdict"] and np.isnan(june["in90_share"])  # a point forecast
    scored = view["scored"]
    assert (pd.to_datetime(scored["target_date"]) > pd.to_datetime(scored["version_date"])).all()  # only the future
    assert scored.loc[scored["forecast"] == STACKED_LABEL, "pit"].between(0, 1).all()
    for _, row in view["summary"].iterrows():
        assert row["version_date"] in record_sentence(row)


def test_cli_prints_one_line_per_forecast_and_refuses_a_missing_record(tmp_path):
    shown = run_cli("record")
    assert shown.returncode == 0, shown.stderr
    assert len(shown.stdout.strip().splitlines()) == len(load_record(RECORD_FILE).groupby(["forecast", "version_date"]))
    out = tmp_path / "scored.csv"
    assert run_cli("record", "--out", str(out)).returncode == 0 and len(pd.read_csv(out))
    missing = run_cli("record", "--record", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "--update" in missing.stderr
