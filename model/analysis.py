"""The one fit path: settings in, fits and a summary table out.

The Trend fit, Pooled and Compare pages, the CLI (``python -m model fit``), the multiverse and the
backtests all call :func:`run_analysis` with a :class:`FitSettings`. The settings serialise to JSON, so
``python -m model fit --settings FILE`` reproduces a page's fit, and a posterior file written by
``--netcdf`` carries them (see :mod:`model.outputs.posterior_files`).

The pooling choice picks a *design* from :data:`DESIGNS`: each benchmark on its own, partial pooling
across benchmarks, or one trend through the across-benchmark mean (complete pooling).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model.bayes.model_choices import FIT_MODELS, MODEL_CHOICES, ModelChoice
from model.bayes.observations import OBSERVATION_KINDS, benchmark_observations, mean_observations, pooled_observations
from model.bayes.priors import PoolingPriors, TrendPriors
from model.bayes.sampling import ENGINES, SamplerSettings
from model.bayes.trends import LIKELIHOODS, STACKED  # noqa: F401 (the fit path names the combination too)
from model.core.errors import DataError
from model.core.limits import MAX_BENCHMARKS_PER_FIT, MAX_CHAINS, MAX_DRAWS, MAX_FIT_SECONDS, MAX_SEED, MIN_DRAWS, fit_time_limit
from model.core.text import unknown_names
from model.data.dataset import Dataset
from model.data.openness import OPEN_DEFINITIONS
from model.lags.definitions import DEFINITIONS
from model.lags.groups import DEFAULT_FOLLOWER, DEFAULT_LEADER, group_labels

if TYPE_CHECKING:  # the samplers load on the first fit, not with the settings (the answer page needs only these)
    from model.bayes.fitting import FitSpec, TrendFit

POOLINGS = ("none", "partial", "complete")
#: The settings every page shares (the Data page and the sidebar set them); a page's fit always carries them.
SHARED_FIELDS = ("source", "open_definition", "tolerance", "include_estimated", "lag_definition", "follower", "leader")




class FitSettings(BaseModel):
    """Everything that defines a fit. Defaults are the app's defaults."""

    model_config = ConfigDict(extra="forbid")

    source: str = "aa"
    benchmarks: list[str] = Field(default_factory=lambda: ["intelligence_index_2026_10_10"])  # the newest index version
    model: Literal[FIT_MODELS] = "linear"
    likelihood: Literal[LIKELIHOODS] = "normal"
    observations: Literal[OBSERVATION_KINDS] = "events"
    start: str | None = None
    end: str | None = None
    pooling: Literal[POOLINGS] = "none"
    correlated: bool = False
    open_definition: Literal[OPEN_DEFINITIONS] = "any"
    #: How the lag is measured (model.lags.definitions); other than backward: event observations only.
    lag_definition: Literal[DEFINITIONS] = "backward"
    tolerance: float = Field(0.0, ge=0)
    #: Who trails whom (model.lags.groups filters): the follower and the leader group; open vs closed by default.
    follower: str = Field(DEFAULT_FOLLOWER, min_length=1, max_length=200)
    leader: str = Field(DEFAULT_LEADER, min_length=1, max_length=200)
    #: Add each lag's measurement error from score uncertainty to the model's noise (where scores have errors).
    measurement_error: bool = True
    include_estimated: bool = True
    priors: TrendPriors = Field(default_factory=TrendPriors)
    pooling_priors: PoolingPriors = Field(default_factory=PoolingPriors)
    draws: int = Field(1000, ge=MIN_DRAWS, le=MAX_DRAWS)
    tune: int = Field(500, ge=MIN_DRAWS, le=MAX_DRAWS)
    chains: int = Field(4, ge=1, le=MAX_CHAINS)
    seed: int = Field(1, ge=0, lt=MAX_SEED)
    #: The fit's time limit: not part of what the fit computes (:meth:`cache_key` leaves it out).
    max_seconds: float = Field(default_factory=fit_time_limit, gt=0, le=MAX_FIT_SECONDS)
    #: "auto": the compile-free importance engine where it is reliable, NUTS otherwise; "nuts": always NUTS.
    engine: Literal[ENGINES] = "auto"

    @field_validator("benchmarks")
    @classmethod
    def _distinct_benchmarks(cls, names: list[str]) -> list[str]:
        """The same benchmark twice is fitted once; more than the cap is refused."""
        names = list(dict.fromkeys(str(n) for n in names))
        if not names:
            raise ValueError("name at least one benchmark")
        if len(names) > MAX_BENCHMARKS_PER_FIT:
            raise ValueError(f"at most {MAX_BENCHMARKS_PER_FIT} benchmarks per fit")
        return names

    @model_validator(mode="after")
    def _design_fits_the_model(self) -> FitSettings:
        """Partial pooling fits a line across benchmarks (or mixes its two structures): any other model would be
        silently fitted as the line."""
        if self.pooling == "partial" and self.model != "linear" and not self.choice.combines:
            raise ValueError(f"partial pooling fits the linear trend (or the stacked mix of its structures), not {self.model}")
        return self

    @property
    def choice(self) -> ModelChoice:
        """The capabilities of this fit's model setting (one model, or a combination)."""
        return MODEL_CHOICES[self.model]

    def sampler(self, target_accept: float = 0.95) -> SamplerSettings:
        """The sampler settings of this fit (the pooled design asks for 0.95)."""
        return SamplerSettings(draws=self.draws, tune=self.tune, chains=self.chains, seed=self.seed, target_accept=target_accept,
                               max_seconds=self.max_seconds, engine=self.engine)

    def to_json(self) -> str:
        """The settings as indented JSON (what ``--settings FILE`` reads)."""
        return self.model_dump_json(indent=2)

    def cache_key(self) -> str:
        """JSON of only what changes this fit's result: pooling hyperpriors do not matter to an unpooled fit,
        nor trend priors to a partially pooled one (so a hyperprior slider reuses the cached unpooled fits), nor the
        time limit to any (a fit that finishes is the same fit whatever its limit)."""
        return self.model_dump_json(exclude={"source", "max_seconds"} | DESIGNS[self.pooling].ignores)

    @classmethod
    def from_shared(cls, shared, form: Mapping | None = None, **choices) -> FitSettings:
        """The settings of a page's fit: the app's defaults, then the page's own form (``form``), then the settings
        every page shares (:data:`SHARED_FIELDS`: data source, open/closed rule, tolerance, estimated values, lag
        definition, who trails whom), then what the page chose (``choices``). Every page builds its fit this way, so
        no page can drop a shared setting."""
        shared = shared.model_dump() if hasattr(shared, "model_dump") else shared  # the UI's typed settings, or a mapping
        values = {**cls().model_dump(), **(form or {})}
        values.update({k: shared[k] for k in SHARED_FIELDS if k in shared})
        values.update(choices)
        return cls.model_validate(values)

    @classmethod
    def from_json(cls, text: str) -> FitSettings:
        """Validated settings from JSON; anything invalid is one :class:`DataError` line."""
        try:
            return cls.model_validate(json.loads(text))
        except RecursionError:
            raise DataError("Invalid settings file: nested too deeply to be a settings file.") from None
        except (json.JSONDecodeError, ValueError) as exc:
            first = str(exc).splitlines()
            raise DataError("Invalid settings file: " + (" ".join(first[:3]) if first else "unreadable")) from None


