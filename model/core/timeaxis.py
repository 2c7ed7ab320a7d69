"""The time axis: days, months and years, converted in one place.

Trend models count time in years (365.25 days) from a reference date and lags in months (30.4375 days, a
twelfth of that year), so "months of lag per year" is a plain ratio.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def months_from_days(delta: np.ndarray) -> np.ndarray:
    """A timedelta64 array in months."""
    return delta.astype("timedelta64[D]").astype(float) / DAYS_PER_MONTH


def years_since(dates, reference) -> np.ndarray:
    """Years from ``reference`` to each date (negative before it), as floats."""
    return (pd.to_datetime(pd.Series(dates)) - pd.Timestamp(reference)).dt.days.to_numpy(dtype=float) / DAYS_PER_YEAR


def years_between(dates: pd.DatetimeIndex, reference) -> np.ndarray:
    """The same for a DatetimeIndex (a date grid)."""
    return (pd.DatetimeIndex(dates) - pd.Timestamp(reference)).days.to_numpy(dtype=float) / DAYS_PER_YEAR


def date_after(reference, years: np.ndarray | float):
    """The date(s) ``years`` after ``reference`` (datetime64 for an array)."""
    return pd.Timestamp(reference) + pd.to_timedelta(np.asarray(years) * DAYS_PER_YEAR, unit="D")


#: Crossing dates later than this are reported as this date ("2200 or later"): the ratio -alpha/beta of a nearly flat
#: line can put them centuries out, past what a date type can hold.
FAR_FUTURE = pd.Timestamp("2200-01-01")


def crossing_date(reference, years: float) -> pd.Timestamp | None:
    """The day ``years`` after ``reference`` at which a trend reaches zero: None for never (not finite), and
    :data:`FAR_FUTURE` for anything later than it."""
    if not np.isfinite(years):
        return None
    if years > years_between([FAR_FUTURE], reference)[0]:
        return FAR_FUTURE
    return date_after(reference, years).normalize()


def monthly_grid(start, end) -> pd.DatetimeIndex:
    """First days of the months from ``start``'s month to ``end``."""
    return pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(end), freq="MS")
