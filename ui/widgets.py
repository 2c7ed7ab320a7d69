"""Widgets and panels the pages share: the pickers of the shared settings, tables for people, the diagnostics
panel, the footer."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from model.bayes.crossing import MCSE_MONTHS_OK
from model.core.errors import DataError
from model.core.text import plain
from model.data.dataset import Dataset
from model.data.openness import OPEN_DEFINITIONS
from model.lags.definitions import DEFINITIONS
from model.lags.groups import PRESETS
from ui.data import group_labels_cached, titles
from ui.state import ATTRIBUTION, DEFAULT_SETTINGS, Key, settings

DEFINITION_HELP = ("backward: months since the closed frontier first reached each new open best (default). catch_up: "
                   "months until an open model matched each closed record (Epoch 2024). threshold: first open minus first "
                   "closed crossing of score thresholds (Ihle). level_average: the gap averaged over score levels both "
                   "frontiers passed through since the window start (Epoch 2025). not_significantly_behind: months since the "
                   "closed frontier first became significantly better than each new open best, given the scores' standard "
                   "errors (Epoch 2026; needs scores with errors). See docs/methods.md.")


GROUP_CHOICES = [*PRESETS, "custom"]


def group_picker(ds: Dataset, container=st) -> tuple[str, str]:
    """Who trails whom: a preset or two custom filters, one setting shared by every page. A filter that selects no
    model, names an unknown country or lab, or cannot be read is one line, and the last good groups stay."""
    s = settings()
    current = next((k for k, (f, lead, _) in PRESETS.items() if (f, lead) == (s.follower, s.leader)), "custom")
    choice = container.selectbox("Who trails whom", GROUP_CHOICES, index=GROUP_CHOICES.index(current),
                                 format_func=lambda k: PRESETS[k][2] if k in PRESETS else "custom: two filters",
                                 help="The follower group's lag behind the leader group. Filters: open, closed, all, "
                                      "country=CN, creator=OpenAI, licence=permissive (open source; or restricted, "
                                      "non_commercial) (!= excludes), joined by &.")
    follower, leader = (PRESETS[choice][0], PRESETS[choice][1]) if choice in PRESETS else (s.follower, s.leader)
    if choice == "custom":
        c1, c2 = container.columns(2)
        follower = c1.text_input("Follower filter", value=follower, max_chars=200)
        leader = c2.text_input("Leader filter", value=leader, max_chars=200)
    try:
        _, notes = group_labels_cached(ds.content_hash, follower, leader, s.open_definition, ds)
    except DataError as exc:
        try:  # keep the last good groups; a link's groups that never worked fall back to open vs closed
            group_labels_cached(ds.content_hash, s.follower, s.leader, s.open_definition, ds)
        except DataError:
            s.follower, s.leader = DEFAULT_SETTINGS["follower"], DEFAULT_SETTINGS["leader"]
        container.error(f"{plain(exc)} Using {plain(s['follower'])} vs {plain(s['leader'])}.")
        return s.follower, s.leader
    for note in notes:
        container.info(plain(note))
    s.follower, s.leader = follower, leader
    return follower, leader


def lag_definition_picker(container=st) -> str:
    """The lag definition, one setting shared by every page."""
    s = settings()
    current = s.lag_definition
    choice = container.selectbox("Lag definition", DEFINITIONS, index=DEFINITIONS.index(current), help=DEFINITION_HELP)
    s.lag_definition = choice
    return choice


def open_definition_picker() -> str:
    s = settings()
    choice = st.radio(
        "What counts as open", OPEN_DEFINITIONS, index=OPEN_DEFINITIONS.index(s.open_definition), horizontal=True,
        help="any: downloadable weights, whatever the licence (default). permissive: only Apache/MIT/BSD-style licences; "
             "restricted and non-commercial models are left out of both groups.",
    )
    s.open_definition = choice
    return choice


def benchmark_picker(ds: Dataset, label: str = "Benchmark") -> str:
    """The shared benchmark choice (Trend fit's; the answer page keeps its own), remembered per data set: after an
    upload and a switch back, the embedded data's own last choice returns (else the catalogue default, the newest
    index), not the upload's first benchmark or an older index version."""
    s = settings()
    names = list(ds.benchmarks["benchmark"])
    shown = titles(ds)
    data_key = ds.label.split(" + ")[0]  # the data set, with or without the user's overrides
    remembered = s.benchmark_by_data.get(data_key)
    default = DEFAULT_SETTINGS["benchmark"] if DEFAULT_SETTINGS["benchmark"] in names else names[0]
    current = next(b for b in (remembered, s.benchmark, default) if b in names)
    if s.benchmark not in names and s.benchmark == st.session_state.pop(Key.LINK_BENCHMARK, None):
        st.warning(plain(f"Benchmark {str(s.benchmark)[:40]!r} is not in this data set; showing {current} instead."))
    choice = st.selectbox(label, names, index=names.index(current), format_func=lambda b: f"{shown.get(b, b)}  ·  {b}")
    s.update(benchmark=choice, benchmark_by_data={**s.benchmark_by_data, data_key: choice})
    return choice


