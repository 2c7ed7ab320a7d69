"""Compile the most used model structures ahead of the first fit (run in a background thread)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

#: The structures a first visitor is most likely to fit: every model on a short series, and Student-t linear.
COMMON = (("linear", "normal"), ("constant", "normal"), ("linear_ar1", "normal"), ("changepoint", "normal"),
          ("linear", "student"))


def warm_common_models() -> list[tuple]:
    """Compile the default per-benchmark structures; returns the keys compiled. Never raises."""
    from model.bayes import engine
    from model.bayes.trends import series_model

    done = []
    for name, likelihood in COMMON:
        model = series_model(name)
        key = model.structure_key(likelihood, 32)
        try:
            engine.compiled_model(key, lambda model=model, likelihood=likelihood, size=key[-1]: model.build(likelihood, size))
            done.append(key)
        except Exception:  # warm-up is best effort; the real fit reports real errors
            log.exception("warm-up of %s failed", key)
    return done
