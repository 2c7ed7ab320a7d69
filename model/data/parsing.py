"""Parsing of the cells users write: open flags, dates in unambiguous formats, row numbers for messages."""

from __future__ import annotations

import numpy as np
import pandas as pd

_TRUE = {"true", "t", "yes", "y", "1", "open", "open weights", "open-weights", "1.0"}


_FALSE = {"false", "f", "no", "n", "0", "closed", "proprietary", "api", "0.0"}


# Unambiguous date formats accepted besides ISO 8601 (day-first/month-first
# numeric forms like 03/04/2025 are ambiguous and are rejected, not guessed).
_EXTRA_DATE_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y", "%Y-%m")


def row_numbers(mask: pd.Series) -> tuple[int, ...]:
    """1-based data-row numbers (as in the user's file) of the rows a mask selects."""
    return tuple(int(i) + 1 for i in np.flatnonzero(mask.to_numpy()))


def parse_bool(values: pd.Series) -> pd.Series:
    """Map common spellings of true/false to a nullable boolean; others to NA."""
    if values.dtype == bool:
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False).to_numpy()] = True
    out[text.isin(_FALSE).fillna(False).to_numpy()] = False
    return out


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates: ISO 8601 first, then a short list of unambiguous formats.

    Returns the parsed dates (NaT where impossible) and a mask of rows that
    needed a non-ISO format (reported as a repair).
    """
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    repaired = pd.Series(False, index=values.index)
    for fmt in _EXTRA_DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = attempt.notna()
        parsed.loc[attempt.index[hit]] = attempt[hit]
        repaired.loc[attempt.index[hit]] = True
    # Timezone-aware ISO strings are reduced to their calendar date.
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize(), repaired


def to_ns_dates(parsed: pd.Series) -> pd.Series:
    """Cast parsed dates to nanosecond precision; dates outside 1900..2200 become NaT."""
    lo, hi = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")
    inside = (parsed >= lo) & (parsed <= hi)
    return parsed.where(inside).astype("datetime64[ns]")
