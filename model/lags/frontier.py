"""Frontiers as step functions: who holds the best score, from when to when."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Frontier:
    """A frontier as a step function: the record-setting models in date order.

    ``values`` are oriented (higher is better) and strictly increasing.
    """

    dates: np.ndarray  # datetime64[D]
    values: np.ndarray  # float, oriented
    model_ids: np.ndarray
    model_names: np.ndarray
    creators: np.ndarray

    def __len__(self) -> int:
        return len(self.dates)

    def at(self, dates: np.ndarray) -> np.ndarray:
        """Index of the record in force at each date (-1 before the first record)."""
        return np.searchsorted(self.dates, dates, side="right") - 1


def build_frontier(rows: pd.DataFrame, higher_is_better: bool = True) -> Frontier:
    """Running best of ``rows`` (one benchmark, one group) as a :class:`Frontier`."""
    if rows.empty:
        empty = np.array([], dtype=object)
        return Frontier(np.array([], dtype="datetime64[D]"), np.array([], dtype=float), empty, empty, empty)
    dates = rows["release_date"].to_numpy(dtype="datetime64[D]")
    oriented = rows["score"].to_numpy(dtype=float) * (1.0 if higher_is_better else -1.0)
    order = np.lexsort((-oriented, dates))  # by date, best first within a date
    _d, v = dates[order], oriented[order]
    running = np.maximum.accumulate(v)
    prev = np.concatenate(([-np.inf], running[:-1]))
    rec = order[v > prev]
    return Frontier(
        dates=dates[rec],
        values=oriented[rec],
        model_ids=rows["model_id"].to_numpy(dtype=object)[rec],
        model_names=rows["model_name"].to_numpy(dtype=object)[rec],
        creators=rows["creator"].to_numpy(dtype=object)[rec] if "creator" in rows else np.full(len(rec), "", dtype=object),
    )


def frontier_table(rows: pd.DataFrame, higher_is_better: bool = True) -> pd.DataFrame:
    """The frontier as a table: who held it, from when, with what score (native units)."""
    f = build_frontier(rows, higher_is_better)
    sign = 1.0 if higher_is_better else -1.0
    until = np.concatenate((f.dates[1:], [np.datetime64("NaT")])) if len(f) else f.dates
    return pd.DataFrame({
        "model_id": f.model_ids, "model_name": f.model_names, "creator": f.creators,
        "since": pd.to_datetime(f.dates), "until": pd.to_datetime(until), "score": f.values * sign,
    })
