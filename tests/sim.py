"""Simulated lag series with a known truth, for parameter-recovery tests."""

import numpy as np
import pandas as pd

from model.bayes.observations import Observations, PooledObservations
from model.core.timeaxis import date_after

REF = pd.Timestamp("2026-06-01")


def simulate_series(alpha, beta, *, n=24, sigma=1.0, years=3.0, seed=0, name="sim", censor=True) -> Observations:
    """Irregular event times over ``years`` before REF; y = alpha + beta*x + noise, floored at 0 as open_ahead."""
    rng = np.random.default_rng(seed)
    x = np.sort(-rng.uniform(0, years, n))
    latent = alpha + beta * x + rng.normal(0, sigma, n)
    status = np.where(latent <= 0, "open_ahead", "ok") if censor else np.full(n, "ok")
    y = np.where(status == "open_ahead", 0.0, latent)
    dates = date_after(REF, x).to_numpy(dtype="datetime64[ns]")
    return Observations(name, "events", dates, y, status.astype(object), REF, pd.Timestamp(dates.min()), REF)


def simulate_noisy_series(alpha, beta, *, n=24, sigma=0.4, noisy_last=6, noisy_se=3.0, quiet_se=0.2, years=3.0,
                          seed=0) -> tuple[Observations, np.ndarray]:
    """Evenly spaced lags with known measurement error on top of the model's noise: the last ``noisy_last`` lags are
    noisy (the newest models' scores carry the largest errors), the rest nearly exact. Returns the observations
    (with their errors attached) and the errors."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-years, 0.0, n)
    se = np.full(n, quiet_se)
    se[n - noisy_last:] = noisy_se
    y = alpha + beta * x + rng.normal(0, sigma, n) + se * rng.standard_normal(n)
    dates = date_after(REF, x).to_numpy(dtype="datetime64[ns]")
    obs = Observations("noisy", "events", dates, y, np.full(n, "ok", dtype=object), REF, pd.Timestamp(dates.min()), REF)
    return obs.with_measurement_error(se), se


def simulate_pooled(mu_alpha, mu_beta, *, k=6, tau_alpha=1.0, tau_beta=0.7, seed=0,
                    **kw) -> tuple[PooledObservations, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = mu_alpha + tau_alpha * rng.standard_normal(k)
    b = mu_beta + tau_beta * rng.standard_normal(k)
    series = tuple(simulate_series(a[j], b[j], seed=seed * 100 + j, name=f"b{j}", **kw) for j in range(k))
    return PooledObservations(series), a, b