@dataclass
class AnalysisResult:
    """What one run of the fit path produced: the settings, the summary table, the fits by name, notes."""

    settings: FitSettings
    summary: pd.DataFrame
    fits: dict[str, TrendFit] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


#: Stored posteriors by fit name (from posterior files): used instead of sampling when given.
Traces = dict[str, object]


def _groups(ds: Dataset, settings: FitSettings):
    """The follower/leader labels of ``settings`` on ``ds`` and their notes, computed once per data set and groups (a
    custom filter costs about 50 ms over the embedded data; an unpooled fit of every benchmark asked 28 times)."""
    memo = ds.__dict__.setdefault("_group_labels", {})  # on the data set, as its content hash is
    key = (settings.follower, settings.leader, settings.open_definition)
    scores, labels = memo.get(key, (None, None))
    if scores is not ds.scores:  # computed for these very tables (the entry holds them, so no other can be mistaken)
        labels = group_labels(ds.scores, settings.follower, settings.leader, settings.open_definition)
        memo.clear()  # one entry is enough: a run asks for one set of groups
        memo[key] = (ds.scores, labels)
    return labels


def observations_for(ds: Dataset, settings: FitSettings, benchmark: str | None = None):
    """The observations a fit of ``settings`` is given: the only way the fit path builds them.

    Every consumer (:func:`run_analysis`, the CLI's ``compare``, Trend fit's model comparison, the warm-up, the
    multiverse, the backtests) calls this, so the same settings always give the same lags: the window, the open/closed
    rule, the groups, the lag definition, the tolerance, the observation kind and the score errors. Per benchmark
    (``benchmark``, default the first named) for an unpooled fit; :class:`PooledObservations` (with notes on benchmarks
    left out) for partial pooling; the across-benchmark mean series for complete pooling."""
    groups, _ = _groups(ds, settings)
    window = dict(benchmarks=ds.benchmarks, open_definition=settings.open_definition, tolerance=settings.tolerance,
                  start=settings.start, end=settings.end, groups=groups)
    measured = dict(kind=settings.observations, lag_definition=settings.lag_definition,
                    measurement_error=settings.measurement_error)
    if settings.pooling == "partial":
        pooled, notes = pooled_observations(ds.scores, benchmark_names(ds, settings), **measured, **window)
        return replace(pooled, notes=tuple(notes))
    if settings.pooling == "complete":
        if settings.lag_definition != "backward":
            raise DataError("Complete pooling averages the monthly backward lag; choose the backward definition for it.")
        return mean_observations(ds.scores, benchmark_names(ds, settings), **window)
    return benchmark_observations(ds.scores, benchmark or benchmark_names(ds, settings)[0], **measured, **window)


