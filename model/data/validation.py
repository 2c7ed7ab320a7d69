"""The one validation every load goes through, as a short pipeline of named checks.

Every loader (embedded data, user CSV, AA API, AA page payload, Epoch export) produces a raw frame and
hands it to :func:`validate_scores`. Validation never mutates its input: it works on a copy, reports every
row it cannot use (with the row number as the user sees it and the column at fault), and returns the clean
frame next to the report. Nothing is dropped without a line in the report.

Row checks (:data:`ROW_CHECKS`) parse their columns in the working copy and return findings; rows with an
error are left out. Table checks (:data:`TABLE_CHECKS`) then look at the clean rows as a whole (duplicates,
models both open and closed, one-sided benchmarks, mixed scales) and return the table with their issues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_ABS_SCORE, MAX_ROWS
from model.data.names import NAME_COLUMNS, lookalike_groups, remove_invisible
from model.data.parsing import parse_bool, parse_dates, row_numbers, to_ns_dates
from model.data.schema import REQUIRED_COLUMNS, SCORE_COLUMNS, Issue, ValidationReport, benchmark_lookup, country_codes

_INFINITE = ["inf", "-inf", "infinity", "-infinity"]


@dataclass(frozen=True)
class Finding:
    """Rows (a mask over the working copy) that one check found something about."""

    mask: pd.Series
    column: str
    message: str
    level: str = "error"


@dataclass(frozen=True)
class Context:
    """What the checks may consult besides the rows: today's date, benchmark metadata, the default source."""

    today: dt.date
    meta: dict | None
    default_source: str


def check_text(df: pd.DataFrame, ctx: Context) -> list[Finding]:
    """Names and benchmarks present; invisible characters removed (:mod:`model.data.names`, a note names the rows); our
    own formula-neutralising quote removed; ids and defaults filled."""
    findings = []
    for c in NAME_COLUMNS:
        if c in df:
            df[c], had = remove_invisible(df[c])
            findings.append(Finding(had, c, "invisible characters (bidirectional controls or zero-width) removed",
                                    "repair"))
    for c in ("model_id", "model_name", "creator", "openness", "benchmark"):
        if c in df:  # our CSV exports prefix formula-like text with a quote (model.outputs.exports): undo it
            t = df[c].astype("string")
            df[c] = t.where(~t.str.match(r"^'[=+\-@\t\r]").fillna(False), t.str.slice(1))
    df["model_name"] = df["model_name"].astype("string").str.strip()
    df["benchmark"] = df["benchmark"].astype("string").str.strip()
    if "model_id" not in df:
        df["model_id"] = df["model_name"]
    df["model_id"] = df["model_id"].astype("string").str.strip().fillna(df["model_name"])
    for c, default in (("creator", ""), ("openness", ""), ("source", ctx.default_source), ("country", "")):
        df[c] = df[c].astype("string").fillna(default) if c in df else pd.Series(default, index=df.index, dtype="string")
    df["country"] = df["country"].map(country_codes).astype("string")
    return findings + [Finding(df["model_name"].isna() | (df["model_name"] == ""), "model_name", "model name is empty"),
                       Finding(df["benchmark"].isna() | (df["benchmark"] == ""), "benchmark", "benchmark is empty")]


def check_dates(df: pd.DataFrame, ctx: Context) -> list[Finding]:
    """Release dates parse (ISO or an unambiguous format), are not in the future and not before 1950."""
    release, repaired = parse_dates(df["release_date"])
    found = [Finding(release.isna(), "release_date", "date is missing or not a date (use YYYY-MM-DD)"),
             Finding(repaired & release.notna(), "release_date", "date read from a non-ISO format", "repair"),
             Finding(release > pd.Timestamp(ctx.today), "release_date", f"date is in the future (after {ctx.today.isoformat()})"),
             Finding(release < pd.Timestamp("1950-01-01"), "release_date", "date is before 1950")]
    df["release_date"] = to_ns_dates(release)
    if "snapshot_date" in df:
        df["snapshot_date"] = to_ns_dates(parse_dates(df["snapshot_date"])[0])
    else:
        df["snapshot_date"] = pd.Series(pd.Timestamp(ctx.today), index=df.index).astype("datetime64[ns]")
    return found


