"""Where the project's own files live: the embedded data folder ``data/`` at the repository root."""

from __future__ import annotations

from pathlib import Path

#: The embedded data (built by ``python -m model.data.build``; read at run time, never written by the app).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def cache_dir(*parts: str) -> Path:
    """A folder the app owns for caches (``$FRONTIER_LAG_CACHE``, else ``~/.cache/frontier-lag``), created on use."""
    import os

    root = Path(os.environ.get("FRONTIER_LAG_CACHE") or Path.home() / ".cache" / "frontier-lag")
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
