"""One chart as a self-contained HTML file a journalist can put in an article: the interactive figure (Plotly's
JavaScript inline, so it needs no network), its caption, the data it draws, the attribution and the link that
reproduces it. Every text is escaped (names from data are shown as typed, never run)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd

from model.outputs.exports import neutralise_formulas


def chart_slug(name: str) -> str:
    """A chart's short name (its file name and its embed address): lower case, words joined by underscores, at most 80
    characters."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:80] or "chart"


def chart_file_name(name: str) -> str:
    return f"{chart_slug(name)}.html"


def chart_html(fig, *, name: str, caption: str | None, attribution: str, link: str | None,
               table: pd.DataFrame | None = None) -> str:
    """The chart ``fig`` as one HTML document: title, figure, caption, source line, reproducing link, data table."""
    figure = fig.to_html(full_html=False, include_plotlyjs=True, config={"displayModeBar": "hover", "responsive": True})
    parts = [f"<h1>{html.escape(name)}</h1>", figure]
    if caption:
        parts.append(f"<p class='caption'>{html.escape(caption)}</p>")
    parts.append(f"<p class='source'>{html.escape(attribution)}</p>")
    if link:
        safe = html.escape(link, quote=True)
        parts.append(f"<p>Reproduce it, with every setting: <a href='{safe}'>{safe}</a> (Frontier Lag)</p>")
    parts.append(f"<p class='source'>Made with Frontier Lag on {dt.date.today().isoformat()}.</p>")
    if table is not None and len(table):
        shown = neutralise_formulas(table)
        parts.append("<details><summary>The data in this chart</summary>"
                     + shown.to_html(index=False, escape=True, na_rep="", border=0) + "</details>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5rem auto;padding:0 1rem;color:#222}"
             "h1{font-size:1.3rem}.caption,.source{color:#555;font-size:.9rem}table{border-collapse:collapse;"
             "font-size:.8rem}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
             "@media (prefers-color-scheme: dark){body{background:#111;color:#eee}.caption,.source{color:#bbb}}")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(name)}</title><style>{style}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
