"""Settings from a shared link (query parameters), validated once, value by value.

Every parameter goes through :class:`~model.analysis.FitSettings` validation before any widget is built: an
invalid value is dropped with one notice naming the parameter, and the default (or the current setting) stays.
Nothing invalid reaches the session. Dates are clamped to the data's range with a notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import ValidationError

from model.analysis import FitSettings
from model.bayes.priors import TrendPriors

#: Link parameters that are plain fit settings, and the integer ones among them.
TEXT_PARAMS = ("model", "likelihood", "observations", "lag_definition", "follower", "leader", "engine")
INT_PARAMS = ("seed", "draws", "chains")
BOOL_PARAMS = ("measurement_error",)
_BOOL_TEXT = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
#: Longest parameter value quoted back in a notice.
QUOTE_LIMIT = 40


def _quote(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…")


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return str(first.get("msg", "not valid")).rstrip(".")


def link_updates(params: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """Typed updates from raw link parameters; a value that does not even parse is a notice instead."""
    updates, notices = {}, []
    for key in TEXT_PARAMS:
        if key in params:
            updates[key] = str(params[key])
    if params.get("start"):
        try:
            updates["start"] = dt.date.fromisoformat(str(params["start"])).isoformat()
        except ValueError:
            notices.append(f"Ignored the link's start {_quote(params['start'])}: not a date (use YYYY-MM-DD).")
    for key in INT_PARAMS:
        if key in params:
            try:
                updates[key] = int(str(params[key]))
            except ValueError:
                notices.append(f"Ignored the link's {key} {_quote(params[key])}: not a whole number.")
    for key in BOOL_PARAMS:
        if key in params:
            text = str(params[key]).strip().lower()
            if text in _BOOL_TEXT:
                updates[key] = _BOOL_TEXT[text]
            else:
                notices.append(f"Ignored the link's {key} {_quote(params[key])}: not true or false.")
    for key, value in params.items():
        if key.startswith("p_"):
            name = key[2:]
            if name not in TrendPriors.model_fields:
                notices.append(f"Ignored the link's {key}: there is no prior of that name.")
                continue
            try:
                updates.setdefault("priors", {})[name] = float(str(value))
            except ValueError:
                notices.append(f"Ignored the link's {key} {_quote(value)}: not a number.")
    return updates, notices


def apply_updates(base: FitSettings, updates: Mapping[str, object]) -> tuple[FitSettings, list[str]]:
    """``base`` with each update that validates; each one that does not is dropped with a notice naming it."""
    current, notices = base.model_dump(), []
    flat = [(k, v) for k, v in updates.items() if k != "priors"]
    flat += [(f"p_{k}", v) for k, v in dict(updates.get("priors", {})).items()]
    for key, value in flat:
        trial = {**current, "priors": dict(current["priors"])}
        if key.startswith("p_"):
            trial["priors"][key[2:]] = value
        else:
            trial[key] = value
        try:
            FitSettings.model_validate(trial)
        except ValidationError as exc:
            notices.append(f"Ignored the link's {key} {_quote(value)}: {_reason(exc)}.")
            continue
        current = trial
    return FitSettings.model_validate(current), notices


def link_params(settings: FitSettings) -> dict[str, str]:
    """The query parameters that reproduce ``settings`` (what differs from the defaults, plus the benchmark and model),
    as the address bar and the copy-link field show them."""
    default = FitSettings()
    out = {"benchmark": settings.benchmarks[0], "model": settings.model}
    for key in (*TEXT_PARAMS, *INT_PARAMS, *BOOL_PARAMS, "start"):
        value = getattr(settings, key)
        if value != getattr(default, key) and value is not None:
            out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    for name, value in settings.priors.model_dump().items():
        if value != getattr(default.priors, name):
            out[f"p_{name}"] = str(value)
    return out


def settings_from_link(params: Mapping[str, str], base: FitSettings) -> tuple[FitSettings, list[str]]:
    """Fit settings from a shared link's parameters on top of ``base``, with one notice per ignored parameter."""
    updates, notices = link_updates(params)
    settings, more = apply_updates(base, updates)
    return settings, notices + more


def clamp_date(value: str | None, first: dt.date, last: dt.date, *, what: str = "start") -> tuple[str | None, str | None]:
    """An ISO date clamped to [first, last], with a notice when it moved (None stays None)."""
    if not value:
        return value, None
    day = dt.date.fromisoformat(value)
    if first <= day <= last:
        return value, None
    clamped = min(max(day, first), last)
    return clamped.isoformat(), (f"The {what} date {day.isoformat()} is outside the data ({first.isoformat()} to "
                                 f"{last.isoformat()}); {clamped.isoformat()} is used instead.")
