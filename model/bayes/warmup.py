"""Compile the most used model structures ahead of the first fit (run in a background thread)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm_common_models() -> list[tuple]:
    """Compile the default per-benchmark structures; returns the keys compiled. Never raises."""
    from model.bayes.engine import compiled_model

    keys = [("single", "linear", "normal", 32), ("single", "constant", "normal", 32), ("single", "linear_ar1", "normal", 32),
            ("single", "changepoint", "normal", 32), ("single", "linear", "student", 32)]
    done = []
    for key in keys:
        try:
            compiled_model(key)
            done.append(key)
        except Exception:  # warm-up is best effort; the real fit reports real errors
            log.exception("warm-up of %s failed", key)
    return done
