"""Any two groups: filters, presets, one-line errors, overlaps, swapped roles, and the fit path and CLI."""

import numpy as np
import pandas as pd
import pytest

from model.core.errors import DataError
from model.lags.engine import event_lags, frontier_lag
from model.lags.groups import PRESETS, filter_mask, group_labels, parse_filter, resolve_preset
from tests.lags.test_lags import frame, months

# US: A 50 (2024-01), B 70 (2024-07); CN: X 60 (2024-03), Y 80 (2024-06), Z 75 (2024-10, open)
ROWS = [("A", "2024-01-01", False, 50), ("B", "2024-07-01", False, 70), ("X", "2024-03-01", False, 60),
        ("Y", "2024-06-01", False, 80), ("Z", "2024-10-01", True, 75)]


def scores():
    f = frame(ROWS)
    return f.assign(country=["US", "US", "CN", "CN", "CN"], creator=["LabA", "LabA", "LabC", "LabC", "LabZ"])


def test_filters_select_by_openness_country_and_creator():
    s = scores()
    assert list(filter_mask(s, "country=CN")) == [False, False, True, True, True]
    assert list(filter_mask(s, "open&country=CN")) == [False, False, False, False, True]
    assert list(filter_mask(s, "country!=CN")) == [True, True, False, False, False]
    assert list(filter_mask(s, "creator=laba,labz")) == [True, True, False, False, True]  # case-insensitive, either
    assert list(filter_mask(s, "all")) == [True] * 5
    assert parse_filter(" open & country=CN ")[1].values == ("CN",)


def test_licence_tiers_select_open_source_and_restricted_open_models():
    """The openness tiers: the licence class of data/licence_classes.csv (a closed model's is unknown)."""
    s = scores().assign(openness=["", "", "", "", "Apache 2.0"])
    assert list(filter_mask(s, "open&licence=permissive")) == [False, False, False, False, True]
    assert list(filter_mask(s.assign(openness=["", "", "", "", "Llama 3 Community License"]), "licence=restricted")) == \
        [False, False, False, False, True]
    assert list(filter_mask(s, "licence!=permissive")) == [True, True, True, True, False]
    no_licences = scores().drop(columns="openness", errors="ignore")  # an upload without licences: all unknown
    assert list(filter_mask(no_licences, "licence=unknown")) == [True] * 5


@pytest.mark.parametrize(("text", "message"), [
    ("open&licence=osi", "Unknown licence class 'osi': use permissive, restricted, non_commercial, unknown"),
    ("country=XX", "No model in the data has country 'XX'"),
    ("creator=LabAA", "did you mean LabA"),
    ("open&countr=CN", "Cannot read the group filter term 'countr=CN'"),
    ("creator=", "Cannot read the group filter term"),
])
def test_bad_filters_are_one_line_errors(text, message):
    with pytest.raises(DataError, match=message) as err:
        filter_mask(scores(), text)
    assert "\n" not in str(err.value)


def test_empty_group_and_overlap():
    with pytest.raises(DataError, match="The follower filter 'open&country=US' selects no model"):
        group_labels(scores(), "open&country=US", "closed")
    labels, notes = group_labels(scores(), "country=CN", "creator=LabC,LabA")
    assert notes == ["2 model(s) match both groups (X, Y); they are left out of both."]
    assert list(labels) == ["closed", "closed", "", "", "open"]
    assert group_labels(scores(), "open", "closed") == (None, [])  # the engine's own default


def test_swapped_roles_read_as_the_follower_ahead():
    """China leads the US here until B: CN's 60 (2024-03) beats US's 50, and Y's 80 (2024-06) is not matched by the US
    by the end; the follower being ahead reads open_ahead with lag 0, the US lag behind CN reads as a positive lag."""
    labels, _ = group_labels(scores(), "country=CN", "country=US")
    ev = event_lags(scores(), "b", groups=labels).set_index("model_name")
    assert ev.at["X", "status"] == "open_ahead" and ev.at["X", "lag_months"] == 0.0
    assert ev.at["X", "lead_months"] == pytest.approx(months("2024-07-01", "2024-03-01"))  # B caught X up later
    swapped, _ = group_labels(scores(), "country=US", "country=CN")
    us = frontier_lag(scores(), "b", groups=swapped, start="2024-08-01", end="2024-08-01", grid="daily").iloc[0]
    # the US best (B 70, 2024-07) was first reached by CN with Y (80) on 2024-06-01
    assert us["status"] == "ok" and us["lag_months"] == pytest.approx(months("2024-08-01", "2024-06-01"))


def test_explicit_open_closed_filters_equal_the_default(aa):
    labels, _ = group_labels(aa.scores, "open&all", "closed")
    a = event_lags(aa.scores, "gpqa", benchmarks=aa.benchmarks, groups=labels)
    b = event_lags(aa.scores, "gpqa", benchmarks=aa.benchmarks)
    np.testing.assert_allclose(a["lag_months"], b["lag_months"], equal_nan=True)


def test_presets_resolve_and_run_on_the_newest_index(aa):
    for name in PRESETS:
        follower, leader = resolve_preset(name)
        labels, _ = group_labels(aa.scores, follower, leader)
        if labels is None:
            continue
        ev = event_lags(aa.scores, "intelligence_index_2026_10_10", benchmarks=aa.benchmarks, groups=labels)
        assert len(ev) and set(ev["status"]) <= {"ok", "open_ahead", "left_censored", "no_closed_yet"}, name
    with pytest.raises(DataError, match="Unknown group preset 'martians'"):
        resolve_preset("martians")


@pytest.mark.slow  # fits (the fast engine)
def test_cli_and_fit_path_take_the_groups(tmp_path, aa):
    from model.analysis import FitSettings, run_analysis
    from model.cli import main

    out = tmp_path / "cn.csv"
    assert main(["lags", "--benchmark", "intelligence_index_2026_10_10", "--groups", "china_open_vs_us_closed", "--events",
                 "--out", str(out)]) == 0
    assert len(pd.read_csv(out))
    assert main(["lags", "--benchmark", "gpqa", "--follower", "creator=OpenAl", "--leader", "closed"]) == 2
    st = FitSettings(benchmarks=["gpqa"], follower="open&country=CN", leader="closed&country=US", draws=200, tune=200,
                     chains=2)
    row = run_analysis(aa, st).summary.iloc[0]
    assert row["groups"] == "open&country=CN vs closed&country=US"


def test_the_lag_in_training_compute_is_one_more_epoch_series(epoch):
    from model.lags.engine import event_lags as events

    meta = epoch.benchmarks.set_index("benchmark").loc["epoch_training_compute"]
    assert "not a capability" in meta["caveats"]
    ev = events(epoch.scores, "epoch_training_compute", benchmarks=epoch.benchmarks)
    recent = ev[(ev["release_date"] >= "2022-01-01") & (ev["status"] == "ok")]
    assert len(recent) >= 5 and recent["lag_months"].between(0, 36).all()
    llama = ev.set_index("model_name").loc["Llama 3.1-405B"]
    assert llama["closed_match_model"] == "Gemini 1.0 Ultra" and 5 < llama["lag_months"] < 10
