"""The one fit path: settings in, fits and a summary table out.

The Trend fit, Pooled and Compare pages, the CLI (``python -m model fit``), and later the
multiverse and backtests all call :func:`run_analysis` with a :class:`FitSettings`. The
settings serialise to JSON, so ``python -m model fit --settings FILE`` reproduces a page's fit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from model.loaders import Dataset
from model.observations import benchmark_observations, mean_observations, pooled_observations
from model.priors import PoolingPriors, TrendPriors
from model.schema import DataError
from model.summaries import SUMMARY_COLUMNS, summarise_fit
from model.trend import FitSpec, PooledSpec, SamplerSettings, TrendFit, fit_pooled, fit_trend

MAX_DRAWS, MAX_CHAINS = 5000, 8


class FitSettings(BaseModel):
    """Everything that defines a fit. Defaults are the app's defaults."""

    model_config = ConfigDict(extra="forbid")

    source: str = "aa"
    benchmarks: list[str] = Field(default_factory=lambda: ["intelligence_index_2026_06_15"])
    model: Literal["constant", "linear", "linear_ar1", "changepoint"] = "linear"
    likelihood: Literal["normal", "student"] = "normal"
    observations: Literal["events", "monthly"] = "events"
    start: str | None = None
    end: str | None = None
    pooling: Literal["none", "partial", "complete"] = "none"
    correlated: bool = False
    open_definition: Literal["any", "permissive"] = "any"
    tolerance: float = Field(0.0, ge=0)
    include_estimated: bool = True
    priors: TrendPriors = Field(default_factory=TrendPriors)
    pooling_priors: PoolingPriors = Field(default_factory=PoolingPriors)
    draws: int = Field(1000, ge=10, le=MAX_DRAWS)
    tune: int = Field(500, ge=10, le=MAX_DRAWS)
    chains: int = Field(4, ge=1, le=MAX_CHAINS)
    seed: int = 1
    max_seconds: float = Field(120.0, gt=0, le=600)

    def sampler(self, target_accept: float = 0.95) -> SamplerSettings:
        return SamplerSettings(draws=self.draws, tune=self.tune, chains=self.chains, seed=self.seed, target_accept=target_accept,
                               max_seconds=self.max_seconds)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def cache_key(self) -> str:
        """JSON of only what changes this fit's result: pooling hyperpriors do not matter to an unpooled fit,
        nor trend priors to a partially pooled one (so a hyperprior slider reuses the cached unpooled fits)."""
        drop = {"source"}
        if self.pooling == "partial":
            drop |= {"priors", "model"}
        else:
            drop |= {"pooling_priors", "correlated"}
        return self.model_dump_json(exclude=drop)

    @classmethod
    def from_json(cls, text: str) -> FitSettings:
        try:
            return cls.model_validate(json.loads(text))
        except (json.JSONDecodeError, ValueError) as exc:
            first = str(exc).splitlines()
            raise DataError("Invalid settings file: " + (" ".join(first[:3]) if first else "unreadable")) from None


@dataclass
class AnalysisResult:
    settings: FitSettings
    summary: pd.DataFrame
    fits: dict[str, TrendFit] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_analysis(ds: Dataset, settings: FitSettings) -> AnalysisResult:
    """Fit what ``settings`` say on ``ds``; raise :class:`DataError` when nothing can be fitted."""
    names = list(settings.benchmarks)
    if names == ["all"]:
        names = list(ds.benchmarks["benchmark"])
    unknown = sorted(set(names) - set(ds.scores["benchmark"]))
    if unknown:
        raise DataError("Unknown benchmark(s): " + ", ".join(unknown[:5]))
    common = dict(benchmarks=ds.benchmarks, definition=settings.open_definition, tolerance=settings.tolerance)
    src, snap = settings.source, ds.snapshot_date
    if settings.pooling == "partial":
        pooled, notes = pooled_observations(ds.scores, names, kind=settings.observations, start=settings.start,
                                            end=settings.end, **common)
        spec = PooledSpec(likelihood=settings.likelihood, correlated=settings.correlated, priors=settings.pooling_priors,
                          sampler=settings.sampler(0.9))
        fit = fit_pooled(pooled, spec)
        return AnalysisResult(settings, summarise_fit(fit, data_source=src, snapshot_date=snap), {"pooled": fit}, notes)
    spec = FitSpec(model=settings.model, likelihood=settings.likelihood, priors=settings.priors, sampler=settings.sampler())
    if settings.pooling == "complete":
        obs = mean_observations(ds.scores, names, start=settings.start, end=settings.end, **common)
        fit = fit_trend(obs, spec)
        fit.pooling = "complete"
        return AnalysisResult(settings, summarise_fit(fit, data_source=src, snapshot_date=snap), {"complete": fit})
    rows, fits, notes = [], {}, []
    for name in names:
        try:
            obs = benchmark_observations(ds.scores, name, kind=settings.observations, start=settings.start, end=settings.end,
                                         **common)
            fit = fit_trend(obs, spec)
        except DataError as exc:
            if len(names) == 1:
                raise
            notes.append(f"{name}: {exc}")
            continue
        fits[name] = fit
        rows.append(summarise_fit(fit, data_source=src, snapshot_date=snap))
    if not rows:
        raise DataError("No benchmark could be fitted. " + " ".join(notes)[:300])
    return AnalysisResult(settings, pd.concat(rows, ignore_index=True)[SUMMARY_COLUMNS], fits, notes)


def what_changes_the_answer(ds: Dataset, settings: FitSettings, benchmark: str, *,
                            observations=("events", "monthly"),
                            starts=("2023-07-01", "2024-07-01", "2025-01-01")) -> pd.DataFrame:
    """The same fit under each observation choice and start date: one summary row each, labelled.

    Choices that leave too few observations are reported in a ``note`` row instead of failing.
    """
    rows = []
    for kind in observations:
        for start in starts:
            label = f"{kind} from {start[:7]}"
            st = settings.model_copy(update={"benchmarks": [benchmark], "observations": kind, "start": start, "pooling": "none"})
            try:
                table = run_analysis(ds, st).summary
                rows.append(table.assign(choice=label))
            except DataError as exc:
                rows.append(pd.DataFrame({"choice": [label], "benchmark": [benchmark], "verdict": [f"not fitted: {exc}"]}))
    return pd.concat(rows, ignore_index=True)
