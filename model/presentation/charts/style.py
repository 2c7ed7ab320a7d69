"""Chart style shared by every figure: Okabe-Ito colours (colour-blind safe), shapes and dashes that
survive greyscale and dark themes, and the common layout.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
import plotly.graph_objects as go

#: A neutral mark colour that reads on both the light and the dark theme (contrast ≥ 4:1 on white and on Streamlit's
#: dark background); black vanished in dark theme.
INK = "#7a7a7a"
OKABE_ITO = {
    "open": "#0072B2",  # blue
    "closed": "#D55E00",  # vermillion
    "excluded": "#999999",
    "mean": INK,
    "ols": "#CC79A7",  # reddish purple
    "censored": "#E69F00",  # orange
    "ahead": "#009E73",  # green
}


SEQUENCE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", INK]


STATUS_STYLE = {
    "ok": ("#0072B2", "circle", "lag"),
    "left_censored": (OKABE_ITO["censored"], "triangle-up", "left-censored (lower bound)"),
    "open_ahead": (OKABE_ITO["ahead"], "star", "open ahead (lag 0)"),
}


def chart_text(values):
    """Names from data as Plotly text: its pseudo-HTML (``<a href>``, ``<b>``) escaped, so a name shows as typed.

    Takes one string or an array-like of them."""
    if isinstance(values, str):
        return html.escape(values, quote=False)
    return np.array([html.escape(str(v), quote=False) for v in values], dtype=object)


#: Characters per chart-title line: longer titles wrap (Plotly truncates them at narrow widths).
TITLE_WIDTH = 48


def layout(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    """The common layout: title, height, margins, white template. The legend sits below the plot: above it, long
    legends ran into the title (and at narrow widths over the data)."""
    lines = textwrap.wrap(str(title), TITLE_WIDTH) or [""]
    fig.update_layout(
        title={"text": "<br>".join(chart_text(line) for line in lines), "x": 0.01, "xanchor": "left"},
        height=height + 60 + 20 * (len(lines) - 1),
        margin={"l": 60, "r": 20, "t": 60 + 20 * (len(lines) - 1), "b": 110},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0.0},
        hovermode="closest",
        font={"size": 13},
    )
    return white_template(fig)


def white_template(fig: go.Figure) -> go.Figure:
    """Give ``fig`` Plotly's registered "plotly_white" template without validating it again.

    Plotly validates (deep-copies) a template on every assignment: about 20 ms a figure, most of a page's chart time
    with a server under load. The registered template is valid already, so it is assigned the way Plotly assigns its
    own default template (validation off for that one property)."""
    import plotly.io as pio

    template = pio.templates["plotly_white"]
    layout_obj = fig.layout
    if not hasattr(layout_obj, "_validate"):  # another Plotly: the ordinary (validated) assignment
        fig.update_layout(template=template)
        return fig
    before = layout_obj._validate
    layout_obj._validate = False
    try:
        layout_obj.template = template
    finally:
        layout_obj._validate = before
    return fig


def add_band(fig, x, lo, hi, colour, name, opacity):
    """A filled band between two lines (an interval of a trend)."""
    fig.add_trace(go.Scatter(x=list(x) + list(x)[::-1], y=list(hi) + list(lo)[::-1], fill="toself", fillcolor=colour,
                             opacity=opacity, line={"width": 0}, name=name, hoverinfo="skip"))


def panel_title(text: str, width: int = 22) -> str:
    """A small-multiple title on at most two short lines (a long title ran into its neighbours on narrow screens)."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return "<br>".join(chart_text(line) for line in lines)