def _series_spec(settings: FitSettings) -> FitSpec:
    """The spec of a one-series fit (a combining design fits every member with the same likelihood, priors and
    sampler)."""
    from model.bayes.fitting import FitSpec

    return FitSpec(model=settings.choice.preview_model, likelihood=settings.likelihood, priors=settings.priors,
                   sampler=settings.sampler())


def fit_observations(obs, settings: FitSettings, *, trace=None, pooling: str = "none", progress=None) -> TrendFit:
    """Fit one series of observations (from :func:`observations_for`) with the model, likelihood, priors and sampler
    of ``settings``: the fit step every consumer shares."""
    from model.bayes.fitting import fit_trend
    from model.bayes.stacking import fit_stacked

    if settings.choice.combines:
        return fit_stacked(obs, _series_spec(settings), pooling=pooling, progress=progress)
    return fit_trend(obs, _series_spec(settings), pooling=pooling, trace=trace)


def _fit_each(ds: Dataset, settings: FitSettings, names: list[str], traces: Traces, progress=None) -> tuple[dict, list[str]]:
    """Each benchmark on its own; with several, a benchmark that cannot be fitted becomes a note."""
    fits, notes = {}, []
    for name in names:
        try:
            fits[name] = fit_observations(observations_for(ds, settings, name), settings, trace=traces.get(name),
                                          progress=progress)
        except DataError as exc:
            if len(names) == 1:
                raise
            notes.append(f"{name}: {exc}")
    if not fits:
        raise DataError("No benchmark could be fitted. " + " ".join(notes)[:300])
    return fits, notes


