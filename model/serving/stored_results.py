"""Fit results kept on disk, so a fit made once (by any session, the server's warm-up, or before a restart) comes back
in milliseconds instead of being refitted.

A result is stored under a key made of the data's content hash, the settings that change the result
(:meth:`FitSettings.cache_key`) and a hash of the project's own code and the numerical packages' versions: new data, new
settings or new code never read an old result. Files are written atomically in the app's cache folder
(:func:`model.core.paths.cache_dir`) and the oldest are pruned beyond :data:`MAX_FILES`. Only results on the embedded data
are stored (the caller says so): a visitor's upload is never written to the server's disk. ``FRONTIER_LAG_NO_RESULT_STORE=1``
turns the store off (the tests do: their fast tier fits synthetic posteriors).

The files are pickles, sealed (:mod:`model.core.sealed_files`): one is unpickled only when its seal, made with this
installation's secret over its name and bytes, verifies, so a planted file, a result moved to another key or a
damaged file is dropped unread; a loaded object that is not an analysis result is dropped too. The store is bounded by
count and by bytes.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

from model.core.files import write_atomic
from model.core.paths import cache_dir
from model.core.sealed_files import prune, seal, unseal

MAX_FILES = 200
#: Bytes the store may hold (a stacked fit's result is a few MB).
MAX_BYTES = 1_000_000_000


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
    from model.analysis import AnalysisResult

    path = result_path(data_hash, settings)
    if not path.exists():
        return None
    result = _read_sealed(path)
    if not isinstance(result, AnalysisResult) or result.settings.cache_key() != settings.cache_key():
        path.unlink(missing_ok=True)  # planted, moved, damaged or of another fit
        return None
    return result


def store_result(data_hash: str, settings, result) -> Path | None:
    """Store a result atomically; a failure to write (full disk, read-only cache) only means no reuse."""
    path = result_path(data_hash, settings)
    return path if _write_sealed(path, result) else None


def _read_sealed(path: Path):
    """The object pickled in a sealed file, or None (absent, planted, moved, damaged, or written by older code)."""
    try:
        payload = unseal(path.name, path.read_bytes())
        return pickle.loads(payload) if payload is not None else None  # only what this installation wrote
    except Exception:  # absent, or sealed by us yet unreadable: the caller computes again
        return None


def _write_sealed(path: Path, value) -> bool:
    """Seal and write ``value`` atomically, then prune the store; False when nothing was written (no private secret,
    a full disk, a read-only cache, an object that does not pickle): it only means no reuse."""
    try:
        sealed = seal(path.name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        if sealed is None:
            return False
        write_atomic(path, sealed)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return False
    prune(path.parent, "*.pickle", max_files=MAX_FILES, max_bytes=MAX_BYTES)
    return True


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


def stored_view(kind: str, key: str, compute, expected: type, *, persist: bool = True):
    """Any other computed view (a Score space fit) through the same sealed store: ``compute()`` once, then read back
    by every process (the warm-up's and the server's) until the data, ``key`` or the code change. A loaded object of
    another type or key is dropped and recomputed; ``persist=False`` (a visitor's upload) only computes."""
    import os

    if not persist or os.environ.get("FRONTIER_LAG_NO_RESULT_STORE"):
        return compute()
    name = hashlib.sha256(f"{kind}\n{key}\n{code_version()}".encode()).hexdigest()[:32]
    path = cache_dir("results") / f"{kind}-{name}.pickle"
    stored = _read_sealed(path)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key and isinstance(stored[1], expected):
        return stored[1]
    value = compute()
    _write_sealed(path, (key, value))
    return value
