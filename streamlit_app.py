"""Frontier Lag: entry point and navigation only."""

from pathlib import Path

import streamlit as st

from ui.routing import guard_page, route_deep_links_through_entry_point

route_deep_links_through_entry_point(entry_point=True)
# The icon is a local file: a material-symbol favicon would be fetched from a font server (and fail offline). No
# page_title here: each page's own title names its browser tab.
st.set_page_config(page_icon=str(Path(__file__).parent / "ui" / "favicon.png"), layout="wide")

pages = [
    st.Page("pages/answer.py", title="The answer", icon=":material/lightbulb:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/table:"),
    st.Page("pages/frontiers.py", title="Frontiers", icon=":material/stacked_line_chart:"),
    st.Page("pages/lag_overview.py", title="Lag overview", icon=":material/insights:"),
    st.Page("pages/trend_fit.py", title="Trend fit", icon=":material/trending_down:"),
    st.Page("pages/pooled.py", title="Pooled", icon=":material/hub:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/multiverse.py", title="Multiverse", icon=":material/scatter_plot:"),
    st.Page("pages/backtest.py", title="Backtest", icon=":material/history:"),
    st.Page("pages/score_space.py", title="Score space", icon=":material/ssid_chart:"),
    st.Page("pages/published_figures.py", title="Published figures", icon=":material/menu_book:"),
    st.Page("pages/report.py", title="Report", icon=":material/summarize:"),
    st.Page("pages/downloads.py", title="Downloads", icon=":material/download:"),
]
current = st.navigation(pages, position="hidden")
with st.sidebar:
    st.markdown("**Frontier Lag**")
    for page in pages:
        st.page_link(page)
with guard_page():
    current.run()
