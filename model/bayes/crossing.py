"""When does the gap reach zero? Crossing dates from posterior draws.

Each posterior draw of the trend ``alpha + beta * x`` (x in years from the reference date, the end of the data) has
one of three outcomes:

* **closed already**: ``alpha <= 0``, the trend is at or below zero at the end of the data (whatever its slope; a
  rising one is moving away from zero). Its crossing time is 0: it counts as closed by every later date.
* **closes later**: ``alpha > 0`` and ``beta < 0``; it reaches zero ``x* = -alpha / beta`` years after the reference.
* **never**: ``alpha > 0`` and ``beta >= 0``; on this trend the gap never closes (+inf).

Dates (median, 50% and 90% intervals) are quantiles among the draws that close later only; the three probabilities
are over all draws, and P(closed by D) counts "closed already" and "closes later by D". The crossing is a ratio of
parameters with heavy tails, so only quantiles and probabilities are reported, never a mean date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.text import fmt_month, fmt_prob
from model.core.timeaxis import crossing_date, years_between

HORIZON_END = pd.Timestamp("2035-12-31")


def crossing_years(alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Years from the reference date at which ``alpha + beta * x`` reaches 0; +inf for never."""
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(beta < 0, -alpha / beta, np.inf)
    return np.where(alpha <= 0, 0.0, x)  # already at or below zero at the reference date: closed "now"


def first_passage_years(paths: np.ndarray, x_grid: np.ndarray) -> np.ndarray:
    """First grid time at which each simulated path is <= 0; +inf if it never is."""
    hit = paths <= 0
    first = np.argmax(hit, axis=1)
    return np.where(hit.any(axis=1), np.asarray(x_grid)[first], np.inf)


@dataclass(frozen=True)
class CrossingSummary:
    """Quantiles among crossing draws, and probabilities over all draws."""

    reference: pd.Timestamp
    median: pd.Timestamp | None
    lo50: pd.Timestamp | None
    hi50: pd.Timestamp | None
    lo90: pd.Timestamp | None
    hi90: pd.Timestamp | None
    p_never: float
    p_by: dict[str, float]
    n_draws: int
    p_closed_already: float = 0.0

    def sentence(self) -> str:
        """One plain-language reading of the posterior."""
        already = (f"{fmt_prob(self.p_closed_already)} probability the trend is already at or below zero at the end of the "
                   "data; " if self.p_closed_already > 0 else "")
        if self.median is None:
            return (f"{already}no posterior draw reaches zero later: P(never on the current trend) = "
                    f"{fmt_prob(self.p_never)}.")
        return (f"{already}among draws where the gap closes later, 90% of closing dates fall between "
                f"{fmt_month(self.lo90)} and {fmt_month(self.hi90)} (median {fmt_month(self.median)}); "
                f"{fmt_prob(self.p_never)} probability it never closes on the current trend.")




def summarise_crossing(x_star: np.ndarray, reference: pd.Timestamp, *, by=("2026-12-31", "2027-12-31")) -> CrossingSummary:
    """Summarise crossing draws (years from ``reference``; 0 = closed already, +inf = never; see the module docstring)."""
    x_star = np.asarray(x_star, dtype=float)
    finite = x_star[np.isfinite(x_star) & (x_star > 0)]  # the draws that close later
    p_never = float(np.mean(~np.isfinite(x_star))) if len(x_star) else float("nan")
    p_already = float(np.mean(x_star <= 0)) if len(x_star) else float("nan")
    p_by = {}
    for d in by:
        yrs = years_between([pd.Timestamp(d)], reference)[0]
        p_by[str(pd.Timestamp(d).date())] = float(np.mean(x_star <= yrs))
    if len(finite) == 0:
        return CrossingSummary(reference, None, None, None, None, None, p_never, p_by, len(x_star), p_already)
    q = np.quantile(finite, [0.5, 0.25, 0.75, 0.05, 0.95])
    return CrossingSummary(reference, *(crossing_date(reference, v) for v in q), p_never, p_by, len(x_star), p_already)


