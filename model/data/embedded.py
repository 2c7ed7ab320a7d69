"""The embedded data shipped in ``data/`` (built by ``python -m model.data.build``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from model.core.errors import DataError
from model.core.paths import DATA_DIR
from model.data.dataset import SOURCES, Dataset, finish_dataset
from model.data.openness import apply_overrides, load_overrides


def load_embedded(source: str = "aa", *, include_estimated: bool = True, corrections: bool = True) -> Dataset:
    """The curated dataset shipped in ``data/`` (built by ``python -m model.build_data``).

    ``corrections`` applies the shipped open/closed overrides (``data/open_overrides.csv``);
    ``include_estimated=False`` drops AA's estimated index values (a reported choice).
    """
    if source not in SOURCES:
        raise DataError(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    scores = pd.read_csv(DATA_DIR / "scores.csv", dtype={"model_id": "string"}, keep_default_na=True)
    scores = scores[scores["source"] == source]
    if not include_estimated:
        scores = scores[~scores["is_estimated"].astype(bool)]
    bench = pd.read_csv(DATA_DIR / "benchmarks.csv", keep_default_na=False)
    bench = bench[bench["source"] == source]
    label = {"aa": "Artificial Analysis (embedded, snapshots 2026-08-22 and 2026-10-10)",
             "epoch": "Epoch AI Benchmarking Hub (embedded, export 2026-04-29) and Data on AI Models (2026-02-01)"}[source]
    notices = []
    if corrections:
        scores, changed = apply_overrides(scores, load_overrides())
        if changed:
            notices.append(f"{changed} score row(s) re-labelled by the shipped open/closed corrections "
                           "(data/open_overrides.csv).")
    ds = finish_dataset(scores.reset_index(drop=True), bench, label, source=source, today=dt.date(2100, 1, 1))
    ds.notices.extend(notices)
    return ds
