"""User CSV files, long or wide: encoding and delimiter detection (quote-aware), then validation."""

from __future__ import annotations

import csv
import io
import re
import warnings

import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_CELLS, MAX_COLUMNS, MAX_UPLOAD_BYTES
from model.data.dataset import Dataset, finish_dataset
from model.data.schema import SCORE_COLUMNS, Issue


def read_csv_bytes(data: bytes) -> pd.DataFrame:
    """Decode and parse CSV bytes, guessing encoding (UTF-8/BOM, UTF-16, Latin-1) and delimiter."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(f"The file is {len(data) / 2**20:.0f} MB; the limit is {MAX_UPLOAD_BYTES / 2**20:.0f} MB.")
    if not data.strip():
        raise DataError("The file is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("The file starts like UTF-16 text but is not valid UTF-16.") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if "\x00" in text:
        raise DataError("This is not a text CSV file (it contains binary data).")
    check_csv_shape(text, "The file")
    delimiter = sniff_delimiter(text[:20000], complete=len(text) <= 20000)
    check_header(text, delimiter)
    try:
        # index_col=False: a row with more cells than the header is an error, not a silent shift of columns.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_values=[""],
                                index_col=False)
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            rows = _long_rows(text, delimiter)
            raise DataError(f"Row(s) {', '.join(map(str, rows[:8]))} have more cells than the header "
                            f"({len(frame.columns)}); fix or quote them.")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else exc.__class__.__name__
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            msg = f"line {int(m.group(2))} has {m.group(3)} cells but the header has {m.group(1)}"
        raise DataError(f"The file could not be read as CSV: {msg[:200]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


#: Candidate delimiters, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")


def check_csv_shape(data: str | bytes, name: str) -> None:
    """Refuse a CSV with more than :data:`MAX_COLUMNS` header cells or :data:`MAX_CELLS` cells, before any parsing.

    Columns are the most frequent candidate delimiter in the first line plus one, rows the line count (quotes not
    considered, so both can only over-count): a file of millions of columns or cells costs a line scan, not minutes
    and gigabytes (a 58 MB wide file melts to 29 million rows)."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    first = data.split(newline, 1)[0]
    marks = [d.encode() for d in DELIMITERS] if isinstance(first, bytes) else list(DELIMITERS)
    columns = max(first.count(m) for m in marks) + 1
    if columns > MAX_COLUMNS:
        raise DataError(f"{name} has {columns:,} columns; the limit is {MAX_COLUMNS:,} (one column per benchmark in the "
                        "wide format).")
    lines = data.count(newline) + (0 if data.endswith(newline) else 1)
    if lines * columns > MAX_CELLS:
        raise DataError(f"{name} has about {lines:,} rows of {columns:,} columns ({lines * columns:,} cells); the limit "
                        f"is {MAX_CELLS:,} cells (300,000 long-format rows of ten columns).")


def check_header(text: str, delimiter: str) -> None:
    """Column names must differ, ignoring case and surrounding spaces: a repeated name is an error naming it."""
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error:  # a stray carriage return or quote: the parser reports the real problem later
        header = first.split(delimiter)
    seen: dict[str, str] = {}
    exact, by_case = [], []
    for raw in header:
        name = raw.strip()
        key = name.lower()
        if key in seen:
            (exact if seen[key] == name else by_case).append(name if seen[key] == name else f"{seen[key]}/{name}")
        else:
            seen[key] = name
    if exact:
        raise DataError("Duplicate column name(s): " + ", ".join(dict.fromkeys(exact))[:200] + "; each column once.")
    if by_case:
        raise DataError("Column names that differ only in case: " + ", ".join(by_case)[:200] + "; rename one of each.")


def sniff_delimiter(sample: str, *, complete: bool = True) -> str:
    """The delimiter under which the sample parses (quotes respected) into rows as wide as its header.

    ``csv.Sniffer`` counts characters without regard to quoting, so a comma file whose quoted names
    contain ``;`` or ``"`` was read as semicolon-separated. Here each candidate parses the sample with
    the csv module; the winner has a header of two or more cells and the largest share of rows of the
    header's width, then the widest header, then the earlier candidate. ``complete=False`` drops the
    last (possibly cut) record of a truncated sample.
    """
    best, best_key = ",", None
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False) if r]
        except csv.Error:
            continue
        if not complete and len(rows) > 2:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        share = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
        key = (share, width)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _long_rows(text: str, delimiter: str) -> list[int]:
    """1-based data-row numbers of rows with more cells than the header."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(reader, []))
    return [i for i, row in enumerate(reader, start=1) if len(row) > width]


def wide_to_long(wide: pd.DataFrame, id_columns: list[str]) -> pd.DataFrame:
    """Melt one-column-per-benchmark into the long format; empty cells are not scores."""
    value_cols = [c for c in wide.columns if c not in id_columns]
    long = wide.melt(id_vars=id_columns, value_vars=value_cols, var_name="benchmark", value_name="score")
    blank = long["score"].isna() | (long["score"].astype("string").str.strip() == "")
    return long[~blank].reset_index(drop=True)


def load_user_csv(data: bytes, *, name: str = "upload") -> Dataset:
    """A user CSV in the long or the wide format (see docs/methods.md, "Your own data").

    Long: columns ``model_name, release_date, open_weights, benchmark, score`` (others optional).
    Wide: ``model_name, release_date, open_weights`` and one numeric column per benchmark.
    """
    frame = read_csv_bytes(bytes(data))
    lower = {c.lower(): c for c in frame.columns}
    frame = frame.rename(columns={v: k for k, v in lower.items() if k in SCORE_COLUMNS})
    notices: list[Issue] = []
    if "benchmark" not in frame.columns and "score" not in frame.columns:
        ids = [c for c in frame.columns if c in SCORE_COLUMNS]
        if len(ids) == len(frame.columns):
            raise DataError("Wide format needs at least one benchmark column besides " + ", ".join(ids) + ".")
        frame = wide_to_long(frame, ids)
        notices.append(Issue("warning", "format", "read as the wide format (one column per benchmark)"))
    return finish_dataset(frame, None, f"Upload: {name}", source="upload", pre_issues=notices)


def csv_template() -> str:
    """A small long-format template for users."""
    rows = [
        ("my-closed-1", "Closed model A", "Lab X", "2024-03-01", "false", "Proprietary", "my_benchmark", "0.52"),
        ("my-open-1", "Open model B", "Lab Y", "2024-09-15", "true", "Apache 2.0", "my_benchmark", "0.50"),
        ("my-closed-2", "Closed model C", "Lab X", "2025-01-10", "false", "Proprietary", "my_benchmark", "0.71"),
    ]
    head = "model_id,model_name,creator,release_date,open_weights,openness,benchmark,score\n"
    return head + "\n".join(",".join(r) for r in rows) + "\n"
