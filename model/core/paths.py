"""Where the project's own files live: the embedded data folder ``data/`` at the repository root."""

from __future__ import annotations

from pathlib import Path

#: The embedded data (built by ``python -m model.data.build``; read at run time, never written by the app).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
