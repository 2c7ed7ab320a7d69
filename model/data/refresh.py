"""``python -m model refresh``: fetch the public data, check it with the project's own validation, keep each file as a
dated, content-addressed snapshot in an archive, and say what changed against the embedded data.

All or nothing: every requested source is fetched and validated before anything is written, so a failure (network, a
refused key, a changed schema, a half-sent body) is one line and leaves the archive as it was. A snapshot whose bytes
equal the newest one of its source is recorded as "unchanged" and not stored twice. Snapshots are never overwritten.
``--dry-run`` fetches and compares but writes nothing.

``data/`` is rebuilt from a mirror of the raw folder (``--mirror``, :mod:`model.data.raw_mirror`): the build reads the
raw folder's layout, which the individual API and export files do not have.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.errors import DataError
from model.core.paths import DATA_DIR

ARCHIVE_DIR = DATA_DIR.parent / "archive"
INDEX_FILE = "snapshots.csv"
INDEX_COLUMNS = ["fetched_on", "source", "sha256", "bytes", "file", "status", "url"]


@dataclass(frozen=True)
class Source:
    """One public file the refresh keeps: where it is fetched from and how it is checked."""

    name: str
    label: str
    default_url: str
    env_url: str
    suffix: str


SOURCES = {
    "aa_api": Source("aa_api", "AA API", "https://artificialanalysis.ai/api/v2/data/llms/models", "AA_API_URL", "json"),
    "epoch_export": Source("epoch_export", "Epoch export", "https://epoch.ai/data/benchmark_data.zip", "EPOCH_EXPORT_URL",
                           "zip"),
    "epoch_eci": Source("epoch_eci", "Epoch ECI scores", "https://epoch.ai/data/eci_scores.csv", "EPOCH_ECI_URL", "csv"),
}
#: The columns the ECI scores file must have (Epoch's eci_scores.csv, with its 90% intervals).
ECI_COLUMNS = {"Model", "eci", "eci_ci_low", "eci_ci_high"}
#: A median relative difference above this between the fetched index and the newest embedded version, on the same
#: models, means AA rescaled its index: the fetched values are a new dated version, not an update.
RESCALE_TOLERANCE = 0.02


def fetch(source: Source, url: str | None = None, *, key: str | None = None, retries: int = 3) -> bytes:
    """The source's bytes (the AA API with the key in its header only; the Epoch files are public)."""
    from model.data.aa_api import fetch_aa_api, fetch_public

    url = url or os.environ.get(source.env_url) or source.default_url
    if source.name == "aa_api":
        if not key:
            raise DataError("AA API: no key; set AA_API_KEY (or leave aa_api out with --sources).")
        return fetch_aa_api(key, url=url, retries=retries)
    return fetch_public(url, source.label, retries=retries)


def validate(source: Source, body: bytes):
    """The project's own checks on a fetched file; returns what was read (a Dataset, or the ECI table)."""
    from model.data.aa_api import load_aa_api
    from model.data.epoch_export import load_epoch_export

    if source.name == "aa_api":
        ds = load_aa_api(body)
    elif source.name == "epoch_export":
        ds = load_epoch_export(body)
    else:
        try:
            table = pd.read_csv(io.BytesIO(body))
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"{source.label}: not a readable CSV ({exc.__class__.__name__}).") from None
        missing = ECI_COLUMNS - set(table.columns)
        if missing:
            raise DataError(f"{source.label}: the columns changed; missing {', '.join(sorted(missing))}.")
        if table.empty:
            raise DataError(f"{source.label}: the file has no rows.")
        return table
    errors = ds.report.errors
    if errors:
        raise DataError(f"{source.label}: {errors[0].describe()}")
    return ds


def newest_snapshot(archive: Path, source: str) -> dict | None:
    index = archive / INDEX_FILE
    if not index.is_file():
        return None
    rows = pd.read_csv(index, dtype=str)
    rows = rows[(rows["source"] == source) & (rows["status"] == "new")]
    return None if rows.empty else rows.iloc[-1].to_dict()


def plan_snapshot(archive: Path, source: Source, body: bytes, url: str, today: str) -> dict:
    """The index row the snapshot gets: "new" with its file name, or "unchanged" when it equals the newest one."""
    sha = hashlib.sha256(body).hexdigest()
    last = newest_snapshot(archive, source.name)
    status = "unchanged" if last is not None and last["sha256"] == sha else "new"
    file = (f"{source.name}/{today}__{sha[:16]}.{source.suffix}" if status == "new" else last["file"])
    return {"fetched_on": today, "source": source.name, "sha256": sha, "bytes": len(body), "file": file,
            "status": status, "url": url}


