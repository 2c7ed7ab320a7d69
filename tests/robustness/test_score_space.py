"""The score-space model: parameter recovery on simulated logistic frontiers, and real-data behaviour."""

import numpy as np
import pandas as pd
import pytest

from model.bayes.sampling import SamplerSettings
from model.core.errors import DataError
from model.core.limits import MAX_FIT_SECONDS  # real sampling on a busy machine: the most a fit may take
from model.core.timeaxis import date_after
from model.robustness.score_space import fit_score_space, frontier_records, score_space_summary

FAST = SamplerSettings(draws=400, tune=400, chains=2, seed=5, max_seconds=MAX_FIT_SECONDS)
REF = pd.Timestamp("2026-06-01")
pytestmark = pytest.mark.slow


def simulated_records(a_o, b_o, a_c, b_c, *, n=14, sigma=0.1, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for group, a, b in (("open", a_o, b_o), ("closed", a_c, b_c)):
        x = np.sort(-rng.uniform(0, 3, n))
        logit = a + b * x + rng.normal(0, sigma, n)
        rows.append(pd.DataFrame({"since": date_after(REF, x), "group": group,
                                  "p": 1 / (1 + np.exp(-logit))}))
    return pd.concat(rows, ignore_index=True)


def test_recovers_slopes_and_crossing_in_most_seeds():
    a_o, b_o, a_c, b_c = -1.0, 1.5, 0.0, 1.2  # open rises faster: the horizontal lag closes
    truth = (a_o - a_c) / (b_c - b_o)  # years after the reference
    hits_cross = hits_b = 0
    for seed in range(8):
        fit = fit_score_space(None, "sim", None, records=simulated_records(a_o, b_o, a_c, b_c, seed=seed), reference=REF,
                              sampler=FAST)
        x = fit.crossing_years()
        hits_cross += np.quantile(x, 0.05, method="lower") <= truth <= np.quantile(x, 0.95, method="higher")
        lo, hi = np.quantile(fit.draws["b_open"] - fit.draws["b_closed"], [0.05, 0.95])
        hits_b += lo <= b_o - b_c <= hi
        lag_now = np.median(fit.lag_years(0.0)) * 12
        assert lag_now == pytest.approx((a_c - a_o) / b_c * 12, abs=3)
    assert hits_cross >= 6 and hits_b >= 6


def test_slower_open_frontier_never_closes():
    fit = fit_score_space(None, "sim", None, records=simulated_records(-1.0, 0.8, 0.0, 1.4, seed=1), reference=REF, sampler=FAST)
    assert score_space_summary(fit)["p_never"] > 0.9


def test_real_benchmark_and_saturation_flag(aa):
    rec = frontier_records(aa.scores, "gpqa", aa.benchmarks)
    assert set(rec["group"]) == {"open", "closed"} and rec["p"].between(0, 1).all()
    fit = fit_score_space(aa.scores, "gpqa", aa.benchmarks, sampler=FAST)
    s = score_space_summary(fit)
    assert s["horizontal_lag_now_months"] > 0 and 0 <= s["vertical_gap_now"] < 0.3
    math500 = score_space_summary(fit_score_space(aa.scores, "math_500", aa.benchmarks, sampler=FAST))
    assert math500["saturated"] and "saturation" in math500["note"]
    with pytest.raises(DataError, match="bounded scale"):
        fit_score_space(aa.scores, "gdpval_aa_normalized", aa.benchmarks, sampler=FAST)
