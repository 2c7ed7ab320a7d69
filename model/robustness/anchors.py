"""Published figures, reproduced: each figure the project can compute, beside the project's own number on the same
definition and data, "as of their data" and "now", with a one-line reading of any difference.

A figure that needs data the project does not have (CAISI's private benchmarks) is listed with the nearest thing the
project can compute, and says so. ``python -m model anchors`` prints the table; the Published figures page shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.errors import DataError


@dataclass(frozen=True)
class PublishedFigure:
    """One published figure: who said what, where, on which definition; and how the project computes it."""

    key: str
    figure: str
    citation: str
    address: str
    definition: str
    published: str
    compute: Callable[[dict], dict]  # datasets by source -> {"their_data": float|str, "now": float|str, "reading": str}


def _mean_ok(table: pd.DataFrame, start=None, end=None) -> float:
    t = table[table["status"] == "ok"]
    if start is not None:
        t = t[t["date"] >= pd.Timestamp(start)]
    if end is not None:
        t = t[t["date"] <= pd.Timestamp(end)]
    return float(t["lag_months"].mean()) if len(t) else float("nan")


def _as_of(ds, date):
    """The scores of models released by ``date`` (what an analyst had then)."""
    return ds.scores[ds.scores["release_date"] <= pd.Timestamp(date)]


def _epoch_2024(data: dict) -> dict:
    from model.lags.definitions import catch_up_lags

    ep = data["epoch"]
    out = {}
    for bench, label in (("epoch_mmlu", "MMLU"), ("epoch_gpqa_diamond", "GPQA Diamond")):
        then = _mean_ok(catch_up_lags(_as_of(ep, "2024-10-31"), bench, benchmarks=ep.benchmarks))
        now = _mean_ok(catch_up_lags(ep.scores, bench, benchmarks=ep.benchmarks))
        out[label] = (then, now)
    return {"their_data": "; ".join(f"{k} {v[0]:.1f}" for k, v in out.items()),
            "now": "; ".join(f"{k} {v[1]:.1f}" for k, v in out.items()),
            "reading": "Mean catch-up time of the closed records an open model matched, on Epoch's own runs (today's "
                       "export, which re-ran and added models): same definition, a later and larger sample."}


def _epoch_oct_2025(data: dict) -> dict:
    from model.lags.definitions import level_average_lag, not_significantly_behind_grid

    ep = data["epoch"]
    level = level_average_lag(ep.scores, "epoch_eci", start="2023-01-01", end="2025-10-30", benchmarks=ep.benchmarks)
    nsb = not_significantly_behind_grid(ep.scores, "epoch_eci", start="2023-01-01", end="2025-10-01",
                                        benchmarks=ep.benchmarks)
    return {"their_data": f"{level:.1f} (level average); {nsb['lag_months'].mean():.1f} (not significantly behind, "
                          "monthly mean)",
            "now": "same window: the figure is about 2023-01 to 2025-10",
            "reading": "Epoch counts an open model as caught up when the difference is not significant; the level "
                       "average with exact scores is longer, the significance rule with Epoch's intervals shorter: "
                       "the published 3.5 months (90% 1.1-5.3) lies between them."}


def _epoch_may_2026(data: dict) -> dict:
    from model.lags.definitions import not_significantly_behind_grid

    ep = data["epoch"]
    grid = not_significantly_behind_grid(ep.scores, "epoch_eci", start="2026-01-01", benchmarks=ep.benchmarks)
    half = not_significantly_behind_grid(_scaled_se(ep.scores, 0.5), "epoch_eci", start="2026-01-01",
                                         benchmarks=ep.benchmarks)
    double = not_significantly_behind_grid(_scaled_se(ep.scores, 2.0), "epoch_eci", start="2026-01-01",
                                           benchmarks=ep.benchmarks)
    end = grid["date"].max()
    return {"their_data": f"{grid['lag_months'].mean():.1f} (months 2026-01 to {end:%Y-%m}; half the standard errors "
                          f"{half['lag_months'].mean():.1f}, double {double['lag_months'].mean():.1f})",
            "now": f"the embedded ECI ends {end:%Y-%m}: no newer data",
            "reading": "The monthly mean of 'not significantly behind' on ECI, with each score's standard error from "
                       "Epoch's published 90% intervals (imputed where none is published: data/eci_standard_errors.csv)."}


def _scaled_se(scores: pd.DataFrame, factor: float) -> pd.DataFrame:
    return scores.assign(score_se=scores["score_se"] * factor)


#: The era of the threshold comparison: thresholds crossed from this date (the current frontier benchmarks).
IHLE_ERA = "2025-01-01"
#: Start months a reader of the June 2026 line could have chosen ("around summer 2024 the gap starts to shrink").
JUNE_STARTS = ("2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01")


def _ihle(data: dict) -> dict:
    from model.data.catalog import benchmark_classes
    from model.lags.definitions import threshold_lags

    ep = data["epoch"]
    classes = benchmark_classes().set_index("benchmark")["test_set"]
    means: dict[str, list[float]] = {"public": [], "private": []}
    for bench in ep.benchmarks["benchmark"]:
        if bench not in classes.index:
            continue
        try:
            t = threshold_lags(ep.scores, bench, benchmarks=ep.benchmarks)
        except DataError:
            continue
        recent = _mean_ok(t, start=IHLE_ERA)
        if np.isfinite(recent):
            means["public" if classes[bench] == "public" else "private"].append(recent)
    pub, priv = np.mean(means["public"]), np.mean(means["private"])
    return {"their_data": "not separable: his data are the Epoch hub's, refreshed since",
            "now": f"private or held out {priv:.1f} ({len(means['private'])} benchmarks) vs public {pub:.1f} "
                   f"({len(means['public'])}); ratio {priv / pub:.2f}",
            "reading": f"Mean threshold lag of the thresholds open models crossed since {IHLE_ERA[:7]}, per benchmark, "
                       "averaged within each test-set class (data/benchmark_classes.csv; the saturated legacy public "
                       "benchmarks cross no threshold in that era): the private/public ratio is the comparable number."}


def _june_2026(data: dict) -> dict:
    from model.data.catalog import distinct_benchmarks
    from model.lags.across import lag_summary_by_date, lags_by_benchmark, quorum
    from model.lags.engine import frontier_lag
    from model.lags.ols import ols_crossing

    aa = data["aa"]

    def dates(series) -> str:
        found = sorted(str(c.date())[:7] if (c := ols_crossing(series, s).crossing_date) is not None else "never"
                       for s in JUNE_STARTS)
        return f"{found[0]} to {found[-1]}"

    then = frontier_lag(aa.scores, "intelligence_index_2026_06_15", benchmarks=aa.benchmarks)
    line = ols_crossing(then, "2024-06-01")
    now_series = frontier_lag(aa.scores, "intelligence_index_2026_10_10", benchmarks=aa.benchmarks)
    line_now = ols_crossing(now_series, "2024-06-01")
    names = distinct_benchmarks(aa.benchmarks)
    mean = lag_summary_by_date(lags_by_benchmark(aa.scores, benchmarks=aa.benchmarks, names=names),
                               min_benchmarks=quorum(len(names)))
    last_year = mean[mean["date"] >= mean["date"].max() - pd.DateOffset(months=12)]
    return {"their_data": f"least-squares zero on {line.crossing_date.date() if line.crossing_date is not None else 'never'}"
                          f" (2026-06-15 index version, monthly lag from 2024-06; from any start 2024-05 to 2024-09: "
                          f"{dates(then)})",
            "now": f"{line_now.crossing_date.date() if line_now.crossing_date is not None else 'never'} on the 2026-10-10 "
                   f"version (any start 2024-05 to 2024-09: {dates(now_series)}); the embedded data end before 2026-12-03, "
                   f"so the published date is not yet testable here: the last measured lag was "
                   f"{now_series['lag_months'].iloc[-1]:.1f} months ({now_series['date'].iloc[-1]:%Y-%m}); "
                   f"mean lag across {len(names)} distinct AA evaluations over the last year "
                   f"{last_year['mean_lag'].min():.1f}-{last_year['mean_lag'].max():.1f} months",
            "reading": "The published date came from AA's live data of June 2026; on the embedded copy of that index "
                       "version the same line lands months later, and the start month alone moves it by most of a year "
                       "(the fit's start is a forking path). The answer page gives the date's uncertainty instead."}


def _caisi(data: dict) -> dict:
    ihle = _ihle(data)
    return {"their_data": "not computable: CAISI's private benchmarks (PortBench, CTF-Archive-Diamond) are not public",
            "now": "nearest: " + ihle["now"],
            "reading": "CAISI scores nine benchmarks with a 1PL IRT model; two are non-public. The project's private "
                       "and held-out class is the closest public proxy, not the same number."}


FIGURES: tuple[PublishedFigure, ...] = (
    PublishedFigure("epoch_2024", "MMLU 14.6 months; GPQA 4.6-4.8 months",
                    "Epoch AI (Cottier et al.), 'How Far Behind Are Open Models?', November 2024",
                    "https://epoch.ai/blog/open-models-report", "catch_up", "2024-11", _epoch_2024),
    PublishedFigure("epoch_oct_2025", "3.5 months (90% 1.1-5.3); 7 ECI points",
                    "Epoch AI (Luke Emberson), 'Open-weight models lag state-of-the-art by around 3 months on average', "
                    "data insight, 30 October 2025",
                    "https://epoch.ai/data-insights/open-weights-vs-closed-weights-models", "level_average / not "
                    "significantly behind", "2025-10", _epoch_oct_2025),
    PublishedFigure("epoch_may_2026", "4 months; 8 ECI points (90% 7-11), since January 2026",
                    "Epoch AI (Jack Edwards, Luke Emberson), 'Open models lag closed models by 4 months', data insight, "
                    "29 May 2026", "https://epoch.ai/data-insights/open-closed-eci-gap", "not_significantly_behind",
                    "2026-05", _epoch_may_2026),
    PublishedFigure("ihle", "private benchmarks 8-10 months, public 4-6 (ratio about 1.7-1.9)",
                    "Håvard Ihle, 'open_closed_gap' (analysis and code)", "https://github.com/htihle/open_closed_gap",
                    "threshold", "2026", _ihle),
    PublishedFigure("june_2026", "zero gap on 2026-12-03 (AA Intelligence Index); about 5 months flat across 18 AA "
                    "metrics; coding 15 -> 1-2 months",
                    "Jamie Dborin (Doubleword), 'Prediction: A Frontier Open Source LLM Will Be Released On 3rd December "
                    "2026', June 2026", "https://blog.doubleword.ai/frontier-os-llm", "backward (least-squares line)",
                    "2026-06", _june_2026),
    PublishedFigure("caisi", "DeepSeek V4 Pro about 8 months behind the US frontier",
                    "NIST Center for AI Standards and Innovation (CAISI), 'CAISI Evaluation of DeepSeek V4 Pro', 1 May 2026",
                    "nist.gov (CAISI evaluations)", "IRT capability, nine benchmarks (two private)", "2026-05", _caisi),
)


def anchors_table(data: dict | None = None) -> pd.DataFrame:
    """One row per published figure: citation, address, definition, their figure, the project's figure as of their
    data and now, and the reading. ``data``: datasets by source (default: the embedded AA and Epoch data)."""
    from model.data.embedded import load_embedded

    data = data or {"aa": load_embedded("aa"), "epoch": load_embedded("epoch")}
    rows = []
    for f in FIGURES:
        try:
            computed = f.compute(data)
        except DataError as exc:
            computed = {"their_data": f"not computed: {exc}", "now": "", "reading": ""}
        rows.append({"key": f.key, "published": f.published, "citation": f.citation, "address": f.address,
                     "definition": f.definition, "their_figure": f.figure, "project_as_of_their_data":
                     computed["their_data"], "project_now": computed["now"], "reading": computed["reading"]})
    return pd.DataFrame(rows)
