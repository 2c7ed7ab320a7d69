"""The tidy score table: its columns, the benchmark metadata columns, and what validation reports."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "score_se",
    "country",
]

#: ``score_se``: the score's standard error in the benchmark's own units, where the source gives one (empty = unknown).
#: ``country``: the creator's country as ISO 3166 alpha-2 codes ("US", "CN"; "US,CN" for a joint model; empty =
#: unknown), from AA's ``creator_country`` and Epoch's ``Country``.


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
        """The issue in one line, with its column and the first few row numbers."""
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
        """The issues that excluded rows."""
        return [i for i in self.issues if i.level == "error"]

    @property
    def n_excluded_rows(self) -> int:
        """How many input rows were left out."""
        return self.n_input_rows - self.n_valid_rows

    def lines(self) -> list[str]:
        """One printable line per issue."""
        return [f"[{i.level}] {i.describe()}" for i in self.issues]


#: Epoch's country names as ISO 3166 alpha-2 codes (the names its exports use).
COUNTRY_CODES = {"united states of america": "US", "china": "CN", "hong kong": "HK", "france": "FR", "canada": "CA",
                 "united kingdom of great britain and northern ireland": "GB", "united arab emirates": "AE",
                 "germany": "DE", "israel": "IL", "korea (republic of)": "KR", "south korea": "KR", "japan": "JP",
                 "india": "IN", "switzerland": "CH", "singapore": "SG", "spain": "ES"}


def country_codes(value: object) -> str:
    """A country field as comma-separated ISO codes: "US", "cn" -> "CN", "United States of America,China" -> "US,CN";
    an unknown name is kept as written (upper case), empty stays empty."""
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return ""
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    return ",".join(COUNTRY_CODES.get(p.lower(), p.upper()) for p in parts)


def parse_scale(scale: object) -> tuple[float, float] | None:
    """(min, max) of a benchmark scale written "min..max", or None when the scale is not of that form."""
    parts = str(scale).split("..")
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def benchmark_lookup(benchmarks: pd.DataFrame | None) -> dict[str, dict] | None:
    """Scale bounds and direction by benchmark, from the metadata (None without metadata)."""
    if benchmarks is None or benchmarks.empty:
        return None
    b = benchmarks.set_index("benchmark")
    lo, hi = {}, {}
    for name, scale in b["scale"].items():
        bounds = parse_scale(scale)
        if bounds is not None:
            lo[name], hi[name] = bounds
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
