"""A one-page summary report as self-contained HTML (text escaped; figures embedded with Plotly inline)."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import pandas as pd

from model.core.versions import package_versions


@dataclass
class Section:
    """One section of the report: a title, paragraphs, and optionally a table and a figure."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figure: object | None = None


def versions() -> dict[str, str]:
    """Installed versions of the packages the results depend on (model.core.versions: one list)."""
    return package_versions()


def render_html(title: str, sections: list[Section]) -> str:
    """Self-contained HTML: every text is escaped; the first figure carries plotly.js inline (works offline)."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
             "h1{font-size:28px}h2{font-size:20px;margin-top:1.6em}.meta{color:#666;font-size:13px}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>",
             f"<p class='meta'>Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by Frontier Lag.</p>"]
    first_fig = True
    for s in sections:
        parts.append(f"<h2>{html.escape(s.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        if s.table is not None and not s.table.empty:
            parts.append(s.table.to_html(index=False, escape=True, float_format=lambda v: f"{v:.3g}"))
        if s.figure is not None:
            parts.append(s.figure.to_html(full_html=False, include_plotlyjs=True if first_fig else False))
            first_fig = False
    parts.append("</body></html>")
    return "\n".join(parts)
