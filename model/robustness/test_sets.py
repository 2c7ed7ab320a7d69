"""Public vs private test sets: does the open-weights lag differ on contamination-resistant benchmarks?

Håvard Ihle reports 8-10 months on private benchmarks against 4-6 on public ones (a ratio near 1.7-1.9). Here each
class (``data/benchmark_classes.csv``: public; private or held out) gets its own partially pooled fit through the one
fit path, and the population's lag now is compared: both lags with their intervals, the ratio private / public and
P(private lag > public lag). The two fits are independent, so their draws are paired at random (seeded).

Only classified benchmarks with data enter; the two classes can end on different dates, which the table shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.errors import DataError

#: The two groups compared: published test sets, and those kept private or held out.
CLASS_GROUPS = {"public": ("public",), "private or held out": ("private", "held_out")}


def class_members(benchmarks: pd.DataFrame) -> dict[str, list[str]]:
    """The benchmarks of a catalogue in each class group (classified ones only; composites and legacy included only
    if classified)."""
    from model.data.catalog import benchmark_classes

    classes = benchmark_classes().set_index("benchmark")["test_set"]
    have = [b for b in benchmarks["benchmark"] if b in classes.index]
    return {group: [b for b in have if classes[b] in sets] for group, sets in CLASS_GROUPS.items()}


@dataclass
class ClassComparison:
    """Per class: its pooled population's lag now and slope; and the private / public ratio of the lag now."""

    table: pd.DataFrame
    ratio: dict[str, float]
    notes: list[str]

    def sentence(self) -> str:
        r = self.ratio
        return (f"The lag now on private or held-out test sets is {r['median']:.2f}× that on public ones "
                f"(90% interval {r['lo90']:.2f}–{r['hi90']:.2f}); P(private lag > public lag) = "
                f"{_pct(r['p_private_longer'])}. Diagnostics: "
                + "; ".join(f"{row['class']} fit {row['verdict']}" for _, row in self.table.iterrows()) + ".")


def _pct(p: float) -> str:
    from model.core.text import fmt_prob

    return fmt_prob(p)


def compare_classes(ds, settings, *, seed: int = 0) -> ClassComparison:
    """Fit each class group with partial pooling (``settings`` give the window, definition, groups and sampler; the
    benchmarks come from the classes) and compare the populations' lag now."""
    from model.analysis import run_analysis

    members = class_members(ds.benchmarks)
    for group, names in members.items():  # checked before any fit
        if len(names) < 2:
            raise DataError(f"Too few classified benchmarks for the {group} class in this data set ({len(names)}); "
                            "the classes are in data/benchmark_classes.csv (mostly Epoch benchmarks: use the Epoch source).")
    rows, lag_draws, notes = [], {}, []
    for group, names in members.items():
        result = run_analysis(ds, settings.model_copy(update={"benchmarks": names, "pooling": "partial",
                                                              "model": "linear"}))
        fit = result.fits["pooled"]
        alpha, beta = fit.parameter_draws("population")
        lag_draws[group] = np.asarray(alpha, dtype=float)
        pop = result.summary.set_index("benchmark").loc["population"]
        fitted = [n for n in result.summary["benchmark"] if n not in ("population", "new benchmark")]
        rows.append({"class": group, "benchmarks": len(fitted), "benchmark_ids": ", ".join(fitted),
                     "lag_now_median": float(np.median(alpha)), "lag_now_lo90": float(np.quantile(alpha, 0.05)),
                     "lag_now_hi90": float(np.quantile(alpha, 0.95)), "slope_median": float(np.median(beta)),
                     "reference_date": pop["reference_date"], "verdict": pop["verdict"]})
        notes += [f"{group}: {n}" for n in result.notes]
    rng = np.random.default_rng(seed)
    public, private = lag_draws["public"], lag_draws["private or held out"]
    n = min(len(public), len(private))
    public, private = rng.permutation(public)[:n], rng.permutation(private)[:n]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = private / public
    ok = np.isfinite(ratio) & (public > 0)
    summary = {"median": float(np.median(ratio[ok])), "lo90": float(np.quantile(ratio[ok], 0.05)),
               "hi90": float(np.quantile(ratio[ok], 0.95)), "p_private_longer": float(np.mean(private > public)),
               "p_public_not_positive": float(np.mean(public <= 0))}
    if summary["p_public_not_positive"] > 0.01:
        notes.append(f"In {_pct(summary['p_public_not_positive'])} of the draws the public lag is at or below zero; the "
                     "ratio leaves those draws out, so read P(private lag > public lag) first.")
    return ClassComparison(pd.DataFrame(rows), summary, notes)
