"""The answer page's computed sentences: why two answers differ, and what the June 2026 line predicted against what
happened. Page data, not drawing: the page and the tests read the same strings.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from model.core.text import fmt_prob

#: The published least-squares forecast this project started from (Doubleword's June 2026 analysis of the AA
#: Intelligence Index): a straight line through the monthly lag, zero on this date.
JUNE_2026_LINE = {"predicted_zero": "2026-12-03", "fitted_to": "intelligence_index_2026_06_15",
                  "by": "the June 2026 analysis by Doubleword (least-squares line through the AA Intelligence Index lag)"}


def model_words(settings) -> str:
    """The model of a fit in words."""
    if settings.pooling == "partial":
        return "a straight line per benchmark, partially pooled" + (" (both pooled structures stacked)"
                                                                     if settings.choice.combines else "")
    return "the four trend models stacked" if settings.choice.combines else f"the {settings.model} trend model"


def disagreement_reasons(index_row, index_settings, pop_row, pooled_settings) -> list[str]:
    """Which of model, window, target and direction differ between the headline index's answer and the pooled
    population's, each in one computed clause (the target always differs: that is the point of having both)."""
    reasons = []
    if model_words(index_settings) != model_words(pooled_settings):
        reasons.append(f"model: {model_words(index_settings)} for the index, {model_words(pooled_settings)} across "
                       "benchmarks")
    if (index_settings.start or "") != (pooled_settings.start or ""):
        reasons.append(f"window: from {index_settings.start or 'the data start'} for the index, from "
                       f"{pooled_settings.start or 'the data start'} across benchmarks")
    reasons.append(f"target: one composite index against the population of {len(pooled_settings.benchmarks)} distinct "
                   "evaluations")
    a, b = float(index_row["slope_median"]), float(pop_row["slope_median"])
    if (a < 0) != (b < 0):
        reasons.append(f"direction: the index's lag is {'shrinking' if a < 0 else 'growing'} ({a:+.1f} months a year), "
                       f"the population's is {'shrinking' if b < 0 else 'growing'} ({b:+.1f})")
    return reasons


def disagreement_sentence(index_row, index_settings, pop_row, pooled_settings) -> str | None:
    """One sentence when the two answers' P(zero by end-2027) differ by more than 25 points, naming what differs."""
    p_index, p_pop = float(index_row["p_cross_by_2027_12_31"]), float(pop_row["p_cross_by_2027_12_31"])
    if abs(p_index - p_pop) <= 0.25:
        return None
    return (f"The headline index and a typical benchmark disagree ({fmt_prob(p_index)} against {fmt_prob(p_pop)} for a "
            f"zero gap by the end of 2027). What differs: "
            + "; ".join(disagreement_reasons(index_row, index_settings, pop_row, pooled_settings)) + ".")


def june_line_sentence(monthly: pd.DataFrame, version_name: str, today: dt.date | None = None) -> str:
    """What the June 2026 line predicted and what the lag did since, from the monthly lag of the newest index version
    (``monthly``: date, lag_months, status). The 2026-10 rescale made a separate index version; the line was fitted to
    the 2026-06 one, so the lags since are read on the newest version and the sentence says so."""
    today = today or dt.date.today()
    predicted = pd.Timestamp(JUNE_2026_LINE["predicted_zero"])
    passed = today >= predicted.date()
    since = monthly[(monthly["date"] >= pd.Timestamp("2026-06-01")) & (monthly["status"].isin(["ok", "open_ahead"]))]
    head = (f"{JUNE_2026_LINE['by'][0].upper()}{JUNE_2026_LINE['by'][1:]} predicted a zero gap on "
            f"{predicted.date()}; that date has {'passed' if passed else 'not come yet'} (today {today}).")
    if since.empty:
        return head + " The data hold no measured lag since June 2026."
    first, last = since.iloc[0], since.iloc[-1]
    zero = since[since["lag_months"] <= 0]
    what = ("the open frontier reached the closed one in " + f"{zero['date'].iloc[0]:%Y-%m}" if len(zero)
            else f"the measured lag was {first['lag_months']:.1f} months in {first['date']:%Y-%m} and "
                 f"{last['lag_months']:.1f} months in {last['date']:%Y-%m}, the last month of the data (lowest since: "
                 f"{since['lag_months'].min():.1f})")
    return (head + f" On {version_name} (the index as rescaled in October 2026: a separate version from the one the "
            f"line was fitted to), {what}.")


def answer_summary(record: dict, index_name: str) -> list[str]:
    """The answer page's sentences in plain text, from the precomputed answer record (``data/first_view.json``): the
    index's forecast with its window and evidence, the window spread, the typical benchmark, and why they differ."""
    from model.analysis import STACKED, FitSettings
    from model.presentation.readings import crossing_month, too_few_for_a_trend
    from model.robustness.windows import ANSWER_START_RULE, spread_sentence

    row, settings = record[STACKED], FitSettings.model_validate(record["settings"])
    few = too_few_for_a_trend(row)
    out = [f"The headline index ({index_name}), window {ANSWER_START_RULE}: "
           + (f"no date, {few}." if few else
              f"the zero gap most likely between {crossing_month(row, 'crossing_lo90')} and "
              f"{crossing_month(row, 'crossing_hi90')} (median {crossing_month(row, 'crossing_median')}); chance it is "
              f"zero by the end of 2027 {fmt_prob(row['p_cross_by_2027_12_31'])}, that it never closes on this trend "
              f"{fmt_prob(row['p_never'])}. Model weights: {row['stack_weights']} ({row.get('stack_evidence', '')}).")]
    if record.get("sensitivity"):
        out.append(spread_sentence(pd.DataFrame(record["sensitivity"])))
    if record.get("pooled"):
        pop = record["pooled"]
        pooled_settings = FitSettings.model_validate(record["pooled_settings"])
        out.append(f"A typical benchmark (the population of {len(pooled_settings.benchmarks)} distinct evaluations, "
                   f"pooled, same window): lag now {pop['current_lag_median']:.1f} months, changing by "
                   f"{pop['slope_median']:+.1f} months a year; chance of a zero gap by the end of 2027 "
                   f"{fmt_prob(pop['p_cross_by_2027_12_31'])}, never on this trend {fmt_prob(pop['p_never'])}.")
        why = disagreement_sentence(row, settings, pop, pooled_settings)
        if why:
            out.append(why)
    return out
