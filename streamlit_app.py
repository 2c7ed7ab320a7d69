"""Frontier Lag: entry point and navigation only."""

from pathlib import Path

import streamlit as st

from ui.embedding import page_frame
from ui.routing import guard_page, route_deep_links_through_entry_point
from ui.theme import apply_contrast_fixes

route_deep_links_through_entry_point(entry_point=True)
# The icon is a local file: a material-symbol favicon would be fetched from a font server (and fail offline). No
# page_title here: each page's own title names its browser tab.
st.set_page_config(page_icon=str(Path(__file__).parent / "ui" / "favicon.png"), layout="wide")
apply_contrast_fixes()

pages = [
    st.Page("pages/answer.py", title="The answer", default=True),
    st.Page("pages/data.py", title="Data"),
    st.Page("pages/frontiers.py", title="Frontiers"),
    st.Page("pages/lag_overview.py", title="Lag overview"),
    st.Page("pages/trend_fit.py", title="Trend fit"),
    st.Page("pages/pooled.py", title="Pooled"),
    st.Page("pages/compare.py", title="Compare"),
    st.Page("pages/multiverse.py", title="Multiverse"),
    st.Page("pages/backtest.py", title="Backtest"),
    st.Page("pages/score_space.py", title="Score space"),
    st.Page("pages/arena_gap.py", title="Arena gap"),
    st.Page("pages/published_figures.py", title="Published figures"),
    st.Page("pages/report.py", title="Report"),
    st.Page("pages/downloads.py", title="Downloads"),
]
# Streamlit's own sidebar navigation: on a phone it closes the sidebar after a page is chosen (page links in the
# sidebar left it open, covering 300 of 420 pixels).
# An embedded page (?embed=true&nav=hidden: Streamlit's embed mode hides the toolbar, nav=hidden the navigation) shows
# one page in an article's frame; &chart=<name> shows one of its charts alone (ui/embedding.py).
current = st.navigation(pages, position="hidden" if st.query_params.get("nav") == "hidden" else "sidebar")
with guard_page(), page_frame():
    current.run()
