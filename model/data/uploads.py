"""The one upload dispatcher: a file's kind (said, or told from its name and first bytes) picks its loader.

Used by the Data page (the user picks the kind) and the CLI (``--file``, told from the name and content).
"""

from __future__ import annotations

import ctypes
import gc
from pathlib import Path

from model.core.errors import DataError
from model.core.limits import MAX_UPLOAD_BYTES
from model.data.aa_api import load_aa_api
from model.data.aa_page import load_aa_page
from model.data.csv_upload import load_user_csv
from model.data.dataset import Dataset
from model.data.epoch_export import load_epoch_export

#: Upload kinds and what each is, as the Data page lists them.
UPLOAD_KINDS = {
    "csv": "Upload a CSV",
    "aa_api": "Upload an AA API response (JSON)",
    "aa_page": "Upload an AA leaderboard payload (llms.json)",
    "epoch_zip": "Upload an Epoch export (zip)",
}


def guess_kind(name: str, data: bytes) -> str:
    """The kind of a file from its name and first bytes: Epoch zip, AA API or page JSON, else CSV."""
    suffix = Path(name).suffix.lower()
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        return "epoch_zip"
    if suffix == ".json":
        head = data[:4000]
        return "aa_api" if b'"data"' in head and b'"models"' not in head else "aa_page"
    return "csv"


def load_upload(kind: str, data: bytes, name: str = "upload") -> Dataset:
    """Load uploaded bytes of a known kind; the bytes are never modified.

    A refused upload returns what its parse took to the system before the refusal is raised: the original error's
    traceback holds the half-built tables, so a fresh error without it is raised once they are collected."""
    try:
        return _load_upload(kind, data, name)
    except DataError as exc:
        refusal = DataError(*exc.args)
    return_memory()
    raise refusal


def return_memory() -> None:
    """Collect garbage and ask the C allocator to give freed pages back (glibc's ``malloc_trim``; a no-op elsewhere)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _load_upload(kind: str, data: bytes, name: str) -> Dataset:
    if kind == "csv":
        return load_user_csv(data, name=name)
    if kind == "aa_api":
        return load_aa_api(data)
    if kind == "aa_page":
        return load_aa_page(data)
    if kind == "epoch_zip":
        return load_epoch_export(data)
    raise DataError(f"Unknown upload kind {kind!r}; use one of {', '.join(UPLOAD_KINDS)}.")


def load_path(path: str | Path, *, kind: str | None = None) -> Dataset:
    """Load a file or an Epoch export folder from disk (the CLI's ``--file``)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"No such file: {path}")
    if path.is_dir() or kind == "epoch_zip":
        return load_epoch_export(path)
    if path.stat().st_size > MAX_UPLOAD_BYTES:  # checked before reading, as the server checks an upload
        raise DataError(f"{path.name} is {path.stat().st_size / 2**20:.0f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB.")
    data = path.read_bytes()
    return load_upload(kind or guess_kind(path.name, data), data, name=path.name)