#: Probabilities (among the draws that close later) of the reported crossing quantiles, by column suffix.
CROSSING_QUANTILES = {"lo90": 0.05, "median": 0.5, "hi90": 0.95}
#: A crossing-date end whose Monte Carlo standard error exceeds this (months) is flagged: rerun with more draws.
MCSE_MONTHS_OK = 1.0


#: Below this probability of closing later, a crossing interval describes a minority of draws and is not drawn.
MIN_P_CLOSES_LATER = 0.5


def p_closes_later(row) -> float:
    """P(the trend reaches zero after the end of the data): neither closed already nor never."""
    return max(0.0, 1.0 - float(row["p_never"]) - float(row.get("p_closed_already", 0.0) or 0.0))


def crossing_mcse_months(x_star: np.ndarray, chains: int) -> dict[str, float]:
    """Monte Carlo standard error (months) of each reported crossing quantile, from the chains' draws.

    A quantile at probability ``p`` among the draws that close later is the quantile at ``P(closed already) +
    p * P(closes later)`` of all draws (closed already = 0, never = +inf), so arviz-stats' quantile MCSE (ESS-based,
    per chain) applies to the draws as they are. NaN where no draw closes later or the chains cannot be told apart.
    """
    x = np.asarray(x_star, dtype=float)
    n = len(x)
    p_already, p_never = float(np.mean(x <= 0)), float(np.mean(~np.isfinite(x)))
    p_later = 1.0 - p_already - p_never
    if p_later <= 0 or chains < 1 or n % chains or n // chains < 4:
        return {k: float("nan") for k in CROSSING_QUANTILES}
    from arviz_stats import mcse

    finite = np.where(np.isfinite(x), x, 1e6).reshape(chains, n // chains)  # "never" sorts last; its value is unused
    out = {}
    for key, p in CROSSING_QUANTILES.items():
        q = min(max(p_already + p * p_later, 1e-6), 1 - 1e-6)
        out[key] = float(np.asarray(mcse(finite, method="quantile", prob=q))) * 12
    return out


def crossing_mcse_from_cdf_error(x_star: np.ndarray, cdf_sd) -> dict[str, float]:
    """MCSE (months) of the reported crossing quantiles given the standard error of the CDF estimate at each:
    ``cdf_sd(level, value)`` for the quantile at unconditional ``level`` whose value (years) is ``value``. The level's
    error is mapped through the draws' own quantile function (as arviz-stats' quantile MCSE does). For draws that are not
    plain chains: importance-resampled ones (error from the weights' ESS), a stacked mixture (from its members' chains)."""
    x = np.asarray(x_star, dtype=float)
    p_already, p_never = float(np.mean(x <= 0)), float(np.mean(~np.isfinite(x)))
    p_later = 1.0 - p_already - p_never
    if p_later <= 0:
        return {k: float("nan") for k in CROSSING_QUANTILES}
    xs = np.sort(np.where(np.isfinite(x), x, np.inf))
    out = {}
    for key, p in CROSSING_QUANTILES.items():
        level = p_already + p * p_later
        s = cdf_sd(level, xs[min(int(level * len(xs)), len(xs) - 1)])
        lo = xs[int(np.clip(np.floor((level - s) * len(xs)), 0, len(xs) - 1))]
        hi = xs[int(np.clip(np.ceil((level + s) * len(xs)), 0, len(xs) - 1))]
        out[key] = float((hi - lo) / 2 * 12) if np.isfinite(hi - lo) else float("inf")
    return out


def p_cross_by_curve(x_star: np.ndarray, reference: pd.Timestamp, *, start=None, end=HORIZON_END, freq="MS") -> pd.DataFrame:
    """P(crossed by D) for D on a monthly grid to the horizon (2035 by default)."""
    start = pd.Timestamp(start) if start is not None else reference
    dates = pd.date_range(start, end, freq=freq)
    yrs = years_between(dates, reference)
    x_sorted = np.sort(np.asarray(x_star, dtype=float))
    p = np.searchsorted(x_sorted, yrs, side="right") / max(len(x_sorted), 1)
    return pd.DataFrame({"date": dates, "p_crossed": p})
