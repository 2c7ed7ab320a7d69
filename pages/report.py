"""Report page: what the data say, how sure we are, which choices matter, how past forecasts fared, provenance."""

import pandas as pd
import streamlit as st

from model.analysis import STACKED, FitSettings
from model.bayes.summaries import trend_band
from model.core.errors import DataError
from model.core.text import fmt_prob, plain, plural
from model.data.catalog import distinct_benchmarks
from model.lags.across import lag_summary_by_date, quorum
from model.lags.groups import groups_sentence
from model.presentation.answer_text import answer_summary
from model.presentation.charts.fits import fit_figure
from model.presentation.charts.frontiers import overview_figure
from model.presentation.charts.robustness import forecast_record_figure
from model.presentation.readings import priors_in_words, readings, yardstick_table_for_people
from model.presentation.report import Section, render_html, versions
from model.presentation.tables import table_for_people
from model.robustness.backtest import HINDSIGHT_CAVEAT
from model.robustness.backtest_tables import calibration_table
from model.robustness.forecast_record import record_sentence
from model.robustness.multiverse import choice_importance, headline
from model.serving.first_view import first_view_settings, load_first_pooled, load_first_view
from ui.data import current_dataset, forecast_record, is_embedded, monthly_lags, titles
from ui.fits import run_fit
from ui.routing import route_deep_links_through_entry_point
from ui.state import DEFAULT_SETTINGS, Key, settings
from ui.widgets import chart, data_table, footer

route_deep_links_through_entry_point()  # this page runs inside the entry point's guard

st.title("Summary report")
ds = current_dataset()
s = settings()
sections: list[Section] = []
pointers: list[str] = []  # what the user could add: shown in the app only, never in the HTML

# 0. The answer in brief: the answer page's sentences and the yardstick table (precomputed for the default settings).
answer_settings = FitSettings.from_shared(s, first_view_settings().model_dump(include={"model", "start"}),
                                          benchmarks=[DEFAULT_SETTINGS["benchmark"]])
record = load_first_view(ds, answer_settings)
if record is not None:
    brief = answer_summary(record, titles(ds).get(DEFAULT_SETTINGS["benchmark"], DEFAULT_SETTINGS["benchmark"]))
    yard = yardstick_table_for_people(pd.DataFrame(record["yardsticks"])) if record.get("yardsticks") else None
    sections.append(Section("The answer in brief", brief + ["By yardstick (the table): the lag now and its direction on "
                                                           "each family of measures."], table=yard))
else:
    pointers.append("The brief answer is precomputed for the default data and settings; with yours, see the answer page.")

# 1. What the data say about the gap: each distinct evaluation counted once.
try:
    long = monthly_lags(ds, distinct_benchmarks(ds.benchmarks) or None)
    summary = lag_summary_by_date(long, min_benchmarks=quorum(long["benchmark"].nunique()))
    recent = summary.tail(12)
    n_eval = long["benchmark"].nunique()
    gap_text = (f"Across {n_eval} distinct {plural(n_eval, 'evaluation')} (each counted once), the mean lag of the best "
                "open-weights model behind the "
                f"closed frontier ranged from {recent['mean_lag'].min():.1f} to {recent['mean_lag'].max():.1f} months over the "
                f"last 12 months of data (latest {recent['mean_lag'].iloc[-1]:.1f}, median {recent['median_lag'].iloc[-1]:.1f}).")
    sections.append(Section("What the data say about the gap", [gap_text],
                            figure=overview_figure(long, summary, title="Lag across benchmarks, per month")))
except DataError as exc:
    sections.append(Section("What the data say about the gap", [f"Not available: {exc}"]))

# 2. How sure we are: the headline benchmark under the Trend fit page's settings, stacked across the four models (the
# answer that carries the choice of model), with the chosen single model beside it.
bench = s.benchmark if s.benchmark in set(ds.benchmarks["benchmark"]) else ds.benchmarks["benchmark"].iloc[0]
form = FitSettings.from_shared(s, st.session_state.get(Key.FIT_FORM, {}), benchmarks=[bench], pooling="none").model_dump()
stacked_settings = FitSettings.model_validate({**form, "model": STACKED})
result = run_fit(ds, stacked_settings, f"{bench} · stacked")
sure = []
fig2 = None
if result is not None:
    row = result.summary.iloc[0]
    fit = next(iter(result.fits.values()))
    sure = [f"Who trails whom: {groups_sentence(form['follower'], form['leader'])}.",
            f"Tested: {titles(ds).get(bench, bench)} (the benchmark chosen on Trend fit), the four trend models "
            f"stacked ({row['stack_weights']}; {row.get('stack_evidence', '')}), "
            f"{row['lag_definition']} lags, {row['observations']} observations from {row['window_start']}: "
            f"{readings(row)['crossing']}",
            readings(row)["p_cross"], f"Sampler diagnostics: {row['verdict']}."]
    fig2 = fit_figure(fit.obs.frame(), trend_band(fit), title=f"{titles(ds).get(bench, bench)}: lag and stacked trend")
    if not FitSettings.model_validate(form).choice.combines:
        single = run_fit(ds, FitSettings.model_validate(form), f"{bench} · {form['model']}")
        if single is not None:
            srow = single.summary.iloc[0]
            sure.append(f"The {form['model']} model alone (the Trend fit page's choice): "
                        f"{readings(srow)['crossing']} Diagnostics: {srow['verdict']}.")
    if stacked_settings.priors != type(stacked_settings.priors)():
        sure.append("These fits use your priors from the Trend fit page, not the defaults: "
                    f"{priors_in_words(stacked_settings.priors)}.")
