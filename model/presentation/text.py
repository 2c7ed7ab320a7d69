"""Text from data, shown as plain text.

Streamlit renders markdown (links, images, ``:color[...]`` and ``:material/...:`` directives) and LaTeX (``$…$``)
in most text elements and labels. Model, creator, benchmark and file names come from data or uploads, so every
such string passes through :func:`plain` before it reaches a markdown-rendering element: a name like
``![x](http://…/pixel.png)`` then shows as those characters, and no image is loaded.
"""

from __future__ import annotations

import re

#: Every ASCII punctuation character that markdown, Streamlit's directives or KaTeX give a meaning.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:^&\"'=])")


def plain(text: object) -> str:
    """``text`` with markdown, directive and LaTeX characters backslash-escaped (renders as the same characters)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` for one, its plural otherwise ("1 benchmark", "2 benchmarks"; ``many`` for an irregular plural)."""
    return word if n == 1 else (many or word + "s")
