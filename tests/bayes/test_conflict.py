"""Prior–data conflict: flagged where the data's own estimate sits far in the prior's tail, silent otherwise."""

import pytest

from model.bayes.conflict import prior_data_conflict
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.observations import benchmark_observations
from model.bayes.priors import TrendPriors
from model.bayes.sampling import SamplerSettings
from tests.sim import simulate_series


def test_default_priors_never_conflict_with_the_embedded_benchmarks(aa, epoch):
    for ds in (aa, epoch):
        for bench in ds.benchmarks["benchmark"]:
            try:
                obs = benchmark_observations(ds.scores, bench, benchmarks=ds.benchmarks)
            except Exception:  # too few lags: nothing to fit
                continue
            for model in ("constant", "linear", "linear_ar1"):
                assert prior_data_conflict(obs, TrendPriors(), model) is None, (bench, model)


def test_a_strong_slope_prior_against_the_data_is_flagged_in_the_verdict(aa):
    obs = benchmark_observations(aa.scores, "intelligence_index_2026_10_10", benchmarks=aa.benchmarks)
    strong = TrendPriors(slope_mean=-12, slope_sd=0.5)
    message = prior_data_conflict(obs, strong, "linear")
    assert message.startswith("prior–data conflict: the data alone put the slope at") and "\n" not in message
    assert prior_data_conflict(obs, strong, "changepoint") is None  # no least-squares twin: not checked


@pytest.mark.slow
def test_fit_verdict_warns_of_the_conflict():
    obs = simulate_series(6.0, -2.0, n=20, sigma=0.5, seed=1)
    spec = FitSpec(priors=TrendPriors(slope_mean=-15, slope_sd=0.5), sampler=SamplerSettings(draws=300, tune=300, chains=2))
    assert "prior–data conflict" in fit_trend(obs, spec).diagnostics.verdict
