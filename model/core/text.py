"""Text for people: numbers and dates as a reader sees them (:func:`fmt_prob`, :func:`fmt_month`, :func:`plural`), and
text from data shown as plain text (:func:`plain`).

Streamlit renders markdown (links, images, ``:color[...]`` and ``:material/...:`` directives) and LaTeX (``$…$``)
in most text elements and labels. Model, creator, benchmark and file names come from data or uploads, so every
such string passes through :func:`plain` before it reaches a markdown-rendering element: a name like
``![x](http://…/pixel.png)`` then shows as those characters, and no image is loaded.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from model.core.timeaxis import FAR_FUTURE

#: Every ASCII punctuation character that markdown, Streamlit's directives or KaTeX give a meaning.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:^&\"'=])")


def plain(text: object) -> str:
    """``text`` with markdown, directive and LaTeX characters backslash-escaped (renders as the same characters)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` for one, its plural otherwise ("1 benchmark", "2 benchmarks"; ``many`` for an irregular plural)."""
    return word if n == 1 else (many or word + "s")


def fmt_month(ts: pd.Timestamp | None) -> str:
    """A date as YYYY-MM, "never" for None, "2200 or later" past the far-future cap."""
    if ts is None:
        return "never"
    return "2200 or later" if ts >= FAR_FUTURE else f"{ts:%Y-%m}"


def fmt_prob(p: float, *, from_draws: bool = True) -> str:
    """A probability as a percentage that never reads "0%" or "100%" unless it is exactly that ("<1%", ">99%").

    A probability estimated from posterior draws is never exactly 0 or 1 (no draw out of 4,000 is not "impossible"),
    so by default 0 prints "<1%" and 1 ">99%". ``from_draws=False`` is for exact shares (e.g. 8 of 8 forecasts held)."""
    if not np.isfinite(p):
        return "n/a"
    if 0 < p < 0.01 or (from_draws and p == 0):
        return "<1%"
    if 0.99 < p < 1 or (from_draws and p == 1):
        return ">99%"
    return f"{p:.0%}"


def unknown_names(names, known, kind: str = "name") -> str | None:
    """None when every name is known; else one line naming the unknown ones, each with its nearest known names."""
    import difflib

    known = [str(k) for k in known]
    unknown = list(dict.fromkeys(n for n in names if n not in set(known)))
    if not unknown:
        return None
    parts = []
    for name in unknown[:5]:
        near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        parts.append(f"{name!r}" + (f" (did you mean {' or '.join(near)}?)" if near else ""))
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    listing = ", ".join(known) if len(known) <= 12 else f"{len(known)} known; the data command lists them"
    return f"unknown {kind}{'s' if len(unknown) > 1 else ''} {', '.join(parts)}{more} (valid: {listing})"
