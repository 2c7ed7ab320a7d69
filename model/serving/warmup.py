"""The first views, fitted ahead of the first visitor (``python -m model.serving.warmup``: the server starts it once, as a
low-priority process).

Per-benchmark fits use the compile-free engine (:mod:`model.bayes.importance`), pooled fits theirs
(:mod:`model.bayes.pooled_importance`), so no default view needs a compile; the pooled one still takes a second or two,
and NUTS where its engine declines. The warm-up fits Trend fit's and Pooled's default
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


def score_space_default(ds) -> list[str]:
    """The Score space page's default benchmarks in these data (the bounded ones it shows first)."""
    from model.robustness.score_space import DEFAULT_BENCHMARKS

    bounded = [b for b, sc in zip(ds.benchmarks["benchmark"], ds.benchmarks["scale"], strict=True) if ".." in str(sc)]
    return [b for b in DEFAULT_BENCHMARKS if b in bounded] or bounded[:3]


def stored_score_space(ds, benchmark: str, open_definition: str, *, persist: bool = True):
    """One Score space fit through the disk store (the page and the warm-up ask with the same key)."""
    from model.bayes.sampling import SamplerSettings
    from model.robustness.score_space import SAMPLER, ScoreSpaceFit, fit_score_space
    from model.serving.stored_results import stored_view

    key = f"{ds.content_hash}|{benchmark}|{open_definition}|{sorted(SAMPLER.items())}"
    return stored_view("score_space", key, lambda: fit_score_space(
        ds.scores, benchmark, ds.benchmarks, open_definition=open_definition, sampler=SamplerSettings(**SAMPLER)),
        ScoreSpaceFit, persist=persist)


def warm_common_models() -> list[str]:
    """Fit (or read back) the default views on the embedded AA data, storing them: Trend fit's and Pooled's fits, then
    Score space's frontiers. Returns the fits' cache keys and ``score_space:<benchmark>`` for each frontier fit.
    Never raises: the warm-up is best effort, the real fit reports real errors."""
    from model.data.embedded import load_embedded
    from model.serving.stored_results import run_analysis_stored

    done = []
    try:
        ds = load_embedded("aa")
        for settings in default_views(ds):
            run_analysis_stored(ds, settings)
            done.append(settings.cache_key())
        for benchmark in score_space_default(ds):
            stored_score_space(ds, benchmark, "any")
            done.append(f"score_space:{benchmark}")
    except Exception:
        log.exception("warm-up failed")
    return done


if __name__ == "__main__":
    warm_common_models()
