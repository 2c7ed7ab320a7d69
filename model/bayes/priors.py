"""Prior specifications: typed, validated, and entered into compiled models as data.

Units: lag in months, time in years from the reference date (the end of the fit window),
so the intercept is "the lag now" and the slope is "months of lag gained per year"
(negative = the gap is closing).

Every value here becomes a ``pm.Data`` node in the compiled model, so changing a
prior never recompiles (see :mod:`model.trend`).
"""

from __future__ import annotations

import json
import math

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Smallest prior sd accepted; a slider at 0 is nudged to this rather than crashing the sampler.
MIN_SD = 1e-3


def _floor(v: float) -> float:
    v = float(v)
    if not math.isfinite(v) or v < 0:
        raise ValueError("must be a finite number >= 0")
    return max(v, MIN_SD)


class _PriorSpec(BaseModel):
    """Shared behaviour: strict fields, and values exported as the model's ``prior_*`` data nodes."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    def as_data(self) -> dict[str, float]:
        """Values fed to the compiled model (names of its ``pm.Data`` nodes)."""
        return {f"prior_{k}": float(v) for k, v in self.model_dump().items()}

    def to_json(self) -> str:
        return json.dumps(self.model_dump(), sort_keys=True)


class TrendPriors(_PriorSpec):
    """Priors of the per-benchmark trend models (``constant``, ``linear``, ``linear_ar1``, ``changepoint``).

    Defaults are weakly informative on the scale of the question:

    * ``intercept_mean=6, intercept_sd=6``: the lag now is positive and of the order of
      months; AA and Epoch analyses put it at 3-7 months, and an sd of 6 lets the data
      move it anywhere from 0 to about 18 months.
    * ``slope_mean=0, slope_sd=6``: centred on "no change" (the null of a flat gap),
      wide enough that a gap closing by half a year per year is well inside one sd.
    * ``noise_sd=4``: half-normal scale of the residual sd; event lags scatter by a few months.
    * ``student_nu=4``: fixed degrees of freedom of the Student-t likelihood (robust to the
      odd outlier release without being Cauchy-like).
    * ``ar_lengthscale_median=0.5, ar_lengthscale_sd_log=0.75``: log-normal prior on the
      correlation time of the continuous AR(1) errors, in years (about 2-20 months at 90%).
    * ``changepoint_margin=0.1``: the break is uniform over the window, trimmed by 10% at each
      end so that a slope is never estimated from a handful of points.
    """

    intercept_mean: float = Field(6.0, ge=-60, le=120)
    intercept_sd: float = Field(6.0, gt=0, le=100)
    slope_mean: float = Field(0.0, ge=-60, le=60)
    slope_sd: float = Field(6.0, gt=0, le=100)
    noise_sd: float = Field(4.0, gt=0, le=100)
    student_nu: float = Field(4.0, ge=1, le=1000)
    ar_lengthscale_median: float = Field(0.5, gt=0, le=20)
    ar_lengthscale_sd_log: float = Field(0.75, gt=0, le=5)
    changepoint_margin: float = Field(0.1, ge=0, lt=0.5)

    @field_validator("intercept_sd", "slope_sd", "noise_sd", "ar_lengthscale_median", "ar_lengthscale_sd_log", mode="before")
    @classmethod
    def _floor_sd(cls, v: float) -> float:
        """A zero sd from a slider becomes :data:`MIN_SD` (a near-point prior), never a crash."""
        return _floor(v)


class PoolingPriors(_PriorSpec):
    """Hyperpriors of the partially pooled (hierarchical) model across benchmarks.

    * ``pop_intercept_mean/sd`` and ``pop_slope_mean/sd``: the population mean lag now and
      mean slope, with the same justification as :class:`TrendPriors`.
    * ``tau_intercept`` and ``tau_slope``: half-normal scales of the between-benchmark spread;
      benchmarks differ by a few months in level (4) and a few months/year in slope (4).
    * ``noise_sd``: half-normal scale of the residual sd the benchmarks share; each benchmark's own sd varies
      around it on the log scale (half-normal spread 0.5), so a benchmark with few lags borrows the others' level.
    * ``lkj_eta``: LKJ shape of the intercept-slope correlation (2 = mild shrinkage to 0),
      used when ``correlated=True``.
    """

    pop_intercept_mean: float = Field(6.0, ge=-60, le=120)
    pop_intercept_sd: float = Field(6.0, gt=0, le=100)
    pop_slope_mean: float = Field(0.0, ge=-60, le=60)
    pop_slope_sd: float = Field(6.0, gt=0, le=100)
    tau_intercept: float = Field(4.0, gt=0, le=100)
    tau_slope: float = Field(4.0, gt=0, le=100)
    noise_sd: float = Field(4.0, gt=0, le=100)
    student_nu: float = Field(4.0, ge=1, le=1000)
    lkj_eta: float = Field(2.0, ge=0.5, le=50)

    @field_validator("pop_intercept_sd", "pop_slope_sd", "tau_intercept", "tau_slope", "noise_sd", mode="before")
    @classmethod
    def _floor_sd(cls, v: float) -> float:
        return _floor(v)
