"""The least-squares line through a lag series and its zero crossing: the June 2026 analysis's method, as a labelled baseline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.timeaxis import crossing_date, years_since


@dataclass(frozen=True)
class OLSResult:
    """A least-squares straight line through a lag series (the June 2026 method; not Bayesian)."""

    slope_months_per_year: float
    intercept_months: float
    reference_date: pd.Timestamp
    crossing_date: pd.Timestamp | None
    n_points: int
    window_start: pd.Timestamp
    window_end: pd.Timestamp

    def describe(self) -> str:
        """The least-squares reading in one sentence, labelled as the June 2026 method."""
        cross = self.crossing_date.date().isoformat() if self.crossing_date is not None else "never (slope >= 0)"
        return (f"OLS (least squares, no uncertainty): slope {self.slope_months_per_year:+.2f} months/year over "
                f"{self.n_points} points from {self.window_start.date()} to {self.window_end.date()}; "
                f"zero crossing: {cross}")


def ols_crossing(series: pd.DataFrame, start=None, *, value: str = "lag_months", date: str = "date") -> OLSResult:
    """Fit ``lag = a + b * years`` by least squares from ``start`` and return where it hits 0.

    This is the June 2026 analysis's method, kept as a labelled baseline: it treats
    the sawtooth points as independent and ignores the floor at 0.
    """
    s = series[[date, value]].dropna()
    if start is not None:
        s = s[s[date] >= pd.Timestamp(start)]
    if len(s) < 2 or s[date].nunique() < 2:
        raise DataError(f"A least-squares line needs at least 2 dated points after {start}; found {len(s)}.")
    ref = s[date].min()
    x, y = years_since(s[date], ref), s[value].to_numpy(dtype=float)
    b, a = np.polyfit(x, y, 1)
    crossing = None
    if b < 0:
        crossing = crossing_date(ref, -a / b)  # a nearly flat line: "2200 or later", never past a date type's range
    return OLSResult(float(b), float(a), ref, crossing, len(s), s[date].min(), s[date].max())
