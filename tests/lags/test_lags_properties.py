
"""Property-based tests of the lag engine (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.core.errors import DataError
from model.core.timeaxis import DAYS_PER_MONTH
from model.lags.engine import event_lags, frontier_lag
from model.lags.frontier import build_frontier

T0 = pd.Timestamp("2023-01-01")

model = st.tuples(st.integers(0, 900), st.booleans(), st.integers(0, 40))
models = st.lists(model, min_size=2, max_size=25).filter(lambda ms: any(m[1] for m in ms) and not all(m[1] for m in ms))


def to_frame(ms):
    return pd.DataFrame({
        "model_id": [f"m{i}" for i in range(len(ms))], "model_name": [f"m{i}" for i in range(len(ms))], "creator": "x",
        "release_date": [T0 + pd.Timedelta(days=d) for d, _, _ in ms], "open_weights": [o for _, o, _ in ms],
        "openness": "", "benchmark": "b", "score": [float(s) for _, _, s in ms], "is_estimated": False, "source": "t",
        "snapshot_date": T0,
    })


def daily(scores, tolerance=0.0):
    return frontier_lag(scores, "b", grid="daily", start=T0, end=T0 + pd.Timedelta(days=1000), tolerance=tolerance)


common = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(models, st.sampled_from([0.0, 0.5, 3.0]))
def test_lag_is_non_negative_and_bounded_by_time_since_first_closed(ms, tol):
    scores = to_frame(ms)
    g = daily(scores, tol)
    lag = g["lag_months"].dropna()
    assert (lag >= 0).all()
    first_closed = scores.loc[~scores["open_weights"], "release_date"].min()
    bound = (g["date"] - first_closed).dt.days / DAYS_PER_MONTH
    assert (g["lag_months"].fillna(0) <= bound.clip(lower=0) + 1e-9).all()
    assert set(g["status"]) <= {"ok", "open_ahead", "left_censored", "no_open_yet", "no_closed_yet"}


@common
@given(models)
def test_lag_grows_one_step_between_open_frontier_changes(ms):
    g = daily(to_frame(ms))
    prev, cur = g.iloc[:-1].reset_index(drop=True), g.iloc[1:].reset_index(drop=True)
    same_open = (prev["open_frontier"] == cur["open_frontier"]) & prev["open_frontier"].notna()
    caught = prev["status"].isin(["ok", "left_censored"]) & cur["status"].isin(["ok", "left_censored"])
    step = (cur["lag_months"] - prev["lag_months"])[same_open & caught]
    assert np.allclose(step, 1 / DAYS_PER_MONTH)
    # The closed frontier only rises, so with the open frontier unchanged the only other
    # transitions start from open_ahead (still ahead, or just caught up), or from before the first closed model.
    other = same_open & ~caught
    assert prev["status"][other].isin(["open_ahead", "no_closed_yet"]).all()


@common
@given(models, st.integers(0, 900), st.booleans(), st.floats(0, 1))
def test_adding_a_model_that_beats_neither_frontier_changes_nothing(ms, day, is_open, frac):
    scores = to_frame(ms)
    date = T0 + pd.Timedelta(days=day)
    group = scores[(scores["open_weights"] == is_open) & (scores["release_date"] <= date)]
    if group.empty:
        return
    new_score = group["score"].max() * frac  # at or below its own group's frontier
    extra = to_frame([(day, is_open, 0)]).assign(score=new_score, model_id="new", model_name="new")
    a = daily(scores)
    b = daily(pd.concat([scores, extra], ignore_index=True))
    pd.testing.assert_frame_equal(a, b)


@common
@given(models)
def test_grid_agrees_with_event_table_at_event_dates(ms):
    scores = to_frame(ms)
    g = daily(scores).set_index("date")
    ev = event_lags(scores, "b")
    for _, e in ev.iterrows():
        row = g.loc[e["release_date"]]
        assert row["status"] == e["status"]
        assert np.isclose(row["lag_months"], e["lag_months"], equal_nan=True)


@common
@given(st.lists(st.tuples(st.integers(0, 900), st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=30))
def test_frontier_is_strictly_increasing_running_best(points):
    rows = pd.DataFrame({"release_date": [T0 + pd.Timedelta(days=d) for d, _ in points], "score": [s for _, s in points],
                         "model_id": "m", "model_name": "m", "creator": ""})
    f = build_frontier(rows)
    assert (np.diff(f.values) > 0).all()
    assert (np.diff(f.dates.astype("int64")) > 0).all()
    assert f.values[-1] == max(s for _, s in points)


@common
@given(st.lists(model, min_size=1, max_size=10))
def test_engine_raises_only_its_own_error(ms):
    try:
        daily(to_frame(ms))
    except DataError:
        pass


@common
@given(models)
def test_no_lag_is_claimed_before_the_first_closed_model(ms):
    scores = to_frame(ms)
    g = daily(scores)
    first_closed = scores.loc[~scores["open_weights"], "release_date"].min()
    early = g[g["date"] < first_closed]
    assert set(early["status"]) <= {"no_open_yet", "no_closed_yet"}
    assert early["lag_months"].isna().all()
    later = g[g["date"] >= first_closed]
    assert "no_closed_yet" not in set(later["status"])
