"""Who trails whom: a follower group and a leader group, each a filter on the model table.

The lag engine compares any follower with any leader (``groups`` labels each score row ``"open"`` = follower,
``"closed"`` = leader, anything else = left out); this module turns two filters into those labels.

Filter syntax: terms joined by ``&`` (all must hold), each one of

* ``open`` / ``closed``: openness under the current open definition (``any`` or ``permissive``);
* ``all``: every model;
* ``country=CN`` (ISO 3166 codes; ``country=CN,HK`` either one) and ``country!=CN``;
* ``creator=OpenAI`` (the lab, case-insensitive; ``creator=OpenAI,Anthropic`` either) and ``creator!=Meta``;
* ``licence=permissive`` (the licence class of ``data/licence_classes.csv``: ``permissive``, ``restricted``,
  ``non_commercial`` or ``unknown``; a closed model's is ``unknown``) and ``licence!=permissive``: the openness tiers,
  open source (permissive, OSI-style licences) vs open weights under restrictive terms.

Example: ``--follower "open&country=CN" --leader "closed&country=US"``. :data:`PRESETS` names the common pairs.
A model matching both filters is left out of both (the notes say which). The groups may swap roles over time: where
the follower's frontier is ahead, the date reads ``open_ahead`` (lag 0, the follower leads), exactly as an open model
ahead of every closed one does; ``lead_months`` then says by how much.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from model.core.errors import DataError
from model.data.openness import LICENCE_CLASSES, licence_class, open_groups

#: The common comparisons: name -> (follower filter, leader filter, how a sentence names them).
PRESETS: dict[str, tuple[str, str, str]] = {
    "open_vs_closed": ("open", "closed", "open-weights models trail closed models"),
    "china_open_vs_us_open": ("open&country=CN", "open&country=US", "open models from China trail open models from the US"),
    "china_vs_us": ("country=CN", "country=US", "models from China trail models from the US"),
    "us_open_vs_us_closed": ("open&country=US", "closed&country=US", "US open models trail US closed models"),
    "china_open_vs_us_closed": ("open&country=CN", "closed&country=US", "open models from China trail US closed models"),
    "openai_vs_anthropic": ("creator=OpenAI", "creator=Anthropic", "OpenAI models trail Anthropic models"),
    "open_vs_closed_without_meta": ("open&creator!=Meta", "closed", "open models other than Meta's trail closed models"),
    "open_source_vs_closed": ("open&licence=permissive", "closed",
                              "open-source models (permissive licences) trail closed models"),
    "restricted_open_vs_closed": ("open&licence=restricted,non_commercial", "closed",
                                  "open-weights models under restrictive licences trail closed models"),
    "restricted_open_vs_open_source": ("open&licence=restricted,non_commercial", "open&licence=permissive",
                                       "open-weights models under restrictive licences trail open-source models"),
}
DEFAULT_FOLLOWER, DEFAULT_LEADER = "open", "closed"
_FIELDS = {"country": "country", "creator": "creator"}


@dataclass(frozen=True)
class Term:
    """One condition of a filter."""

    field: str  # "open", "closed", "all", "country", "creator" or "licence"
    values: tuple[str, ...] = ()
    negate: bool = False


def parse_filter(text: str) -> list[Term]:
    """The terms of a filter; a malformed one is a one-line error naming it."""
    terms = []
    for raw in str(text).split("&"):
        part = raw.strip()
        if part.lower() in ("open", "closed", "all"):
            terms.append(Term(part.lower()))
            continue
        negate = "!=" in part
        key, sep, value = part.partition("!=" if negate else "=")
        key = key.strip().lower()
        values = tuple(v.strip() for v in value.split(",") if v.strip())
        if not sep or key not in (*_FIELDS, "licence") or not values:
            raise DataError(f"Cannot read the group filter term {part!r}: use open, closed, all, country=CC, "
                            "creator=NAME, licence=CLASS (or != to exclude), joined by &.")
        if key == "licence" and (unknown := [v for v in values if v.lower() not in LICENCE_CLASSES]):
            raise DataError(f"Unknown licence class {unknown[0]!r}: use {', '.join(LICENCE_CLASSES)}.")
        terms.append(Term(key, values, negate))
    if not terms:
        raise DataError("An empty group filter: use open, closed, all, country=CC, creator=NAME or licence=CLASS.")
    return terms


def _known(scores: pd.DataFrame, field: str) -> dict[str, str]:
    """Known values of a field, keyed in lower case (countries split at commas)."""
    col = scores[_FIELDS[field]].astype("string").fillna("")
    values = col.str.split(",").explode().str.strip() if field == "country" else col
    return {v.lower(): v for v in values.dropna().unique() if v}


def _term_mask(scores: pd.DataFrame, term: Term, openness: pd.Series) -> pd.Series:
    if term.field == "all":
        return pd.Series(True, index=scores.index)
    if term.field in ("open", "closed"):
        return openness == term.field
    wanted = {v.lower() for v in term.values}
    if term.field == "licence":  # the class of each model's licence name (values checked when the filter was read)
        names = scores["openness"] if "openness" in scores else pd.Series("", index=scores.index)  # an upload may lack it
        hit = names.astype("string").fillna("").map(licence_class).isin(wanted)
    else:
        known = _known(scores, term.field)
        for v in term.values:
            if v.lower() not in known:
                near = difflib.get_close_matches(v.lower(), list(known), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(known[n] for n in near)}?" if near else ""
                raise DataError(f"No model in the data has {term.field} {v!r}{hint}")
        col = scores[_FIELDS[term.field]].astype("string").fillna("").str.lower()
        if term.field == "country":
            hit = col.str.split(",").map(lambda parts: bool(wanted & {p.strip() for p in parts}))
        else:
            hit = col.isin(wanted)
    hit = hit.astype(bool)
    return ~hit if term.negate else hit


def filter_mask(scores: pd.DataFrame, text: str, open_definition: str = "any") -> pd.Series:
    """The rows a filter selects."""
    openness = open_groups(scores, open_definition)
    mask = pd.Series(True, index=scores.index)
    for term in parse_filter(text):
        mask &= _term_mask(scores, term, openness)
    return mask


def is_default(follower: str, leader: str) -> bool:
    """Whether the groups are the plain open vs closed comparison (the engine's own default)."""
    return follower.strip().lower() == DEFAULT_FOLLOWER and leader.strip().lower() == DEFAULT_LEADER


def group_labels(scores: pd.DataFrame, follower: str, leader: str, open_definition: str = "any",
                 ) -> tuple[pd.Series | None, list[str]]:
    """Engine labels for two filters (None for plain open vs closed), and notes on models left out of both.

    An empty group is a one-line error naming the filter; overlapping groups are not an error: the models in both
    are left out (a model cannot trail itself), and the notes name them."""
    if is_default(follower, leader):
        return None, []
    f, lead = filter_mask(scores, follower, open_definition), filter_mask(scores, leader, open_definition)
    for text, mask, role in ((follower, f, "follower"), (leader, lead, "leader")):
        if not mask.any():
            raise DataError(f"The {role} filter {text!r} selects no model in this data.")
    both = f & lead
    notes = []
    if both.any():
        names = scores.loc[both, "model_name"].astype(str).unique()
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        notes.append(f"{len(names)} model(s) match both groups ({shown}); they are left out of both.")
    labels = pd.Series("", index=scores.index, dtype=object)
    labels[f & ~both] = "open"
    labels[lead & ~both] = "closed"
    return labels, notes


def groups_sentence(follower: str, leader: str) -> str:
    """How a sentence names the comparison ("open models from China trail US closed models")."""
    for f, lead, words in PRESETS.values():
        if f == follower and lead == leader:
            return words
    return f"models matching {follower!r} trail models matching {leader!r}"


def resolve_preset(name: str) -> tuple[str, str]:
    """(follower, leader) of a preset; an unknown name is a one-line error listing them."""
    if name not in PRESETS:
        raise DataError(f"Unknown group preset {name!r}; use one of {', '.join(PRESETS)}.")
    return PRESETS[name][0], PRESETS[name][1]
