"""The window as a choice the answer owns: the same stacked answer from each defensible start date, with each member
model's own answer beside it, and the spread in one sentence.

The start of a trend's window is a forking path (a line from 2023 and a line from 2025 can point opposite ways). The
answer therefore declares its window (:data:`ANSWER_START`, with :data:`ANSWER_START_RULE` saying why) and reports,
beside it, the range of P(zero gap by the end of 2027) and of the median date across :data:`DEFENSIBLE_STARTS` and the
four models. Every fit goes through the one fit path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.core.errors import DataError

#: The answer's window start, and the rule that picks it.
ANSWER_START = "2024-01-01"
ANSWER_START_RULE = ("from 2024-01-01: the window of the pooled answer (each distinct evaluation in it has at least six "
                     "lags since then), so the headline index and the typical benchmark are compared on the same months")
#: Window starts a careful analyst could defend (None: every lag since the data begin).
DEFENSIBLE_STARTS = (None, "2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01")


#: Fewest lags in the window for a benchmark of the pooled answer: with fewer, its own noise scale is barely identified
#: and the sampler diverges (apex_agents, 4 lags: 102 divergences in the pooled fit; without it, 0).
MIN_POOLED_LAGS = 6


def pooled_answer_settings(ds, source: str = "aa"):
    """The pooled answer ("a typical benchmark"): the distinct current evaluations with at least
    :data:`MIN_POOLED_LAGS` lags since :data:`ANSWER_START`, partially pooled (the Pooled page's default fit)."""
    from model.analysis import FitSettings, observations_for
    from model.data.catalog import distinct_benchmarks

    def enough(name: str) -> bool:  # a count of lags: without their errors' bootstrap (it does not change the count)
        try:
            return len(observations_for(ds, FitSettings(source=source, benchmarks=[name], start=ANSWER_START,
                                                        measurement_error=False))) >= MIN_POOLED_LAGS
        except DataError:
            return False

    names = [n for n in distinct_benchmarks(ds.benchmarks) if enough(n)]
    names = names if len(names) >= 2 else distinct_benchmarks(ds.benchmarks)
    return FitSettings(source=source, pooling="partial", benchmarks=names, start=ANSWER_START, draws=1000)


def window_sensitivity(ds, settings, starts=DEFENSIBLE_STARTS) -> pd.DataFrame:
    """One row per window start and model (the stacked answer and each member): P(zero by end-2027), the median date,
    the 90% interval, P(never) and the member's weight. ``settings`` must name a stacked fit of one benchmark."""
    from model.analysis import run_analysis
    from model.bayes.summaries import summarise_fit

    if not settings.choice.combines:
        raise DataError("The window sensitivity compares a combined answer and its members; choose the stacked model.")
    rows = []
    for start in starts:
        try:
            result = run_analysis(ds, settings.model_copy(update={"start": start}))
        except DataError as exc:
            rows.append({"start": start or "data start", "model": settings.model, "answer": True, "note": str(exc)[:200]})
            continue
        fit = next(iter(result.fits.values()))
        label = start or f"data start ({str(fit.obs.window_start.date())})"
        parts = [(settings.model, True, 1.0, result.summary.iloc[0])]
        parts += [(name, False, weight, summarise_fit(member).iloc[0])
                  for name, weight, member in fit.model.member_summaries(fit)]
        for model, answer, weight, r in parts:
            rows.append({"start": label, "model": model, "answer": answer, "weight": round(float(weight), 3),
                         "p_cross_by_2027_12_31": float(r["p_cross_by_2027_12_31"]), "p_never": float(r["p_never"]),
                         "crossing_median": r["crossing_median"], "crossing_lo90": r["crossing_lo90"],
                         "crossing_hi90": r["crossing_hi90"], "n_obs": int(r["n_obs"]), "note": ""})
    return pd.DataFrame(rows)


def spread_sentence(table: pd.DataFrame) -> str:
    """The spread in one sentence: P(zero by end-2027) and the median date of the stacked answer across window starts,
    then across every start and model."""
    from model.core.text import fmt_prob

    ok = table[table["note"].fillna("") == ""] if "note" in table else table
    stacked = ok[ok["answer"].astype(bool)]
    if stacked.empty:
        return "No window start could be fitted."

    def p_range(frame: pd.DataFrame) -> str:
        lo, hi = frame["p_cross_by_2027_12_31"].min(), frame["p_cross_by_2027_12_31"].max()
        return f"{fmt_prob(lo)}–{fmt_prob(hi)}"

    def median_range(frame: pd.DataFrame) -> str:
        dates = sorted(str(d)[:7] for d in frame["crossing_median"] if isinstance(d, str) and d)
        never = int(np.sum([not (isinstance(d, str) and d) for d in frame["crossing_median"]]))
        if not dates:
            return "never"
        return f"{dates[0]} to {dates[-1]}" + (f" (never in {never})" if never else "")

    members = ok[~ok["answer"].astype(bool)]
    return (f"Across {len(stacked)} window starts the stacked answer gives P(zero by end-2027) {p_range(stacked)} and a "
            f"median date {median_range(stacked)}; across those starts and the four models one by one, "
            f"{p_range(members)} and {median_range(members)}.")


def what_changes_the_answer(ds, settings, benchmark: str, *,
                            observations=("events", "monthly"),
                            starts=("2023-07-01", "2024-07-01", "2025-01-01")) -> pd.DataFrame:
    """The same fit under each observation choice and start date: one summary row each, labelled.

    Choices that leave too few observations are reported in a ``note`` row instead of failing.
    """
    from model.analysis import run_analysis

    rows = []
    for kind in observations:
        for start in starts:
            label = f"{kind} from {start[:7]}"
            fit_settings = settings.model_copy(update={"benchmarks": [benchmark], "observations": kind, "start": start,
                                                       "pooling": "none"})
            try:
                table = run_analysis(ds, fit_settings).summary
                rows.append(table.assign(choice=label))
            except DataError as exc:
                rows.append(pd.DataFrame({"choice": [label], "benchmark": [benchmark], "verdict": [f"not fitted: {exc}"]}))
    return pd.concat(rows, ignore_index=True)