def check_flags(df: pd.DataFrame, ctx: Context) -> list[Finding]:
    """The open flag is a recognisable true/false; the optional estimated flag too (else read as false)."""
    open_flag = parse_bool(df["open_weights"])
    found = [Finding(open_flag.isna(), "open_weights", "open flag is not one of true/false, yes/no, 1/0, open/closed")]
    df["open_weights"] = open_flag.fillna(False).astype(bool)
    if "is_estimated" in df:
        est = parse_bool(df["is_estimated"])
        found.append(Finding(est.isna() & df["is_estimated"].notna(), "is_estimated",
                             "estimated flag not understood; read as false", "repair"))
        df["is_estimated"] = est.fillna(False).astype(bool)
    else:
        df["is_estimated"] = False
    return found


def check_scores(df: pd.DataFrame, ctx: Context) -> list[Finding]:
    """Scores are finite numbers of plausible size, inside the benchmark's scale. "52%" is read as 0.52 (a
    documented repair); a decimal comma is not guessed."""
    text = df["score"].astype("string").str.strip()
    percent = text.str.endswith("%").fillna(False)
    score = pd.to_numeric(text.where(~percent, text.str.rstrip("%").str.strip()), errors="coerce").astype(float)
    score = score.where(~percent, score / 100.0)
    infinite_text = text.str.lower().isin(_INFINITE).fillna(False)
    found = [Finding(percent & score.notna(), "score", "percentage read as a fraction (52% -> 0.52)", "repair"),
             Finding(score.isna() & infinite_text, "score", "score is infinite"),
             Finding(score.isna() & ~infinite_text, "score", "score is missing or not a number"),
             Finding(score.notna() & ~np.isfinite(score), "score", "score is infinite"),
             Finding(np.isfinite(score) & (score.abs() > MAX_ABS_SCORE), "score",
                     f"score is implausibly large (|score| > {MAX_ABS_SCORE:g})")]
    score = score.where(np.isfinite(score) & (score.abs() <= MAX_ABS_SCORE))
    if ctx.meta is not None:
        lo = df["benchmark"].map(ctx.meta["lo"]).astype(float)
        hi = df["benchmark"].map(ctx.meta["hi"]).astype(float)
        found.append(Finding((score < lo) | (score > hi), "score", "score is outside the benchmark's scale"))
    df["score"] = score
    return found


def check_score_se(df: pd.DataFrame, ctx: Context) -> list[Finding]:
    """The optional standard error is a finite number >= 0 (else read as unknown: the score itself is kept)."""
    if "score_se" not in df:
        df["score_se"] = np.nan
        return []
    text = df["score_se"].astype("string").str.strip()
    se = pd.to_numeric(text, errors="coerce").astype(float)
    bad = text.notna() & (text != "") & ~(np.isfinite(se) & (se >= 0))
    df["score_se"] = se.where(~bad)
    return [Finding(bad, "score_se", "standard error is not a number >= 0; read as unknown", "repair")]


#: Checks of single rows, in order; each parses its columns in the working copy and returns its findings.
ROW_CHECKS: tuple[Callable[[pd.DataFrame, Context], list[Finding]], ...] = (check_text, check_dates, check_flags, check_scores,
                                                                         check_score_se)


