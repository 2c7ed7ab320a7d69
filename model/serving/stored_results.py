"""Fit results kept on disk, so a fit made once (by any session, the server's warm-up, or before a restart) comes back
in milliseconds instead of being refitted.

A result is stored under a key made of the data's content hash, the settings that change the result
(:meth:`FitSettings.cache_key`) and a hash of the project's own code and the numerical packages' versions: new data, new
settings or new code never read an old result. Files are written atomically in the app's cache folder
(:func:`model.core.paths.cache_dir`) and the oldest are pruned beyond :data:`MAX_FILES`. Only results on the embedded data
are stored (the caller says so): a visitor's upload is never written to the server's disk. ``FRONTIER_LAG_NO_RESULT_STORE=1``
turns the store off (the tests do: their fast tier fits synthetic posteriors).

The files are pickles, read only from the app's own cache folder; anyone who can write there can already change the app.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from model.core.files import write_atomic
from model.core.paths import cache_dir

MAX_FILES = 200


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of every source file of the ``model`` package and the numerical packages' versions."""
    from model.core.versions import package_versions

    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]  # the model package
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    for name, version in package_versions().items():
        h.update(f"{name}={version}".encode())
    return h.hexdigest()[:16]


def result_path(data_hash: str, settings) -> Path:
    """Where the result of ``settings`` on the data with ``data_hash`` is stored."""
    key = hashlib.sha256(f"{data_hash}\n{settings.cache_key()}\n{code_version()}".encode()).hexdigest()[:32]
    return cache_dir("results") / f"{key}.pickle"


def load_result(data_hash: str, settings):
    """The stored result, or None (absent, or unreadable: a broken file is removed and refitted)."""
    path = result_path(data_hash, settings)
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or stale file: drop it, the caller fits again
        path.unlink(missing_ok=True)
        return None


def store_result(data_hash: str, settings, result) -> Path | None:
    """Store a result atomically; a failure to write (full disk, read-only cache) only means no reuse."""
    try:
        path = write_atomic(result_path(data_hash, settings), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return None
    _prune(path.parent)
    return path


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime if p.exists() else 0)
    for old in files[:-MAX_FILES]:
        old.unlink(missing_ok=True)


def run_analysis_stored(ds, settings, *, persist: bool = True, progress=None):
    """:func:`model.analysis.run_analysis`, read from the store when this fit was made before; stored after fitting
    when ``persist`` (embedded data only)."""
    import os

    from model.analysis import run_analysis

    persist = persist and not os.environ.get("FRONTIER_LAG_NO_RESULT_STORE")  # the tests' synthetic fits stay in memory
    data_hash = ds.content_hash
    if persist:
        stored = load_result(data_hash, settings)
        if stored is not None:
            return stored
    result = run_analysis(ds, settings, progress=progress)
    if persist:
        store_result(data_hash, settings, result)
    return result
