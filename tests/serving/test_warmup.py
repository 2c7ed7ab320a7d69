"""The server's warm-up fits the default views through the disk store, with the very settings the pages' first fits
ask for (so a first visitor reads them back instead of fitting)."""

import pytest
from streamlit.testing.v1 import AppTest

import model.serving.stored_results as stored_results
from model.serving.stored_results import load_result
from model.serving.warmup import default_views, score_space_default, stored_score_space, warm_common_models
from tests.conftest import APP_PATIENCE, ROOT


def test_the_pages_first_fits_are_the_warm_up_fits(monkeypatch, aa, fast_fits):
    asked = []
    real = stored_results.run_analysis_stored

    def record(ds, settings, **kw):
        asked.append(settings.cache_key())
        return real(ds, settings, **kw)

    monkeypatch.setattr(stored_results, "run_analysis_stored", record)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    for page in ("pages/trend_fit.py", "pages/pooled.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    assert asked[:2] == [s.cache_key() for s in default_views(aa)]


@pytest.mark.slow
def test_warm_up_stores_the_default_views(tmp_path, monkeypatch, aa, fast_fits):
    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(tmp_path))  # synthetic fits go to a throwaway store only
    monkeypatch.delenv("FRONTIER_LAG_NO_RESULT_STORE", raising=False)
    done = warm_common_models()
    views = default_views(aa)
    assert done == [s.cache_key() for s in views] + [f"score_space:{b}" for b in score_space_default(aa)]
    for s in views:
        assert load_result(aa.content_hash, s) is not None


@pytest.mark.slow
def test_score_space_default_view_is_read_back_after_the_warm_up(tmp_path, monkeypatch, aa, fast_fits):
    """Score space made a first visitor wait 41 s on a fresh server (its frontiers sample with NUTS): the warm-up now
    fits its default benchmarks into the store, and the page reads them back without fitting (a counter, not a
    clock)."""
    import model.robustness.score_space as score_space

    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(tmp_path))
    monkeypatch.delenv("FRONTIER_LAG_NO_RESULT_STORE", raising=False)
    for benchmark in score_space_default(aa):
        stored_score_space(aa, benchmark, "any")  # what the warm-up does
    fitted = []
    real = score_space.fit_score_space
    monkeypatch.setattr(score_space, "fit_score_space", lambda *a, **k: fitted.append(a[1]) or real(*a, **k))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    at.switch_page("pages/score_space.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert fitted == [] and at.selectbox[-1].options  # shown, and nothing was fitted
    assert len(score_space_default(aa)) == 3
