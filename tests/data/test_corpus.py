"""The bad-input corpus: each file gives a clear error naming the problem, or a documented repair with a notice."""

from pathlib import Path

import pandas as pd
import pytest

from model.core.errors import DataError
from model.core.limits import MAX_UPLOAD_BYTES
from model.data.csv_upload import load_user_csv
from model.outputs.exports import safe_csv

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# file -> ("error", exact message) or ("ok", n valid rows, [lines expected in the report])
EXPECTED = {
    "empty.csv": ("error", "The file is empty."),
    "header_only.csv": ("error", "The file has a header but no data rows."),
    "binary.csv": ("error", "This is not a text CSV file (it contains binary data)."),
    "missing_column.csv": ("error", "Missing required column(s): model_name, release_date, open_weights. "
                                    "Found: model, date, open, benchmark, score"),
    "ragged.csv": ("error", "Row(s) 1 have more cells than the header (5); fix or quote them."),
    "utf16.csv": ("ok", 2, []),
    "latin1.csv": ("ok", 2, []),
    "semicolon.csv": ("ok", 2, []),
    "bom.csv": ("ok", 2, []),
    "dates_five_formats.csv": ("ok", 5, ["[repair] release_date, rows 3, 4: date read from a non-ISO format"]),
    "impossible_dates.csv": ("ok", 1, ["[error] release_date, rows 2, 3, 4: date is missing or not a date (use YYYY-MM-DD)"]),
    "future_date.csv": ("ok", 1, ["[error] release_date, row 1: date is in the future (after"]),
    "percent_and_fraction.csv": ("ok", 2, ["[repair] score, row 1: percentage read as a fraction (52% -> 0.52)"]),
    "mixed_scales.csv": ("ok", 4, ["[warning] score: benchmark 'b' mixes values <= 1 and > 1: fractions and percentages?"]),
    "bad_numbers.csv": ("ok", 3, ["[error] score, row 1: score is missing or not a number",
                                  "[error] score, row 2: score is infinite",
                                  "[error] score, row 4: score is implausibly large (|score| > 1e+09)"]),
    "duplicates.csv": ("ok", 2, ["[repair] model_id+benchmark, row 1: 1 duplicate row(s); the best score of each model kept"]),
    "open_and_closed.csv": ("ok", 2, ["[error] open_weights, rows 1, 2: model marked both open and closed in different rows: A"]),
    "one_sided_benchmarks.csv": ("ok", 6, ["[warning] benchmark: only open or only closed models, so no lag can be computed: "
                                           "closed_only, open_only, single"]),
    "formula_injection.csv": ("ok", 2, []),
    "200_benchmarks.csv": ("ok", 1000, []),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_entry(name):
    data = (CORPUS / name).read_bytes()
    expected = EXPECTED[name]
    if expected[0] == "error":
        with pytest.raises(DataError) as info:
            load_user_csv(data, name=name)
        assert str(info.value) == expected[1]
        return
    ds = load_user_csv(data, name=name)
    assert len(ds.scores) == expected[1]
    report = "\n".join(ds.report.lines())
    for line in expected[2]:
        assert line in report, report
    assert (CORPUS / name).read_bytes() == data  # never modified


def test_every_corpus_file_is_covered():
    assert {p.name for p in CORPUS.glob("*.csv")} == set(EXPECTED)


def test_percentages_become_fractions():
    ds = load_user_csv((CORPUS / "percent_and_fraction.csv").read_bytes())
    assert sorted(ds.scores["score"]) == [0.41, 0.52]


def test_formula_cells_are_neutralised_in_downloads_and_round_trip():
    ds = load_user_csv((CORPUS / "formula_injection.csv").read_bytes())
    text = safe_csv(ds.scores)
    assert "'=cmd|' /C calc'!A0" in text and "'@SUM(A1)" in text
    assert "\n=cmd" not in text and ",=cmd" not in text and '"=cmd' not in text
    again = load_user_csv(text.encode())
    assert set(again.scores["model_name"]) == {"=cmd|' /C calc'!A0", "@SUM(A1)"}


def test_fifty_megabyte_file_gives_a_clear_limit_message(tmp_path):
    row = "a-model-with-a-long-name-for-bulk,2024-01-01,true,benchmark_name_that_is_long,0.123456789\n"
    data = ("model_name,release_date,open_weights,benchmark,score\n" + row * (50 * 1024 * 1024 // len(row))).encode()
    assert 49e6 < len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(DataError, match=r"rows; the limit is 300,000 score rows"):
        load_user_csv(data)  # how long the refusal takes is measured in bench/, not asserted here
    with pytest.raises(DataError, match="the limit is 60 MB"):
        load_user_csv(b"x" * (MAX_UPLOAD_BYTES + 1))


def test_wide_format_with_bad_cells():
    text = "model_name,release_date,open_weights,bench_a\nA,2024-01-01,no,0.5\nB,2024-06-01,yes,n/a\n"
    ds = load_user_csv(text.encode())
    assert "score, row 2: score is missing or not a number" in "\n".join(ds.report.lines())
    assert isinstance(ds.scores, pd.DataFrame)
