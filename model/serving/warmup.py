"""The first views, fitted ahead of the first visitor (``python -m model.serving.warmup``: the server starts it once, as a
low-priority process).

Per-benchmark fits use the compile-free engine (:mod:`model.bayes.importance`); the one default view that still needs
NUTS, and so a compile, is the Pooled page's partial-pooling fit. The warm-up fits Trend fit's and Pooled's default
views through the disk store (:mod:`model.serving.stored_results`): after the first server start on a machine, a new server
(or session) reads them back instead of fitting.
"""

from __future__ import annotations

import logging

from model.robustness.windows import ANSWER_START

log = logging.getLogger(__name__)


DEFAULT_POOLED_START = ANSWER_START  # the answer and the pooled default share one window (model.robustness.windows)


def default_pooled_settings(ds, source: str = "aa"):
    """The Pooled page's default fit: the pooled answer (:func:`model.robustness.windows.pooled_answer_settings`)."""
    from model.robustness.windows import pooled_answer_settings

    return pooled_answer_settings(ds, source)


def default_views(ds, source: str = "aa") -> list:
    """The settings of the default views: Trend fit's, then Pooled's."""
    from model.analysis import FitSettings

    return [FitSettings(source=source), default_pooled_settings(ds, source)]


def warm_common_models() -> list[str]:
    """Fit (or read back) the default views on the embedded AA data, storing them; returns their cache keys.
    Never raises: the warm-up is best effort, the real fit reports real errors."""
    from model.data.embedded import load_embedded
    from model.serving.stored_results import run_analysis_stored

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