def keep_best_duplicate(clean: pd.DataFrame, df: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """Duplicate model-benchmark rows: keep the best score, say how many."""
    hib = (clean["benchmark"].map(ctx.meta["hib"]).fillna(True).astype(bool) if ctx.meta is not None
           else pd.Series(True, index=clean.index))
    key = clean["score"].where(hib, -clean["score"])
    order = key.sort_values(ascending=False, kind="stable").index
    dup = clean.loc[order].duplicated(["model_id", "benchmark"], keep="first")
    if not dup.any():
        return clean, []
    dup_rows = tuple(sorted(int(i) + 1 for i in dup[dup].index))
    issue = Issue("repair", "model_id+benchmark", f"{len(dup_rows)} duplicate row(s); the best score of each model kept",
                  dup_rows)
    return clean.drop(index=dup[dup].index), [issue]


def drop_ambiguous_openness(clean: pd.DataFrame, df: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """A model marked both open and closed is ambiguous: its rows are left out."""
    per_model = clean.groupby("model_id")["open_weights"].nunique()
    both = per_model[per_model > 1].index
    if not len(both):
        return clean, []
    mask = clean["model_id"].isin(both).reindex(df.index, fill_value=False)
    issue = Issue("error", "open_weights",
                  "model marked both open and closed in different rows: " + ", ".join(map(str, both[:5])),
                  row_numbers(mask))
    return clean[~clean["model_id"].isin(both)], [issue]


def warn_unusable_benchmarks(clean: pd.DataFrame, df: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """Benchmarks left empty, or with only one side (no lag can be computed)."""
    issues = []
    empty = sorted(set(df["benchmark"].dropna()) - {""} - set(clean["benchmark"]))
    if empty:
        issues.append(Issue("warning", "benchmark", "no valid rows left for: " + ", ".join(empty[:10])))
    sides = clean.groupby("benchmark")["open_weights"].agg(["any", "all"])
    one_sided = sorted(sides.index[~sides["any"] | sides["all"]])
    if one_sided:
        issues.append(Issue("warning", "benchmark",
                            "only open or only closed models, so no lag can be computed: " + ", ".join(one_sided[:10])))
    return clean, issues


def warn_mixed_scales(clean: pd.DataFrame, df: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """Fractions and percentages mixed in one benchmark of unknown scale: warn, do not guess."""
    if ctx.meta is not None or clean.empty:
        return clean, []
    rng = clean.groupby("benchmark")["score"].agg(["min", "max"])
    mixed = rng.index[(rng["min"] >= 0) & (rng["min"] <= 1) & (rng["max"] > 1.5) & (rng["max"] <= 100)]
    issues = []
    for b in mixed[:10]:
        sub = clean[clean["benchmark"] == b]
        if ((sub["score"] <= 1).mean() > 0.05) and ((sub["score"] > 1.5).mean() > 0.05):
            issues.append(Issue("warning", "score", f"benchmark {b!r} mixes values <= 1 and > 1: fractions and "
                                "percentages? Check the file; values are used as given"))
    return clean, issues


def warn_lookalike_names(clean: pd.DataFrame, df: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """Model names (and benchmarks) that differ as written but read the same: kept as given, warned about."""
    issues = []
    for column in ("model_name", "benchmark"):
        for group in lookalike_groups(clean[column])[:5]:
            rows = row_numbers(df[column].isin(group))
            issues.append(Issue("warning", column, "names that read the same but differ (Unicode lookalikes or width): "
                                + " / ".join(repr(n) for n in group[:4]), rows))
    return clean, issues


#: Checks of the clean table as a whole, in order; each returns the table it keeps and its issues.
TABLE_CHECKS = (keep_best_duplicate, drop_ambiguous_openness, warn_unusable_benchmarks, warn_mixed_scales,
                warn_lookalike_names)


def working_copy(raw: pd.DataFrame) -> pd.DataFrame:
    """A copy of the known columns (names matched case-insensitively), after the checks that stop a load."""
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
    return pd.DataFrame({c: raw[cols[c]].to_numpy(copy=True) for c in cols if c in SCORE_COLUMNS}, index=range(len(raw)))


def validate_scores(raw: pd.DataFrame, *, benchmarks: pd.DataFrame | None = None, today: dt.date | None = None,
                    default_source: str = "upload") -> tuple[pd.DataFrame, ValidationReport]:
    """Check a raw score table and return ``(clean, report)``.

    ``raw`` needs at least :data:`REQUIRED_COLUMNS` and is not modified. ``benchmarks`` (optional metadata)
    gives ``higher_is_better`` for choosing the best of duplicates and ``scale`` ("min..max") for range
    checks. Dates after ``today`` (default: today) are rejected. Raises :class:`DataError` when nothing
    usable is left: missing columns, no rows, or no valid rows.
    """
    ctx = Context(today or dt.date.today(), benchmark_lookup(benchmarks), default_source)
    report = ValidationReport(n_input_rows=len(raw))
    df = working_copy(raw)
    bad = pd.Series(False, index=df.index)
    for check in ROW_CHECKS:
        for f in check(df, ctx):
            mask = f.mask.fillna(False).astype(bool)
            if mask.any():
                report.issues.append(Issue(f.level, f.column, f.message, row_numbers(mask)))
                if f.level == "error":
                    bad = bad | mask
    clean = df.loc[~bad, SCORE_COLUMNS].copy()
    for check in TABLE_CHECKS:
        clean, issues = check(clean, df, ctx)
        report.issues.extend(issues)
    clean = clean.sort_values(["benchmark", "release_date", "model_id"], kind="stable").reset_index(drop=True)
    report.n_valid_rows = len(clean)
    if clean.empty:
        first = report.errors[0].describe() if report.errors else "no rows"
        raise DataError(f"No valid rows. First problem: {first}")
    return clean, report
