"""Plain-language readings of fitted results: one sentence per figure, built from a summary row."""

from __future__ import annotations

import pandas as pd


def readings(row: pd.Series | dict) -> dict[str, str]:
    """One plain-language sentence per figure, from a summary row."""
    r = dict(row)
    p_never = r["p_never"]
    if r.get("crossing_median"):
        cross = (f"90% probability that, if the gap closes on this trend, it closes between {r['crossing_lo90'][:7]} and "
                 f"{r['crossing_hi90'][:7]} (median {r['crossing_median'][:7]}); {p_never:.0%} probability it never closes "
                 "on the current trend.")
    else:
        cross = f"No draw of the trend reaches zero: {p_never:.0%} probability it never closes on the current trend."
    slope = (f"The lag changes by {r['slope_median']:+.1f} months per year (90% interval {r['slope_lo90']:+.1f} to "
             f"{r['slope_hi90']:+.1f}); {r['p_slope_negative']:.0%} probability the gap is shrinking.")
    trend = (f"The trend puts the lag at {r['current_lag_median']:.1f} months on {r['reference_date']} "
             f"(the end of the data), fitted to {r['n_obs']} {r['observations']} observations.")
    by = (f"{r['p_cross_by_2026_12_31']:.0%} probability the trend reaches zero by the end of 2026, "
          f"{r['p_cross_by_2027_12_31']:.0%} by the end of 2027.")
    return {"trend": trend, "crossing": cross, "p_cross": by, "slope": slope}
