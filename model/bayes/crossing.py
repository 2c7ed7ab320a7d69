"""When does the gap reach zero? Crossing dates from posterior draws.

For each draw the trend's zero is ``x* = -alpha / beta`` years from the reference date
when the current slope ``beta`` is negative, and "never" otherwise. A draw whose trend
is already at or below zero at the reference date (``alpha <= 0``) counts as crossed at
the reference date: a forecast cannot close a gap before the data end. The crossing is a ratio of parameters with heavy tails,
so only quantiles and probabilities are reported, never a mean date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.timeaxis import date_after, years_between

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

    def sentence(self) -> str:
        """One plain-language reading of the posterior."""
        if self.median is None:
            return f"No posterior draw crosses zero: the gap does not close on the current trend (P(never) = {self.p_never:.0%})."
        return (f"Among draws where the gap closes, 90% of closing dates fall between {fmt_month(self.lo90)} and "
                f"{fmt_month(self.hi90)} (median {fmt_month(self.median)}); {self.p_never:.0%} probability it never closes "
                "on the current trend.")


#: Crossing quantiles later than this are reported as this date ("2200 or later"): the ratio
#: -alpha/beta can put them centuries out, past what a date type can hold.
FAR_FUTURE = pd.Timestamp("2200-01-01")


def _date(reference: pd.Timestamp, years: float) -> pd.Timestamp | None:
    if not np.isfinite(years):
        return None
    if years > years_between([FAR_FUTURE], reference)[0]:
        return FAR_FUTURE
    return date_after(reference, years).normalize()


def fmt_month(ts: pd.Timestamp | None) -> str:
    """A date as YYYY-MM, "never" for None, "2200 or later" past the far-future cap."""
    if ts is None:
        return "never"
    return "2200 or later" if ts >= FAR_FUTURE else f"{ts:%Y-%m}"


def summarise_crossing(x_star: np.ndarray, reference: pd.Timestamp, *, by=("2026-12-31", "2027-12-31")) -> CrossingSummary:
    """Summarise crossing draws (years from ``reference``; +inf = never)."""
    x_star = np.asarray(x_star, dtype=float)
    finite = x_star[np.isfinite(x_star)]
    p_never = float(np.mean(~np.isfinite(x_star))) if len(x_star) else float("nan")
    p_by = {}
    for d in by:
        yrs = years_between([pd.Timestamp(d)], reference)[0]
        p_by[str(pd.Timestamp(d).date())] = float(np.mean(x_star <= yrs))
    if len(finite) == 0:
        return CrossingSummary(reference, None, None, None, None, None, p_never, p_by, len(x_star))
    q = np.quantile(finite, [0.5, 0.25, 0.75, 0.05, 0.95])
    return CrossingSummary(reference, *(_date(reference, v) for v in q), p_never, p_by, len(x_star))


def p_cross_by_curve(x_star: np.ndarray, reference: pd.Timestamp, *, start=None, end=HORIZON_END, freq="MS") -> pd.DataFrame:
    """P(crossed by D) for D on a monthly grid to the horizon (2035 by default)."""
    start = pd.Timestamp(start) if start is not None else reference
    dates = pd.date_range(start, end, freq=freq)
    yrs = years_between(dates, reference)
    x_sorted = np.sort(np.asarray(x_star, dtype=float))
    p = np.searchsorted(x_sorted, yrs, side="right") / max(len(x_sorted), 1)
    return pd.DataFrame({"date": dates, "p_crossed": p})
