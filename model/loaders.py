"""Loaders: every input format ends as the same validated tidy table.

Formats
-------
* the embedded dataset (``data/scores.csv``), by source (``aa`` or ``epoch``);
* a user CSV, long (one row per model and benchmark) or wide (one column per benchmark);
* an AA API v2 response (``GET /api/v2/data/llms/models``), from a file or live;
* an AA leaderboard page payload (``llms.json``);
* an Epoch AI benchmark export, as a folder or a zip of CSVs (2026-04 layout with
  ``epoch_capabilities_index.csv``, or the newer one with ``model_metadata.csv``).

Every loader reads, never writes, what it is given: uploads stay byte-for-byte as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.catalog import (
    AA_API_FIELD_ALIASES,
    AA_BENCHMARKS,
    EPOCH_BENCHMARKS,
    aa_benchmark_table,
    epoch_benchmark_id,
    epoch_benchmark_table,
)
from model.openness import apply_overrides, load_overrides
from model.schema import SCORE_COLUMNS, DataError, Issue, ValidationReport, default_benchmarks, validate_scores

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SOURCES = ("aa", "epoch")
#: Largest upload the loaders accept (the server limit is in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 60 * 1024 * 1024


@dataclass
class Dataset:
    """A validated score table with its benchmark metadata and the validation report."""

    scores: pd.DataFrame
    benchmarks: pd.DataFrame
    report: ValidationReport
    label: str
    notices: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256(pd.util.hash_pandas_object(self.scores, index=False).to_numpy().tobytes())
        h.update(pd.util.hash_pandas_object(self.benchmarks, index=False).to_numpy().tobytes())
        return h.hexdigest()[:16]

    @property
    def snapshot_date(self) -> str:
        snap = self.scores["snapshot_date"].max()
        return "" if pd.isna(snap) else snap.date().isoformat()


def _finish(raw: pd.DataFrame, benchmarks: pd.DataFrame | None, label: str, *, source: str,
            pre_issues: list[Issue] | None = None, today: dt.date | None = None) -> Dataset:
    scores, report = validate_scores(raw, benchmarks=benchmarks, default_source=source, today=today)
    report.issues[:0] = pre_issues or []
    if benchmarks is None:
        benchmarks = default_benchmarks(scores, source)
    known = set(scores["benchmark"])
    benchmarks = benchmarks[benchmarks["benchmark"].isin(known)].reset_index(drop=True)
    missing = sorted(known - set(benchmarks["benchmark"]))
    if missing:
        benchmarks = pd.concat([benchmarks, default_benchmarks(scores[scores["benchmark"].isin(missing)], source)],
                               ignore_index=True)
    return Dataset(scores=scores, benchmarks=benchmarks, report=report, label=label)


# --------------------------------------------------------------------------- embedded


def load_embedded(source: str = "aa", *, include_estimated: bool = True, corrections: bool = True) -> Dataset:
    """The curated dataset shipped in ``data/`` (built by ``python -m model.build_data``).

    ``corrections`` applies the shipped open/closed overrides (``data/open_overrides.csv``);
    ``include_estimated=False`` drops AA's estimated index values (a reported choice).
    """
    if source not in SOURCES:
        raise DataError(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    scores = pd.read_csv(DATA_DIR / "scores.csv", dtype={"model_id": "string"}, keep_default_na=True)
    scores = scores[scores["source"] == source]
    if not include_estimated:
        scores = scores[~scores["is_estimated"].astype(bool)]
    bench = pd.read_csv(DATA_DIR / "benchmarks.csv", keep_default_na=False)
    bench = bench[bench["source"] == source]
    label = {"aa": "Artificial Analysis (embedded, snapshot 2026-08-22)",
             "epoch": "Epoch AI Benchmarking Hub (embedded, export 2026-04-29)"}[source]
    notices = []
    if corrections:
        scores, changed = apply_overrides(scores, load_overrides())
        if changed:
            notices.append(f"{changed} score row(s) re-labelled by the shipped open/closed corrections (data/open_overrides.csv).")
    ds = _finish(scores.reset_index(drop=True), bench, label, source=source, today=dt.date(2100, 1, 1))
    ds.notices.extend(notices)
    return ds


# --------------------------------------------------------------------------- user CSV


def read_csv_bytes(data: bytes) -> pd.DataFrame:
    """Decode and parse CSV bytes, guessing encoding (UTF-8/BOM, UTF-16, Latin-1) and delimiter."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(f"The file is {len(data) / 2**20:.0f} MB; the limit is {MAX_UPLOAD_BYTES / 2**20:.0f} MB.")
    if not data.strip():
        raise DataError("The file is empty.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:4096]:
            raise DataError("This is not a text CSV file (it contains binary data).")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    delimiter = sniff_delimiter(text[:20000], complete=len(text) <= 20000)
    try:
        # index_col=False: a row with more cells than the header is an error, not a silent shift of columns.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_values=[""],
                                index_col=False)
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            rows = _long_rows(text, delimiter)
            raise DataError(f"Row(s) {', '.join(map(str, rows[:8]))} have more cells than the header "
                            f"({len(frame.columns)}); fix or quote them.")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else exc.__class__.__name__
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            msg = f"line {int(m.group(2))} has {m.group(3)} cells but the header has {m.group(1)}"
        raise DataError(f"The file could not be read as CSV: {msg[:200]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


#: Candidate delimiters, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(sample: str, *, complete: bool = True) -> str:
    """The delimiter under which the sample parses (quotes respected) into rows as wide as its header.

    ``csv.Sniffer`` counts characters without regard to quoting, so a comma file whose quoted names
    contain ``;`` or ``"`` was read as semicolon-separated. Here each candidate parses the sample with
    the csv module; the winner has a header of two or more cells and the largest share of rows of the
    header's width, then the widest header, then the earlier candidate. ``complete=False`` drops the
    last (possibly cut) record of a truncated sample.
    """
    best, best_key = ",", None
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False) if r]
        except csv.Error:
            continue
        if not complete and len(rows) > 2:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        share = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
        key = (share, width)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _long_rows(text: str, delimiter: str) -> list[int]:
    """1-based data-row numbers of rows with more cells than the header."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(reader, []))
    return [i for i, row in enumerate(reader, start=1) if len(row) > width]


def wide_to_long(wide: pd.DataFrame, id_columns: list[str]) -> pd.DataFrame:
    """Melt one-column-per-benchmark into the long format; empty cells are not scores."""
    value_cols = [c for c in wide.columns if c not in id_columns]
    long = wide.melt(id_vars=id_columns, value_vars=value_cols, var_name="benchmark", value_name="score")
    blank = long["score"].isna() | (long["score"].astype("string").str.strip() == "")
    return long[~blank].reset_index(drop=True)


def load_user_csv(data: bytes, *, name: str = "upload") -> Dataset:
    """A user CSV in the long or the wide format (see the README).

    Long: columns ``model_name, release_date, open_weights, benchmark, score`` (others optional).
    Wide: ``model_name, release_date, open_weights`` and one numeric column per benchmark.
    """
    frame = read_csv_bytes(bytes(data))
    lower = {c.lower(): c for c in frame.columns}
    frame = frame.rename(columns={v: k for k, v in lower.items() if k in SCORE_COLUMNS})
    notices: list[Issue] = []
    if "benchmark" not in frame.columns and "score" not in frame.columns:
        ids = [c for c in frame.columns if c in SCORE_COLUMNS]
        if len(ids) == len(frame.columns):
            raise DataError("Wide format needs at least one benchmark column besides " + ", ".join(ids) + ".")
        frame = wide_to_long(frame, ids)
        notices.append(Issue("warning", "format", "read as the wide format (one column per benchmark)"))
    return _finish(frame, None, f"Upload: {name}", source="upload", pre_issues=notices)


def csv_template() -> str:
    """A small long-format template for users."""
    rows = [
        ("my-closed-1", "Closed model A", "Lab X", "2024-03-01", "false", "Proprietary", "my_benchmark", "0.52"),
        ("my-open-1", "Open model B", "Lab Y", "2024-09-15", "true", "Apache 2.0", "my_benchmark", "0.50"),
        ("my-closed-2", "Closed model C", "Lab X", "2025-01-10", "false", "Proprietary", "my_benchmark", "0.71"),
    ]
    head = "model_id,model_name,creator,release_date,open_weights,openness,benchmark,score\n"
    return head + "\n".join(",".join(r) for r in rows) + "\n"


# --------------------------------------------------------------------------- Artificial Analysis


def _read_json(payload: bytes | str | Path | dict) -> Any:
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, Path) or (isinstance(payload, str) and not payload.lstrip().startswith("{")):
        payload = Path(payload).read_bytes()
    try:
        return json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"The file is not valid JSON: {exc.__class__.__name__} at position {getattr(exc, 'pos', '?')}.") from None


def _aa_rows(models: list[dict], *, open_of: callable, snapshot: str, source: str, api: bool) -> pd.DataFrame:
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
    if not is_open:
        return "Proprietary"
    return licence or "Open weights (licence unknown)"


def load_aa_page(payload: bytes | str | Path | dict) -> Dataset:
    """An AA leaderboard page payload (``{meta, models}``, as saved by the leaderboard scrapers)."""
    doc = _read_json(payload)
    if not isinstance(doc, dict) or not isinstance(doc.get("models"), list):
        raise DataError("Not an AA page payload: expected a JSON object with a 'models' list.")
    snapshot = str((doc.get("meta") or {}).get("fetched_at", ""))[:10] or dt.date.today().isoformat()

    def open_of(m: dict) -> tuple[bool, str]:
        ow = m.get("open_weights")
        if not isinstance(ow, dict) or not isinstance(ow.get("is_open_weights"), bool):
            return None, ""  # unknown: validation reports the row
        flag = ow["is_open_weights"]
        lic = ow.get("license_name")
        return flag, aa_openness(flag, lic if isinstance(lic, str) else None)

    raw = _aa_rows(doc["models"], open_of=open_of, snapshot=snapshot, source="aa_page", api=False)
    return _finish(raw, aa_benchmark_table("aa_page"), f"AA page payload ({snapshot})", source="aa_page")


def load_aa_api(payload: bytes | str | Path | dict, *, open_lookup: pd.DataFrame | None = None,
                snapshot: str | None = None) -> Dataset:
    """An AA API v2 response. The API has no open-weights flag: it is joined by model id.

    ``open_lookup`` has ``model_id, open_weights, openness``; by default the embedded AA
    table. Models missing from the lookup are reported and left out.
    """
    doc = _read_json(payload)
    models = doc.get("data") if isinstance(doc, dict) else None
    if models is None and isinstance(doc, dict):
        models = doc.get("models")
    if not isinstance(models, list):
        raise DataError("Not an AA API response: expected a JSON object with a 'data' list.")
    if open_lookup is None:
        emb = load_embedded("aa").scores
        open_lookup = emb.drop_duplicates("model_id")[["model_id", "open_weights", "openness"]]
    lookup = {str(k): (bool(o), str(n)) for k, o, n in open_lookup[["model_id", "open_weights", "openness"]].itertuples(index=False)}
    known = [m for m in models if isinstance(m, dict) and str(m.get("id")) in lookup]
    unknown = [m.get("name", m.get("id")) for m in models if isinstance(m, dict) and str(m.get("id")) not in lookup]
    if not known:
        raise DataError("None of the API's models has a known open/closed status; add them as overrides.")
    snap = snapshot or dt.date.today().isoformat()
    raw = _aa_rows(known, open_of=lambda m: lookup[str(m.get("id"))], snapshot=snap, source="aa_api", api=True)
    pre = []
    if unknown:
        pre.append(Issue("warning", "open_weights", f"{len(unknown)} API model(s) with no known open/closed status left out: "
                         + ", ".join(map(str, unknown[:5]))))
    return _finish(raw, aa_benchmark_table("aa_api"), f"AA API ({snap})", source="aa_api", pre_issues=pre)


AA_API_URL = "https://artificialanalysis.ai/api/v2/data/llms/models"


def fetch_aa_api(api_key: str, *, url: str | None = None, timeout: float = 20.0, retries: int = 3,
                 backoff: float = 1.0, sleep=time.sleep) -> bytes:
    """GET the AA API v2 model list. The key goes in the ``x-api-key`` header only.

    429 and 5xx answers are retried ``retries`` times with exponential back-off (honouring a
    ``Retry-After`` of up to 30 s). Errors become a one-line :class:`DataError` that never
    contains the key. ``url`` defaults to ``AA_API_URL`` from the environment, else AA's endpoint.
    """
    import urllib.error
    import urllib.request

    if not api_key:
        raise DataError("No AA API key: set AA_API_KEY in the environment or in .streamlit/secrets.toml.")
    url = url or os.environ.get("AA_API_URL") or AA_API_URL
    request = urllib.request.Request(url, headers={"x-api-key": api_key, "Accept": "application/json"})
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            retryable = exc.code == 429 or 500 <= exc.code < 600
            if retryable and attempt < retries:
                after = exc.headers.get("Retry-After") if exc.headers else None
                wait = min(float(after), 30.0) if after and after.replace(".", "", 1).isdigit() else backoff * 2**attempt
                sleep(wait)
                continue
            reason = {401: "the API key was refused (401)", 403: "the API key is not allowed here (403)",
                      429: f"rate limited by AA (429) after {attempt + 1} tries; try again in a minute"}.get(
                exc.code, f"AA answered HTTP {exc.code}" + (f" after {attempt + 1} tries" if retryable else ""))
            raise DataError(f"AA API: {reason}.") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            if attempt < retries and isinstance(exc, TimeoutError | urllib.error.URLError):
                sleep(backoff * 2**attempt)
                continue
            kind = "timed out" if "timed out" in str(exc).lower() or isinstance(exc, TimeoutError) else "unreachable"
            raise DataError(f"AA API {kind} ({exc.__class__.__name__}).") from None
    raise DataError("AA API: no answer.")


# --------------------------------------------------------------------------- Epoch AI

_EFFORT = re.compile(r"(_(x?high|medium|low|minimal|none|max|\d+k|thinking|reasoning))+$", re.IGNORECASE)
_DATE_SUFFIX = re.compile(r"[-_]?(20\d{2}[-_]?\d{2}[-_]?\d{2}|\d{4})$")


def normalise_version(version: str) -> str:
    """Loose key for Epoch model versions: lower case, no org prefix, no effort or date suffix."""
    v = str(version).strip().lower().split("/")[-1]
    v = _EFFORT.sub("", v)
    v = _DATE_SUFFIX.sub("", v)
    return re.sub(r"[^a-z0-9]+", "", v)


#: Zip-bomb guard: the most an Epoch export may unpack to.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024


def _read_export_csv(data: bytes, name: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.BytesIO(data), encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{name} in the Epoch export is not a readable CSV ({exc.__class__.__name__}).") from None


def _epoch_files(path: bytes | str | Path) -> dict[str, pd.DataFrame]:
    """Read every CSV of an export (folder, zip path or zip bytes), keyed by file stem."""
    out: dict[str, pd.DataFrame] = {}
    if isinstance(path, (str, Path)) and Path(path).is_dir():
        for f in Path(path).rglob("*.csv"):
            out[f.stem] = _read_export_csv(f.read_bytes(), f.name)
        return out
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if i.filename.endswith(".csv") and not i.filename.startswith("__MACOSX")]
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise DataError("The Epoch export unpacks to more than 300 MB; refusing it.")
            for info in infos:
                out[Path(info.filename).stem] = _read_export_csv(zf.read(info), info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError):
        raise DataError("Not an Epoch export: expected a folder or a zip of CSV files.") from None
    return out


def _epoch_registry(files: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Model versions with accessibility, display name, organisation and date (either layout)."""
    if "model_metadata" in files and "model_version" in files["model_metadata"]:
        m = files["model_metadata"]
        reg = pd.DataFrame({
            "version": m["model_version"], "accessibility": m.get("accessibility"), "name": m.get("display_name", m["model_version"]),
            "org": m.get("organization", ""), "date": m.get("date"),
        })
    elif "epoch_capabilities_index" in files and {"Model version", "Model accessibility"} <= set(files["epoch_capabilities_index"]):
        e = files["epoch_capabilities_index"]
        reg = pd.DataFrame({
            "version": e["Model version"], "accessibility": e["Model accessibility"],
            "name": e.get("Display name", e.get("Model name", e["Model version"])), "org": e.get("Organization", ""),
            "date": e.get("Release date"),
        })
    else:
        raise DataError("Not an Epoch export: neither model_metadata.csv nor epoch_capabilities_index.csv is in it.")
    reg = reg.dropna(subset=["version"]).drop_duplicates("version")
    reg = reg[reg["version"].map(lambda v: isinstance(v, str))]
    reg["accessibility"] = reg["accessibility"].where(reg["accessibility"].map(lambda v: isinstance(v, str)))
    reg["key"] = reg["version"].map(normalise_version)
    return reg


