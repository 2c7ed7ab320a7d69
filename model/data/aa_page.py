"""The Artificial Analysis page payload (``llms.json``) and the row builder shared with the API loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_JSON_BYTES, MAX_ROWS
from model.data.catalog import (
    AA_API_FIELD_ALIASES,
    AA_BENCHMARKS,
    aa_benchmark_table,
)
from model.data.dataset import Dataset, finish_dataset


def read_json(payload: bytes | str | Path | dict) -> Any:
    """Parsed JSON from bytes, text, a path or an already-parsed dict; bad JSON is a one-line error."""
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, Path) or (isinstance(payload, str) and not payload.lstrip().startswith("{")):
        if Path(payload).stat().st_size > MAX_JSON_BYTES:
            raise DataError(JSON_TOO_LARGE)
        payload = Path(payload).read_bytes()
    if len(payload) > MAX_JSON_BYTES:
        raise DataError(JSON_TOO_LARGE)
    try:
        return json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"The file is not valid JSON: {exc.__class__.__name__} at position {getattr(exc, 'pos', '?')}.") from None
    except RecursionError:
        raise DataError("The JSON file is nested too deeply to be an AA file.") from None


#: The one-line refusal of a JSON file or body over :data:`MAX_JSON_BYTES` (a streamed body's size is not known).
JSON_TOO_LARGE = f"The JSON is over the {MAX_JSON_BYTES // 2**20} MB limit (AA's own files are under 5 MB)."


def aa_rows(models: list[dict], *, open_of: callable, snapshot: str, source: str, api: bool) -> pd.DataFrame:
    """Tidy score rows from AA model records (page payload or API), one per model and evaluation."""
    fields = [(bench, AA_API_FIELD_ALIASES.get(f, f) if api else f) for bench, f, *_ in AA_BENCHMARKS]
    values = sum(sum(ev.get(key) is not None for _, key in fields) for m in models
                 if isinstance(m, dict) and isinstance(ev := m.get("evaluations"), dict))
    if values > MAX_ROWS:  # counted before any row is built (560,000 rows from a 17 MB file took 673 MB)
        raise DataError(f"The file has {values:,} scores; the limit is {MAX_ROWS:,} score rows per data set.")
    rows = []
    for m in models:
        if not isinstance(m, dict) or not isinstance(m.get("evaluations"), dict):
            continue  # a schema change (no evaluations object) leaves the model out; counted below
        ev = m["evaluations"]
        creator = m.get("creator") or m.get("model_creator") or {}
        creator = creator if isinstance(creator, dict) else {"name": str(creator)}
        is_open, openness = open_of(m)
        for bench, fieldname, *_ in AA_BENCHMARKS:
            key = AA_API_FIELD_ALIASES.get(fieldname, fieldname) if api else fieldname
            value = ev.get(key)
            if value is None:
                continue
            est = bool(ev.get(f"{fieldname}_is_estimated", False)) if bench == "intelligence_index" else False
            rows.append({
                "model_id": m.get("id"), "model_name": m.get("name"), "creator": creator.get("name", ""),
                "release_date": m.get("release_date"), "open_weights": is_open, "openness": openness,
                "benchmark": bench, "score": value, "is_estimated": est, "source": source, "snapshot_date": snapshot,
            })
    if not rows:
        raise DataError("No model in the file has any known AA evaluation field (has AA changed its format?).")
    return pd.DataFrame(rows)


def aa_openness(is_open: bool | None, licence: str | None) -> str:
    """AA's open flag and licence as an openness label."""
    if not is_open:
        return "Proprietary"
    return licence or "Open weights (licence unknown)"


def load_aa_page(payload: bytes | str | Path | dict) -> Dataset:
    """An AA leaderboard page payload (``{meta, models}``, as saved by the leaderboard scrapers)."""
    doc = read_json(payload)
    if not isinstance(doc, dict) or not isinstance(doc.get("models"), list):
        raise DataError("Not an AA page payload: expected a JSON object with a 'models' list.")
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}  # a string or list "meta" is not ours to read
    fetched = str(meta.get("fetched_at", ""))[:10]
    try:
        snapshot = dt.date.fromisoformat(fetched).isoformat()
    except ValueError:
        snapshot = dt.date.today().isoformat()

    def open_of(m: dict) -> tuple[bool, str]:
        ow = m.get("open_weights")
        if not isinstance(ow, dict) or not isinstance(ow.get("is_open_weights"), bool):
            return None, ""  # unknown: validation reports the row
        flag = ow["is_open_weights"]
        lic = ow.get("license_name")
        return flag, aa_openness(flag, lic if isinstance(lic, str) else None)

    raw = aa_rows(doc["models"], open_of=open_of, snapshot=snapshot, source="aa_page", api=False)
    return finish_dataset(raw, aa_benchmark_table("aa_page"), f"AA page payload ({snapshot})", source="aa_page")
