"""Published figures, reproduced: each figure the project can compute, with its citation, beside the project's own."""

import streamlit as st

from model.core.text import plain
from model.data.embedded import load_embedded
from model.robustness.anchors import anchors_table
from ui.routing import route_deep_links_through_entry_point
from ui.widgets import data_table, footer

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Published figures, reproduced")
st.caption("Each published figure on how far open-weights models trail closed ones that this project can compute: who "
           "said it and where, the definition it uses, and the project's own number on that definition, on the data as "
           "the authors had it and on the newest embedded data. The differences are findings too: the yardstick, the "
           "definition and the data end decide the number. Computed from the embedded AA and Epoch data (not your "
           "upload). CLI: python -m model anchors.")


@st.cache_data(show_spinner="Computing each published figure on the embedded data…", max_entries=2)
def _table(_key: str):
    return anchors_table({"aa": load_embedded("aa"), "epoch": load_embedded("epoch")})


table = _table("embedded")
for _, row in table.iterrows():
    who = row["citation"].split(", '")[0]  # the authors, up to the quoted title (an author list has commas too)
    st.header(plain(f"{who}, {row['published']}: {row['their_figure']}"), anchor=False)
    st.markdown(f"**Source:** {plain(row['citation'])} · {plain(row['address'])}  \n"
                f"**Definition:** {plain(row['definition'])} · published {plain(row['published'])}  \n"
                f"**This project, as of their data:** {plain(row['project_as_of_their_data'])}  \n"
                f"**This project, now:** {plain(row['project_now'])}")
    st.caption(plain(row["reading"]))
with st.expander("The table"):
    data_table(table.drop(columns=["key"]), hide_index=True, width="stretch")
footer(load_embedded("aa"))
