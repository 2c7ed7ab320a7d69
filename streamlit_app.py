"""Frontier Lag: entry point and navigation only."""

import streamlit as st

st.set_page_config(page_title="Frontier Lag", page_icon=":material/timeline:", layout="wide")

pages = [
    st.Page("pages/data.py", title="Data", icon=":material/table:", default=True),
    st.Page("pages/frontiers.py", title="Frontiers", icon=":material/stacked_line_chart:"),
    st.Page("pages/lag_overview.py", title="Lag overview", icon=":material/insights:"),
]
st.navigation(pages).run()
