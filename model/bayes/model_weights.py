"""Weights of several models' forecasts, and how strongly the forecasts tell the models apart.

From a (points, models) matrix of log predictive densities: plain stacking (Yao, Vehtari, Simpson and Gelman 2018, eq.
4), its Bayesian-bootstrap average, and Bayesian-bootstrap pseudo-BMA+ (§3.4), which the stacked answer uses; and the
evidence between the two leading models in nats and words. Pure numpy: no model, no sampler.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

#: Bayesian-bootstrap replicates of the weights.
N_BOOT = 200


def stacking_em(lpd: np.ndarray, point_weights: np.ndarray, iters: int = 5000, tol: float = 1e-10) -> np.ndarray:
    """Mixture weights maximising sum_i pi_i log sum_m w_m p_mi, for many point weightings at once: EM's
    multiplicative update (monotone; the objective is concave in w, so this is the optimum). ``point_weights`` is
    (replicates, points) and each row sums to 1; returns (replicates, models)."""
    dens = np.exp(lpd - lpd.max(axis=1, keepdims=True))  # per point, a common factor does not move the optimum
    w = np.full((point_weights.shape[0], lpd.shape[1]), 1.0 / lpd.shape[1])
    for _ in range(iters):
        mix = w @ dens.T  # (replicates, points)
        new = w * ((point_weights / mix) @ dens)
        if np.abs(new - w).max() < tol:
            return new
        w = new
    return w


def stacking_weights(lpd: np.ndarray, point_weights: np.ndarray | None = None) -> np.ndarray:
    """Stacking weights from a (points, models) matrix of log predictive densities (Yao et al. 2018, eq. 4):
    maximise the (weighted) mean log score of the mixture over the simplex."""
    lpd = np.asarray(lpd, dtype=float)
    keep = np.isfinite(lpd).all(axis=1)
    lpd = lpd[keep]
    m = lpd.shape[1]
    if m == 1 or not len(lpd):
        return np.full(m, 1.0 / m)
    pw = np.full(len(lpd), 1.0 / len(lpd)) if point_weights is None else np.asarray(point_weights, dtype=float)[keep]
    w = stacking_em(lpd, (pw / pw.sum())[None, :])[0]
    w[w < 1e-6] = 0.0
    return w / w.sum()


def bootstrap_stacking_weights(lpd: np.ndarray, *, n_boot: int = N_BOOT, seed: int = 0) -> np.ndarray:
    """Stacking weights averaged over Bayesian-bootstrap reweightings of the forecast points (Yao et al. 2018, §4.3).

    Kept for comparison: with a dozen forecast points whose densities are nearly collinear (the changepoint model is the
    line plus a little), every replicate's optimum is a corner, so the average is a corner too (0.99 on evidence of
    1.0 ± 0.6 nats). :func:`model_weights` is what the stacked answer uses."""
    lpd = np.asarray(lpd, dtype=float)
    lpd = lpd[np.isfinite(lpd).all(axis=1)]
    if len(lpd) < 2:
        return stacking_weights(lpd)
    rng = np.random.default_rng(seed)
    w = stacking_em(lpd, rng.dirichlet(np.ones(len(lpd)), size=n_boot)).mean(axis=0)
    w[w < 1e-6] = 0.0
    return w / w.sum()


#: A member below this weight (under 5% of the mixture's draws) does not set the stacked verdict.
VERDICT_WEIGHT = 0.05


#: The Bayesian bootstrap of the weights uses its own fixed seed: the weights depend on the forecasts, not on the
#: sampler's seed.
WEIGHTS_SEED = 20180101


def model_weights(lpd: np.ndarray, *, n_boot: int = N_BOOT) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the member models from a (points, models) matrix of log predictive densities, with their doubt.

    Bayesian-bootstrap pseudo-BMA+ (Yao, Vehtari, Simpson and Gelman 2018, §3.4; ArviZ's "BB-pseudo-BMA"): each
    replicate reweights the forecast points by Dirichlet(1) weights, scores each model by its reweighted total log
    density, and gives it the weight exp(score) / sum exp(score); the members' draws are then mixed over the replicates
    (the mean weight). A model ahead by 1 nat over 12 forecasts gets about 0.7, not 1: weak evidence gives a mixture.
    Returns (mean weights, replicate weights (n_boot, models)). Deterministic: the bootstrap has a fixed seed."""
    lpd = np.asarray(lpd, dtype=float)
    lpd = lpd[np.isfinite(lpd).all(axis=1)]
    m = lpd.shape[1]
    if m == 1 or not len(lpd):
        return np.full(m, 1.0 / m), np.full((1, m), 1.0 / m)
    n = len(lpd)
    rng = np.random.default_rng(WEIGHTS_SEED)
    score = n * rng.dirichlet(np.ones(n), size=n_boot) @ lpd  # (replicates, models): total log score, reweighted
    rep = np.exp(score - logsumexp(score, axis=1, keepdims=True))
    w = rep.mean(axis=0)
    w[w < 1e-6] = 0.0
    return w / w.sum(), rep


def stacking_evidence(lpd: np.ndarray, names: list[str]) -> dict:
    """How strongly the forecasts separate the leading model from the next: the difference of their summed log
    predictive densities (nats) and its standard error (sqrt(n) x the sd of the pointwise differences), in words.

    Words follow Sivula, Magnusson and Vehtari (2022): a difference under 4 nats is small whatever its SE ("weak
    evidence"); above 4 and more than twice its SE, "clear evidence"; otherwise "some evidence"."""
    lpd = np.asarray(lpd, dtype=float)
    lpd = lpd[np.isfinite(lpd).all(axis=1)]
    if lpd.shape[1] < 2 or len(lpd) < 2:
        return {"leader": names[0] if names else "", "runner_up": "", "diff": float("nan"), "se": float("nan"),
                "n": len(lpd), "words": "no evidence (too few forecasts to compare the models)"}
    totals = lpd.sum(axis=0)
    lead, second = np.argsort(-totals, kind="stable")[:2]
    d = lpd[:, lead] - lpd[:, second]
    diff, se = float(d.sum()), float(np.sqrt(len(d)) * d.std(ddof=1))
    words = "weak evidence" if diff < 4 else ("clear evidence" if diff > 2 * se else "some evidence")
    return {"leader": names[lead], "runner_up": names[second], "diff": diff, "se": se, "n": len(d), "words": words}


def evidence_text(evidence: dict) -> str:
    """The evidence in one sentence, e.g. "changepoint forecast the last 12 lags better than linear by 1.0 ± 0.6 nats:
    weak evidence"."""
    if not evidence.get("runner_up"):
        return evidence.get("words", "")
    return (f"{evidence['leader']} forecast the last {evidence['n']} lags better than {evidence['runner_up']} by "
            f"{evidence['diff']:.1f} ± {evidence['se']:.1f} nats: {evidence['words']}")