pooled = {k: v for k, v in st.session_state.get(Key.RESULTS, {}).items() if k.startswith("pooled")}
if pooled:
    label, res = next(reversed(pooled.items()))
    pop = res.summary.set_index("benchmark").loc["population"]
    sure.append(f"Pooled ({label}): population — {readings(pop.to_dict())['crossing']} Diagnostics of that fit: "
                f"{pop['verdict']}.")
elif (shipped := load_first_pooled(ds, {k: form[k] for k in ("open_definition", "tolerance", "include_estimated",
                                                              "lag_definition", "follower", "leader")})) is not None:
    pop, pooled_settings = shipped
    sure.append(f"Pooled (precomputed: {len(pooled_settings.benchmarks)} distinct evaluations from "
                f"{pooled_settings.start}): population — {readings(pop.to_dict())['crossing']} Diagnostics: "
                f"{pop['verdict']}.")
else:
    pointers.append("Fit the pooled model on the Pooled page to add the across-benchmark answer to this report.")
sections.append(Section("How sure we are", sure, figure=fig2))

# 3. Which choices matter.
mv = st.session_state.get(Key.MULTIVERSE)
if mv is not None:
    mv = mv.assign(fitted=mv["fitted"].astype(str).str.lower().isin(["true", "1"]))
    h = headline(mv)
    try:
        imp = choice_importance(mv)
        ranked = (f"The choice that moves the answer most: the {imp.iloc[0]['choice'].replace('_', ' ')} "
                  f"({imp.iloc[0]['variance_share']:.0%} of the spread).")
    except DataError as exc:  # nothing fitted, or no choice varies
        imp, ranked = None, str(exc)
    sections.append(Section("Which choices matter", [
        "Tested: " + ", ".join(sorted(mv["benchmark"].astype(str).unique())[:6]) + "; models "
        + ", ".join(sorted(mv["model"].astype(str).unique())) + ".",
        f"{h['fitted']} specifications fitted; {h['share_p2026_over_half']:.0%} give P(zero gap by end-2026) > 0.5 and "
        f"{h['share_p2027_over_half']:.0%} by end-2027; median P(never) {fmt_prob(h['median_p_never'])}.", ranked],
        table=table_for_people(imp)[0] if imp is not None else None))
else:
    pointers.append("Run the Multiverse page (or load the CLI's specs.csv) to add which choices matter.")

# 4. How past forecasts fared.
bt = st.session_state.get(Key.BACKTEST_LAST)
if bt is not None:
    table = calibration_table(bt)
    bt_name = bt["benchmark"].iloc[0]
    sections.append(Section("How past forecasts fared", [
        f"Tested: {titles(ds).get(bt_name, bt_name)}, methods {', '.join(sorted(bt['method'].unique()))}. Backtest: "
        f"forecasts from {bt['cutoff'].min()} to {bt['cutoff'].max()} cutoffs. "
        "Coverage near 0.5 and 0.9 means honest intervals; lower CRPS is better.", HINDSIGHT_CAVEAT],
        table=table_for_people(table)[0]))
else:
    pointers.append("Run the Backtest page to add how past forecasts fared.")

# 4b. The forecast record: each data version's stored forecast, scored on the newest data (embedded AA data only).
if is_embedded(ds) and s.source == "aa":
    record = forecast_record(ds.content_hash, ds)
    sections.append(Section("The forecast record", [record_sentence(r) for _, r in record["summary"].iterrows()] + [
        "The forecasts of versions before this project existed were reconstructed on 2026-12-07 from each version's own "
        "data (pseudo-real time); each new version's forecast is added when it arrives and never rewritten."],
        figure=forecast_record_figure(record["index_record"], record["observed"])))

# 5. Provenance.
sections.append(Section("Data provenance and versions", [
    f"Data: {ds.label}; snapshot {ds.snapshot_date}; {ds.scores['model_id'].nunique()} models, {len(ds.scores):,} scores.",
    "Data: Artificial Analysis, https://artificialanalysis.ai. Epoch AI, 'AI Benchmarking Hub', epoch.ai/benchmarks, CC BY 4.0. "
    "LMArena, https://lmarena.ai (the Arena points gap).",
    "Software: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
    f"Settings: open definition {s.open_definition}, tolerance {s.tolerance}, estimated values "
    f"{'included' if s.include_estimated else 'excluded'}, lag definition {form['lag_definition']}, score "
    f"uncertainty {'in the fit' if form['measurement_error'] else 'ignored'}, {form['likelihood']} likelihood, "
    f"{form['draws']} draws x {form['chains']} chains, seed {form['seed']}, engine {form.get('engine', 'auto')}. Priors: "
    + priors_in_words(stacked_settings.priors) + "."]))

for sec in sections:
    st.header(plain(sec.title))
    for p in sec.paragraphs:
        st.markdown(plain(p))
    if sec.table is not None:
        data_table(sec.table, hide_index=True, width="stretch")
    if sec.figure is not None:
        chart(sec.figure)
for pointer in pointers:
    st.caption(pointer)
st.download_button("Download this report (HTML)", lambda: render_html("Frontier Lag: the open-weights gap", sections),
                   "frontier_lag_report.html", "text/html")
footer(ds)
