"""Routing and the page guard: every page is served through the entry point's navigation, inside one guard."""

from __future__ import annotations

import contextlib
import logging
import uuid

import streamlit as st

from ui.state import Key


def route_deep_links_through_entry_point(*, entry_point: bool = False) -> None:
    """Serve every page through streamlit_app.py's ``st.navigation``, deep links on a fresh server included.

    The design card fixes a top-level ``pages/`` folder, so Streamlit's legacy folder routing is on until
    the entry point's ``st.navigation`` first runs: a deep link (/trend_fit) to a fresh server would run
    pages/trend_fit.py directly, with no layout and no navigation. This switches that routing off and
    reruns, so the entry point serves the page, inside its guard (:func:`guard_page`). The entry point calls it
    first, and every page calls it before anything else, because on that first deep link the entry point has not
    run. ``tests/browser/test_browser.py`` opens a deep link on a fresh server to prove it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Rerun only from a page run directly, before this session has been through the entry point: a rerun drops
        # a button's click, and a test harness (AppTest) turns the legacy routing back on before every run of a
        # session. The entry point itself is already where the rerun would go (a fresh server's first visit saves
        # a whole run).
        if not entry_point and not st.session_state.get(Key.ENTRY_POINT_SEEN):
            st.rerun()


log = logging.getLogger("frontier_lag.pages")


@contextlib.contextmanager
def guard_page():
    """The one top-level guard every page runs in (streamlit_app.py): an unexpected exception becomes a short
    error with a reference id on the page, and its full traceback goes to the server log only. Session state
    is left as it was, so the user's data and settings survive. Streamlit's own stop and rerun pass through."""
    st.session_state[Key.ENTRY_POINT_SEEN] = True
    try:
        yield
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("unexpected error on a page (reference %s)", ref)
        st.error(f"Something went wrong on this page (reference {ref}). It has been logged; your data and settings "
                 "are kept. Try another choice, or open the page again.")
