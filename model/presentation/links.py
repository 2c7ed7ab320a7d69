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
from model.bayes.priors import PoolingPriors, TrendPriors

#: Link parameters that are plain fit settings, and the integer ones among them.
TEXT_PARAMS = ("model", "likelihood", "observations", "lag_definition", "follower", "leader", "engine", "pooling")
INT_PARAMS = ("seed", "draws", "chains")
BOOL_PARAMS = ("measurement_error", "correlated")
#: Prefixes of prior parameters: trend priors (p_) and the pooled model's hyperpriors (pp_).
PRIOR_PREFIXES = {"p_": ("priors", TrendPriors), "pp_": ("pooling_priors", PoolingPriors)}
#: Horizons the Trend fit page offers (the link's ``horizon``), the default first.
HORIZONS = ("2030-12-31", "2028-12-31", "2035-12-31")
#: Which settings matter to each page's fit (only these go into its link), beside the benchmark(s) it always carries.
#: Trend fit and Compare fit the same per-benchmark settings (all but the pooling).
_SERIES_SETTINGS = (*TEXT_PARAMS[:-1], *INT_PARAMS, "measurement_error", "start", "p_")
PAGE_SETTINGS = {
    "answer": ("follower", "leader", "lag_definition"),
    "trend_fit": _SERIES_SETTINGS,
    "compare": _SERIES_SETTINGS,
    "pooled": ("model", "observations", "lag_definition", "follower", "leader", *INT_PARAMS, "correlated", "start", "pp_"),
}
#: Query parameters that mark an address as a shared link (a plain visit carries none of them).
LINK_MARKERS = ("benchmark", "benchmarks", "horizon")
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
    if params.get("benchmarks"):
        updates["benchmarks"] = [b.strip() for b in str(params["benchmarks"]).split(",") if b.strip()]
    for key, value in params.items():
        prefix = "pp_" if key.startswith("pp_") else "p_" if key.startswith("p_") else None
        if prefix is None:
            continue
        field, spec = PRIOR_PREFIXES[prefix]
        name = key[len(prefix):]
        if name not in spec.model_fields:
            notices.append(f"Ignored the link's {key}: there is no prior of that name.")
            continue
        try:
            updates.setdefault(field, {})[name] = float(str(value))
        except ValueError:
            notices.append(f"Ignored the link's {key} {_quote(value)}: not a number.")
    return updates, notices


def is_shared_link(params: Mapping[str, str]) -> bool:
    """Whether an address carries settings to apply (a shared link), not just a page."""
    return any(k in params for k in LINK_MARKERS) or any(k.startswith(("p_", "pp_")) for k in params)


def link_horizon(params: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The link's Trend fit horizon (one of :data:`HORIZONS`), or a notice; (None, None) when it has none."""
    if "horizon" not in params:
        return None, None
    value = str(params["horizon"])
    if value in HORIZONS:
        return value, None
    return None, f"Ignored the link's horizon {_quote(value)}: use one of {', '.join(HORIZONS)}."


def apply_updates(base: FitSettings, updates: Mapping[str, object]) -> tuple[FitSettings, list[str]]:
    """``base`` with each update that validates; each one that does not is dropped with a notice naming it."""
    current, notices = base.model_dump(), []
    fields = {field: prefix for prefix, (field, _) in PRIOR_PREFIXES.items()}
    flat = [(k, v) for k, v in updates.items() if k not in fields]
    for field, prefix in fields.items():
        flat += [(f"{prefix}{k}", v) for k, v in dict(updates.get(field, {})).items()]
    for key, value in flat:
        trial = {**current, "priors": dict(current["priors"]), "pooling_priors": dict(current["pooling_priors"])}
        prefix = "pp_" if key.startswith("pp_") else "p_" if key.startswith("p_") else None
        if prefix:
            trial[PRIOR_PREFIXES[prefix][0]][key[len(prefix):]] = value
        else:
            trial[key] = value
        try:
            FitSettings.model_validate(trial)
        except ValidationError as exc:
            notices.append(f"Ignored the link's {key} {_quote(value)}: {_reason(exc)}.")
            continue
        current = trial
    return FitSettings.model_validate(current), notices


def link_params(settings: FitSettings, *, page: str = "trend_fit", base: FitSettings | None = None,
                horizon: str | None = None) -> dict[str, str]:
    """The query parameters that reproduce what ``page`` shows for ``settings``: its benchmark(s), and only the settings
    that matter to that page's fit (:data:`PAGE_SETTINGS`) where they differ from ``base`` (the page's defaults;
    :class:`FitSettings` defaults unless given), plus the Trend fit horizon when it is not the default."""
    default = base or FitSettings()
    wanted = PAGE_SETTINGS[page]
    if page in ("answer", "trend_fit"):
        out = {"benchmark": settings.benchmarks[0]} | ({"model": settings.model} if page == "trend_fit" else {})
    else:
        out = {"benchmarks": ",".join(settings.benchmarks)} | ({"pooling": settings.pooling} if page == "pooled" else {})
    for key in wanted:
        if key in PRIOR_PREFIXES:
            field = PRIOR_PREFIXES[key][0]
            ours, theirs = getattr(settings, field).model_dump(), getattr(default, field).model_dump()
            out.update({f"{key}{name}": str(value) for name, value in ours.items() if value != theirs[name]})
            continue
        value = getattr(settings, key)
        if value != getattr(default, key) and value is not None:
            out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    if horizon and horizon != HORIZONS[0]:
        out["horizon"] = horizon
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
