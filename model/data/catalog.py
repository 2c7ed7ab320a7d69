"""Benchmark catalogues: which raw fields become which benchmark, with metadata.

One row per benchmark: ``(id, raw field, display name, category, higher_is_better, scale, caveats)``.
The AA ids follow AA's own field names; the Epoch ids are prefixed ``epoch_``.
"""

from __future__ import annotations

import pandas as pd

AA_INDEX_CAVEAT = (
    "AA index version changed on 2026-06-16 (and again on 2026-08-07): values are comparable only within "
    "one snapshot. The pre-change version is kept as its own benchmark."
)

AA_NEWEST_CAVEAT = (
    "AA state of 2026-10-10 (697 models, 82 new since 2026-08-22), transcribed from stored copies of public scraper "
    "repositories, not byte-copied. AA rescaled the index between 2026-08-22 and 2026-10-10 (median change -5.7 points): "
    "never compare its values with older index versions. Open flags from the newest source that has one."
)

# id, field in the AA page payload / merged CSV, display name, category, scale, caveats
AA_BENCHMARKS: list[tuple[str, str, str, str, str, str]] = [
    ("intelligence_index", "artificial_analysis_intelligence_index", "AA Intelligence Index (2026-08 version)", "composite",
     "0..100",
     AA_INDEX_CAVEAT + " Most values (434 of 603) are AA estimates (is_estimated)."),
    ("intelligence_index_2026_06_15", "intelligence_index_2026_06_15", "AA Intelligence Index (2026-06-15 version)", "composite",
     "0..100",
     "The index version used by the June 2026 analysis; snapshot 2026-06-15. " + "Fewer estimated values (120)."),
    ("intelligence_index_2026_10_10", "intelligence_index_2026_10_10", "AA Intelligence Index (2026-10-10 version)",
     "composite", "0..100", AA_NEWEST_CAVEAT),
    ("agentic_index_2026_10_10", "agentic_index_2026_10_10", "AA Agentic Index (2026-10-10 version)", "agentic", "0..100",
     AA_NEWEST_CAVEAT),
    ("coding_index", "artificial_analysis_coding_index", "AA Coding Index (2026-08 version)", "coding", "0..100",
     "Redefined on 2026-06-19; coverage dropped and regrew. " + "Comparable only within one snapshot."),
    ("coding_index_2026_06_15", "coding_index_2026_06_15", "AA Coding Index (2026-06-15 version)", "coding", "0..100",
     "Pre-2026-06-19 definition; snapshot 2026-06-15."),
    ("agentic_index", "artificial_analysis_agentic_index", "AA Agentic Index (2026-08 version)", "agentic", "0..100",
     AA_INDEX_CAVEAT),
    ("agentic_index_2026_06_15", "agentic_index_2026_06_15", "AA Agentic Index (2026-06-15 version)", "agentic", "0..100",
     "Pre-change version; snapshot 2026-06-15."),
    ("math_index", "artificial_analysis_math_index", "AA Math Index (legacy)", "math", "0..100",
     "Legacy field from the AA API; no longer updated."),
    ("gpqa", "gpqa", "GPQA Diamond", "reasoning", "0..1", ""),
    ("hle", "hle", "Humanity's Last Exam", "reasoning", "0..1", ""),
    ("scicode", "scicode", "SciCode", "coding", "0..1", ""),
    ("ifbench", "ifbench", "IFBench", "instruction-following", "0..1", ""),
    ("aa_lcr", "aa_lcr", "AA-LCR (long-context reasoning)", "long-context", "0..1", ""),
    ("terminal_bench_hard", "terminal_bench_hard", "Terminal-Bench Hard", "agentic", "0..1", ""),
    ("terminal_bench_v21", "terminal_bench_v21", "Terminal-Bench v2.1", "agentic", "0..1", "Added to AA after 2026-06-15."),
    ("tau2_bench", "tau2_bench", "tau2-bench (telecom)", "agentic", "0..1", ""),
    ("tau3_banking", "tau3_banking", "tau3-banking", "agentic", "0..1", "Added to AA after 2026-06-15."),
    ("critpt", "critpt", "CritPt (physics research)", "reasoning", "0..1", "Scores near zero for most models."),
    ("aa_omniscience", "aa_omniscience", "AA-Omniscience", "knowledge", "-100..100", "Penalises hallucination; can be negative."),
    ("gdpval_aa_normalized", "gdpval_aa_normalized", "GDPval-AA (normalised)", "agentic", "", "Normalised Elo-style score."),
    ("apex_agents", "apex_agents", "APEX-Agents", "agentic", "0..1", "Few models."),
    ("mmmu_pro", "mmmu_pro", "MMMU-Pro", "multimodal", "0..1", "Only multimodal models are scored."),
    ("mmlu_pro", "mmlu_pro", "MMLU-Pro (legacy)", "knowledge", "0..1", "Legacy field from the AA API; models up to 2026-01."),
    ("livecodebench", "livecodebench", "LiveCodeBench (legacy)", "coding", "0..1", "Legacy field from the AA API."),
    ("math_500", "math_500", "MATH-500 (legacy)", "math", "0..1", "Legacy; saturated; models up to 2025-08."),
    ("aime", "aime", "AIME 2024 (legacy)", "math", "0..1", "Legacy field from the AA API."),
    ("aime_25", "aime_25", "AIME 2025 (legacy)", "math", "0..1", "Legacy field from the AA API."),
]

