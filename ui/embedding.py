"""Embedding: a page without the app's navigation (``?nav=hidden``, with Streamlit's ``embed=true``), and one chart
alone (``&chart=<name>``): the page runs as usual, hidden, and the chart of that name is drawn in a slot above it, so
an article's frame shows just that chart at a stable address."""

from __future__ import annotations

import contextlib
import contextvars
import re

import streamlit as st

from model.outputs.chart_html import chart_slug

#: Query parameters about how the app is shown, not what: kept when the address follows a page's settings.
DISPLAY_PARAMS = ("nav", "chart")
HIDDEN_PAGE = "frontier_lag_hidden_page"
_SLOT: contextvars.ContextVar = contextvars.ContextVar("chart_slot", default=None)


def requested_chart() -> str | None:
    """The ``chart`` of the address, if it is a well-formed chart name."""
    value = st.query_params.get("chart")
    return value if value and re.fullmatch(r"[a-z0-9_]{1,80}", value) else None


@contextlib.contextmanager
def page_frame():
    """Run the page; with ``?chart=<name>``, hidden, its chart of that name drawn alone in a slot above it."""
    wanted = requested_chart()
    if wanted is None:
        yield
        return
    slot = st.container()
    found = {"drawn": False}
    token = _SLOT.set((wanted, slot, found))
    st.html(f"<style>.st-key-{HIDDEN_PAGE} {{display: none}}</style>")
    try:
        with st.container(key=HIDDEN_PAGE):
            yield
    finally:
        _SLOT.reset(token)
    if not found["drawn"]:
        slot.info("No chart of that name on this page with these settings; the page's own address shows them all.")


def draw_alone(fig, name: str, caption: str | None, attribution: str) -> bool:
    """Draw the chart in the chart-alone slot if the address asks for it; whether it was drawn there."""
    current = _SLOT.get()
    if current is None:
        return False
    wanted, slot, found = current
    if wanted != chart_slug(name) or found["drawn"]:
        return False
    with slot:
        st.plotly_chart(fig, width="stretch", config={"displayModeBar": "hover"}, key="frontier_lag_chart_alone")
        if caption:
            st.caption(caption)
        st.caption(attribution)
    found["drawn"] = True
    return True
