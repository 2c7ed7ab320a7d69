"""The first views, fitted ahead of the first visitor (``python -m model.presentation.warmup``: the server starts it once, as a
low-priority process).

Per-benchmark fits use the compile-free engine (:mod:`model.bayes.importance`); the one default view that still needs
NUTS, and so a compile, is the Pooled page's partial-pooling fit. The warm-up fits Trend fit's and Pooled's default
views through the disk store (:mod:`model.presentation.stored_results`): after the first server start on a machine, a new server
(or session) reads them back instead of fitting.
"""

from __future__ import annotations

import logging

from model.robustness.windows import ANSWER_START

log = logging.getLogger(__name__)


def default_pooled_benchmarks(benchmarks) -> list[str]:
    """The Pooled page's default set: each distinct current evaluation once (model.data.catalog.distinct_benchmarks;
    was the catalogue's first 20, which pooled three versions of one index beside its own components)."""
    from model.data.catalog import distinct_benchmarks

    return distinct_benchmarks(benchmarks)


#: Fewest lags in the window for a benchmark of the Pooled page's default set: with fewer, its own noise scale is
#: barely identified and the sampler diverges (apex_agents, 4 lags: 102 divergences in the pooled fit; without it, 0).
MIN_DEFAULT_POOLED_LAGS = 6
DEFAULT_POOLED_START = ANSWER_START  # the answer and the pooled default share one window (model.robustness.windows)


def default_pooled_settings(ds, source: str = "aa"):
    """The Pooled page's default fit: the distinct current evaluations with enough lags since the default start."""
    from model.analysis import FitSettings, observations_for
    from model.core.errors import DataError

    def enough(name: str) -> bool:
        try:
            obs = observations_for(ds, FitSettings(source=source, benchmarks=[name], start=DEFAULT_POOLED_START))
        except DataError:
            return False
        return len(obs) >= MIN_DEFAULT_POOLED_LAGS

    names = [n for n in default_pooled_benchmarks(ds.benchmarks) if enough(n)]
    names = names if len(names) >= 2 else default_pooled_benchmarks(ds.benchmarks)
    return FitSettings(source=source, pooling="partial", benchmarks=names, start=DEFAULT_POOLED_START, draws=1000)


def default_views(ds, source: str = "aa") -> list:
    """The settings of the default views: Trend fit's, then Pooled's."""
    from model.analysis import FitSettings

    return [FitSettings(source=source), default_pooled_settings(ds, source)]


def warm_common_models() -> list[str]:
    """Fit (or read back) the default views on the embedded AA data, storing them; returns their cache keys.
    Never raises: the warm-up is best effort, the real fit reports real errors."""
    from model.data.embedded import load_embedded
    from model.presentation.stored_results import run_analysis_stored

    done = []
    try:
        ds = load_embedded("aa")
        for settings in default_views(ds):
            run_analysis_stored(ds, settings)
            done.append(settings.cache_key())
    except Exception:
        log.exception("warm-up failed")
    return done


if __name__ == "__main__":
    warm_common_models()
