"""The tables a backtest is read through, shared by the Backtest page, the Report and the CLI (tested without drawing):
calibration per method and horizon, each method's overall score and the best-calibrated one in a sentence, and the
real-time (vintage) check per index and method."""

from __future__ import annotations

import pandas as pd


def calibration_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per method (and horizon): n, coverage of the 50% and 90% intervals, mean CRPS, and the calibration error."""
    g = results.groupby(["method", "horizon_months"])
    table = g.agg(n=("crps", "size"), cover50=("in50", "mean"), cover90=("in90", "mean"), crps=("crps", "mean")).reset_index()
    table["calibration_error"] = (table["cover50"] - 0.5).abs() + (table["cover90"] - 0.9).abs()
    return table


def method_scores(calibration: pd.DataFrame) -> pd.DataFrame:
    """Per method over every horizon (weighted by the forecasts at each): coverage of the 50% and 90% intervals, mean
    CRPS and the calibration error, best calibrated first (then lowest CRPS)."""
    w = calibration["n"]
    parts = calibration.assign(**{c: calibration[c] * w for c in ("cover50", "cover90", "crps")})
    table = parts.groupby("method")[["n", "cover50", "cover90", "crps"]].sum()
    for c in ("cover50", "cover90", "crps"):
        table[c] = table[c] / table["n"]
    table["calibration_error"] = (table["cover50"] - 0.5).abs() + (table["cover90"] - 0.9).abs()
    return table.reset_index().sort_values(["calibration_error", "crps"], kind="stable").reset_index(drop=True)


def best_method_sentence(scores: pd.DataFrame) -> str:
    """Which method's intervals held closest to their stated coverage, and which forecast best (lowest CRPS)."""
    best, sharpest = scores.iloc[0], scores.sort_values("crps", kind="stable").iloc[0]
    return (f"Best calibrated: {best['method']} (50% intervals held {best['cover50']:.0%} of the time, 90% intervals "
            f"{best['cover90']:.0%}; mean CRPS {best['crps']:.2f} months). Lowest CRPS: {sharpest['method']}.")


def vintage_table(results: pd.DataFrame) -> pd.DataFrame:
    """The real-time check per series (real time and hindsight) and method: forecasts, coverage and mean CRPS."""
    return results.groupby(["benchmark", "method"]).agg(
        n=("crps", "size"), cover50=("in50", "mean"), cover90=("in90", "mean"), crps=("crps", "mean")).reset_index()
