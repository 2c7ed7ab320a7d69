"""Failing fits give a verdict or a one-line error; a cancelled fit leaves nothing behind; the UI keeps the last good result."""

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.priors import TrendPriors
from model.bayes.sampling import SamplerSettings
from model.core.errors import DataError
from tests.conftest import ROOT
from tests.sim import simulate_series
from ui.state import Key

FAST = SamplerSettings(draws=200, tune=200, chains=2, seed=2)
pytestmark = pytest.mark.slow


def test_sampler_exception_becomes_a_clear_error(monkeypatch):
    import nutpie

    def boom(*args, **kwargs):
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(nutpie, "sample", boom)
    with pytest.raises(DataError, match=r"^The sampler failed \(RuntimeError: boom\)"):
        fit_trend(simulate_series(5, -2, seed=1), FitSpec(sampler=replace(FAST, engine="nuts")))


def test_timeout_cancels_cleanly_and_the_next_fit_works():
    obs = simulate_series(5, -2, seed=1)
    with pytest.raises(DataError, match="Sampling stopped after 0.2 s"):
        fit_trend(obs, FitSpec(sampler=SamplerSettings(draws=5000, tune=5000, chains=2, max_seconds=0.2, engine="nuts")))
    assert fit_trend(obs, FitSpec(sampler=FAST)).draws["beta"].shape == (400,)


def test_flat_likelihood_is_flagged():
    obs = simulate_series(-5, -2, n=10, sigma=0.5, years=1.0, seed=3)  # every point open-ahead: only "<= 0" is known
    assert (obs.status == "open_ahead").all()
    fit = fit_trend(obs, FitSpec(sampler=FAST))
    assert "posterior mostly reflects the priors" in fit.diagnostics.verdict or not fit.diagnostics.trustworthy


@pytest.mark.parametrize("priors", [{"slope_sd": 0, "intercept_sd": 0, "noise_sd": 0}, {"slope_mean": 60, "intercept_mean": 120},
                                    {"slope_mean": -60, "intercept_mean": -60}])
def test_extreme_slider_values_do_not_crash(priors):
    fit = fit_trend(simulate_series(5, -2, seed=4), FitSpec(priors=TrendPriors(**priors), sampler=FAST))
    assert np.isfinite(fit.draws["beta"]).all() and fit.diagnostics.verdict


def test_cli_timeout_is_one_line():
    r = subprocess.run([sys.executable, "-m", "model", "fit", "--benchmark", "gpqa", "--draws", "5000", "--tune", "5000",
                        "--max-seconds", "0.3",
                        "--engine", "nuts"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.strip().startswith("error: Sampling stopped after 0.3 s")
    assert len(r.stderr.strip().splitlines()) == 1


def test_ui_keeps_the_last_good_result_when_a_fit_fails(monkeypatch):
    import model.bayes.fitting as fitting

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.session_state[Key.FIT_FORM] = FitSettings(draws=200, tune=200, chains=2).model_dump()  # 200: not a slider stop
    at.run()
    at.switch_page("pages/trend_fit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    good = [m.value for m in at.markdown if "probability" in m.value]
    assert good

    def failing(*args, **kwargs):
        raise DataError("The sampler failed (RuntimeError: boom). Try other priors or a simpler model.")

    monkeypatch.setattr(fitting, "sample_compiled", failing)
    monkeypatch.setattr(fitting, "importance_posterior", lambda *a, **k: "declined in this test")  # so NUTS runs, and fails
    next(s for s in at.slider if s.label.startswith("Slope prior mean")).set_value(-7.5).run()
    assert not at.exception
    assert any("Could not fit: The sampler failed" in e.value and "previous result is kept" in e.value for e in at.error)
    assert [m.value for m in at.markdown if "probability" in m.value] == good
    # and the failure was not cached: with the sampler back, the same settings fit
    monkeypatch.undo()
    at.run()
    assert not any("Could not fit" in e.value for e in at.error)
    assert [m.value for m in at.markdown if "probability" in m.value] != good


def test_one_failure_display():
    """Display names for ids (whole ids only), one hint, and "kept" only when a previous result is on screen."""
    from ui.fits import FIT_HINT, failure_message

    names = {"hle": "Humanity's Last Exam", "intelligence_index": "AA Intelligence Index",
             "intelligence_index_2026_10_10": "AA Intelligence Index (2026-10-10 version)"}
    text = failure_message("intelligence_index_2026_10_10: too few lags while hle has none.", names=names, kept=False)
    assert "AA Intelligence Index \\(2026\\-10\\-10 version\\)" in text and "while Humanity" in text
    assert text.count(FIT_HINT) == 1 and "kept" not in text
    own = failure_message("The sampler failed. Try other priors.", names=names, kept=True)
    assert FIT_HINT not in own and own.endswith("The previous result is kept.")
