"""Where the project's own files live: the embedded data folder ``data/`` at the repository root."""

from __future__ import annotations

from pathlib import Path

#: The embedded data (built by ``python -m model.data.build``; read at run time, never written by the app).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def cache_dir(*parts: str) -> Path:
    """A folder the app owns for caches (``$FRONTIER_LAG_CACHE``, else ``~/.cache/frontier-lag``), created 0700 on use.

    A root or subfolder owned by another user or writable by group or others is refused in one line, and a private
    temporary folder is used instead (:mod:`model.core.sealed_files`)."""
    import os

    from model.core.sealed_files import UnsafeFolder, private_folder, refuse_folder

    root = Path(os.environ.get("FRONTIER_LAG_CACHE") or Path.home() / ".cache" / "frontier-lag")
    try:
        private_folder(root)
        return private_folder(root.joinpath(*parts))
    except UnsafeFolder as why:
        return private_folder(refuse_folder(root, why).joinpath(*parts))