def kept_multiselect(label: str, options: list, chosen: list, *, key: str, **kw) -> list:
    """A multiselect whose edits are never dropped: its identity is its key, not a default that follows the last
    choice (that gave the widget a new identity on every run, so a second removal made while the first one's run was
    still going was lost). ``chosen`` seeds it when the page is (re)opened; ``key`` names the widget."""
    if key not in st.session_state or set(st.session_state[key]) - set(options):
        st.session_state[key] = [c for c in chosen if c in options]
    return st.multiselect(label, options, key=key, **kw)


def kept_radio(label: str, options: list, current, *, key: str, **kw):
    """A radio whose identity is its key, not an index that follows the shared setting (after an upload set the source,
    the changed index made a new widget and the click back to the embedded data was dropped). ``current`` seeds it."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = current if current in options else options[0]
    return st.radio(label, options, key=key, **kw)


def date_field(label: str, value: dt.date, first: dt.date, last: dt.date, **kw) -> dt.date:
    """A date typed as YYYY-MM-DD that applies on Enter as well as on leaving the field (Streamlit's date picker
    applied a typed date only when it lost focus). A text that is not a date keeps ``value``, and a date outside
    ``first``..``last`` is moved to the nearer end; each says so in one line."""
    text = st.text_input(f"{label} (YYYY-MM-DD)", value=value.isoformat(), max_chars=10, **kw)
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        st.warning(f"{plain(text.strip()[:10])} is not a date (YYYY-MM-DD); {value} is kept.")
        return value
    if not first <= day <= last:
        moved = min(max(day, first), last)
        st.info(f"{day} is outside this benchmark's data ({first} to {last}); {moved} is used.")
        return moved
    return day


def footer(ds: Dataset) -> None:
    from ui.fits import start_warmup

    st.caption(f"{plain(ds.label)} · snapshot {ds.snapshot_date} · {ATTRIBUTION}")
    start_warmup()  # after the page has rendered: compile models in the background for the first fit


def data_table(frame: pd.DataFrame, **kw) -> None:
    """``st.dataframe`` with every text cell and header a spreadsheet would run as a formula neutralised, as the
    downloads are (the table toolbar's own "Download as CSV" writes what is shown)."""
    from model.outputs.exports import neutralise_formulas

    shown = neutralise_formulas(frame)
    shown.columns = neutralise_formulas(pd.DataFrame([list(map(str, shown.columns))])).iloc[0].tolist() \
        if len(shown.columns) else shown.columns
    st.dataframe(shown, **kw)


def chart(fig, *, caption: str | None = None, name: str | None = None, attribution: str = ATTRIBUTION, **kw) -> None:
    """A Plotly figure, its caption, and one click away under them the points it draws as a table, in an expander named
    after the chart (its title: what a reader who cannot see the chart reads instead); the toolbar shows on hover."""
    from model.presentation.plot_data import figure_name, figure_table
    from ui.embedding import draw_alone

    name = name or figure_name(fig)
    draw_alone(fig, name, caption, attribution)  # an embedded address asking for this chart alone
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": "hover"}, **kw)
    if caption:
        st.caption(caption)
    table = figure_table(fig)
    if len(table):
        with st.expander(f"Chart data: {name}"):
            data_table(table, hide_index=True, width="stretch")
            embed_chart(fig, name=name, caption=caption, table=table, attribution=attribution)


def embed_chart(fig, *, name: str, caption: str | None, table: pd.DataFrame, attribution: str = ATTRIBUTION) -> None:
    """This chart as a self-contained HTML file (figure, caption, data, attribution and the link that reproduces
    it), built when asked; and the address of its page in Streamlit's embed mode, for an iframe."""
    from urllib.parse import urlencode

    from model.outputs.chart_html import chart_file_name, chart_html, chart_slug
    from ui.embedding import DISPLAY_PARAMS

    query = urlencode({k: st.query_params[k] for k in st.query_params if k not in DISPLAY_PARAMS}, safe=",")
    link = f"{st.context.url or ''}" + (f"?{query}" if query else "")
    st.download_button("This chart as a self-contained HTML file", file_name=chart_file_name(name), mime="text/html",
                       data=lambda: chart_html(fig, name=name, caption=caption, attribution=attribution, link=link,
                                               table=table), icon=":material/code:")
    embed = link + ("&" if query else "?") + "embed=true&nav=hidden"
    st.caption("To embed it in an article (an iframe; Streamlit's embed mode, no menus or navigation): this chart alone "
               f"`{embed}&chart={chart_slug(name)}`, or its whole page `{embed}`")


def live_fetch_report(body: bytes, lines: list[str]) -> None:
    """What the last live AA fetch changes against the embedded data (the refresh report), and, where the operator
    allows the app to write to the archive, a button that keeps the fetch as a dated snapshot there."""
    from model.data.aa_api import AA_API_URL
    from model.data.refresh import ARCHIVE_DIR, archive_enabled, archive_fetched

    with st.expander("What this fetch changes against the embedded data", expanded=True):
        for line in lines:
            st.markdown("- " + plain(line))
        if archive_enabled() and st.button("Keep this fetch as a dated snapshot in the archive"):
            try:
                st.success(plain(archive_fetched(ARCHIVE_DIR, "aa_api", body, AA_API_URL)))
            except (DataError, OSError) as exc:
                st.error(plain(f"Not archived: {exc}"))


def people_table(frame: pd.DataFrame, ds: Dataset | None = None, **kw) -> None:
    """A table with plain headers, units, display names and 2-3 significant figures; each header's help names its
    meaning and raw column (model.presentation.tables)."""
    from model.presentation.tables import table_for_people

    shown, help_text = table_for_people(frame, names=titles(ds) if ds is not None else None)
    data_table(shown, hide_index=True, width="stretch",
               column_config={h: st.column_config.Column(h, help=text) for h, text in help_text.items()}, **kw)


def class_comparison_section(ds: Dataset, fit_settings) -> None:
    """Public vs private test sets (model.robustness.test_sets): a pooled fit per class on a button press, then both
    lags, their ratio and each fit's verdict. ``fit_settings`` give the window, observations, groups and sampler."""
    st.caption("Ihle reports a longer lag on private (contamination-resistant) benchmarks than on public ones. Each "
               "class of the catalogue (the test set's status, with its source, on the Data page) gets its own pooled "
               "fit with these settings' window, observations and groups; the Epoch source has classified benchmarks "
               "of both kinds.")
    key = Key.scoped("classes", ds.content_hash, fit_settings.model_copy(update={"benchmarks": ["all"]}).cache_key())
    if st.button("Fit each class (two pooled fits)", key=f"classes_button_{key[-12:]}"):
        from model.robustness.test_sets import compare_classes

        with st.status("Fitting the public and the private class…") as status:
            try:
                st.session_state[key] = compare_classes(ds, fit_settings)
                status.update(label="Both classes fitted", state="complete")
            except DataError as exc:
                status.update(label="Could not fit the classes", state="error")
                st.error(plain(exc))
    comparison = st.session_state.get(key)
    if comparison is not None:
        st.markdown(plain(comparison.sentence()))
        people_table(comparison.table.drop(columns=["benchmark_ids"]).rename(columns={"class": "test set"}))
        if comparison.notes:
            with st.expander(f"Notes on the two fits ({len(comparison.notes)}: benchmarks left out, caveats)"):
                for note in comparison.notes:
                    st.caption(plain(note))


def empty_overrides() -> pd.DataFrame:
    return pd.DataFrame({"model_id": pd.Series(dtype="string"), "open_weights": pd.Series(dtype="bool"),
                         "note": pd.Series(dtype="string")})


def diagnostics_panel(row) -> None:
    """The engine's own diagnostics (NUTS: R-hat, ESS, divergences; importance sampling: Pareto k and the weights'
    effective sample size), with the verdict as a coloured box."""
    engine = str(row.get("engine", "nuts"))
    c1, c2, c3, c4 = st.columns(4)
    if engine == "importance":
        c1.metric("engine", "importance")
        c2.metric("Pareto k", f"{row['pareto_k']:.2f}")
        c3.metric("effective draws", f"{row['ess_bulk_min']:.0f}")
        c4.metric("divergences", "n/a", help="Importance sampling has no Markov chain, so no divergences.")
        checks = "importance sampling: Pareto k ≤ 0.5, effective draws ≥ 400"
    else:
        rhat = float(row["rhat_max"])
        c1.metric("max R-hat", f"{rhat:.3f}" if np.isfinite(rhat) else "n/a (no chains)")
        c2.metric("min bulk ESS", f"{row['ess_bulk_min']:.0f}")
        c3.metric("min tail ESS", f"{row['ess_tail_min']:.0f}")
        c4.metric("divergences", int(row["divergences"]))
        checks = "R-hat ≤ 1.01, ESS ≥ 400, no divergences"
        if engine.startswith("nuts ("):
            st.caption("Sampled by NUTS: " + plain(engine[len("nuts ("):-1]) + ".")
        elif engine != "nuts":  # a stacked mixture: each member's engine
            st.caption("Engines: " + plain(engine) + ".")
    mcse = {k: row.get(f"crossing_{k}_mcse_months", np.nan) for k in ("lo90", "median", "hi90")}
    if any(np.isfinite(v) for v in mcse.values()):
        st.caption("Monte Carlo standard error of the crossing date (months): " + ", ".join(
            f"{label} ±{v:.1f}" for label, v in (("90% start", mcse["lo90"]), ("median", mcse["median"]),
                                                  ("90% end", mcse["hi90"])) if np.isfinite(v)) + ".")
        if max((v for v in mcse.values() if np.isfinite(v)), default=0) > MCSE_MONTHS_OK:
            st.info("An end of the crossing interval is uncertain by more than a month from sampling alone (heavy tails): "
                    "more draws (Sampler) narrow it; read that end as approximate.")
    verdict = str(row["verdict"])
    if verdict == "trustworthy":
        st.success(f"Sampler diagnostics: trustworthy ({checks}).")
    elif verdict.startswith("caution"):
        st.warning(f"Sampler diagnostics: {verdict}")
    else:
        st.error(f"Sampler diagnostics: {verdict}. Do not rely on this fit.")
