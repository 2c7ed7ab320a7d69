"""One answer people can quote: weights that carry their own doubt, the evidence in words, the window's spread, the
estimand named, the disagreement computed, no bold date from too little data, and the June 2026 line against what
happened."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from model.analysis import FitSettings
from model.bayes.model_weights import evidence_text, model_weights, stacking_evidence


def test_weak_evidence_gives_a_mixture_and_strong_evidence_a_winner():
    rng = np.random.default_rng(0)
    base = rng.normal(-2.0, 0.3, 12)
    weak = np.column_stack([base, base - 0.08])  # 1 nat in total over 12 forecasts
    w, rep = model_weights(weak)
    assert 0.55 < w[0] < 0.85 and rep.shape == (200, 2)  # a mixture, not 0.99
    strong = np.column_stack([base, base - 1.0])  # 12 nats
    assert model_weights(strong)[0][0] > 0.99
    # deterministic: the bootstrap has its own seed
    np.testing.assert_array_equal(model_weights(weak)[0], w)
    ev = stacking_evidence(weak, ["break", "line"])
    assert ev["leader"] == "break" and ev["diff"] == pytest.approx(0.96, abs=1e-9) and ev["words"] == "weak evidence"
    assert "by 1.0 ± 0.0 nats: weak evidence" in evidence_text(ev)
    noisy = np.column_stack([base, base - 1.0 + rng.normal(0, 4, 12)])
    assert stacking_evidence(noisy, ["a", "b"])["words"] in {"some evidence", "weak evidence", "clear evidence"}
    assert stacking_evidence(strong, ["a", "b"])["words"] == "clear evidence"


def test_no_crossing_date_from_too_little_data_and_no_false_precision():
    from model.presentation.readings import crossing_month, readings, too_few_for_a_trend

    row = {"n_obs": 4, "window_start": "2026-05-01", "window_end": "2026-10-01", "p_never": 0.1,
           "p_closed_already": 0.0, "crossing_median": "2027-03-01", "crossing_lo90": "2026-12-01",
           "crossing_hi90": "2031-01-01", "slope_median": -3.0, "slope_lo90": -6.0, "slope_hi90": -1.0,
           "p_slope_negative": 0.99, "current_lag_median": 2.0, "reference_date": "2026-10-01", "observations": "events",
           "p_cross_by_2026_12_31": 0.05, "p_cross_by_2027_12_31": 0.7}
    assert too_few_for_a_trend(row) == "too few observations for a trend (4 over 5 months)"
    assert readings(row)["crossing"].startswith("No crossing date: too few observations")
    long = {**row, "n_obs": 30, "window_start": "2024-01-01"}
    assert too_few_for_a_trend(long) is None and "2026-12" in readings(long)["crossing"]
    assert crossing_month({"crossing_hi90": "2195-01-01"}, "crossing_hi90") == "after 2100"
    assert crossing_month({"crossing_hi90": "2040-01-01", "crossing_hi90_mcse_months": 170.5},
                          "crossing_hi90") == "too uncertain to date"
    assert crossing_month({"crossing_median": None}, "crossing_median") == "never"


def test_the_disagreement_names_what_differs():
    from model.presentation.answer_text import disagreement_reasons, disagreement_sentence

    index = FitSettings(model="stacked", start="2024-01-01")
    pooled = FitSettings(pooling="partial", benchmarks=["gpqa", "hle", "scicode"], start="2024-01-01")
    i_row = {"slope_median": -2.4, "p_cross_by_2027_12_31": 0.53}
    p_row = {"slope_median": 0.7, "p_cross_by_2027_12_31": 0.0005}
    reasons = disagreement_reasons(i_row, index, p_row, pooled)
    kinds = [r.split(":")[0] for r in reasons]
    assert kinds == ["model", "target", "direction"]  # same window: not named
    assert "3 distinct evaluations" in reasons[1] and "shrinking (-2.4" in reasons[2]
    other_window = pooled.model_copy(update={"start": "2023-07-01"})
    assert "window" in [r.split(":")[0] for r in disagreement_reasons(i_row, index, p_row, other_window)]
    assert disagreement_sentence(i_row, index, {**p_row, "p_cross_by_2027_12_31": 0.4}, pooled) is None
    assert disagreement_sentence(i_row, index, p_row, pooled).startswith("The headline index and a typical benchmark")


def test_the_june_2026_line_against_what_happened():
    from model.presentation.answer_text import june_line_sentence

    monthly = pd.DataFrame({"date": pd.date_range("2026-05-01", "2026-10-01", freq="MS"),
                            "lag_months": [4.6, 5.7, 3.9, 1.7, 2.8, 3.7], "status": ["ok"] * 6})
    after = june_line_sentence(monthly, "AA index (2026-10-10 version)", today=dt.date(2026, 12, 7))
    assert "predicted a zero gap on 2026-12-03; that date has passed" in after
    assert "5.7 months in 2026-06 and 3.7 months in 2026-10" in after and "lowest since: 1.7" in after
    before = june_line_sentence(monthly, "x", today=dt.date(2026, 11, 1))
    assert "has not come yet" in before
    closed = monthly.assign(lag_months=[4.6, 5.7, 3.9, 0.0, 2.8, 3.7], status=["ok"] * 3 + ["open_ahead"] + ["ok"] * 2)
    assert "reached the closed one in 2026-08" in june_line_sentence(closed, "x", today=dt.date(2026, 12, 7))


def test_the_window_spread_in_one_sentence():
    from model.robustness.windows import spread_sentence

    rows = [("a", "stacked", True, 0.45, "2028-02-11"), ("a", "linear", False, 0.10, "2029-04-08"),
            ("a", "constant", False, 0.0, None), ("b", "stacked", True, 0.79, "2027-04-28"),
            ("b", "linear", False, 0.59, "2027-11-02")]
    table = pd.DataFrame(rows, columns=["start", "model", "answer", "p_cross_by_2027_12_31", "crossing_median"]).assign(
        note="")
    s = spread_sentence(table)
    assert "Across 2 window starts the stacked answer gives P(zero by end-2027) 45%–79% and a median date 2027-04 to "\
           "2028-02" in s
    assert "<1%–59%" in s and "(never in 1)" in s
