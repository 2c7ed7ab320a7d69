"""The answer first: how far behind open-weights models are now, when the gap may close, and what that depends on."""

import time

import pandas as pd
import streamlit as st

from model.analysis import STACKED, FitSettings
from model.bayes.crossing import p_closes_later
from model.core.errors import DataError
from model.core.text import fmt_prob, plain, plural
from model.data.arena import arena_gap_sentence, arena_gap_summary
from model.data.catalog import distinct_benchmarks
from model.lags.across import lag_summary_by_date, quorum
from model.lags.engine import frontier_lag
from model.lags.groups import groups_sentence
from model.presentation.answer_text import disagreement_sentence, june_line_sentence
from model.presentation.charts.frontiers import overview_figure
from model.presentation.charts.robustness import yardstick_figure
from model.presentation.links import link_params
from model.presentation.readings import crossing_month, too_few_for_a_trend, yardstick_table_for_people
from model.robustness.windows import ANSWER_START_RULE, spread_sentence
from model.serving.first_view import as_row, first_view_settings, load_first_pooled, load_first_view
from ui.data import arena_boards, current_dataset, current_groups, mean_lag_intervals_for, monthly_lags, shared_figure, titles
from ui.fits import run_fit
from ui.links import share_link
from ui.routing import route_deep_links_through_entry_point
from ui.state import DEFAULT_SETTINGS, Key, settings
from ui.widgets import chart, data_table, footer

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("How far behind are open-weights models?")
ds = current_dataset()
s = settings()
names = titles(ds)
# The landing page answers for the headline index whatever another page chose (a choice made here is its own).
headline = DEFAULT_SETTINGS["benchmark"]
bench = st.session_state.get(Key.ANSWER_BENCHMARK) or (headline if headline in names else ds.benchmarks["benchmark"].iloc[0])
if bench != headline:  # never silently: the sentences below say "the headline index" of whatever is shown
    st.info(plain(f"These data have no {headline}: the answer below is for {names.get(bench, bench)}, the first "
                  "benchmark of the data set. The Data page switches back to the embedded data."))
who = groups_sentence(s.follower, s.leader)
default_groups = (s.follower, s.leader) == ("open", "closed")
evaluations = distinct_benchmarks(ds.benchmarks) or list(ds.benchmarks["benchmark"])

# 1. The lag now, measured (no model): on the headline index, and across the distinct evaluations (each counted once).
try:
    index_lags = frontier_lag(ds.scores, bench, benchmarks=ds.benchmarks, open_definition=s.open_definition,
                              groups=current_groups(ds))  # monthly: the lag now, and the June 2026 line's since
    now = index_lags.iloc[-1]
    long = monthly_lags(ds, evaluations)
except DataError as exc:
    st.error(f"{plain(exc)} Choose other data or groups on the Data and Frontiers pages.")
    st.stop()
summary = lag_summary_by_date(long, min_benchmarks=quorum(long["benchmark"].nunique()))
latest = summary.iloc[-1]
if now["status"] == "ok":
    lead = (f"the best open-weights model trails the closed frontier by **{now['lag_months']:.1f} months**" if default_groups
            else f"the best follower model trails the leaders by **{now['lag_months']:.1f} months**")
elif now["status"] == "open_ahead":
    lead = "the follower group is **ahead** (lag 0)"
else:
    lead = f"the lag is not measured on this date ({now['status'].replace('_', ' ')})"
n_eval = long["benchmark"].nunique()
st.markdown(("" if default_groups else plain(f"Comparison: {who}. "))
            + f"**The headline index** ({plain(names.get(bench, bench))}): as of {now['date']:%Y-%m-%d}, {lead}. "
            f"**A typical benchmark**: across {n_eval} distinct {plural(n_eval, 'evaluation')} (each counted once, no index "
            f"beside its own components), the mean lag is **{latest['mean_lag']:.1f} months** in {latest['date']:%Y-%m} "
            "(its 90% band from score noise is under the chart below). Both are measured, not modelled.")

# 2. When the gap may reach zero on the index: the stacked answer on the declared window, with its spread.
answer_settings = FitSettings.from_shared(s, first_view_settings().model_dump(include={"model", "start"}), benchmarks=[bench])
form = answer_settings.model_dump()
stored = load_first_view(ds, answer_settings)
if stored is not None:
    row = as_row(stored, STACKED)
    note = f"Precomputed on {stored['computed']} with these settings; the Trend fit page refits live."
else:
    result = run_fit(ds, answer_settings, f"{bench} · stacked")
    if result is None:
        st.stop()
    row = result.summary.iloc[0]
    note = "Fitted now for your data and settings."
st.header("When could the gap reach zero?")
headline_name = plain(names.get(bench, bench))
if (few := too_few_for_a_trend(row)) is not None:
    st.markdown(f"On the headline index ({headline_name}): **no date**, {few}.")
elif p_closes_later(row) >= 0.5:
    st.markdown(f"**The headline index** ({headline_name}), on its trend {ANSWER_START_RULE.split(':')[0]}: **most likely "
                f"between {crossing_month(row, 'crossing_lo90')} and {crossing_month(row, 'crossing_hi90')}** (90% of the "
                f"closing draws; median {crossing_month(row, 'crossing_median')}). Chance it is zero by the end of 2027: "
                f"**{fmt_prob(row['p_cross_by_2027_12_31'])}**; that it never closes on this trend: {fmt_prob(row['p_never'])}.")
else:
    st.markdown(f"**The headline index** ({headline_name}): **most likely not on the current trend**: "
                f"{fmt_prob(row['p_never'])} of the posterior never reaches zero; chance it is zero by the end of 2027: "
                f"{fmt_prob(row['p_cross_by_2027_12_31'])}.")
