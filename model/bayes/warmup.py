"""Compile the NUTS structure a first visitor is most likely to need, ahead of the first fit (a background thread).

Per-benchmark fits use the compile-free engine (:mod:`model.bayes.importance`); the one common fit that still compiles is
the Pooled page's default partial-pooling fit across the first AA benchmarks.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def default_pooled_benchmarks(benchmarks) -> list[str]:
    """The Pooled page's default set: the first 20 benchmarks of the catalogue."""
    return list(benchmarks["benchmark"])[:20]


def pooled_default_key(ds) -> tuple:
    """The structure key of the Pooled page's default fit on ``ds`` (the page's default observations and groups)."""
    from model.bayes.observations import pooled_observations
    from model.bayes.pooled import PooledTrend

    pooled, _ = pooled_observations(ds.scores, default_pooled_benchmarks(ds.benchmarks), benchmarks=ds.benchmarks,
                                    measurement_error=True)
    return PooledTrend(False).structure_key("normal", len(pooled.series), len(pooled.group))


def warm_common_models() -> list[tuple]:
    """Compile the Pooled page's default structure on the embedded AA data; returns the keys compiled. Never raises."""
    from model.bayes import engine
    from model.bayes.pooled import PooledTrend
    from model.data.embedded import load_embedded

    try:
        key = pooled_default_key(load_embedded("aa"))
        engine.compiled_model(key, lambda: PooledTrend(False).build(key[1], key[2], key[3]))
        return [key]
    except Exception:  # warm-up is best effort; the real fit reports real errors
        log.exception("warm-up failed")
        return []