def load_epoch_export(path: bytes | str | Path, *, min_per_side_external: int = 5) -> Dataset:
    """An Epoch AI benchmark export. Open/closed comes from 'Model accessibility' by exact version,
    then by a normalised version key; rows with neither are reported and left out."""
    files = _epoch_files(path)
    reg = _epoch_registry(files)
    labelled = reg.dropna(subset=["accessibility"])
    exact = labelled.set_index("version")["accessibility"].to_dict()
    by_key = labelled.drop_duplicates("key").set_index("key")["accessibility"].to_dict()
    names = reg.set_index("version")["name"].to_dict()
    frames, pre = [], []
    table = epoch_benchmark_table()
    keep = []
    for stem, col, *_rest in EPOCH_BENCHMARKS:
        f = files.get(stem)
        if f is None:
            continue
        if not {col, "Model version", "Release date"} <= set(f.columns):
            pre.append(Issue("warning", "columns", f"{stem}.csv lacks {col!r}, 'Model version' or 'Release date'; skipped"))
            continue
        f = f.assign(**{"Model version": f["Model version"].where(f["Model version"].map(lambda v: isinstance(v, str)))})
        acc = f["Model version"].map(exact)
        acc = acc.fillna(f["Model version"].map(lambda v: by_key.get(normalise_version(v)) if isinstance(v, str) else None))
        unlabelled = int(acc.isna().sum())
        ok = acc.notna() & f[col].notna() & f["Release date"].notna()
        sub = f[ok]
        is_open = acc[ok].astype(str).str.startswith("Open weights")
        n_open, n_closed = int(is_open.sum()), int((~is_open).sum())
        own = not stem.endswith("_external")
        enough = (n_open >= 1 and n_closed >= 1) if own else (n_open >= min_per_side_external and n_closed >= min_per_side_external)
        bench = epoch_benchmark_id(stem)
        if unlabelled:
            pre.append(Issue("warning", "Model accessibility",
                             f"{bench}: {unlabelled} row(s) with no open/closed label in the export left out"))
        if not enough:
            pre.append(Issue("warning", "benchmark", f"{bench}: too few labelled rows ({n_open} open, {n_closed} closed); left out"))
            continue
        keep.append(bench)
        frames.append(pd.DataFrame({
            "model_id": sub["Model version"], "model_name": sub["Model version"].map(names).fillna(sub["Model version"]),
            "creator": sub.get("Organization", ""), "release_date": sub["Release date"], "open_weights": is_open.to_numpy(),
            "openness": acc[ok].to_numpy(), "benchmark": bench, "score": sub[col], "is_estimated": False,
            "source": "epoch", "snapshot_date": None,
        }))
    if not frames:
        raise DataError("The Epoch export has no benchmark with both open and closed labelled models.")
    raw = pd.concat(frames, ignore_index=True)
    latest = pd.to_datetime(raw["release_date"], errors="coerce").max()
    raw["snapshot_date"] = latest.date().isoformat() if pd.notna(latest) else None
    return _finish(raw, table[table["benchmark"].isin(keep)], "Epoch AI export", source="epoch", pre_issues=pre)
