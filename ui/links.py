"""Shared links: the address follows what a page shows, and a link opens its page with its settings, validated value by value."""

from __future__ import annotations

import streamlit as st

from model.core.text import plain
from model.data.dataset import Dataset
from ui.state import Key


def follow_address(params: dict[str, str]) -> str:
    """Keep the address bar equal to a link to what the page shows (only ``params``, and the display parameters of an
    embedded page, :data:`ui.embedding.DISPLAY_PARAMS`); returns the full link (the app's address when the browser gave
    it, else the query alone)."""
    from urllib.parse import urlencode

    from ui.embedding import DISPLAY_PARAMS

    params = params | {k: st.query_params[k] for k in DISPLAY_PARAMS if k in st.query_params}
    if {k: st.query_params.get(k) for k in params} != params or set(st.query_params) - set(params):
        st.query_params.from_dict(params)
    return f"{st.context.url or ''}?{urlencode(params, safe=',')}"  # commas stay readable


def share_link(params: dict[str, str], what: str = "this fit", *, expanded: bool = False) -> None:
    """The address follows the settings; a copyable link to them (the copy icon is at the right of the box)."""
    link = follow_address(params)
    with st.expander(f"Share {what}", expanded=expanded, icon=":material/link:"):
        st.code(link, language=None, wrap_lines=True)
        st.caption("The copy button is at the right of the box (or copy the address bar). The link opens this page "
                   "with these settings, fitted; every value is checked again when it is opened.")


def apply_query_params(fit_form: dict, shared) -> None:
    """Load settings from a shared link once per session (?benchmark=…&model=…&p_slope_mean=…).

    Every value is validated (model.presentation.links); invalid ones are dropped with a notice shown by
    :func:`show_link_notices`, so nothing invalid stays in the session. A Compare link's benchmarks go to Compare's
    choice; a Pooled link (pooling=partial) is kept for the Pooled page, which validates it against its own defaults."""
    from model.analysis import FitSettings
    from model.presentation.links import is_shared_link, link_horizon, settings_from_link

    qp = st.query_params
    params = {k: qp[k] for k in qp}
    if st.session_state.get(Key.QUERY_APPLIED) or not is_shared_link(params):
        return
    st.session_state[Key.QUERY_APPLIED] = True
    if "benchmark" in params:
        shared.benchmark = str(params["benchmark"])
        st.session_state[Key.LINK_BENCHMARK] = str(params["benchmark"])
    horizon, notice = link_horizon(params)
    notices = [notice] if notice else []
    if horizon:
        st.session_state[Key.TREND_HORIZON] = horizon
    if params.get("pooling") == "partial":
        st.session_state[Key.POOLED_LINK] = params  # applied by the Pooled page on top of its defaults
        st.session_state[Key.LINK_NOTICES] = notices
        return
    validated, more = settings_from_link(params, FitSettings.model_validate(fit_form))  # horizon: read above
    if "benchmarks" in params:
        st.session_state[Key.COMPARE_CHOSEN] = validated.benchmarks
    shared.lag_definition = validated.lag_definition
    shared.follower, shared.leader = validated.follower, validated.leader  # checked against the data on use
    fit_form.clear()
    fit_form.update(validated.model_dump())
    st.session_state[Key.LINK_NOTICES] = notices + more


def known_benchmarks(ds: Dataset, names: list[str]) -> list[str]:
    """``names`` that this data set has; the others are dropped with one warning naming them (they may come from a
    link)."""
    have = set(ds.benchmarks["benchmark"])
    unknown = [n for n in names if n not in have]
    if unknown:
        st.warning(plain(f"Not in this data set, left out: {', '.join(str(n)[:40] for n in unknown[:5])}"
                         + (" …" if len(unknown) > 5 else "") + "."))
    return [n for n in names if n in have]


def show_link_notices() -> None:
    """Say once which values of a shared link were ignored (as plain text: they come from the address)."""
    for notice in st.session_state.pop(Key.LINK_NOTICES, []):
        st.warning(plain(notice))
