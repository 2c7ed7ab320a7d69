"""Build the embedded dataset in ``data/`` from the raw public files.

Run from the project root, with the raw files beside the project::

    python -m model.build_data --raw ../shared/data/raw

Writes ``data/scores.csv`` (tidy, both sources) and ``data/benchmarks.csv``. This is
the only code that reads the raw folder; the app and the CLI read ``data/`` only.

AA (source ``aa``): ``raw/aa/DERIVED__aa_models_merged__2026-08-22.csv``, which joins the
2026-08-22 page payload (open flag, licence, current indices, sub-benchmarks), the
2026-06-15 index versions and the legacy API fields (see ``raw/aa/SOURCES.md``).
Benchmarks with at least 10 open and 10 closed models are kept.

Epoch (source ``epoch``): the 2026-04-29 export, through :func:`model.loaders.load_epoch_export`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from model.core.paths import DATA_DIR
from model.data.aa_page import aa_openness
from model.data.catalog import AA_BENCHMARKS, aa_benchmark_table
from model.data.epoch_export import load_epoch_export
from model.data.schema import SCORE_COLUMNS
from model.data.validation import validate_scores

AA_SNAPSHOT = "2026-08-22"
EPOCH_SNAPSHOT = "2026-04-29"
MIN_PER_SIDE_AA = 10


def build_aa(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The AA tidy scores and benchmark table from the raw snapshot folders."""
    merged = pd.read_csv(raw_dir / "aa" / "DERIVED__aa_models_merged__2026-08-22.csv", dtype={"aa_id": str})
    base = pd.DataFrame({
        "model_id": merged["aa_id"], "model_name": merged["name"], "creator": merged["creator"],
        "release_date": merged["release_date"], "open_weights": merged["is_open_weights"].astype(bool),
        "openness": [aa_openness(o, lic if isinstance(lic, str) else None)
                     for o, lic in zip(merged["is_open_weights"].astype(bool), merged["license_name"], strict=False)],
    })
    legacy_snap = merged["legacy_source"].astype("string").str.extract(r"api_(\d{4}-\d{2}-\d{2})")[0]
    frames = []
    for bench, *_ in AA_BENCHMARKS:
        if bench not in merged:
            continue
        f = base.copy()
        f["benchmark"] = bench
        f["score"] = merged[bench]
        if bench == "intelligence_index":
            f["is_estimated"] = merged["intelligence_index_is_estimated"].fillna(False).astype(bool)
        elif bench == "intelligence_index_2026_06_15":
            f["is_estimated"] = merged["intelligence_index_is_estimated_2026_06_15"].fillna(False).astype(bool)
        else:
            f["is_estimated"] = False
        if bench.endswith("_2026_06_15"):
            f["snapshot_date"] = "2026-06-15"
        elif bench in {"math_index", "mmlu_pro", "livecodebench", "math_500", "aime", "aime_25"}:
            f["snapshot_date"] = legacy_snap.fillna(AA_SNAPSHOT)
        else:
            f["snapshot_date"] = AA_SNAPSHOT
        frames.append(f[f["score"].notna()])
    scores = pd.concat(frames, ignore_index=True)
    scores["source"] = "aa"
    counts = scores.groupby(["benchmark", "open_weights"]).size().unstack(fill_value=0)
    keep = counts.index[(counts.get(True, 0) >= MIN_PER_SIDE_AA) & (counts.get(False, 0) >= MIN_PER_SIDE_AA)]
    scores = scores[scores["benchmark"].isin(keep)]
    bench = aa_benchmark_table("aa")
    return scores[SCORE_COLUMNS], bench[bench["benchmark"].isin(keep)]


def build_epoch(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Epoch tidy scores and benchmark table from the raw export."""
    ds = load_epoch_export(raw_dir / "epoch" / "benchmark_data_2026-04-29")
    scores = ds.scores.copy()
    scores["snapshot_date"] = EPOCH_SNAPSHOT
    for line in ds.report.lines():
        print("  epoch:", line)
    return scores[SCORE_COLUMNS], ds.benchmarks


def third_party_sources(raw_dir: Path, kept: set[str]) -> pd.DataFrame:
    """The ``Source`` values of every Epoch external file that the dataset keeps (for attribution)."""
    from model.data.catalog import epoch_benchmark_id

    rows = []
    for f in sorted((raw_dir / "epoch" / "benchmark_data_2026-04-29").glob("*_external.csv")):
        bench = epoch_benchmark_id(f.stem)
        if bench not in kept:
            continue
        d = pd.read_csv(f)
        for col in ("Source", "Source link"):
            if col in d:
                for v in sorted(set(d[col].dropna().astype(str).str.strip())):
                    rows.append({"benchmark": bench, "kind": col.lower().replace(" ", "_"), "value": v})
    return pd.DataFrame(rows).drop_duplicates()


def build(raw_dir: Path, out_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Build every embedded table in ``out_dir`` from the raw public files; returns the scores."""
    aa_scores, aa_bench = build_aa(raw_dir)
    ep_scores, ep_bench = build_epoch(raw_dir)
    scores = pd.concat([aa_scores, ep_scores], ignore_index=True)
    bench = pd.concat([aa_bench, ep_bench], ignore_index=True)
    # The same validation every load gets; the build fails loudly on anything odd.
    clean, report = validate_scores(scores, benchmarks=bench, default_source="aa")
    errors = report.errors
    if errors:
        raise SystemExit("build_data: validation errors:\n" + "\n".join(i.describe() for i in errors))
    for line in report.lines():
        print("  ", line)
    clean["release_date"] = clean["release_date"].dt.strftime("%Y-%m-%d")
    clean["snapshot_date"] = pd.to_datetime(clean["snapshot_date"]).dt.strftime("%Y-%m-%d")
    clean = clean.sort_values(["source", "benchmark", "release_date", "model_id"]).reset_index(drop=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean.to_csv(out_dir / "scores.csv", index=False, lineterminator="\n")
    bench.to_csv(out_dir / "benchmarks.csv", index=False, lineterminator="\n")
    third_party_sources(raw_dir, set(bench["benchmark"])).to_csv(out_dir / "third_party_sources.csv", index=False,
                                                                 lineterminator="\n")
    return clean


def main(argv: list[str] | None = None) -> int:
    """``python -m model.data.build``: rebuild ``data/``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data" / "raw")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"build_data: raw folder not found: {args.raw}", file=sys.stderr)
        return 2
    clean = build(args.raw, args.out)
    summary = clean.groupby(["source", "benchmark"]).size()
    print(f"wrote {len(clean)} rows, {clean['model_id'].nunique()} models, {len(summary)} benchmarks to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
