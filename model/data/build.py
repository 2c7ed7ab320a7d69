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

import numpy as np
import pandas as pd

from model.core.paths import DATA_DIR
from model.data.aa_page import aa_openness
from model.data.arena import ARENA_FILE, build_arena_gap
from model.data.catalog import AA_BENCHMARKS, aa_benchmark_table
from model.data.epoch_export import load_epoch_export
from model.data.schema import SCORE_COLUMNS
from model.data.validation import validate_scores

AA_SNAPSHOT = "2026-08-22"
#: The newest AA state (index versions only), and which of its columns become which benchmark. The coding index of
#: that state is left out: its transcribed sources disagree with each other (raw/aa/2026-10-10/SOURCES.md).
AA_NEWEST_SNAPSHOT = "2026-10-10"
AA_NEWEST_INDICES = {"intelligence_index_2026_10_10": "intelligence_index", "agentic_index_2026_10_10": "agentic_index"}
EPOCH_SNAPSHOT = "2026-04-29"
MIN_PER_SIDE_AA = 10


def build_aa(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The AA tidy scores and benchmark table from the raw snapshot folders."""
    merged = pd.read_csv(raw_dir / "aa" / "DERIVED__aa_models_merged__2026-08-22.csv", dtype={"aa_id": str})
    base = pd.DataFrame({
        "model_id": merged["aa_id"], "model_name": merged["name"], "creator": merged["creator"],
        "release_date": merged["release_date"], "open_weights": merged["is_open_weights"].astype(bool),
        "country": merged["creator_country"].fillna("").str.upper(),
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
    scores = pd.concat([*frames, build_aa_newest(raw_dir, base)], ignore_index=True)
    scores["source"] = "aa"
    scores = newest_open_flags(scores)
    scores["score_se"] = float("nan")  # AA publishes no per-score error (binomial errors come from the item counts)
    counts = scores.groupby(["benchmark", "open_weights"]).size().unstack(fill_value=0)
    keep = counts.index[(counts.get(True, 0) >= MIN_PER_SIDE_AA) & (counts.get(False, 0) >= MIN_PER_SIDE_AA)]
    scores = scores[scores["benchmark"].isin(keep)]
    bench = aa_benchmark_table("aa")
    return scores[SCORE_COLUMNS], bench[bench["benchmark"].isin(keep)]


def build_aa_newest(raw_dir: Path, known: pd.DataFrame) -> pd.DataFrame:
    """The 2026-10-10 index versions (``raw/aa/2026-10-10/DERIVED__aa_2026-10-10_merged.csv``), keyed by AA's model id.

    Models already in the 2026-08-22 page keep its licence; new ones are "Open weights (licence unknown)" or
    "Proprietary" by the newest open flag. A raw folder without that state (the data as of 2026-08-22) gives none."""
    path = raw_dir / "aa" / AA_NEWEST_SNAPSHOT / f"DERIVED__aa_{AA_NEWEST_SNAPSHOT}_merged.csv"
    if not path.is_file():
        return pd.DataFrame(columns=SCORE_COLUMNS)
    newest = pd.read_csv(path, dtype={"id": str})
    is_open = newest["is_open_weights"].astype(str).str.lower().eq("true")
    licences = known.drop_duplicates("model_id").set_index("model_id")["openness"]
    openness = [licences.get(i) if isinstance(licences.get(i), str) and bool(o) == (licences.get(i) != "Proprietary")
                else aa_openness(bool(o), None) for i, o in zip(newest["id"], is_open, strict=True)]
    countries = known.drop_duplicates("creator").set_index("creator")["country"]  # the newest file has no country column
    frames = []
    for bench, column in AA_NEWEST_INDICES.items():
        f = pd.DataFrame({"model_id": newest["id"], "model_name": newest["name"], "creator": newest["creator"],
                          "release_date": newest["release_date"], "open_weights": is_open, "openness": openness,
                          "benchmark": bench, "score": newest[column], "is_estimated": False,
                          "snapshot_date": AA_NEWEST_SNAPSHOT, "country": newest["creator"].map(countries).fillna("")})
        frames.append(f[f["score"].notna()])
    return pd.concat(frames, ignore_index=True)


def newest_open_flags(scores: pd.DataFrame) -> pd.DataFrame:
    """One open flag per model: where snapshots disagree (GLM-5.3: closed on 2026-08-22, open by 2026-10), the newest
    snapshot's flag (and openness) applies to every row of that model; each change is printed."""
    latest = scores.sort_values("snapshot_date").drop_duplicates("model_id", keep="last").set_index("model_id")
    flag = scores["model_id"].map(latest["open_weights"]).astype(bool)
    changed = scores.loc[flag != scores["open_weights"].astype(bool), "model_name"].unique()
    for name in changed:
        print(f"   open flag of {name!r} taken from the newest snapshot")
    return scores.assign(open_weights=flag.to_numpy(),
                         openness=scores["model_id"].map(latest["openness"]).to_numpy())


def build_epoch(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Epoch tidy scores and benchmark table from the raw export."""
    ds = load_epoch_export(raw_dir / "epoch" / "benchmark_data_2026-04-29")
    scores = ds.scores.copy()
    scores["snapshot_date"] = EPOCH_SNAPSHOT
    for line in ds.report.lines():
        print("  epoch:", line)
    return scores[SCORE_COLUMNS], ds.benchmarks


#: Epoch's ECI scores with their 90% intervals (a third-party copy of Epoch's eci_scores.csv, vintage 2025-12; read its
#: SOURCES.md): the standard error of each ECI score is the interval's width / 3.29 (a normal 90% interval).
ECI_INTERVALS = ("epoch", "eci_scores_with_ci_2025-12", "eci_scores.csv")
ECI_BENCHMARK = "epoch_eci"
Z90_WIDTH = 2 * 1.6448536269514722


def eci_standard_errors(raw_dir: Path, eci: pd.DataFrame) -> pd.DataFrame:
    """Each embedded ECI score's standard error and where it comes from, one row per model version.

    ``epoch_interval_version``: Epoch's interval of the same evaluated variant (its display name); ``epoch_interval_model``:
    the interval of the model the version belongs to (Epoch's model name); ``anchor``: the two models that fix the ECI
    scale (GPT-5 = 150, Claude 3.5 Sonnet = 130) have no interval and no error on the scale; ``imputed_period_median``:
    no interval published (mostly models after the copy's vintage), so the median error of the measured models released
    in the same half-year, or of the newest half-year with any."""
    intervals = pd.read_csv(raw_dir.joinpath(*ECI_INTERVALS))
    intervals["se"] = (intervals["eci_ci_high"] - intervals["eci_ci_low"]) / Z90_WIDTH
    versions = pd.read_csv(raw_dir / "epoch" / "benchmark_data_2026-04-29" / "epoch_capabilities_index.csv")
    versions = versions.drop_duplicates("Model version").set_index("Model version")
    by_display = intervals.dropna(subset=["Display name"]).drop_duplicates("Display name").set_index("Display name")
    by_model = intervals.set_index("Model")
    rows = []
    for _, r in eci.iterrows():
        v = versions.loc[r["model_id"]] if r["model_id"] in versions.index else None
        display = v["Display name"] if v is not None else None
        name = v["Model name"] if v is not None else None
        match, source = None, "imputed_period_median"
        if isinstance(display, str) and display in by_display.index:
            match, source = by_display.loc[display], "epoch_interval_version"
        elif isinstance(name, str) and name in by_model.index:
            match, source = by_model.loc[name], "epoch_interval_model"
        se = float(match["se"]) if match is not None else float("nan")
        if match is not None and not np.isfinite(se):
            se, source = 0.0, "anchor"
        rows.append({"model_id": r["model_id"], "model_name": r["model_name"], "release_date": r["release_date"],
                     "score_se": se, "se_source": source if np.isfinite(se) else "imputed_period_median"})
    out = pd.DataFrame(rows)
    half = pd.to_datetime(out["release_date"]).dt.year.astype(str) + "-H" + (
        (pd.to_datetime(out["release_date"]).dt.month > 6) + 1).astype(str)
    measured = out["se_source"].str.startswith("epoch_interval")
    medians = out[measured].groupby(half[measured])["score_se"].median()
    fill = [medians.get(h, medians.loc[medians.index <= h].iloc[-1] if (medians.index <= h).any() else medians.iloc[0])
            for h in half]
    missing = out["score_se"].isna()
    out.loc[missing, "score_se"] = np.asarray(fill, dtype=float)[missing.to_numpy()]
    return out.sort_values(["release_date", "model_id"]).reset_index(drop=True)


EPOCH_MODELS = "ai_models_2026-02-01"
COMPUTE_BENCHMARK = "epoch_training_compute"
COMPUTE_CAVEAT = ("Training compute, not a capability: log10 of Epoch AI's estimated training FLOP of notable language "
                  "models (Data on AI Models, 2026-02-01). Estimates with confidence levels (Confident, Likely, "
                  "Speculative; Speculative ones are marked estimated); publication date stands in for release; "
                  "unreleased models and those without an accessibility label are left out.")


def build_epoch_compute(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training-compute frontier of open and closed language models as one more Epoch "benchmark"."""
    d = pd.read_csv(raw_dir / "epoch" / EPOCH_MODELS / "notable_ai_models.csv", low_memory=False)
    access = d["Model accessibility"].astype("string")
    released = access.str.startswith("Open weights") | access.isin(["API access", "Hosted access (no API)"])
    keep = d["Domain"].astype("string").str.contains("Language", na=False) & d["Training compute (FLOP)"].gt(0) & released
    d = d[keep.fillna(False)]
    scores = pd.DataFrame({
        "model_id": "epoch-models:" + d["Model"].astype(str), "model_name": d["Model"], "creator": d["Organization"],
        "release_date": d["Publication date"], "open_weights": access[keep.fillna(False)].str.startswith("Open weights"),
        "openness": d["Model accessibility"], "benchmark": COMPUTE_BENCHMARK,
        "score": np.log10(d["Training compute (FLOP)"].astype(float)), "is_estimated": d["Confidence"].eq("Speculative"),
        "source": "epoch", "snapshot_date": EPOCH_MODELS.split("_")[-1], "score_se": float("nan"),
        "country": d["Country (of organization)"].fillna(""),
    })
    bench = pd.DataFrame([{"benchmark": COMPUTE_BENCHMARK, "display_name": "Training compute (log10 FLOP, Epoch AI models)",
                           "category": "other", "higher_is_better": True, "scale": "", "source": "epoch",
                           "caveats": COMPUTE_CAVEAT}])
    return scores[SCORE_COLUMNS], bench


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
    cp_scores, cp_bench = build_epoch_compute(raw_dir)
    is_eci = ep_scores["benchmark"] == ECI_BENCHMARK
    eci_se = eci_standard_errors(raw_dir, ep_scores[is_eci])
    ep_scores.loc[is_eci, "score_se"] = ep_scores.loc[is_eci, "model_id"].map(eci_se.set_index("model_id")["score_se"])
    scores = pd.concat([aa_scores, ep_scores, cp_scores], ignore_index=True)
    bench = pd.concat([aa_bench, ep_bench, cp_bench], ignore_index=True)
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
    eci_se.to_csv(out_dir / "eci_standard_errors.csv", index=False, lineterminator="\n")
    build_arena_gap(raw_dir).to_csv(out_dir / ARENA_FILE, index=False, lineterminator="\n")
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