# Field names differ between the merged CSV / page payload (left) and the API (right).
AA_API_FIELD_ALIASES = {
    "artificial_analysis_intelligence_index": "artificial_analysis_intelligence_index",
    "artificial_analysis_coding_index": "artificial_analysis_coding_index",
    "artificial_analysis_math_index": "artificial_analysis_math_index",
    "terminal_bench_hard": "terminalbench_hard",
    "terminal_bench_v21": "terminalbench_v2_1",
    "tau2_bench": "tau2",
    "tau3_banking": "tau_banking",
    "aa_lcr": "lcr",
}

# file stem, score column, display name, category, scale, third-party source
EPOCH_BENCHMARKS: list[tuple[str, str, str, str, str, str]] = [
    ("epoch_capabilities_index", "ECI Score", "Epoch Capabilities Index (ECI)", "composite", "", "Epoch AI"),
    ("gpqa_diamond", "mean_score", "GPQA Diamond (Epoch)", "reasoning", "0..1", "Epoch AI"),
    ("otis_mock_aime_2024_2025", "mean_score", "OTIS Mock AIME 2024-25 (Epoch)", "math", "0..1", "Epoch AI"),
    ("frontiermath", "mean_score", "FrontierMath T1-3 (Epoch)", "math", "0..1", "Epoch AI"),
    ("frontiermath_tier_4", "mean_score", "FrontierMath Tier 4 (Epoch)", "math", "0..1", "Epoch AI"),
    ("math_level_5", "mean_score", "MATH Level 5 (Epoch)", "math", "0..1", "Epoch AI"),
    ("swe_bench_verified", "mean_score", "SWE-bench Verified (Epoch)", "coding", "0..1", "Epoch AI"),
    ("swe_bench_bash", "% Resolved", "SWE-bench bash only", "coding", "0..1", "swebench.com leaderboard (bash only)"),
    ("chess_puzzles", "mean_score", "Chess puzzles (Epoch)", "reasoning", "0..1", "Epoch AI"),
    ("simpleqa_verified", "mean_score", "SimpleQA Verified (Epoch)", "knowledge", "0..1", "Epoch AI"),
    ("weirdml_external", "Accuracy", "WeirdML", "coding", "0..1", "WeirdML Leaderboard"),
    ("terminalbench_external", "Accuracy mean", "Terminal-Bench 2.0", "agentic", "0..1", "Terminal-Bench v2 Leaderboard"),
    ("aider_polyglot_external", "Percent correct", "Aider Polyglot", "coding", "0..100", "Aider LLM Leaderboards"),
    ("simplebench_external", "Score (AVG@5)", "SimpleBench", "reasoning", "0..1", "SimpleBench Leaderboard"),
    ("fictionlivebench_external", "120k token score", "Fiction.LiveBench (120k)", "long-context", "0..1",
     "Fiction.live leaderboard"),
    ("live_bench_external", "Global average", "LiveBench", "reasoning", "0..100", "LiveBench Leaderboard"),
    ("lech_mazur_writing_external", "Mean score", "Lech Mazur writing", "other", "0..10", "lechmazur/writing GitHub repository"),
    ("balrog_external", "Average progress", "BALROG", "agentic", "0..1", "BALROG Leaderboard"),
    ("arc_agi_external", "Score", "ARC-AGI-1", "reasoning", "0..1", "ARC Prize Leaderboard"),
    ("arc_agi_2_external", "Score", "ARC-AGI-2", "reasoning", "0..1", "ARC Prize Leaderboard"),
    ("metr_time_horizons_external", "Time horizon", "METR time horizon (minutes)", "agentic", "", "METR"),
    ("webdev_arena_external", "Arena Score", "WebDev Arena", "coding", "", "WebDev Arena Leaderboard (LMArena)"),
    ("mmlu_external", "EM", "MMLU", "knowledge", "0..1", "Stanford CRFM / HELM and model reports"),
    ("gsm8k_external", "EM", "GSM8K", "math", "0..1", "Stanford HELM and model reports"),
    ("arc_ai2_external", "Challenge score", "ARC (AI2) Challenge", "reasoning", "0..1", "Model reports"),
    ("bool_q_external", "Score", "BoolQ", "knowledge", "0..1", "Model reports"),
    ("wino_grande_external", "Accuracy", "WinoGrande", "reasoning", "0..1", "Model reports"),
    ("trivia_qa_external", "EM", "TriviaQA", "knowledge", "0..1", "Model reports, PapersWithCode"),
    ("piqa_external", "Score", "PIQA", "reasoning", "0..1", "Model reports"),
    ("bbh_external", "Average", "BIG-Bench Hard", "reasoning", "0..1", "Model reports"),
    ("hella_swag_external", "Overall accuracy", "HellaSwag", "reasoning", "0..1", "Stanford HELM and model reports"),
    ("open_book_qa_external", "Accuracy", "OpenBookQA", "knowledge", "0..1", "Model reports"),
    ("lambada_external", "Score", "LAMBADA", "other", "0..1", "Model reports"),
    ("hle_external", "Accuracy", "Humanity's Last Exam (Scale)", "reasoning", "0..1", "Scale AI HLE leaderboard"),
]


