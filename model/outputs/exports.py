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


#: Significant figures of the numbers in a downloaded summary (the posterior's Monte Carlo error is larger).
SUMMARY_DIGITS = 4


def session_summary(entries: list[dict], names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per fitted target of every distinct fit of a session, for the downloads.

    Each entry is ``{"labels": [...], "fitted_at": ISO time, "result": AnalysisResult}`` (one per distinct settings,
    so a fit two pages ran is one entry). Adds ``fit`` (the pages' labels), ``fitted_at`` and ``benchmark_name``
    beside the id, spreads ``prior_json`` into one ``prior_<name>`` column per prior, and rounds numbers to
    :data:`SUMMARY_DIGITS` significant figures."""
    import json

    import numpy as np

    frames = []
    for entry in entries:
        summary = entry["result"].summary.copy()
        summary.insert(0, "fitted_at", entry["fitted_at"])
        summary.insert(0, "fit", " · ".join(entry["labels"]))
        at = summary.columns.get_loc("benchmark") + 1
        summary.insert(at, "benchmark_name", summary["benchmark"].map(lambda b: (names or {}).get(b, b)))
        priors = pd.DataFrame([json.loads(p) if isinstance(p, str) and p else {} for p in summary["prior_json"]],
                              index=summary.index).add_prefix("prior_")
        frames.append(pd.concat([summary.drop(columns=["prior_json"]), priors], axis=1))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: float(f"{v:.{SUMMARY_DIGITS}g}") if np.isfinite(v) and v != 0 else v)
    return out