def write_snapshots(archive: Path, planned: list[tuple[dict, bytes]]) -> None:
    """Store each new snapshot (never over an existing file), then the index, each atomically (the index last: a
    snapshot file without its index row is ignored and rewritten identically next time)."""
    from model.core.files import write_atomic

    for row, body in planned:
        if row["status"] != "new":
            continue
        target = archive / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() != row["sha256"]:
            raise DataError(f"archive: {target} exists with other content; refusing to overwrite it.")
        if not target.exists():
            write_atomic(target, body)
    index = archive / INDEX_FILE
    old = pd.read_csv(index, dtype=str) if index.is_file() else pd.DataFrame(columns=INDEX_COLUMNS)
    new = pd.DataFrame([row for row, _ in planned], columns=INDEX_COLUMNS).astype(str)
    write_atomic(index, pd.concat([old, new], ignore_index=True).to_csv(index=False, lineterminator="\n"))


def aa_changes(body: bytes, fetched, embedded) -> list[str]:
    """What a fetched AA snapshot changes against the embedded AA data: new models (the API's models the embedded
    data do not have: no open flag yet, so the API loader leaves them out) and whether the Intelligence Index was
    rescaled (then it is a new dated version, as the 2026-10-10 rescale was)."""
    from model.data.aa_page import read_json

    doc = read_json(body)
    models = [m for m in (doc.get("data") or doc.get("models") or []) if isinstance(m, dict)]
    known = embedded.scores.drop_duplicates("model_id").set_index("model_id")
    added = pd.DataFrame([{"model_id": str(m.get("id")), "model_name": str(m.get("name", m.get("id")))} for m in models
                          if str(m.get("id")) not in known.index], columns=["model_id", "model_name"])
    lines = [f"AA: {len(added)} new model(s)" + (f", e.g. {', '.join(added['model_name'].head(5))}" if len(added) else ""),
             "AA: open flags not compared (the API has none; the embedded flags are joined by model id, and a new "
             "model needs one before it is used)"]
    index = fetched.scores[fetched.scores["benchmark"] == "intelligence_index"].set_index("model_id")["score"]
    newest = sorted(b for b in embedded.benchmarks["benchmark"] if b.startswith("intelligence_index"))[-1]
    old = embedded.scores[embedded.scores["benchmark"] == newest].drop_duplicates("model_id").set_index("model_id")["score"]
    common = index.index.intersection(old.index)
    if len(common) >= 10:
        rel = np.median(np.abs(index.loc[common].to_numpy() / old.loc[common].to_numpy() - 1))
        verdict = (f"rescaled against the embedded {newest} (median relative difference {rel:.1%} on {len(common)} "
                   "models): it would be kept as a new dated version" if rel > RESCALE_TOLERANCE else
                   f"on the scale of the embedded {newest} (median relative difference {rel:.1%})")
        lines.append(f"AA Intelligence Index: {verdict}")
    return lines


def archive_enabled() -> bool:
    """Whether the app may write fetched snapshots to the archive: only where its operator says so
    (``FRONTIER_LAG_ARCHIVE_FROM_APP=1``); a public deployment's visitors never write to the server."""
    return os.environ.get("FRONTIER_LAG_ARCHIVE_FROM_APP") == "1"


def archive_fetched(archive: Path, source: str, body: bytes, url: str, today: str | None = None) -> str:
    """Archive one already fetched and validated file (the Data page's live AA fetch); the line to show."""
    row = plan_snapshot(archive, SOURCES[source], body, url, today or dt.date.today().isoformat())
    write_snapshots(archive, [(row, body)])
    return (f"{SOURCES[source].label}: archived as {row['file']}" if row["status"] == "new"
            else f"{SOURCES[source].label}: equal to the newest snapshot ({row['file']}); recorded as unchanged")


def refresh(archive: Path = ARCHIVE_DIR, *, sources=tuple(SOURCES), urls: dict | None = None, key: str | None = None,
            dry_run: bool = False, retries: int = 3, today: str | None = None) -> list[str]:
    """Fetch, validate and (unless ``dry_run``) archive every source; the lines to print. Raises a one-line
    DataError, with nothing written, if any source fails."""
    from model.data.embedded import load_embedded

    today = today or dt.date.today().isoformat()
    urls = urls or {}
    planned, lines = [], []
    for name in sources:
        source = SOURCES[name]
        url = urls.get(name) or os.environ.get(source.env_url) or source.default_url
        body = fetch(source, url, key=key, retries=retries)
        checked = validate(source, body)
        row = plan_snapshot(archive, source, body, url, today)
        planned.append((row, body))
        lines.append(f"{source.label}: {row['bytes']:,} bytes, {row['status']}"
                     + (f" (as {row['file']})" if row["status"] == "new" else " (equal to the newest snapshot)"))
        if name == "aa_api":
            lines += aa_changes(body, checked, load_embedded("aa"))
    if dry_run:
        lines.append("dry run: nothing written")
    else:
        write_snapshots(archive, planned)
        lines.append(f"archive: {archive / INDEX_FILE} updated; data/ is rebuilt by python -m model.data.build")
    return lines
