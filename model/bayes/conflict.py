"""Prior–data conflict: does the data's own estimate sit far in the prior's tail?

For the line models (``linear``, ``linear_ar1``) and the ``constant`` model, the least-squares estimate of the lag now
(and the slope) from the uncensored lags, with its standard error, is compared with the prior: a conflict when
``|estimate − prior mean| / sqrt(prior sd² + se²)`` exceeds :data:`CONFLICT_Z` (the two would rarely disagree that much
if the prior described this data). The posterior then follows whichever is sharper and neither can be trusted alone;
the verdict says so. (The changepoint's slope after the break has no least-squares twin over the whole window, so it
is not checked; censored lags are left out of the estimate, which is why it is a check and not a fit.)
"""

from __future__ import annotations

import numpy as np

from model.bayes.priors import TrendPriors

#: How many combined standard deviations apart the data's estimate and the prior may be before it is a conflict.
CONFLICT_Z = 3.0


def _least_squares(x: np.ndarray, y: np.ndarray, slope: bool) -> tuple[np.ndarray, np.ndarray]:
    design = np.column_stack([np.ones_like(x), x]) if slope else np.ones((len(x), 1))
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    dof = max(len(y) - design.shape[1], 1)
    s2 = float(np.sum((y - design @ coef) ** 2) / dof)
    return coef, np.sqrt(np.diag(s2 * np.linalg.pinv(design.T @ design)))


def prior_data_conflict(obs, priors: TrendPriors, model) -> str | None:
    """A one-line warning when the data's own estimate and the prior disagree, else None. ``model``: the trend model
    (or its name); only models with a least-squares twin (``least_squares_twin``) are checked."""
    if isinstance(model, str):
        from model.bayes.trends import series_model

        model = series_model(model)
    if model.least_squares_twin is None:
        return None
    ok = obs.status == "ok"
    slope = model.least_squares_twin == "line"
    if ok.sum() < (4 if slope else 3):
        return None
    coef, se = _least_squares(obs.x[ok], obs.y[ok], slope)
    checks = [("lag now", "months", coef[0], se[0], priors.intercept_mean, priors.intercept_sd)]
    if slope:
        checks.append(("slope", "months/yr", coef[1], se[1], priors.slope_mean, priors.slope_sd))
    worst = max(checks, key=lambda c: abs(c[2] - c[4]) / np.hypot(c[5], c[3]))
    what, unit, est, s, mean, sd = worst
    z = abs(est - mean) / np.hypot(sd, s)
    if z <= CONFLICT_Z:
        return None
    return (f"prior–data conflict: the data alone put the {what} at {est:+.1f} ± {s:.1f} {unit}, the prior at "
            f"{mean:+.1f} ± {sd:.1f} ({z:.0f} standard deviations apart); the posterior mixes two stories, so widen the "
            "prior or question it")
