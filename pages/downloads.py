"""Downloads page: summaries, lag tables, posteriors, figures, settings, and a shareable link."""


import streamlit as st

from model.core.errors import DataError
from model.outputs.exports import neutralise_formulas, safe_csv, session_summary
from model.outputs.figure_export import figure_bytes
from model.outputs.posterior_files import posterior_bytes
from model.presentation.dictionary import dictionary_table, lag_tables_dictionary, status_table
from ui.data import current_dataset, definition_lags_all, event_lags_all, monthly_lags, titles
from ui.routing import route_deep_links_through_entry_point
from ui.state import Key, settings
from ui.widgets import data_table, footer

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Downloads")
ds = current_dataset()
s = settings()
results = st.session_state.get(Key.RESULTS, {})
session_fits = list(st.session_state.get(Key.SESSION_FITS, {}).values())

st.header("Posterior summaries")
if session_fits:
    labels = {" · ".join(e["labels"]): e for e in session_fits}
    picked = st.multiselect("Fits of this session to include", list(labels), default=list(labels),
                            help="Every distinct fit made on the answer page, Trend fit, Pooled, Compare and the Report "
                                 "(a fit two pages ran is one row set).")
    summary = session_summary([labels[k] for k in picked or list(labels)], titles(ds))
    data_table(summary, hide_index=True, width="stretch", height=220)
    st.caption(f"{len(summary)} row(s) from {len(picked or labels)} fit(s); numbers to 4 significant figures; every "
               "column is explained in the data dictionary below.")
    c1, c2 = st.columns(2)
    c1.download_button("Summary table (CSV)", safe_csv(summary), "frontier_lag_summary.csv", "text/csv")
    c2.download_button("Summary table (JSON)", neutralise_formulas(summary).to_json(orient="records", indent=1),
                       "frontier_lag_summary.json", "application/json")
else:
    st.info("Nothing fitted yet in this session: fit on the Trend fit, Pooled or Compare page first.")
with st.expander("What each column means (data dictionary)"):
    data_table(dictionary_table(), hide_index=True, width="stretch")
    st.download_button("Data dictionary (CSV)", safe_csv(dictionary_table()), "frontier_lag_dictionary.csv", "text/csv")
with st.expander("The tidy data and the lag tables: columns and status values"):
    st.caption("The Data page's tidy table and the lag tables of Frontiers, Lag overview and the CLI's lags command. "
               "The CLI writes each table's dictionary beside it (NAME.dictionary.csv); posterior files (NetCDF) carry "
               "a long name, units and a description on every variable.")
    data_table(lag_tables_dictionary(), hide_index=True, width="stretch")
    data_table(status_table(), hide_index=True, width="stretch")

st.header("Lag tables")
c1, c2 = st.columns(2)  # computed only when a button is pressed (and then cached for the session's data)
who = f"{s.follower} vs {s.leader}"  # each lag table says which groups it compares
c1.download_button("Monthly lags, every benchmark (CSV)", lambda: safe_csv(monthly_lags(ds).assign(groups=who)),
                   "frontier_lag_monthly.csv",
                   "text/csv")
c2.download_button("Event lags, every benchmark (CSV)", lambda: safe_csv(event_lags_all(ds).assign(groups=who)),
                   "frontier_lag_events.csv",
                   "text/csv")
lag_def = s.lag_definition
st.download_button(f"Lag observations under the '{lag_def}' definition, every benchmark (CSV)",
                   lambda: safe_csv(definition_lags_all(ds)), f"frontier_lag_{lag_def}.csv", "text/csv",
                   help="The shared lag definition and groups (picked on Frontiers or Trend fit); each row says both.")

st.header("Full posteriors (NetCDF)")
fits = {f"{label} · {name}": (r, name) for label, r in results.items() for name in r.fits}
if fits:
    which = st.selectbox("Fit", list(fits))
    st.caption("The file carries the settings that made the fit, the data hash and the package versions: "
               "`python -m model fit --from-netcdf FILE` prints its summary without sampling.")
    try:
        body = posterior_bytes(*fits[which], data_hash=ds.content_hash)
        st.download_button("Posterior (NetCDF)", body, "frontier_lag_posterior.nc", "application/x-netcdf")
    except OSError as exc:  # e.g. a full temporary folder: the other downloads stay available
        st.error(f"Could not prepare the posterior file ({exc.__class__.__name__}: {exc.strerror or 'write failed'}).")
    except DataError as exc:  # a stacked fit: no single posterior
        st.info(str(exc))
else:
    st.caption("Fit something first.")

st.header("Figures")
figures = st.session_state.get(Key.FIGURES, {})
if figures:
    name = st.selectbox("Figure", list(figures))
    if st.button("Prepare PNG and SVG"):
        try:
            st.session_state[Key.FIGURE_EXPORT] = (name, figure_bytes(figures[name], "png"), figure_bytes(figures[name], "svg"))
        except DataError as exc:
            st.error(str(exc))
    if st.session_state.get(Key.FIGURE_EXPORT, (None,))[0] == name:
        _, png, svg = st.session_state[Key.FIGURE_EXPORT]
        c1, c2 = st.columns(2)
        c1.download_button("PNG", png, f"{name}.png", "image/png")
        c2.download_button("SVG", svg, f"{name}.svg", "image/svg+xml")
else:
    st.caption("Figures appear here once drawn on the other pages.")

st.header("Reproduce headless")
share = st.session_state.get(Key.SHARE_SETTINGS)
if share:
    st.download_button("Settings (JSON)", share, "frontier_lag_settings.json", "application/json")
    # no syntax colours: the highlighter's light-theme token colours fall under 4.5:1 (axe-core)
    st.code("python -m model fit --settings frontier_lag_settings.json --out summary.csv", language=None)
    st.caption("To share a view, use the 'Share' box on The answer, Trend fit, Compare or Pooled: its link opens that "
               "page with the same settings, fitted.")
else:
    st.caption("Fit on the Trend fit page to get a settings file.")
footer(ds)