def aa_benchmark_table(source: str = "aa") -> pd.DataFrame:
    """The AA benchmark catalogue as a table (id, display name, category, direction, scale, caveats)."""
    rows = [
        {"benchmark": b, "display_name": name, "category": cat, "higher_is_better": True, "scale": scale,
         "source": source, "caveats": cav}
        for b, _field, name, cat, scale, cav in AA_BENCHMARKS
    ]
    return pd.DataFrame(rows)


def epoch_benchmark_id(stem: str) -> str:
    """``gpqa_diamond`` -> ``epoch_gpqa_diamond``; ``weirdml_external`` -> ``epoch_weirdml``."""
    if stem == "epoch_capabilities_index":
        return "epoch_eci"
    return "epoch_" + stem.removesuffix("_external")


def epoch_benchmark_table() -> pd.DataFrame:
    """The Epoch benchmark catalogue as a table, in the same columns."""
    rows = [
        {"benchmark": epoch_benchmark_id(stem), "display_name": name, "category": cat, "higher_is_better": True, "scale": scale,
         "source": "epoch", "caveats": ("Third-party source: " + third) if third != "Epoch AI" else ""}
        for stem, _col, name, cat, scale, third in EPOCH_BENCHMARKS if name
    ]
    return pd.DataFrame(rows)


#: Test-set sizes of benchmarks whose scores are a share of items answered correctly, with the source of each count.
#: A score's binomial standard error follows: sqrt(p (1 - p) / n) on the 0..1 scale. AA and Epoch often average
#: several runs per item, so this is an upper bound on the sampling error of a single reported score.
ITEM_COUNTS: dict[str, tuple[int, str]] = {
    "gpqa": (198, "GPQA Diamond: 198 questions (Rein et al., 2023)"),
    "epoch_gpqa_diamond": (198, "GPQA Diamond: 198 questions (Rein et al., 2023)"),
    "math_500": (500, "MATH-500: 500 problems (Lightman et al., 2023)"),
    "mmlu_pro": (12032, "MMLU-Pro: 12,032 questions (Wang et al., 2024)"),
    "aime": (30, "AIME 2024: 30 problems (I and II)"),
    "aime_25": (30, "AIME 2025: 30 problems (I and II)"),
}


def distinct_benchmarks(benchmarks: pd.DataFrame) -> list[str]:
    """Each distinct current evaluation of a catalogue once, for pooling across benchmarks.

    Left out: composite indices (every version of the AA Intelligence, Coding, Agentic and Math indices, Epoch's ECI:
    they average the same evaluations that are pooled, so they would count them twice, and three versions of one index
    would count it three times), legacy benchmarks (retired by their source, saturated) and series that are not a
    capability (training compute). Falls back to the whole catalogue when fewer than two remain."""
    ids = benchmarks["benchmark"].astype(str)
    names = benchmarks["display_name"].astype(str)
    composite = (benchmarks["category"].astype(str) == "composite") | ids.str.contains(r"(?:^|_)index(?:_|$)", regex=True)
    legacy = names.str.contains("(legacy)", regex=False)
    not_capability = ids.isin(["epoch_training_compute"])
    keep = list(ids[~(composite | legacy | not_capability)])
    return keep if len(keep) >= 2 else list(ids)


#: The test-set classes of data/benchmark_classes.csv: published, kept private, or held out (generated fresh,
#: semi-private, mostly hidden). "private" and "held_out" together are the contamination-resistant class.
TEST_SETS = ("public", "private", "held_out")


def benchmark_classes() -> pd.DataFrame:
    """Each classified benchmark's test set (public / private / held_out), with the source and a note; the file is
    hand-curated and every row cites where the classification comes from."""
    from model.core.paths import DATA_DIR

    table = pd.read_csv(DATA_DIR / "benchmark_classes.csv", dtype="string")
    bad = sorted(set(table["test_set"]) - set(TEST_SETS))
    if bad or table["source"].isna().any() or table["benchmark"].duplicated().any():
        raise ValueError(f"data/benchmark_classes.csv: unknown class {bad}, a missing source or a repeated benchmark")
    return table


def eci_standard_error_sources() -> pd.Series:
    """How many embedded ECI standard errors come from each source (Epoch's interval for the version or the model, a
    scale anchor, or imputed): ``data/eci_standard_errors.csv``, written by the build."""
    from model.core.paths import DATA_DIR

    path = DATA_DIR / "eci_standard_errors.csv"
    if not path.exists():
        return pd.Series(dtype="int64")
    return pd.read_csv(path, usecols=["se_source"])["se_source"].value_counts()
