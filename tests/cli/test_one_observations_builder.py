"""One observations builder: every consumer hands the sampler exactly what ``observations_for`` builds.

A spy replaces the size check every series fit runs first (``SeriesTrend.check_size``) and stops the fit there, so
nothing is sampled: the test sees the observations each consumer would have fitted, for random valid settings, and
compares them with :func:`model.analysis.observations_for`. A planted consumer that builds its own observations (the
CLI ``compare`` before this test existed) is caught by the same check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from model.analysis import FitSettings, observations_for
from model.bayes.trends import SeriesTrend
from model.data.openness import OPEN_DEFINITIONS
from model.lags.groups import PRESETS, resolve_preset
from tests.conftest import APP_PATIENCE
from ui.state import Key

BENCHMARKS = ("intelligence_index_2026_10_10", "coding_index_2026_06_15", "gpqa", "hle")


class Captured(Exception):
    """Raised by the spy with the observations a fit was about to sample."""

    def __init__(self, obs):
        super().__init__("captured")
        self.obs = obs


@pytest.fixture
def spy(monkeypatch):
    def check_size(self, obs):
        raise Captured(obs)

    monkeypatch.setattr(SeriesTrend, "check_size", check_size)


def fitted(run) -> object:
    """The observations the consumer ``run()`` handed to the fit."""
    with pytest.raises(Captured) as caught:
        run()
    return caught.value.obs


def same_observations(got, want) -> None:
    """The same lags: dates, values, censoring status and measurement errors (the reference may differ by design)."""
    np.testing.assert_array_equal(pd.to_datetime(got.dates), pd.to_datetime(want.dates))
    np.testing.assert_allclose(got.y, want.y)
    assert list(got.status) == list(want.status)
    np.testing.assert_allclose(got.meas_sd, want.meas_sd)
    assert got.lag_definition == want.lag_definition


@hs.composite
def fit_settings(draw) -> FitSettings:
    lag_definition = draw(hs.sampled_from(["backward", "backward", "catch_up", "threshold"]))
    follower, leader = resolve_preset(draw(hs.sampled_from(sorted(PRESETS))))
    return FitSettings(
        benchmarks=[draw(hs.sampled_from(BENCHMARKS))],
        observations="events" if lag_definition != "backward" else draw(hs.sampled_from(["events", "monthly"])),
        start=draw(hs.sampled_from([None, "2023-07-01", "2024-07-01"])),
        lag_definition=lag_definition,
        open_definition=draw(hs.sampled_from(OPEN_DEFINITIONS)),
        tolerance=draw(hs.sampled_from([0.0, 1.0])) if lag_definition == "backward" else 0.0,
        follower=follower, leader=leader,
        measurement_error=draw(hs.booleans()) if lag_definition == "backward" else True,
        likelihood=draw(hs.sampled_from(["normal", "student"])),
        draws=200, tune=200, chains=2,
    )


def cli_fit_args(fs: FitSettings, command: str) -> list[str]:
    """The CLI flags that say ``fs``."""
    args = [command, "--benchmark", fs.benchmarks[0], "--observations", fs.observations, "--definition", fs.lag_definition,
            "--tolerance", str(fs.tolerance), "--follower", fs.follower, "--leader", fs.leader, "--likelihood", fs.likelihood,
            "--open-definition", fs.open_definition,
            "--draws", "200", "--tune", "200", "--chains", "2"]
    args += ["--start", fs.start] if fs.start else []
    args += [] if fs.measurement_error else ["--exact-lags"]
    return args + (["--no-lfo"] if command == "compare" else [])


def expected_or_none(aa, fs):
    from model.core.errors import DataError

    try:
        return observations_for(aa, fs)
    except DataError:
        return None


@pytest.mark.unit
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fs=fit_settings())
def test_cli_fit_and_compare_fit_what_observations_for_builds(aa, spy, fs, tmp_path_factory):
    from model.cli import main

    want = expected_or_none(aa, fs)
    if want is None:  # settings the data cannot serve: every consumer refuses them (exit 2), none fits
        assert main(cli_fit_args(fs, "fit")) == 2 and main(cli_fit_args(fs, "compare")) == 2
        return
    same_observations(fitted(lambda: main(cli_fit_args(fs, "fit"))), want)
    same_observations(fitted(lambda: main(cli_fit_args(fs, "compare"))), want)
    path = tmp_path_factory.mktemp("settings") / "s.json"
    path.write_text(fs.to_json(), encoding="utf-8")
    same_observations(fitted(lambda: main(["fit", "--settings", str(path)])), want)


@pytest.mark.unit
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fs=fit_settings())
def test_a_backtest_cutoff_fits_what_observations_for_builds_before_it(aa, spy, fs):
    from model.core.errors import DataError
    from model.data.dataset import Dataset
    from model.robustness.backtest import backtest_benchmark

    cut = pd.Timestamp("2025-07-01")
    past = Dataset(aa.scores[aa.scores["release_date"] < cut], aa.benchmarks, aa.report, "past")
    try:
        want = observations_for(past, fs.model_copy(update={"end": "2025-06-30"}))
    except DataError:
        return
    got = fitted(lambda: backtest_benchmark(aa.scores, fs.benchmarks[0], benchmarks=aa.benchmarks, cutoffs=[cut],
                                            methods=("linear",), settings=fs))
    same_observations(got, want)
    assert got.reference == cut


@pytest.mark.unit
def test_a_multiverse_specification_fits_what_observations_for_builds(aa, spy):
    from model.robustness.multiverse import Spec, run_spec, spec_settings

    spec = Spec("coding_index_2026_06_15", "2024-01-01", "monthly", "linear", "any", True, "aa",
                groups="china_open_vs_us_closed")
    want = observations_for(aa, spec_settings(spec, aa))
    same_observations(fitted(lambda: run_spec(spec, dataset=aa)), want)


def test_trend_fit_page_fits_what_observations_for_builds(aa, fast_fits):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.session_state[Key.SETTINGS] = {"source": "aa", "open_definition": "any", "include_estimated": True,
                                    "corrections": True, "tolerance": 0.0, "benchmark": "gpqa",
                                    "lag_definition": "backward", "follower": "open&country=CN", "leader": "closed"}
    at.session_state[Key.FIT_FORM] = FitSettings(benchmarks=["gpqa"], start="2024-01-01", observations="monthly").model_dump()
    at.run()
    at.switch_page("pages/trend_fit.py")
    seen = []
    original = SeriesTrend.check_size

    def record(self, obs):
        seen.append(obs)

    SeriesTrend.check_size = record  # record, don't stop: the page must finish its run
    try:
        at.run()
    finally:
        SeriesTrend.check_size = original
    assert not at.exception, at.exception
    assert seen, "the page fitted nothing"
    fs = FitSettings.from_shared(at.session_state[Key.SETTINGS], at.session_state[Key.FIT_FORM])
    assert fs.follower == "open&country=CN" and fs.benchmarks == ["gpqa"]
    same_observations(seen[-1], observations_for(aa, fs))


@pytest.mark.unit
def test_a_planted_consumer_that_builds_its_own_observations_is_caught(aa):
    """The CLI compare before this change: its own builder, which dropped the groups and the score errors."""
    from model.bayes.observations import benchmark_observations

    fs = FitSettings(benchmarks=["intelligence_index_2026_10_10"], follower="open&country=CN", leader="open&country=US")
    planted = benchmark_observations(aa.scores, fs.benchmarks[0], kind=fs.observations, start=fs.start, end=fs.end,
                                     benchmarks=aa.benchmarks, open_definition=fs.open_definition, tolerance=fs.tolerance)
    with pytest.raises(AssertionError):
        same_observations(planted, observations_for(aa, fs))
