"""Simulated lag series of five truth shapes, and the stacked answer scored against the truth: the recovery study of the
stacked answer (a small version runs in the slow tier, the full one in bench/bench_stacking_recovery.py).

Shapes (x in years before the reference date, 24 lags over three years; the lag is floored at 0 as the data are):

``decline``  a straight decline, zero 2 years after the reference date;
``break``    flat until 1.5 years before the reference date, then falling, zero 1.67 years after it;
``ar1``      the straight decline with continuous-time AR(1) noise (correlation time 0.5 years);
``flat``     no trend: the gap never closes;
``closed``   a decline that reached zero a year before the reference date (already closed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.bayes.crossing import crossing_years
from model.bayes.observations import Observations
from model.core.timeaxis import date_after
from tests.sim import REF

SHAPES = ("decline", "break", "ar1", "flat", "closed")
#: The true zero-gap time of each shape (years after the reference date; inf: never; <= 0: already closed), and the
#: model that generated it (the stacked answer's intervals are compared with that model's own).
TRUTH = {"decline": 2.0, "break": 5.0 / 3.0, "ar1": 2.0, "flat": np.inf, "closed": -1.0}
TRUE_MODEL = {"decline": "linear", "break": "changepoint", "ar1": "linear_ar1", "flat": "constant", "closed": "linear"}


def simulate_shape(shape: str, seed: int, *, n: int = 24, years: float = 3.0, sigma: float = 0.8) -> Observations:
    """One simulated series of ``shape`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    x = np.sort(-rng.uniform(0, years, n))
    if shape == "decline":
        trend = 4.0 - 2.0 * x
    elif shape == "break":
        tau = -1.5
        trend = np.where(x < tau, 5.0 - 3.0 * tau, 5.0 - 3.0 * x)
    elif shape == "ar1":
        trend = 4.0 - 2.0 * x
    elif shape == "flat":
        trend = np.full(n, 5.0)
    elif shape == "closed":
        trend = -1.0 - 1.0 * x
    else:
        raise ValueError(shape)
    if shape == "ar1":  # Ornstein-Uhlenbeck noise, correlation exp(-dt / 0.5)
        e = np.empty(n)
        e[0] = rng.normal(0, sigma)
        for i in range(1, n):
            r = np.exp(-(x[i] - x[i - 1]) / 0.5)
            e[i] = r * e[i - 1] + np.sqrt(1 - r**2) * rng.normal(0, sigma)
        latent = trend + e
    else:
        latent = trend + rng.normal(0, sigma, n)
    status = np.where(latent <= 0, "open_ahead", "ok").astype(object)
    y = np.where(status == "open_ahead", 0.0, latent)
    dates = date_after(REF, x).to_numpy(dtype="datetime64[ns]")
    return Observations(f"{shape}-{seed}", "events", dates, y, status, REF, pd.Timestamp(dates.min()), REF)


@dataclass(frozen=True)
class Scored:
    """How one fit's crossing posterior compares with the truth."""

    shape: str
    seed: int
    in90: bool
    in50: bool
    width90: float  # years; inf when the 95% quantile is "never"
    p_never: float
    p_closed_already: float


def score(shape: str, seed: int, alpha: np.ndarray, beta: np.ndarray) -> Scored:
    """The crossing draws (0: closed already, inf: never) against the shape's truth: is it inside the central 90% and
    50% intervals of all draws (a "never" truth is inside when the upper end is never)?"""
    x = np.sort(crossing_years(alpha, beta))
    q = {p: x[min(int(p * len(x)), len(x) - 1)] for p in (0.05, 0.25, 0.75, 0.95)}
    truth = max(TRUTH[shape], 0.0)
    return Scored(shape, seed, bool(q[0.05] <= truth <= q[0.95]), bool(q[0.25] <= truth <= q[0.75]),
                  float(q[0.95] - q[0.05]), float(np.mean(np.isinf(x))), float(np.mean(x <= 0)))


def recovery(shapes=SHAPES, seeds=range(10), *, draws: int = 500) -> pd.DataFrame:
    """The stacked answer and the true model's own fit on every shape and seed, scored against the truth."""
    from model.analysis import STACKED, FitSettings, fit_observations

    rows = []
    for shape in shapes:
        for seed in seeds:
            obs = simulate_shape(shape, seed)
            for label, model in (("stacked", STACKED), ("true model", TRUE_MODEL[shape])):
                fit = fit_observations(obs, FitSettings(model=model, draws=draws, chains=2, seed=seed + 1))
                s = score(shape, seed, *fit.parameter_draws())
                rows.append({"fit": label, **s.__dict__})
    return pd.DataFrame(rows)


def recovery_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per fit and shape: 90% and 50% coverage, the median 90% width (years), mean P(never) and P(closed already)."""
    return table.groupby(["fit", "shape"], sort=False).agg(
        n=("in90", "size"), cover90=("in90", "mean"), cover50=("in50", "mean"), median_width90=("width90", "median"),
        p_never=("p_never", "mean"), p_closed_already=("p_closed_already", "mean")).reset_index()
