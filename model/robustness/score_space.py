"""The gap in score space: fit the open and closed frontiers themselves, then derive both gaps.

Each frontier's record scores (see :func:`model.lags.frontier_table`) are modelled as linear on the
logit of the score, scaled to the benchmark's range, with a positive slope (frontiers only rise):

    logit(score / range) = a_g + b_g * t,   b_g > 0,   g in {open, closed},   t in years

so each frontier is a logistic curve that saturates at the top of the scale. From the two curves:

* the **vertical gap** at t is ``closed(t) - open(t)`` in score units;
* the **horizontal lag** at t is the Δ with ``closed(t - Δ) = open(t)``, which on the logit scale is
  ``Δ(t) = (a_c - a_o + (b_c - b_o) t) / b_c`` years: linear in t, so it reaches zero at
  ``t* = (a_o - a_c) / (b_c - b_o)`` when the open frontier rises faster (b_o > b_c), and never otherwise.

Benchmarks near saturation (both frontiers within a few points of the top) are flagged: there the
horizontal lag is erratic, because a flat curve maps a small score gap to a long time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.bayes.crossing import CrossingSummary, summarise_crossing
from model.bayes.sampling import SamplerSettings, StructureKey, compiled_model, sample_compiled
from model.core.errors import DataError
from model.core.timeaxis import years_between, years_since
from model.data.openness import open_groups
from model.data.schema import parse_scale
from model.lags.frontier import frontier_table

EPS = 1e-3
SATURATION = 0.05  # within 5% of the top of the scale


#: The Score space page's default benchmarks (the first that the data hold) and the sampler of every Score space fit.
DEFAULT_BENCHMARKS = ("gpqa", "coding_index_2026_06_15", "math_500")
SAMPLER = dict(draws=500, tune=500, chains=2)


@dataclass
class ScoreSpaceFit:
    """A fit of both frontiers in logit-score space, with the records it was fitted to."""

    benchmark: str
    reference: pd.Timestamp
    lo: float
    hi: float
    draws: dict[str, np.ndarray]
    records: pd.DataFrame
    saturated: bool
    diagnostics: object

    def lag_years(self, x: np.ndarray | float) -> np.ndarray:
        """Posterior draws of the horizontal lag (years) at x years from the reference: shape (draws, len(x))."""
        d = self.draws
        x = np.atleast_1d(np.asarray(x, dtype=float))[None, :]
        return (d["a_closed"][:, None] - d["a_open"][:,
                                                     None] + (d["b_closed"] - d["b_open"])[:, None] * x) / d["b_closed"][:, None]

    def gap_score(self, x: np.ndarray | float) -> np.ndarray:
        """Posterior draws of the vertical gap (score units) at x years."""
        d = self.draws
        x = np.atleast_1d(np.asarray(x, dtype=float))[None, :]

        def curve(a, b):
            return self.lo + (self.hi - self.lo) / (1 + np.exp(-(a[:, None] + b[:, None] * x)))

        return curve(d["a_closed"], d["b_closed"]) - curve(d["a_open"], d["b_open"])

    def crossing_years(self) -> np.ndarray:
        """Years from the reference at which the fitted open frontier meets the closed one (+inf = never), per draw."""
        d = self.draws
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(d["b_open"] > d["b_closed"], (d["a_open"] - d["a_closed"]) / (d["b_closed"] - d["b_open"]), np.inf)
        return np.where(self.lag_years(0.0)[:, 0] <= 0, 0.0, t)

    def crossing(self) -> CrossingSummary:
        """The crossing summarised as dates and probabilities."""
        return summarise_crossing(self.crossing_years(), self.reference)


def scale_bounds(scale: str) -> tuple[float, float]:
    """(min, max) of a benchmark scale written "min..max"."""
    bounds = parse_scale(scale)
    if bounds is None:
        raise DataError(f"The score-space model needs a bounded scale (like 0..1); this benchmark has {scale!r}.")
    return bounds


def frontier_records(scores: pd.DataFrame, benchmark: str, benchmarks: pd.DataFrame,
                     open_definition: str = "any") -> pd.DataFrame:
    """Record points of both frontiers, with the group and the score scaled to 0..1."""
    rows = scores[scores["benchmark"] == benchmark]
    if rows.empty:
        raise DataError(f"Unknown benchmark {benchmark!r}.")
    meta = benchmarks.set_index("benchmark").loc[benchmark]
    if not bool(meta["higher_is_better"]):
        raise DataError("The score-space model assumes higher is better.")
    lo, hi = scale_bounds(meta["scale"])
    groups = open_groups(rows, open_definition)
    parts = []
    for g in ("open", "closed"):
        t = frontier_table(rows[groups == g])
        if len(t) < 2:
            raise DataError(f"{benchmark}: the {g} frontier has {len(t)} record(s); the score-space model needs at least 2.")
        parts.append(t.assign(group=g))
    rec = pd.concat(parts, ignore_index=True)
    rec["p"] = ((rec["score"] - lo) / (hi - lo)).clip(EPS, 1 - EPS)
    return rec


def _model(size: int):
    import pymc as pm
    import pytensor.tensor as pt

    with pm.Model() as model:
        x = pm.Data("x", np.zeros(size))
        y = pm.Data("y", np.zeros(size))
        is_open = pm.Data("is_open", np.zeros(size))
        mask = pm.Data("mask", np.zeros(size))
        a_o = pm.Normal("a_open", 0.0, 3.0)
        a_c = pm.Normal("a_closed", 0.0, 3.0)
        b_o = pm.HalfNormal("b_open", 2.0)  # logit units per year; positive: frontiers only rise
        b_c = pm.HalfNormal("b_closed", 2.0)
        sigma = pm.HalfNormal("sigma", 0.5)
        mu = is_open * (a_o + b_o * x) + (1 - is_open) * (a_c + b_c * x)
        # Masked Normal log-likelihood written out: padded slots contribute nothing.
        logp = -0.5 * ((y - mu) / sigma) ** 2 - pt.log(sigma) - 0.5 * np.log(2 * np.pi)
        pm.Potential("records", pt.sum(mask * logp))
    return model


def fit_score_space(scores: pd.DataFrame, benchmark: str, benchmarks: pd.DataFrame, *, open_definition: str = "any",
                    sampler: SamplerSettings | None = None, records: pd.DataFrame | None = None,
                    reference: pd.Timestamp | None = None) -> ScoreSpaceFit:
    """Fit both frontiers of one bounded benchmark (or given ``records`` with columns since, group, p)."""
    from model.bayes.diagnostics import diagnose

    sampler = sampler or SamplerSettings()
    if records is None:
        records = frontier_records(scores, benchmark, benchmarks, open_definition)
        lo, hi = scale_bounds(benchmarks.set_index("benchmark").at[benchmark, "scale"])
    else:
        lo, hi = 0.0, 1.0
    reference = pd.Timestamp(reference) if reference is not None else pd.Timestamp(records["since"].max())
    x = years_since(records["since"], reference)
    y = np.log(records["p"] / (1 - records["p"])).to_numpy(float)
    n = len(x)
    size = next(s for s in (32, 64, 128, 256, 512, 1024) if s >= n) if n <= 1024 else None
    if size is None:
        raise DataError("Too many frontier records for the score-space model.")
    compiled = compiled_model(StructureKey("score_space", "score_space", "normal", size), lambda: _model(size))
    pad = size - n
    data = {"x": np.concatenate([x, np.zeros(pad)]), "y": np.concatenate([y, np.zeros(pad)]),
            "is_open": np.concatenate([(records["group"] == "open").to_numpy(float), np.zeros(pad)]),
            "mask": np.concatenate([np.ones(n), np.zeros(pad)])}
    trace = sample_compiled(compiled, data, sampler)
    names = ["a_open", "a_closed", "b_open", "b_closed", "sigma"]
    draws = {k: trace.posterior[k].values.reshape(-1) for k in names}
    top = records.groupby("group")["p"].max()
    saturated = bool((top >= 1 - SATURATION).all())
    return ScoreSpaceFit(benchmark, reference, lo, hi, draws, records, saturated, diagnose(trace, names))


def score_space_summary(fit: ScoreSpaceFit) -> dict:
    """One summary row of a score-space fit: horizontal lag and vertical gap now, crossing, saturation."""
    cs = fit.crossing()
    lag_now = fit.lag_years(0.0)[:, 0] * 12
    gap_now = fit.gap_score(0.0)[:, 0]
    return {
        "benchmark": fit.benchmark, "reference_date": fit.reference.date().isoformat(), "saturated": fit.saturated,
        "horizontal_lag_now_months": float(np.median(lag_now)), "horizontal_lag_lo90": float(np.quantile(lag_now, 0.05)),
        "horizontal_lag_hi90": float(np.quantile(lag_now, 0.95)), "vertical_gap_now": float(np.median(gap_now)),
        "p_open_rising_faster": float(np.mean(fit.draws["b_open"] > fit.draws["b_closed"])),
        "crossing_median": None if cs.median is None else cs.median.date().isoformat(),
        "crossing_lo90": None if cs.lo90 is None else cs.lo90.date().isoformat(),
        "crossing_hi90": None if cs.hi90 is None else cs.hi90.date().isoformat(),
        "p_never": cs.p_never, "verdict": fit.diagnostics.verdict,
        "note": "near saturation: the horizontal lag is erratic here" if fit.saturated else "",
    }


def frontier_curves(fit: ScoreSpaceFit, *, horizon="2028-12-31") -> pd.DataFrame:
    """Quantiles of both fitted frontiers (score units) on a monthly grid from the first record to ``horizon``."""
    dates = pd.date_range(pd.Timestamp(fit.records["since"].min()).to_period("M").to_timestamp(), horizon, freq="MS")
    x = years_between(dates, fit.reference)
    out = []
    for grp in ("open", "closed"):
        a, b = fit.draws[f"a_{grp}"][:, None], fit.draws[f"b_{grp}"][:, None]
        curve = fit.lo + (fit.hi - fit.lo) / (1 + np.exp(-(a + b * x[None, :])))
        q = np.quantile(curve, [0.05, 0.5, 0.95], axis=0)
        out.append(pd.DataFrame({"date": dates, "group": grp, "q05": q[0], "q50": q[1], "q95": q[2]}))
    return pd.concat(out, ignore_index=True)