def _fit_partial(ds: Dataset, settings: FitSettings, names: list[str], traces: Traces, progress=None) -> tuple[dict, list[str]]:
    """Partial pooling across the benchmarks (benchmarks with too few observations are left out, with a note)."""
    from model.bayes.fitting import PooledSpec, fit_pooled
    from model.bayes.stacking_pooled import fit_pooled_stacked

    pooled = observations_for(ds, settings)
    spec = PooledSpec(likelihood=settings.likelihood, correlated=settings.correlated, priors=settings.pooling_priors,
                      sampler=settings.sampler(0.95))
    if settings.choice.combines:  # both pooled structures, mixed by their weights (model.bayes.stacking)
        return {"pooled": fit_pooled_stacked(pooled, spec)}, list(pooled.notes)
    return {"pooled": fit_pooled(pooled, spec, trace=traces.get("pooled"))}, list(pooled.notes)


def _fit_complete(ds: Dataset, settings: FitSettings, names: list[str], traces: Traces,
                  progress=None) -> tuple[dict, list[str]]:
    """One trend through the across-benchmark mean lag (the June 2026 analysis's series)."""
    obs = observations_for(ds, settings)
    return {"complete": fit_observations(obs, settings, trace=traces.get("complete"), pooling="complete",
                                         progress=progress)}, []


@dataclass(frozen=True)
class Design:
    """How one pooling choice turns data into fits, and which settings cannot change its result."""

    run: Callable[..., tuple[dict, list[str]]]  # (dataset, settings, names, traces, progress) -> (fits, notes)
    ignores: frozenset[str]


DESIGNS: dict[str, Design] = {
    "none": Design(_fit_each, frozenset({"pooling_priors", "correlated"})),
    "partial": Design(_fit_partial, frozenset({"priors"})),  # a combining model mixes the pooled structures
    "complete": Design(_fit_complete, frozenset({"pooling_priors", "correlated"})),
}


def benchmark_names(ds: Dataset, settings: FitSettings) -> list[str]:
    """The benchmarks the settings name ("all" = every benchmark of the data set); unknown ones are an error."""
    names = list(settings.benchmarks)
    if names == ["all"]:
        names = list(ds.benchmarks["benchmark"])
    if message := unknown_names(names, sorted(ds.scores["benchmark"].unique()), "benchmark"):  # unique(): no Python loop
        raise DataError(message[0].upper() + message[1:] + ".")
    if len(names) > MAX_BENCHMARKS_PER_FIT:  # "all" of a large upload: the same cap as a list
        raise DataError(f"This data set has {len(names)} benchmarks; a fit takes at most {MAX_BENCHMARKS_PER_FIT}: name "
                        "them, or choose a category.")
    return names


def run_analysis(ds: Dataset, settings: FitSettings, *, traces: Traces | None = None, progress=None) -> AnalysisResult:
    """Fit what ``settings`` say on ``ds``; raise :class:`DataError` when nothing can be fitted.

    ``traces`` (stored posteriors by fit name) replace sampling, for summaries of saved fits. ``progress(done, total,
    name)`` hears as the members of a stacked fit finish."""
    if traces and not settings.choice.one_posterior:
        raise DataError("A posterior file holds one model's draws; a stacked fit is refitted from its settings.")
    from model.bayes.summaries import SUMMARY_COLUMNS, summarise_fit

    _, group_notes = _groups(ds, settings)
    fits, notes = DESIGNS[settings.pooling].run(ds, settings, benchmark_names(ds, settings), traces or {}, progress)
    notes = group_notes + notes
    rows = [summarise_fit(fit, data_source=settings.source, snapshot_date=ds.snapshot_date) for fit in fits.values()]
    summary = pd.concat(rows, ignore_index=True)[SUMMARY_COLUMNS]
    summary["groups"] = f"{settings.follower} vs {settings.leader}"  # who trails whom, as the filters say it
    return AnalysisResult(settings, summary, fits, notes)


