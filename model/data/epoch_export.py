"""Epoch AI Benchmarking Hub exports (folder or zip; the 2026-04 and the model_metadata layouts)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_EXPORT_FILES, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES
from model.data.catalog import (
    EPOCH_BENCHMARKS,
    epoch_benchmark_id,
    epoch_benchmark_table,
)
from model.data.csv_upload import check_csv_shape
from model.data.dataset import Dataset, finish_dataset
from model.data.schema import Issue

_EFFORT = re.compile(r"(_(x?high|medium|low|minimal|none|max|\d+k|thinking|reasoning))+$", re.IGNORECASE)


_DATE_SUFFIX = re.compile(r"[-_]?(20\d{2}[-_]?\d{2}[-_]?\d{2}|\d{4})$")


def normalise_version(version: str) -> str:
    """Loose key for Epoch model versions: lower case, no org prefix, no effort or date suffix."""
    v = str(version).strip().lower().split("/")[-1]
    v = _EFFORT.sub("", v)
    v = _DATE_SUFFIX.sub("", v)
    return re.sub(r"[^a-z0-9]+", "", v)


#: The files an export may hold that this loader reads; every other file is skipped unread.
KNOWN_STEMS = frozenset({"model_metadata"} | {stem for stem, *_ in EPOCH_BENCHMARKS})


def _read_export_csv(data: bytes, name: str) -> pd.DataFrame:
    check_csv_shape(data, name)
    try:
        return pd.read_csv(io.BytesIO(data), encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{name} in the Epoch export is not a readable CSV ({exc.__class__.__name__}).") from None


def _folder_files(folder: Path) -> dict[str, pd.DataFrame]:
    paths = [f for f in folder.rglob("*.csv") if f.is_file() and not f.is_symlink()]
    if len(paths) > MAX_EXPORT_FILES:
        raise DataError(f"The Epoch export has {len(paths):,} CSV files; the limit is {MAX_EXPORT_FILES:,}.")
    known = [f for f in paths if f.stem in KNOWN_STEMS]
    if sum(f.stat().st_size for f in known) > MAX_UNPACKED_BYTES:
        raise DataError(f"The Epoch export's known files hold more than {MAX_UNPACKED_BYTES // 2**20} MB; refusing it.")
    return {f.stem: _read_export_csv(f.read_bytes(), f.name) for f in known}


def _zip_files(data: bytes) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if i.filename.endswith(".csv") and not i.filename.startswith("__MACOSX")]
        if len(infos) > MAX_EXPORT_FILES:
            raise DataError(f"The Epoch export has {len(infos):,} CSV files; the limit is {MAX_EXPORT_FILES:,}.")
        budget = MAX_UNPACKED_BYTES
        for info in (i for i in infos if Path(i.filename).stem in KNOWN_STEMS):
            if info.flag_bits & 0x1:
                raise DataError(f"{Path(info.filename).name} in the Epoch export is encrypted; export it without a password.")
            body = _read_member(zf, info, budget)
            budget -= len(body)
            out[Path(info.filename).stem] = _read_export_csv(body, info.filename)
    return out


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """One member's bytes, read in 1 MB pieces and refused once the export's unpacked total passes the budget.

    The declared size is not trusted: ``ZipFile.read`` inflates a whole member in one call (1.1 GB from a 1.1 MB zip
    whose header said 4 KB) before it checks anything."""
    pieces, total = [], 0
    try:
        with zf.open(info) as member:
            while piece := member.read(2**20):
                total += len(piece)
                if total > budget:
                    raise DataError(f"The Epoch export unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB; "
                                    "refusing it.")
                pieces.append(piece)
    except zipfile.BadZipFile:  # a checksum or size that does not match what was inflated
        raise DataError(f"{Path(info.filename).name} in the Epoch export is damaged (its size or checksum does not "
                        "match its content); re-create the zip.") from None
    return b"".join(pieces)


def _epoch_files(path: bytes | str | Path) -> dict[str, pd.DataFrame]:
    """Read the CSVs of an export this loader knows (folder, zip path or zip bytes), keyed by file stem."""
    if isinstance(path, (str, Path)) and Path(path).is_dir():
        return _folder_files(Path(path))
    if not isinstance(path, bytes) and Path(path).stat().st_size > MAX_UPLOAD_BYTES:
        raise DataError(f"{Path(path).name} is {Path(path).stat().st_size / 2**20:.0f} MB; the limit is "
                        f"{MAX_UPLOAD_BYTES // 2**20} MB.")
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    try:
        return _zip_files(data)
    except UnicodeDecodeError:
        raise DataError("The Epoch export has a file name that is not valid UTF-8; re-create the zip.") from None
    except RuntimeError as exc:  # zipfile's "password required" and similar
        raise DataError(f"The Epoch export cannot be unpacked ({str(exc).splitlines()[0][:80]}).") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError):
        raise DataError("Not an Epoch export: expected a folder or a zip of CSV files.") from None


def _epoch_registry(files: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Model versions with accessibility, display name, organisation and date (either layout)."""
    if "model_metadata" in files and "model_version" in files["model_metadata"]:
        m = files["model_metadata"]
        reg = pd.DataFrame({
            "version": m["model_version"], "accessibility": m.get("accessibility"),
            "name": m.get("display_name", m["model_version"]),
            "org": m.get("organization", ""), "date": m.get("date"),
        })
    elif "epoch_capabilities_index" in files and {"Model version",
                                                  "Model accessibility"} <= set(files["epoch_capabilities_index"]):
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


