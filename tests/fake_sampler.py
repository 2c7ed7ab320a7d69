"""A stand-in for compile-and-sample, for the fast UI tier: synthetic posteriors of the right shape, in milliseconds.

The statistics are not under test here (the real sampling paths are covered by the slow tier); page layout,
wording and the flow from settings to summary to charts are. Every downstream step (summaries, diagnostics
with ArviZ, crossing dates, bands) runs for real on these draws, except the linear model's importance-sampled
crossing tails (400,000 density evaluations, about half a second per fit: the pooled page's shrinkage fits thirteen),
which here take the path a fit with Pareto k > 0.7 takes, the fit's own draws (tests/bayes cover the tails).
"""

from __future__ import annotations

import numpy as np

from model.bayes.trends import SERIES_MODELS

SERIES_DRAWS = {"alpha": (3.0, 0.6), "beta": (-1.2, 0.4), "beta_before": (-0.5, 0.4), "sigma": (2.0, 0.2),
                "ell": (0.5, 0.1)}


def fake_compiled_model(key, build=None):
    return key


def fake_sample(key, data, sampler, deadline=None):
    from arviz_base import from_dict

    rng = np.random.default_rng(sampler.seed)
    shape = (sampler.chains, sampler.draws)

    def normal(mean, sd, extra=()):
        return rng.normal(mean, sd, shape + extra)

    if key.design == "pooled":
        g = int(np.max(data["group"])) + 1
        post = {"mu_alpha": normal(3.0, 0.5), "mu_beta": normal(-1.0, 0.3), "tau_alpha": np.abs(normal(1.0, 0.2)),
                "tau_beta": np.abs(normal(0.5, 0.1)), "alpha": normal(3.0, 0.8, (g,)), "beta": normal(-1.0, 0.5, (g,)),
                "alpha_new": normal(3.0, 1.0), "beta_new": normal(-1.0, 0.7), "sigma": np.abs(normal(2.0, 0.2, (g,)))}
    elif key.design == "score_space":
        post = {"a_open": normal(-0.5, 0.1), "a_closed": normal(0.0, 0.1), "b_open": np.abs(normal(1.0, 0.1)),
                "b_closed": np.abs(normal(1.0, 0.1)), "sigma": np.abs(normal(0.3, 0.05))}
    else:
        post = {p: normal(*SERIES_DRAWS[p]) for p in SERIES_MODELS[key.model].parameters if p in SERIES_DRAWS}
        if "tau" in SERIES_MODELS[key.model].parameters:
            post["tau"] = rng.uniform(float(data["tau_lo"]), float(data["tau_hi"]), shape)
        post["sigma"] = np.abs(post["sigma"])
    return from_dict({"posterior": post, "sample_stats": {"diverging": np.zeros(shape, dtype=bool)}})


def install(monkeypatch) -> None:
    """Replace compile and sample wherever the fit path looks them up."""
    import model.bayes.fitting as fitting
    import model.bayes.summaries as summaries
    import model.robustness.score_space as score_space

    for module in (fitting, score_space):
        monkeypatch.setattr(module, "compiled_model", fake_compiled_model)
        monkeypatch.setattr(module, "sample_compiled", fake_sample)
    monkeypatch.setattr(summaries, "tail_draws", lambda fit, seed=0: None)
