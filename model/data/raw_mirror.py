"""Refresh from a mirror of the raw folder: ``python -m model refresh --mirror URL`` pulls a published copy of the raw
public files (``manifest.json`` listing each file's path, size and SHA-256, beside the files), archives every file
content-addressed, assembles the snapshot's raw tree, rebuilds ``data/`` with the build script's own code and
validation, and replaces only the files that changed.

All or nothing: the manifest and every file are fetched and checked (size, hash, safe path) into a private staging
folder first; the build runs on the assembled tree into a temporary folder; only then are blobs, the tree and the
changed ``data/`` files written (each atomically). A network error, a truncated or altered file, an unsafe path or a
build that fails validation is one line and leaves ``data/`` and the archive as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from model.core.errors import DataError
from model.core.limits import MAX_UPLOAD_BYTES

MANIFEST = "manifest.json"
#: Bounds on a mirror, checked before anything is fetched past the manifest.
MAX_FILES, MAX_TOTAL_BYTES = 5000, 500 * 1024 * 1024
#: A relative path of printable segments: none empty, none starting with a dot (no "..", no hidden files), no
#: backslash, colon or control character (raw file names have spaces, brackets, '+', ';' and '%').
SAFE_SEGMENT = re.compile(r"^[^./\\:\x00-\x1f\x7f][^/\\:\x00-\x1f\x7f]{0,199}$")
#: The files of data/ the build writes (the others, e.g. first_view.json, are made by their own commands).
BUILT_FILES = ("scores.csv", "benchmarks.csv", "eci_standard_errors.csv", "third_party_sources.csv", "arena_gap.csv")


def write_manifest(raw_dir: Path) -> dict:
    """The manifest a mirror publishes for ``raw_dir`` (every file, sorted by path)."""
    files = [{"path": p.relative_to(raw_dir).as_posix(), "bytes": p.stat().st_size,
              "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in sorted(raw_dir.rglob("*")) if p.is_file() and p.name != MANIFEST]
    return {"files": files}


def checked_manifest(body: bytes) -> list[dict]:
    """The manifest's entries, each with a safe relative path, a size within bounds and a SHA-256."""
    try:
        files = json.loads(body)["files"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        raise DataError("mirror: the manifest is not a JSON object with a 'files' list.") from None
    if not isinstance(files, list) or not 0 < len(files) <= MAX_FILES:
        raise DataError(f"mirror: the manifest must list 1 to {MAX_FILES} files.")
    total = 0
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("path"), str) or len(f["path"]) > 500 \
                or not all(SAFE_SEGMENT.match(part) for part in f["path"].split("/")):
            raise DataError(f"mirror: unsafe or malformed path in the manifest: {str(f)[:80]!r}.")
        if not isinstance(f.get("bytes"), int) or not 0 <= f["bytes"] <= MAX_UPLOAD_BYTES \
                or not re.fullmatch(r"[0-9a-f]{64}", str(f.get("sha256", ""))):
            raise DataError(f"mirror: bad size or hash for {f['path']}.")
        total += f["bytes"]
    if total > MAX_TOTAL_BYTES:
        raise DataError(f"mirror: {total / 2**20:.0f} MB in all; the limit is {MAX_TOTAL_BYTES // 2**20} MB.")
    return files


