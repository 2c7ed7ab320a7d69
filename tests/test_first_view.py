"""The precomputed first answer: shipped in step with the embedded data and the default settings, used only when they
match, and the Answer page shows it within seconds."""

import time

from streamlit.testing.v1 import AppTest

from model.presentation.first_view import FIRST_VIEW_FILE, first_view_settings, load_first_view
from tests.conftest import ROOT


def test_shipped_first_view_matches_the_embedded_data_and_default_settings(aa):
    record = load_first_view(aa, first_view_settings().model_copy(update={"benchmarks": ["intelligence_index_2026_10_10"]}))
    assert record is not None, f"{FIRST_VIEW_FILE} is stale: run python -m model.presentation.first_view"
    assert record["stacked"]["model"] == "stacked" and record["linear"]["model"] == "linear"
    assert abs(sum(m["weight"] for m in record["members"]) - 1.0) < 0.02
    assert load_first_view(aa, first_view_settings().model_copy(update={"model": "linear"})) is None  # other settings: live


def test_answer_page_answers_within_seconds():
    t0 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()  # the default page is the answer
    seconds = time.perf_counter() - t0
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert at.title[0].value == "How far behind are open-weights models?"
    text = " ".join(m.value for m in at.markdown)
    assert "months" in text and "2027" in text and "Precomputed" in " ".join(c.value for c in at.caption)
    assert seconds < 30, seconds  # no sampling: the stacked answer is precomputed