spread = spread_sentence(pd.DataFrame(stored["sensitivity"])) if stored is not None and "sensitivity" in stored else None
evidence = row.get("stack_evidence") or "no evidence recorded"
st.caption(plain(f"Window {ANSWER_START_RULE}. The four trend models are weighted by how well each forecast the next "
                 f"six lags from each of the last twelve ({row['stack_weights']}; {evidence}). "
                 + (f"How much the window and the model matter. {spread} " if spread else
                    "The spread across windows is precomputed for the default settings only; the Multiverse refits it. ")
                 + f"Diagnostics: {row['verdict']}. {note}"))

# 3. A typical benchmark: the Pooled page's default fit (the distinct evaluations, partially pooled), precomputed.
shared = {k: form[k] for k in ("open_definition", "tolerance", "include_estimated", "lag_definition", "follower", "leader")}
pooled = load_first_pooled(ds, shared)
if pooled is not None:
    pop, pooled_settings = pooled
    st.markdown(f"**A typical benchmark** (the population of {len(pooled_settings.benchmarks)} distinct evaluations, "
                f"pooled, same window): the lag now is **{pop['current_lag_median']:.1f} months**, changing by "
                f"{pop['slope_median']:+.1f} months a year (P(shrinking) {fmt_prob(pop['p_slope_negative'])}); chance it is "
                f"zero by the end of 2027: **{fmt_prob(pop['p_cross_by_2027_12_31'])}**; that it never closes on this "
                f"trend: {fmt_prob(pop['p_never'])}.")
    st.caption(plain(f"Partial pooling of {', '.join(names.get(b, b) for b in pooled_settings.benchmarks)} from "
                     f"{pooled_settings.start}, a straight line per benchmark; diagnostics: {pop['verdict']}. Precomputed "
                     "with these settings; the Pooled page refits and shows each benchmark."))
    if (why := disagreement_sentence(row, answer_settings, pop, pooled_settings)) is not None:
        st.info(plain(why))
else:
    st.caption("A typical benchmark: the Pooled page fits the population of the distinct evaluations with these settings.")

# 4. The forecast this question started from, against what happened.
if bench == headline:
    st.markdown("**The June 2026 line.** " + plain(june_line_sentence(index_lags, names.get(bench, bench))))

# 5. The yardstick as a finding: the same question on each family of measures, precomputed with the answer.
if stored is not None and stored.get("yardsticks"):
    st.header("The yardstick decides the number")
    yard = pd.DataFrame(stored["yardsticks"])
    chart(shared_figure(yardstick_figure, yard),
          caption="Lag now (median and 90% interval of each family's fitted trend at its own data end), its direction and "
                  "the chance of a zero gap by the end of 2027, on the answer's window. Each family's definition is in the "
                  "table; a points gap (LMArena) is not a lag in months and is not in this table (below it).")
    data_table(yardstick_table_for_people(yard), hide_index=True, width="stretch")
    st.markdown("**Beside them, a yardstick that needs no release dates.** "
                + plain(arena_gap_sentence(arena_gap_summary(arena_boards()))) + " A gap in rating points, not months.")
    st.page_link("pages/arena_gap.py", label="The Arena points gap, board by board", icon=":material/leaderboard:")

share_link(link_params(answer_settings, page="answer"), "this answer")
st.markdown("**Why?** See the frontiers and the lags behind this answer. **How sure?** See every analytic choice at once "
            "and how such forecasts fared in the past.")
w1, w2, w3, w4 = st.columns(4)
w1.page_link("pages/frontiers.py", label="Why: Frontiers", icon=":material/stacked_line_chart:")
w2.page_link("pages/lag_overview.py", label="Why: Lag overview", icon=":material/insights:")
w3.page_link("pages/multiverse.py", label="How sure: Multiverse", icon=":material/scatter_plot:")
w4.page_link("pages/backtest.py", label="How sure: Backtest", icon=":material/history:")

# The score-noise band comes after the answer: a parametric bootstrap, the slowest part of a first visit. A short
# pause first lets the server send the answer while this script would otherwise hold the interpreter.
time.sleep(0.05)
band = mean_lag_intervals_for(ds, list(long["benchmark"].unique()), quorum(long["benchmark"].nunique()))
chart(shared_figure(overview_figure, long, summary, title="Lag across benchmarks, per month", mean_intervals=band))
at = band[band["date"] == latest["date"]]
if len(at) and at["mean_hi90"].iloc[0] > at["mean_lo90"].iloc[0]:
    st.caption(f"Mean lag in {latest['date']:%Y-%m}: {latest['mean_lag']:.1f} months, 90% from score noise "
               f"{at['mean_lo90'].iloc[0]:.1f}–{at['mean_hi90'].iloc[0]:.1f} (shaded; benchmarks with known item counts, "
               "the indices taken as exact).")

st.header("What the answer depends on")
st.markdown(
    "- **The benchmark.** Each one tells its own story; compare them side by side on **Compare**, pool them on **Pooled**.\n"
    "- **How the lag is measured.** Five published definitions give different numbers for the same data "
    "(**Frontiers**).\n"
    "- **The trend model.** A straight line, a break, a flat gap: the stacked answer above weighs them; each one's own "
    "answer is on **Trend fit**.\n"
    "- **The start date and other choices.** The **Multiverse** refits every combination; **Backtest** shows how such "
    "forecasts fared in the past.")
st.caption("The lag is that of the best open model released so far (the open frontier), not of a typical open model.")
footer(ds)
