"""Fit results kept on disk: reused across processes for the same data, settings and code; never for other settings or
data; a broken file is refitted; nothing stored when the caller says the data are not the embedded data."""

import os
import subprocess
import sys

import pandas as pd
import pytest

from model.analysis import FitSettings
from model.serving.stored_results import load_result, result_path, run_analysis_stored
from tests.conftest import ROOT

SETTINGS = FitSettings(draws=200, chains=2)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(tmp_path))
    monkeypatch.delenv("FRONTIER_LAG_NO_RESULT_STORE", raising=False)
    return tmp_path


def test_a_fit_is_stored_and_read_back_in_another_process(store, aa):
    first = run_analysis_stored(aa, SETTINGS)
    path = result_path(aa.content_hash, SETTINGS)
    assert path.exists() and path.parent.parent == store
    # read, not refitted: in the second process the fit path itself is replaced by one that fails
    probe = ("import model.analysis as a; from model.analysis import FitSettings; "
             "from model.data.embedded import load_embedded; "
             "from model.serving.stored_results import run_analysis_stored; ds = load_embedded('aa'); "
             "a.run_analysis = lambda *args, **kw: (_ for _ in ()).throw(SystemExit('refitted')); "
             "r = run_analysis_stored(ds, FitSettings(draws=200, chains=2)); print('read_back'); "
             "r.summary.to_csv('out.csv', index=False)")
    env = {k: v for k, v in os.environ.items() if k != "FRONTIER_LAG_NO_RESULT_STORE"}
    r = subprocess.run([sys.executable, "-c", probe], cwd=store, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-1500:]
    assert r.stdout.split()[-1] == "read_back"
    again = pd.read_csv(store / "out.csv", keep_default_na=False, na_values=[""])
    want = first.summary.reset_index(drop=True)
    for col in ("crossing_median", "crossing_lo90", "crossing_hi90", "current_lag_median", "p_never", "engine", "verdict"):
        assert again.loc[0, col] == want.loc[0, col] or (pd.isna(again.loc[0, col]) and pd.isna(want.loc[0, col])), col


def test_other_settings_or_data_never_read_a_stored_result(store, aa, epoch):
    run_analysis_stored(aa, SETTINGS)
    other = SETTINGS.model_copy(update={"seed": 2})
    assert load_result(aa.content_hash, other) is None
    assert load_result(epoch.content_hash, SETTINGS) is None
    assert result_path(aa.content_hash, other) != result_path(aa.content_hash, SETTINGS)


def test_a_broken_file_is_refitted_and_an_upload_is_not_stored(store, aa):
    path = result_path(aa.content_hash, SETTINGS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")
    result = run_analysis_stored(aa, SETTINGS)
    assert len(result.summary) == 1 and load_result(aa.content_hash, SETTINGS) is not None
    other = SETTINGS.model_copy(update={"seed": 3})
    run_analysis_stored(aa, other, persist=False)
    assert not result_path(aa.content_hash, other).exists()


def test_the_content_hash_follows_the_tables(aa):
    from dataclasses import replace

    first = aa.content_hash
    assert aa.content_hash == first  # computed once, read back
    changed = replace(aa, scores=aa.scores.assign(score=aa.scores["score"] * 1.01))
    assert changed.content_hash != first and aa.content_hash == first
    changed.scores = aa.scores  # the same tables again: the same hash
    assert changed.content_hash == first
