"""Scores of a stored forecast against what happened: the CRPS and PIT of a quantile forecast, and what the newest
data say about a forecast's crossing date (:mod:`model.robustness.forecast_record` stores and scores the forecasts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The quantile levels a forecast is stored at (every 5%, 5% to 95%).
LEVELS = tuple(round(0.05 * k, 2) for k in range(1, 20))

def quantile_crps(y: float, quantiles, levels=LEVELS) -> float:
    """The CRPS of a quantile forecast: twice the mean pinball loss over its levels (as forecast hubs score them)."""
    q, tau = np.asarray(quantiles, dtype=float), np.asarray(levels, dtype=float)
    return float(2.0 * np.mean(np.where(y < q, (1 - tau) * (q - y), tau * (y - q))))


def pit_value(y: float, quantiles, levels=LEVELS) -> float:
    """Where ``y`` falls in the forecast distribution, between the stored quantiles; below the lowest or above the
    highest: halfway into that tail. At a point mass (the lag's floor at 0), the middle of the levels it spans."""
    q, tau = np.maximum.accumulate(np.asarray(quantiles, dtype=float)), np.asarray(levels, dtype=float)
    if y < q[0]:
        return float(tau[0] / 2)
    if y > q[-1]:
        return float((1 + tau[-1]) / 2)
    tied = tau[q == y]
    if len(tied) > 1:
        return float((tied[0] + tied[-1]) / 2 if tied[0] > tau[0] else tied[-1] / 2)
    return float(np.interp(y, q, tau))


def crossing_verdict(crossing: pd.Timestamp | None, scored: pd.DataFrame, data_end: pd.Timestamp, *,
                     published: pd.Timestamp | None = None) -> str:
    """What the newest data say about a forecast's crossing date, in words."""
    closed = scored[scored["observed_lag"] <= 0]
    when = published if published is not None else crossing
    if len(closed):
        return f"the gap closed by {closed['target_date'].iloc[0]}"
    if when is None:
        return "no crossing forecast (the median path never reaches zero)"
    label = "the published zero date" if published is not None else "the median crossing date"
    if when <= data_end:
        return f"{label} ({when.date()}) has passed and the gap had not closed by the newest data ({data_end.date()})"
    return f"{label} ({when.date()}) is after the newest data ({data_end.date()}): not yet testable"
