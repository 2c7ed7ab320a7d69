"""The tidy score table: its columns, and the one validation every load goes through.

Every loader (embedded data, user CSV, AA API, AA page payload, Epoch export)
produces a raw frame and hands it to :func:`validate_scores`. Validation never
mutates its input: it works on a copy, reports every row it cannot use (with the
row number as the user sees it and the column at fault), and returns the clean
frame next to the report. Nothing is dropped without a line in the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Columns of the tidy table, in order.
SCORE_COLUMNS: list[str] = [
    "model_id",
    "model_name",
    "creator",
    "release_date",
    "open_weights",
    "openness",
    "benchmark",
    "score",
    "is_estimated",
    "source",
    "snapshot_date",
]
#: Columns a user file must provide; the others get documented defaults.
REQUIRED_COLUMNS: list[str] = ["model_name", "release_date", "open_weights", "benchmark", "score"]

#: Columns of the benchmark metadata table.
BENCHMARK_COLUMNS: list[str] = [
    "benchmark",
    "display_name",
    "category",
    "higher_is_better",
    "scale",
    "source",
    "caveats",
]
CATEGORIES = (
    "composite",
    "coding",
    "math",
    "reasoning",
    "knowledge",
    "agentic",
    "long-context",
    "instruction-following",
    "multimodal",
    "other",
)

_TRUE = {"true", "t", "yes", "y", "1", "open", "open weights", "open-weights", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "closed", "proprietary", "api", "0.0"}
# Unambiguous date formats accepted besides ISO 8601 (day-first/month-first
# numeric forms like 03/04/2025 are ambiguous and are rejected, not guessed).
_EXTRA_DATE_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y", "%Y-%m")


#: Limits on one data set (documented in the README): rows and the size of a plausible score.
MAX_ROWS = 300_000
MAX_ABS_SCORE = 1e9


class DataError(ValueError):
    """A load that cannot go on. The message is one human line, safe to show."""


@dataclass(frozen=True)
class Issue:
    """One finding of validation.

    ``level`` is ``"error"`` (rows excluded from the analysis), ``"repair"``
    (rows kept after a documented fix) or ``"warning"`` (nothing changed).
    ``rows`` are 1-based data-row numbers as in the user's file (header = row 0).
    """

    level: str
    column: str
    message: str
    rows: tuple[int, ...] = ()

    def describe(self, max_rows: int = 8) -> str:
        if not self.rows:
            return f"{self.column}: {self.message}"
        shown = ", ".join(str(r) for r in self.rows[:max_rows])
        more = f" and {len(self.rows) - max_rows} more" if len(self.rows) > max_rows else ""
        return f"{self.column}, row{'s' if len(self.rows) > 1 else ''} {shown}{more}: {self.message}"


@dataclass
class ValidationReport:
    """What validation found; shown in the UI and printed by the CLI."""

    n_input_rows: int = 0
    n_valid_rows: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def n_excluded_rows(self) -> int:
        return self.n_input_rows - self.n_valid_rows

    def lines(self) -> list[str]:
        return [f"[{i.level}] {i.describe()}" for i in self.issues]


def _row_numbers(mask: pd.Series) -> tuple[int, ...]:
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


def validate_scores(
    raw: pd.DataFrame,
    *,
    benchmarks: pd.DataFrame | None = None,
    today: dt.date | None = None,
    default_source: str = "upload",
) -> tuple[pd.DataFrame, ValidationReport]:
    """Check a raw score table and return ``(clean, report)``.

    Parameters
    ----------
    raw
        Any frame with at least :data:`REQUIRED_COLUMNS`. It is not modified.
    benchmarks
        Optional metadata; gives ``higher_is_better`` (for choosing the best of
        duplicate rows) and a ``scale`` of the form ``"min..max"`` for range checks.
    today
        Dates after this are rejected as future dates (default: today).
    default_source
        Value of ``source`` where the file has none.

    Raises
    ------
    DataError
        When nothing usable is left: missing columns, no rows, or no valid rows.
    """
    today = today or dt.date.today()
    report = ValidationReport(n_input_rows=len(raw))
    if raw.shape[1] == 0 or (len(raw) == 0 and not len(raw.columns)):
        raise DataError("The file is empty: no header and no rows.")
    cols = {str(c).strip().lstrip("\ufeff").lower(): c for c in raw.columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise DataError(
            "Missing required column(s): " + ", ".join(missing) + ". Found: " + ", ".join(map(str, raw.columns))[:300]
        )
    if len(raw) == 0:
        raise DataError("The file has a header but no data rows.")
    if len(raw) > MAX_ROWS:
        raise DataError(f"The file has {len(raw):,} rows; the limit is {MAX_ROWS:,} score rows per data set.")

    df = pd.DataFrame({c: raw[cols[c]].to_numpy(copy=True) for c in cols if c in SCORE_COLUMNS}, index=range(len(raw)))
    bad = pd.Series(False, index=df.index)

    def flag(mask: pd.Series, column: str, message: str, level: str = "error") -> None:
        nonlocal bad
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            report.issues.append(Issue(level, column, message, _row_numbers(mask)))
            if level == "error":
                bad = bad | mask

    # Text columns. Our own CSV exports prefix formula-like text with a quote (see model.export);
    # reading such a file back removes it again, so exports round-trip exactly.
    for c in ("model_id", "model_name", "creator", "openness", "benchmark"):
        if c in df:
            t = df[c].astype("string")
            df[c] = t.where(~t.str.match(r"^'[=+\-@\t\r]").fillna(False), t.str.slice(1))
    df["model_name"] = df["model_name"].astype("string").str.strip()
    flag(df["model_name"].isna() | (df["model_name"] == ""), "model_name", "model name is empty")
    df["benchmark"] = df["benchmark"].astype("string").str.strip()
    flag(df["benchmark"].isna() | (df["benchmark"] == ""), "benchmark", "benchmark is empty")
    if "model_id" not in df:
        df["model_id"] = df["model_name"]
    df["model_id"] = df["model_id"].astype("string").str.strip().fillna(df["model_name"])
    for c, default in (("creator", ""), ("openness", ""), ("source", default_source)):
        df[c] = df[c].astype("string").fillna(default) if c in df else pd.Series(default, index=df.index, dtype="string")

    # Dates.
    release, repaired = parse_dates(df["release_date"])
    flag(release.isna(), "release_date", "date is missing or not a date (use YYYY-MM-DD)")
    flag(repaired & release.notna(), "release_date", "date read from a non-ISO format", level="repair")
    future = release > pd.Timestamp(today)
    flag(future, "release_date", f"date is in the future (after {today.isoformat()})")
    ancient = release < pd.Timestamp("1950-01-01")
    flag(ancient, "release_date", "date is before 1950")
    df["release_date"] = to_ns_dates(release)
    if "snapshot_date" in df:
        snap, _ = parse_dates(df["snapshot_date"])
        df["snapshot_date"] = to_ns_dates(snap)
    else:
        df["snapshot_date"] = pd.Series(pd.Timestamp(today), index=df.index).astype("datetime64[ns]")

    # Open flag.
    open_flag = parse_bool(df["open_weights"])
    flag(open_flag.isna(), "open_weights", "open flag is not one of true/false, yes/no, 1/0, open/closed")
    df["open_weights"] = open_flag.fillna(False).astype(bool)

    # Estimated flag (optional).
    if "is_estimated" in df:
        est = parse_bool(df["is_estimated"])
        flag(est.isna() & df["is_estimated"].notna(), "is_estimated", "estimated flag not understood; read as false", level="repair")
        df["is_estimated"] = est.fillna(False).astype(bool)
    else:
        df["is_estimated"] = False

    # Scores. "52%" is read as 0.52 (a documented repair); a decimal comma is not guessed.
    text = df["score"].astype("string").str.strip()
    percent = text.str.endswith("%").fillna(False)
    score = pd.to_numeric(text.where(~percent, text.str.rstrip("%").str.strip()), errors="coerce").astype(float)
    score = score.where(~percent, score / 100.0)
    flag(percent & score.notna(), "score", "percentage read as a fraction (52% -> 0.52)", level="repair")
    flag(score.isna() & text.str.lower().isin(["inf", "-inf", "infinity", "-infinity"]).fillna(False), "score",
         "score is infinite")
    flag(score.isna() & ~text.str.lower().isin(["inf", "-inf", "infinity", "-infinity"]).fillna(False), "score",
         "score is missing or not a number")
    flag(score.notna() & ~np.isfinite(score), "score", "score is infinite")
    flag(np.isfinite(score) & (score.abs() > MAX_ABS_SCORE), "score", f"score is implausibly large (|score| > {MAX_ABS_SCORE:g})")
    score = score.where(np.isfinite(score) & (score.abs() <= MAX_ABS_SCORE))
    meta = _benchmark_lookup(benchmarks)
    if meta is not None:
        lo = df["benchmark"].map(meta["lo"]).astype(float)
        hi = df["benchmark"].map(meta["hi"]).astype(float)
        flag((score < lo) | (score > hi), "score", "score is outside the benchmark's scale")
    df["score"] = score

    clean = df.loc[~bad, SCORE_COLUMNS].copy()

    # Duplicate model-benchmark rows: keep the best, say how many.
    hib = clean["benchmark"].map(meta["hib"]).fillna(True).astype(bool) if meta is not None else pd.Series(True, index=clean.index)
    key = clean["score"].where(hib, -clean["score"])
    order = key.sort_values(ascending=False, kind="stable").index
    dup = clean.loc[order].duplicated(["model_id", "benchmark"], keep="first")
    if dup.any():
        dup_rows = tuple(sorted(int(i) + 1 for i in dup[dup].index))
        report.issues.append(
            Issue("repair", "model_id+benchmark", f"{len(dup_rows)} duplicate row(s); the best score of each model kept", dup_rows)
        )
        clean = clean.drop(index=dup[dup].index)

    # A model marked both open and closed is ambiguous.
    per_model = clean.groupby("model_id")["open_weights"].nunique()
    both = per_model[per_model > 1].index
    if len(both):
        mask = clean["model_id"].isin(both).reindex(df.index, fill_value=False)
        report.issues.append(
            Issue("error", "open_weights", "model marked both open and closed in different rows: "
                  + ", ".join(map(str, both[:5])), _row_numbers(mask))
        )
        clean = clean[~clean["model_id"].isin(both)]

    # Benchmarks that are empty, or have only one side.
    all_benchmarks = set(df["benchmark"].dropna()) - {""}
    empty = sorted(all_benchmarks - set(clean["benchmark"]))
    if empty:
        report.issues.append(Issue("warning", "benchmark", "no valid rows left for: " + ", ".join(empty[:10])))
    sides = clean.groupby("benchmark")["open_weights"].agg(["any", "all"])
    one_sided = sorted(sides.index[~sides["any"] | sides["all"]])
    if one_sided:
        report.issues.append(
            Issue("warning", "benchmark", "only open or only closed models, so no lag can be computed: " + ", ".join(one_sided[:10]))
        )

    # Fractions and percentages mixed in one benchmark of unknown scale: warn, do not guess.
    if meta is None and not clean.empty:
        rng = clean.groupby("benchmark")["score"].agg(["min", "max"])
        mixed = rng.index[(rng["min"] >= 0) & (rng["min"] <= 1) & (rng["max"] > 1.5) & (rng["max"] <= 100)]
        for b in mixed[:10]:
            sub = clean[clean["benchmark"] == b]
            if ((sub["score"] <= 1).mean() > 0.05) and ((sub["score"] > 1.5).mean() > 0.05):
                report.issues.append(Issue("warning", "score", f"benchmark {b!r} mixes values <= 1 and > 1: fractions and "
                                           "percentages? Check the file; values are used as given"))

    clean = clean.sort_values(["benchmark", "release_date", "model_id"], kind="stable").reset_index(drop=True)
    report.n_valid_rows = len(clean)
    if clean.empty:
        first = report.errors[0].describe() if report.errors else "no rows"
        raise DataError(f"No valid rows. First problem: {first}")
    return clean, report


def _benchmark_lookup(benchmarks: pd.DataFrame | None) -> dict[str, dict] | None:
    if benchmarks is None or benchmarks.empty:
        return None
    b = benchmarks.set_index("benchmark")
    lo, hi = {}, {}
    for name, scale in b["scale"].astype(str).items():
        parts = scale.split("..")
        if len(parts) == 2:
            try:
                lo[name], hi[name] = float(parts[0]), float(parts[1])
            except ValueError:
                pass
    return {"lo": lo, "hi": hi, "hib": b["higher_is_better"].astype(bool).to_dict()}


def default_benchmarks(scores: pd.DataFrame, source: str = "upload") -> pd.DataFrame:
    """Metadata for benchmarks that arrive without any: higher is better, category other."""
    names = sorted(scores["benchmark"].unique())
    return pd.DataFrame(
        {
            "benchmark": names,
            "display_name": names,
            "category": "other",
            "higher_is_better": True,
            "scale": "",
            "source": source,
            "caveats": "",
        }
    )
