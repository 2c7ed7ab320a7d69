"""What counts as "open": the open definitions, licence classes and per-model overrides.

Two definitions are offered:

``any`` (the default)
    Any model whose weights can be downloaded, whatever the licence. This is the
    question most readers ask ("can I run it myself?") and matches AA's
    ``is_open_weights`` flag and Epoch's "Open weights (...)" categories.
``permissive``
    Only licences without use restrictions or a non-commercial clause (Apache,
    MIT, BSD, OpenMDW, CC-BY, Epoch's "Open weights (unrestricted)"). Llama,
    Gemma, DeepSeek-style community licences and NC licences are excluded; models
    excluded this way leave the analysis (they are neither open nor closed).

The licence-name patterns live in ``data/licence_classes.csv`` so that a reader
can audit them without reading code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.paths import DATA_DIR

OPEN_DEFINITIONS = ("any", "permissive")
LICENCE_CLASSES = ("permissive", "restricted", "non_commercial", "unknown")


@lru_cache(maxsize=1)
def _licence_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    table = pd.read_csv(DATA_DIR / "licence_classes.csv")
    return tuple((re.compile(p, re.IGNORECASE), c) for p, c in zip(table["pattern"], table["licence_class"], strict=False))


def licence_class(openness: str | None) -> str:
    """Classify a licence name or Epoch accessibility category (first matching pattern wins)."""
    text = (openness or "").strip()
    if not text:
        return "unknown"
    for pattern, cls in _licence_patterns():
        if pattern.search(text):
            return cls
    return "unknown"


def open_groups(scores: pd.DataFrame, open_definition: str = "any") -> pd.Series:
    """Return the group of each row: ``"open"``, ``"closed"`` or ``"excluded"``.

    Under ``permissive``, open models whose licence is not permissive are
    ``"excluded"``: calling them closed would put them on the leader side.
    """
    if open_definition not in OPEN_DEFINITIONS:
        raise DataError(f"Unknown open definition {open_definition!r}; use one of {', '.join(OPEN_DEFINITIONS)}.")
    group = pd.Series("closed", index=scores.index, dtype=object)
    is_open = scores["open_weights"].astype(bool)
    group[is_open] = "open"
    if open_definition == "permissive":
        classes = scores.loc[is_open, "openness"].astype("string").fillna("").map(licence_class)
        group[classes.index[classes != "permissive"]] = "excluded"
    return group


#: Spellings an overrides file may use for the open flag.
OVERRIDE_TRUE = frozenset({"true", "1", "yes", "open", "1.0"})
OVERRIDE_FALSE = frozenset({"false", "0", "no", "closed", "0.0"})


def load_overrides(path: Path | None = None) -> pd.DataFrame:
    """The shipped table of known corrections to open/closed flags."""
    return pd.read_csv(path or DATA_DIR / "open_overrides.csv", dtype={"model_id": "string"})


def apply_overrides(scores: pd.DataFrame, overrides: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Return a copy of ``scores`` with ``open_weights`` (and ``openness``) overridden.

    ``overrides`` needs ``model_id`` and ``open_weights``; ``openness`` and
    ``source`` columns, when given, restrict and enrich the match. Returns the
    new frame and the number of rows changed.
    """
    if overrides is None or overrides.empty:
        return scores, 0
    if not {"model_id", "open_weights"} <= set(overrides.columns):
        raise DataError("Overrides need the columns model_id and open_weights.")
    out = scores.copy()
    ov = overrides.dropna(subset=["model_id"])
    if "source" in ov:
        ov = ov[ov["source"].isna() | ov["source"].isin(out["source"].unique())]
    text = ov["open_weights"].map(lambda v: str(v).strip().lower())
    unknown = ~text.isin(OVERRIDE_TRUE | OVERRIDE_FALSE)
    if unknown.any():
        first = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"Overrides, row {first + 1}: open_weights {str(ov['open_weights'].iloc[first])[:20]!r} is not "
                        "one of true/false, yes/no, 1/0, open/closed.")
    flag = text.isin(OVERRIDE_TRUE)
    new_open = dict(zip(ov["model_id"].astype(str), flag, strict=False))
    hit = out["model_id"].astype(str).isin(new_open)
    before = out.loc[hit, "open_weights"].copy()
    out.loc[hit, "open_weights"] = out.loc[hit, "model_id"].astype(str).map(new_open).astype(bool)
    if "openness" in ov:
        new_openness = {k: v for k, v in zip(ov["model_id"].astype(str), ov["openness"],
                                             strict=False) if isinstance(v, str) and v}
        mask = hit & out["model_id"].astype(str).isin(new_openness)
        out.loc[mask, "openness"] = out.loc[mask, "model_id"].astype(str).map(new_openness)
    changed = int((before != out.loc[hit, "open_weights"]).sum())
    return out, changed
