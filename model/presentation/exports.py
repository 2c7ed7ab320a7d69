"""Safe exports: CSV and JSON that a spreadsheet cannot execute."""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a single quote.

    Numbers are left alone (a negative number is not text). Returns a copy.
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            text = s.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False) & pd.to_numeric(text, errors="coerce").isna()
            if risky.any():
                out[col] = s.astype(object).where(~risky, "'" + text.astype(object))
    return out


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV text with dates as YYYY-MM-DD and formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
