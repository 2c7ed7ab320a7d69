"""The result store runs no planted code: a pickle is loaded only when this installation sealed it under that very name,
and only an analysis result of the same settings is used; a cache folder that is not the user's own is refused in one
line (the app then caches in a private temporary folder). No sampling: the results are built by hand."""

from __future__ import annotations

import os
import pickle
import stat

import pandas as pd
import pytest

from model.analysis import AnalysisResult, FitSettings
from model.core import sealed_files
from model.core.paths import cache_dir
from model.core.sealed_files import seal, unseal
from model.serving.stored_results import load_result, result_path, store_result
from tests.planted import Planted

SETTINGS = FitSettings(draws=200, chains=2)
DATA = "0123456789abcdef"



@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FRONTIER_LAG_SECRET_FILE", str(tmp_path / "config" / "cache-secret"))
    sealed_files._secret.cache_clear()
    yield tmp_path
    sealed_files._secret.cache_clear()


def result(settings=SETTINGS) -> AnalysisResult:
    return AnalysisResult(settings, pd.DataFrame({"benchmark": ["x"], "current_lag_median": [3.5]}))


def test_a_stored_result_comes_back_sealed_and_the_secret_is_private_and_outside_the_cache(store):
    path = store_result(DATA, SETTINGS, result())
    assert path.read_bytes().startswith(sealed_files.MAGIC)
    assert load_result(DATA, SETTINGS).summary.equals(result().summary)
    secret = store / "config" / "cache-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and not secret.is_relative_to(store / "cache")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_planted_pickle_at_the_default_key_runs_no_code_and_is_dropped(store):
    marker = store / "planted-code-ran"
    path = result_path(DATA, SETTINGS)
    path.parent.mkdir(parents=True, exist_ok=True)
    for planted in (pickle.dumps(Planted(str(marker))),  # a bare pickle
                    sealed_files.MAGIC + b"\0" * 32 + pickle.dumps(Planted(str(marker)))):  # a forged seal
        path.write_bytes(planted)
        assert load_result(DATA, SETTINGS) is None
        assert not marker.exists() and not path.exists()


def test_a_valid_file_under_another_name_or_of_another_kind_is_not_used(store):
    other = SETTINGS.model_copy(update={"seed": 2})
    store_result(DATA, other, result(other))
    result_path(DATA, SETTINGS).write_bytes(result_path(DATA, other).read_bytes())  # moved to the default key
    assert load_result(DATA, SETTINGS) is None and not result_path(DATA, SETTINGS).exists()
    path = result_path(DATA, SETTINGS)  # sealed by this installation, but not an analysis result ("a valid pickle of
    path.write_bytes(seal(path.name, pickle.dumps({"not": "a result"})))  # the wrong object")
    assert load_result(DATA, SETTINGS) is None and not path.exists()
    path.write_bytes(seal(path.name, pickle.dumps(result(other))))  # a result of other settings under this key
    assert load_result(DATA, SETTINGS) is None
    assert store_result(DATA, SETTINGS, result()) and load_result(DATA, SETTINGS) is not None  # recomputed and kept


def test_seal_binds_name_and_bytes(store):
    blob = seal("a.pickle", b"payload")
    assert unseal("a.pickle", blob) == b"payload"
    assert unseal("b.pickle", blob) is None
    assert unseal("a.pickle", blob[:-1] + b"X") is None


@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_a_cache_folder_others_can_write_is_refused_in_one_line(tmp_path, monkeypatch, capsys, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(shared))
    monkeypatch.setattr(sealed_files.refuse_folder, "said", False, raising=False)
    folder = cache_dir("results")
    assert not folder.is_relative_to(shared) and stat.S_IMODE(folder.stat().st_mode) == 0o700
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "writable by group or others" in err[0] and str(shared) in err[0]


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="changing a folder's owner needs root")
def test_a_cache_folder_of_another_user_is_refused(tmp_path, monkeypatch, capsys):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(theirs))
    monkeypatch.setattr(sealed_files.refuse_folder, "said", False, raising=False)
    assert not cache_dir("results").is_relative_to(theirs)
    assert "belongs to another user" in capsys.readouterr().err


def test_the_store_is_bounded_by_bytes(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.pickle").write_bytes(b"x" * 100)
        os.utime(folder / f"{i}.pickle", (i, i))
    sealed_files.prune(folder, "*.pickle", max_files=10, max_bytes=250)
    assert sorted(p.name for p in folder.iterdir()) == ["3.pickle", "4.pickle"]  # the newest that fit
