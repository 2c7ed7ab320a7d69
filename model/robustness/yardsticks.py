"""The yardstick as a finding: the lag now, its direction and P(zero gap by the end of 2027) by family of measures.

The same question gets different answers on different yardsticks: AA's public composite index, AA's component
benchmarks taken together, contamination-resistant (private or held-out) test sets, Epoch's capability index (ECI) and
training compute. Each family is fitted through the one fit path on the answer's window, with its definition stated, so
the spread between families is shown as a result rather than hidden behind one number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.bayes.trends import STACKED
from model.core.errors import DataError


@dataclass(frozen=True)
class Family:
    """One yardstick: its name, what it measures, and how to fit it (a source and a settings update)."""

    name: str
    definition: str
    source: str
    update: dict
    target: str | None = None  # the summary row to read ("population" for pooled families)


def families(aa, epoch_benchmarks: pd.DataFrame) -> tuple[Family, ...]:
    """The families, with the AA set of the pooled answer (each distinct evaluation once, enough lags in the window)
    and the private set from the Epoch benchmarks classified private or held out."""
    from model.robustness.test_sets import class_members
    from model.robustness.windows import pooled_answer_settings

    components = pooled_answer_settings(aa).benchmarks
    private = class_members(epoch_benchmarks)["private or held out"]
    return (
        Family("AA Intelligence Index (public composite)", "backward lag of the newest index version; the four trend "
               "models stacked", "aa", {"benchmarks": ["intelligence_index_2026_10_10"], "model": STACKED}),
        Family("AA component benchmarks, pooled", f"backward lags of {len(components)} distinct AA evaluations; linear "
               "trends, partially pooled (the population)", "aa",
               {"benchmarks": components, "pooling": "partial", "model": "linear"}, "population"),
        Family("Private and held-out test sets, pooled", "monthly backward lags of the Epoch benchmarks kept private or "
               "held out (data/benchmark_classes.csv; too few open records since the window start for event lags); "
               "linear trends, partially pooled", "epoch",
               {"benchmarks": private or ["epoch_frontiermath"], "pooling": "partial", "model": "linear",
                "observations": "monthly"}, "population"),
        Family("Epoch Capabilities Index (ECI)", "backward lag on Epoch's IRT index of many benchmarks; the four trend "
               "models stacked", "epoch", {"benchmarks": ["epoch_eci"], "model": STACKED}),
        Family("Training compute (Epoch)", "backward lag in log10 training FLOP of notable models: inputs, not "
               "capability; the four trend models stacked", "epoch",
               {"benchmarks": ["epoch_training_compute"], "model": STACKED}),
    )


def yardstick_table(data: dict, settings) -> pd.DataFrame:
    """One row per family: lag now (median and 90%), slope, P(shrinking), P(zero by end-2027), P(never), the verdict
    and the definition. ``data``: datasets by source; ``settings``: the answer's settings (window, groups, priors)."""
    from model.analysis import run_analysis

    rows = []
    for fam in families(data["aa"], data["epoch"].benchmarks):
        ds = data[fam.source]
        fit_settings = settings.model_copy(update={"source": fam.source, "pooling": "none", **fam.update})
        try:
            result = run_analysis(ds, fit_settings)
        except DataError as exc:
            rows.append({"family": fam.name, "definition": fam.definition, "note": str(exc)[:200]})
            continue
        summary = result.summary.set_index("benchmark")
        row = summary.loc[fam.target] if fam.target else summary.iloc[0]
        fit = next(iter(result.fits.values()))
        alpha, _ = fit.parameter_draws("population" if fam.target else None)
        lo, hi = np.quantile(alpha, [0.05, 0.95])
        rows.append({"family": fam.name, "definition": fam.definition, "lag_now_median": float(row["current_lag_median"]),
                     "lag_now_lo90": float(lo), "lag_now_hi90": float(hi), "slope_median": float(row["slope_median"]),
                     "p_slope_negative": float(row["p_slope_negative"]),
                     "p_cross_by_2027_12_31": float(row["p_cross_by_2027_12_31"]), "p_never": float(row["p_never"]),
                     "reference_date": row["reference_date"], "n_benchmarks": len(fit_settings.benchmarks),
                     "verdict": row["verdict"], "note": ""})
    return pd.DataFrame(rows)
