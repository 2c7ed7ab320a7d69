"""Every limit in one place: data size, uploads, sampler settings. docs/operations.md 'Limits and safety' lists them."""

from __future__ import annotations

#: Score rows in one data set.
MAX_ROWS = 300_000
#: Largest plausible absolute score; a larger value is a typo or a unit error.
MAX_ABS_SCORE = 1e9
#: Largest upload the loaders accept (the server limit is in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
#: Zip-bomb guard: the most the known files of an Epoch export may unpack to, counted as they are read (a member's
#: declared size is never trusted). The real export unpacks to about 9 MB.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: Cells (rows x columns) in one CSV, counted from its header and line count before it is parsed: the parsed table's
#: memory grows with cells, not bytes (300,000 long-format rows of 8 columns peak near 400 MB in the parsing process).
MAX_CELLS = 3_000_000
#: Largest JSON upload or API body (the real AA files are 0.5-5 MB); read in chunks, never past this.
MAX_JSON_BYTES = 20 * 1024 * 1024
#: Columns in one CSV (a wide file's benchmarks, or any CSV of an export), checked before parsing.
MAX_COLUMNS = 1_000
#: CSV files in one Epoch export (only the ones the loader knows are parsed).
MAX_EXPORT_FILES = 500
#: Benchmarks in one data set: what the lag and chart pages are built to handle.
MAX_BENCHMARKS = 300
#: Nesting depth of a JSON upload (page payload, API response).
MAX_JSON_DEPTH = 64

#: Sampler limits, shared by the settings the app and CLI accept and by the sampler itself.
MIN_DRAWS, MAX_DRAWS = 10, 5_000
MAX_CHAINS = 8
#: Seeds are unsigned 32-bit integers (what the samplers accept).
MAX_SEED = 2**32
#: Benchmarks in one fit (the pooled model's largest group class is 64).
MAX_BENCHMARKS_PER_FIT = 64
#: The per-fit time limit (seconds) a user may set; a longer fit is cancelled cleanly.
MAX_FIT_SECONDS = 600
#: The per-fit time limit of a fit whose settings name none; an operator sets another for a slow host (and the test
#: suite its most, for a busy machine) with ``$FRONTIER_LAG_FIT_SECONDS``.
DEFAULT_FIT_SECONDS = 120.0


def fit_time_limit() -> float:
    """``$FRONTIER_LAG_FIT_SECONDS`` when it is a number in (0, :data:`MAX_FIT_SECONDS`], else
    :data:`DEFAULT_FIT_SECONDS` (a bad value is ignored: it names no limit a fit could use)."""
    import math
    import os

    text = os.environ.get("FRONTIER_LAG_FIT_SECONDS", "")[:32]
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_FIT_SECONDS
    return value if math.isfinite(value) and 0 < value <= MAX_FIT_SECONDS else DEFAULT_FIT_SECONDS
