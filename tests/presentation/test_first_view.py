"""The precomputed first answer: shipped in step with the embedded data and the default settings, used only when they
match, and the Answer page shows it without fitting."""

import pandas as pd
from streamlit.testing.v1 import AppTest

from model.serving.first_view import FIRST_VIEW_FILE, first_view_settings, load_first_view
from tests.conftest import APP_PATIENCE, ROOT


def test_shipped_first_view_matches_the_embedded_data_and_default_settings(aa):
    record = load_first_view(aa, first_view_settings().model_copy(update={"benchmarks": ["intelligence_index_2026_10_10"]}))
    assert record is not None, f"{FIRST_VIEW_FILE} is stale: run python -m model.serving.first_view"
    assert record["stacked"]["model"] == "stacked" and record["linear"]["model"] == "linear"
    assert abs(sum(m["weight"] for m in record["members"]) - 1.0) < 0.02
    # the window is declared and its spread shipped: every defensible start, the stacked answer and each member
    from model.robustness.windows import ANSWER_START, DEFENSIBLE_STARTS

    assert record["settings"]["start"] == ANSWER_START
    spread = pd.DataFrame(record["sensitivity"])
    assert spread["start"].nunique() == len(DEFENSIBLE_STARTS) and (spread["model"] == "stacked").sum() == len(DEFENSIBLE_STARTS)
    assert load_first_view(aa, first_view_settings().model_copy(update={"model": "linear"})) is None  # other settings: live


def test_answer_page_answers_without_fitting(monkeypatch):
    from model.bayes.trends import SeriesTrend

    fits = []
    original = SeriesTrend.check_size
    monkeypatch.setattr(SeriesTrend, "check_size", lambda self, obs: fits.append(obs.name) or original(self, obs))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()  # the default page is the answer
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert at.title[0].value == "How far behind are open-weights models?"
    text = " ".join(m.value for m in at.markdown)
    assert "months" in text and "2027" in text and "Precomputed" in " ".join(c.value for c in at.caption)
    assert fits == [], fits  # no sampling: the stacked answer is precomputed


def test_the_pooled_population_is_shipped_beside_it_and_shown_only_for_its_own_settings(aa):
    from model.serving.first_view import load_first_pooled
    from model.serving.warmup import default_pooled_settings

    defaults = {"open_definition": "any", "tolerance": 0.0, "include_estimated": True, "lag_definition": "backward",
                "follower": "open", "leader": "closed"}
    row, settings = load_first_pooled(aa, defaults)
    assert settings.cache_key() == default_pooled_settings(aa).cache_key()  # the Pooled page's own default fit
    assert row["pooling"] == "partial (population)" and 0 <= row["p_never"] <= 1
    assert load_first_pooled(aa, {**defaults, "follower": "open&country=CN"}) is None  # other groups: not this answer

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert "A typical benchmark** (the population of" in text and f"{row['current_lag_median']:.1f} months" in text
