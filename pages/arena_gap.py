"""Arena gap page: on each LMArena text board, the best proprietary rating minus the best open one (points, not months)."""

import streamlit as st

from model.core.text import plain
from model.data.arena import ARENA_CAVEAT, ARENA_CREDIT, arena_gap_sentence, arena_gap_summary
from model.outputs.exports import safe_csv
from model.presentation.charts.arena import arena_gap_figure
from ui.data import arena_boards, shared_figure
from ui.fits import start_warmup
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key
from ui.widgets import chart, data_table

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("The gap in Arena points")
st.caption("A yardstick beside the benchmark lags that needs no release dates: on each board of the LMArena text "
           "leaderboard, how many rating points the best proprietary model leads the best open-weights one by. "
           "Computed from the embedded boards (not your upload). CLI: python -m model arena.")
st.warning(ARENA_CAVEAT, icon=":material/info:")

boards = arena_boards()
st.markdown(plain(arena_gap_sentence(arena_gap_summary(boards))))
fig = shared_figure(arena_gap_figure, boards)
chart(fig, caption="Each point is one board (a board that repeats the one before is dropped). Bars: approximate 95% "
                   "intervals, where the board gives the two ratings' intervals (the daily copy before 2026-07-16 does "
                   "not). Triangles: boards listing only their top models with no open model among them, so the gap is "
                   "at least the distance to the last listed model. Each copy is its own line: the step between them "
                   "spans a change of copy and of board method, so read trends within one line.", attribution=ARENA_CREDIT)
st.session_state.setdefault(Key.FIGURES, {})["arena_gap"] = fig
with st.expander("Every board"):
    shown = boards.assign(board_date=boards["board_date"].dt.strftime("%Y-%m-%d"))
    data_table(shown, hide_index=True, width="stretch")
    st.download_button("Download the boards (CSV)", safe_csv(shown), file_name="arena_gap.csv", mime="text/csv")
st.caption(ARENA_CREDIT)
start_warmup()  # after the page has rendered, as every page's footer does
