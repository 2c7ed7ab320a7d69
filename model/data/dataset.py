"""A loaded data set: validated scores, benchmark metadata, the validation report and a content hash.

Every input format ends in :func:`finish_dataset`. Loaders read, never write, what they are given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_BENCHMARKS
from model.data.schema import Issue, ValidationReport, default_benchmarks
from model.data.validation import validate_scores

SOURCES = ("aa", "epoch")


@dataclass
class Dataset:
    """A validated score table with its benchmark metadata and the validation report."""

    scores: pd.DataFrame
    benchmarks: pd.DataFrame
    report: ValidationReport
    label: str
    notices: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """A short hash of the scores and benchmark tables: the cache key of everything computed from them.

        Computed once per pair of tables (a page asks for it several times a run; each costs tens of milliseconds).
        The tables are never changed in place: every step that changes data builds a new Dataset."""
        tables = (id(self.scores), id(self.benchmarks))
        cached = self.__dict__.get("_content_hash")
        if cached is None or cached[0] != tables:
            h = hashlib.sha256(pd.util.hash_pandas_object(self.scores, index=False).to_numpy().tobytes())
            h.update(pd.util.hash_pandas_object(self.benchmarks, index=False).to_numpy().tobytes())
            cached = (tables, h.hexdigest()[:16])
            self.__dict__["_content_hash"] = cached
        return cached[1]

    @property
    def snapshot_date(self) -> str:
        """The latest snapshot date in the scores, as YYYY-MM-DD."""
        snap = self.scores["snapshot_date"].max()
        return "" if pd.isna(snap) else snap.date().isoformat()


def finish_dataset(raw: pd.DataFrame, benchmarks: pd.DataFrame | None, label: str, *, source: str,
            pre_issues: list[Issue] | None = None, today: dt.date | None = None) -> Dataset:
    """Validate a raw frame and wrap it as a :class:`Dataset` (every loader ends here)."""
    scores, report = validate_scores(raw, benchmarks=benchmarks, default_source=source, today=today)
    n_benchmarks = scores["benchmark"].nunique()
    if n_benchmarks > MAX_BENCHMARKS:
        raise DataError(f"The data set has {n_benchmarks:,} benchmarks; the limit is {MAX_BENCHMARKS:,}.")
    report.issues[:0] = pre_issues or []
    if benchmarks is None:
        benchmarks = default_benchmarks(scores, source)
    known = set(scores["benchmark"])
    benchmarks = benchmarks[benchmarks["benchmark"].isin(known)].reset_index(drop=True)
    missing = sorted(known - set(benchmarks["benchmark"]))
    if missing:
        benchmarks = pd.concat([benchmarks, default_benchmarks(scores[scores["benchmark"].isin(missing)], source)],
                               ignore_index=True)
    return Dataset(scores=scores, benchmarks=benchmarks, report=report, label=label)