_PLUS_MINUS = re.compile(r"^=?\+?(\d+(?:\.\d+)?)\s*/\s*-?(\d+(?:\.\d+)?)$")


def score_standard_error(f: pd.DataFrame) -> pd.Series:
    """Each row's standard error where the export gives one, in the score's units (NaN = unknown).

    ``stderr`` (Epoch's own runs); ``Average Standard error`` (BALROG); WebDev Arena's 95% interval, as
    ``95% CI High``/``95% CI Low`` or the text ``=+11/-11`` (half-width / 1.96). METR's time-horizon intervals are
    asymmetric on a log scale and are not turned into a symmetric error."""
    if "stderr" in f:
        return pd.to_numeric(f["stderr"], errors="coerce")
    if "Average Standard error" in f:
        return pd.to_numeric(f["Average Standard error"], errors="coerce")
    if {"95% CI High", "95% CI Low"} <= set(f.columns) or "Score 95% CI" in f:
        nan = pd.Series(float("nan"), index=f.index)
        hi = pd.to_numeric(f.get("95% CI High", nan), errors="coerce")
        lo = pd.to_numeric(f.get("95% CI Low", nan), errors="coerce")
        half = (hi - lo) / 2
        text = f.get("Score 95% CI", nan).astype("string").str.replace(" ", "").str.extract(_PLUS_MINUS).astype(float)
        half = half.fillna(text.mean(axis=1))
        return half / 1.96
    return pd.Series(float("nan"), index=f.index)


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
        need = 1 if own else min_per_side_external
        enough = n_open >= need and n_closed >= need
        bench = epoch_benchmark_id(stem)
        if unlabelled:
            pre.append(Issue("warning", "Model accessibility",
                             f"{bench}: {unlabelled} row(s) with no open/closed label in the export left out"))
        if not enough:
            pre.append(Issue("warning", "benchmark",
                             f"{bench}: too few labelled rows ({n_open} open, {n_closed} closed); left out"))
            continue
        keep.append(bench)
        frames.append(pd.DataFrame({
            "model_id": sub["Model version"], "model_name": sub["Model version"].map(names).fillna(sub["Model version"]),
            "creator": sub.get("Organization", ""), "release_date": sub["Release date"], "open_weights": is_open.to_numpy(),
            "openness": acc[ok].to_numpy(), "benchmark": bench, "score": sub[col], "is_estimated": False,
            "source": "epoch", "snapshot_date": None, "score_se": score_standard_error(sub).to_numpy(),
            "country": sub["Country"].to_numpy() if "Country" in sub else "",
        }))
    if not frames:
        raise DataError("The Epoch export has no benchmark with both open and closed labelled models.")
    raw = pd.concat(frames, ignore_index=True)
    latest = pd.to_datetime(raw["release_date"], errors="coerce").max()
    raw["snapshot_date"] = latest.date().isoformat() if pd.notna(latest) else None
    return finish_dataset(raw, table[table["benchmark"].isin(keep)], "Epoch AI export", source="epoch", pre_issues=pre)
