"""Sampler diagnostics and a plain-language verdict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RHAT_OK, RHAT_BAD = 1.01, 1.05
ESS_OK, ESS_BAD = 400, 100


@dataclass(frozen=True)
class Diagnostics:
    """Sampler diagnostics of one fit and their plain verdict."""

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    n_draws: int
    verdict: str
    #: "nuts", "importance" (the compile-free engine), or "nuts (…)" saying why the fast engine declined.
    engine: str = "nuts"
    #: Pareto k of the importance weights (importance engine only).
    pareto_k: float = float("nan")

    @property
    def trustworthy(self) -> bool:
        """True when nothing in the diagnostics calls for caution."""
        return self.verdict == "trustworthy"

    def as_dict(self) -> dict:
        """The diagnostics as summary-table columns."""
        return {"rhat_max": self.rhat_max, "ess_bulk_min": self.ess_bulk_min, "ess_tail_min": self.ess_tail_min,
                "divergences": self.divergences, "verdict": self.verdict, "engine": self.engine, "pareto_k": self.pareto_k}

    @property
    def by_importance(self) -> bool:
        """True when the compile-free engine made these draws (they are resampled, not chains)."""
        return self.engine == "importance"


def verdict(rhat_max: float, ess_bulk_min: float, ess_tail_min: float, divergences: int) -> str:
    """"trustworthy", "caution: …" or "do not trust: …", with what to try."""
    bad, caution = [], []
    if divergences > 0:
        bad.append(f"{divergences} divergence{'s' if divergences > 1 else ''} — try a Student-t likelihood, tighter priors, "
                   "or a simpler model")
    if not np.isfinite(rhat_max) or rhat_max > RHAT_BAD:
        bad.append(f"R-hat {rhat_max:.3f} > {RHAT_BAD} — chains disagree; run more draws or simplify the model")
    elif rhat_max > RHAT_OK:
        caution.append(f"R-hat {rhat_max:.3f} > {RHAT_OK}")
    ess = min(ess_bulk_min, ess_tail_min)
    if not np.isfinite(ess) or ess < ESS_BAD:
        bad.append(f"effective sample size {ess:.0f} < {ESS_BAD} — run more draws")
    elif ess < ESS_OK:
        caution.append(f"effective sample size {ess:.0f} < {ESS_OK}; intervals are rough")
    if bad:
        return "do not trust: " + "; ".join(bad)
    if caution:
        return "caution: " + "; ".join(caution)
    return "trustworthy"


def importance_verdict(pareto_k: float, ess: float) -> str:
    """The verdict on importance-sampled draws: the Pareto k of the weights and their effective sample size
    (k above 0.7 never gets here: NUTS takes over)."""
    caution = []
    if pareto_k > 0.5:
        caution.append(f"importance weights' Pareto k {pareto_k:.2f} (0.5-0.7): usable, intervals are rough")
    if ess < ESS_OK:
        caution.append(f"effective sample size {ess:.0f} < {ESS_OK}; intervals are rough")
    return "caution: " + "; ".join(caution) if caution else "trustworthy"


def importance_diagnostics(pareto_k: float, ess: float, n_draws: int) -> Diagnostics:
    """Diagnostics of the compile-free engine: no chains (R-hat does not apply), the weights' ESS for both ESS columns."""
    return Diagnostics(float("nan"), ess, ess, 0, n_draws, importance_verdict(pareto_k, ess), "importance", pareto_k)


def diagnose(trace, var_names: list[str], per_group: dict[str, int] | None = None) -> Diagnostics:
    """R-hat (rank-normalised), bulk and tail ESS over ``var_names``, and the divergence count."""
    from arviz_stats import ess, rhat

    names = list(var_names) + list((per_group or {}).keys())
    post = trace.posterior.to_dataset()[names]
    if per_group:  # padded groups carry prior-only draws; keep the real ones
        post = post.assign({k: post[k].isel({post[k].dims[-1]: slice(0, n)}) for k, n in per_group.items()})
    r = rhat(post)
    eb = ess(post, method="bulk")
    et = ess(post, method="tail")

    def extreme(ds, fn):
        vals = [np.asarray(ds[v].values, dtype=float).ravel() for v in ds.data_vars]
        allv = np.concatenate(vals) if vals else np.array([np.nan])
        return float(fn(allv))

    div = int(np.asarray(trace.sample_stats["diverging"].values).sum()) if "sample_stats" in trace.children else 0
    n_draws = int(post.sizes["chain"] * post.sizes["draw"])
    rmax, ebmin, etmin = extreme(r, np.nanmax), extreme(eb, np.nanmin), extreme(et, np.nanmin)
    return Diagnostics(rmax, ebmin, etmin, div, n_draws, verdict(rmax, ebmin, etmin, div))