def pull(base_url: str, archive: Path, staging: Path, *, retries: int = 3) -> tuple[Path, str, int, dict[str, str]]:
    """Fetch the manifest and every file not already archived into ``staging`` (checked against the manifest);
    assemble the raw tree there. Returns the tree, the manifest's hash, how many files were fetched and each path's
    SHA-256 (every file in the tree was checked against it)."""
    from model.data.aa_api import fetch_public

    base = base_url.rstrip("/")
    body = fetch_public(f"{base}/{MANIFEST}", "mirror", retries=retries)
    files = checked_manifest(body)
    tree, fetched = staging / "tree", 0
    for f in files:
        blob = archive / "blobs" / f["sha256"]
        target = tree / f["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if blob.is_file():
            shutil.copyfile(blob, target)
            continue
        data = fetch_public(f"{base}/{quote(f['path'], safe='/')}", f"mirror ({f['path']})", retries=retries)
        if len(data) != f["bytes"] or hashlib.sha256(data).hexdigest() != f["sha256"]:
            raise DataError(f"mirror: {f['path']} does not match the manifest (truncated or changed); nothing written.")
        target.write_bytes(data)
        fetched += 1
    return tree, hashlib.sha256(body).hexdigest(), fetched, {f["path"]: f["sha256"] for f in files}


def build_into(tree: Path, out: Path) -> None:
    """The build script's own build, on ``tree``; its validation failures become one line."""
    import contextlib
    import io

    from model.data.build import build

    out.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            build(tree, out)
    except SystemExit as exc:
        raise DataError(f"mirror: the build refused the data: {str(exc.code).splitlines()[-1][:200]}") from None
    except (KeyError, ValueError, OSError) as exc:  # a missing file or column, a changed format
        raise DataError(f"mirror: the build could not read the data ({exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0][:160] if str(exc) else ''}).") from None


def refresh_from_mirror(base_url: str, archive: Path, data_dir: Path, *, dry_run: bool = False, retries: int = 3,
                        today: str | None = None) -> list[str]:
    """Pull, rebuild and (unless ``dry_run``) archive and replace the changed files of ``data_dir``; the lines to
    print. Any failure raises a one-line DataError with nothing written."""
    from model.core.files import write_atomic

    today = today or dt.date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="frontier-lag-mirror-") as tmp:
        staging = Path(tmp)
        tree, manifest_sha, fetched, hashes = pull(base_url, archive, staging, retries=retries)
        build_into(tree, staging / "data")
        changed = [name for name in BUILT_FILES
                   if not (data_dir / name).is_file()
                   or (data_dir / name).read_bytes() != (staging / "data" / name).read_bytes()]
        lines = [f"mirror: manifest {manifest_sha[:16]}, {fetched} file(s) fetched, the rest already archived",
                 "data/: " + (f"would change {', '.join(changed)}" if dry_run and changed else
                              f"changed {', '.join(changed)}" if changed else "unchanged")]
        lines += describe_changes(data_dir, staging / "data") if changed else []
        if dry_run:
            return [*lines, "dry run: nothing written"]
        for path, sha in sorted(hashes.items()):  # content-addressed blobs (each checked by pull): stored once
            blob = archive / "blobs" / sha
            if not blob.exists():
                blob.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(blob, (tree / path).read_bytes())
        manifests = archive / "manifests"
        manifests.mkdir(parents=True, exist_ok=True)
        record = manifests / f"{today}__{manifest_sha[:16]}.json"
        if not any(manifests.glob(f"*__{manifest_sha[:16]}.json")):
            write_atomic(record, json.dumps({"fetched_on": today, "url": base_url, "sha256": manifest_sha,
                                             "files": dict(sorted(hashes.items()))}, indent=1) + "\n")
        else:
            lines.append("mirror: this manifest is archived already (unchanged)")
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in changed:
            write_atomic(data_dir / name, (staging / "data" / name).read_bytes())
    return lines


def describe_changes(old_dir: Path, new_dir: Path) -> list[str]:
    """Between two builds of data/: benchmarks added or removed, models added, and open flags that changed (a new
    index version shows as a new dated benchmark, as the 2026-10-10 rescale did)."""
    import pandas as pd

    def table(folder, name, columns):
        path = folder / name
        return pd.read_csv(path, dtype=str) if path.is_file() else pd.DataFrame(columns=columns)

    old_b, new_b = (set(table(d, "benchmarks.csv", ["benchmark"])["benchmark"]) for d in (old_dir, new_dir))
    old_s, new_s = (table(d, "scores.csv", ["model_id", "model_name", "open_weights"]).drop_duplicates("model_id")
                    .set_index("model_id") for d in (old_dir, new_dir))
    added = new_s.loc[new_s.index.difference(old_s.index), "model_name"]
    both = new_s.index.intersection(old_s.index)
    flipped = new_s.loc[both][new_s.loc[both, "open_weights"] != old_s.loc[both, "open_weights"]]
    return [f"benchmarks: {len(new_b)} (new: {', '.join(sorted(new_b - old_b)) or 'none'}; removed: "
            f"{', '.join(sorted(old_b - new_b)) or 'none'})",
            f"models: {len(old_s)} -> {len(new_s)}; {len(added)} new" + (f", e.g. {', '.join(added.head(5))}" if len(added)
                                                                         else ""),
            f"open flags changed: {len(flipped)}" + (f" ({', '.join(flipped['model_name'].head(5))})" if len(flipped)
                                                     else "")]
