"""``refresh --mirror`` against a loopback mirror of the raw files in ../shared (never the internet): it turns the AA
2026-08-22 state into the 2026-10-10 one and writes the same data/ the build script writes; a second run is
unchanged; each fault (a truncated file, a 500, a changed column, an unsafe path) is one line and leaves data/ and the
archive byte-identical."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import urllib.parse

import pytest

from model.core.errors import DataError
from model.core.paths import DATA_DIR
from model.data.raw_mirror import BUILT_FILES, MANIFEST, refresh_from_mirror, write_manifest
from tests.cli.in_process import run_cli
from tests.conftest import ROOT

RAW = ROOT.parent / "shared" / "data" / "raw"
NEWEST = "aa/2026-10-10/"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (RAW / "aa").is_dir(), reason=f"no raw folder at {RAW}")]


@pytest.fixture(scope="module")
def mirror():
    """The raw folder served with its manifest; ``mode`` changes what it serves: ``exclude`` (a path prefix left out
    of the manifest), ``fail`` (a path answered with a 500), ``bodies`` (a path's bytes to serve instead), ``manifest``
    (a manifest to serve instead)."""
    full = write_manifest(RAW)
    mode: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body in two writes: without it each answer waits a delayed ACK

        def do_GET(self):  # noqa: N802
            path = urllib.parse.unquote(self.path.lstrip("/"))
            if path == MANIFEST:
                files = [f for f in full["files"] if not (mode.get("exclude") and f["path"].startswith(mode["exclude"]))]
                body = json.dumps(mode.get("manifest") or {"files": files}).encode()
            elif path == mode.get("fail") or not ((RAW / path).is_file() or path in mode.get("bodies", {})):
                self.send_response(500)
                self.end_headers()
                return
            else:
                body = mode.get("bodies", {}).get(path) or (RAW / path).read_bytes()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", mode, full
    finally:
        server.shutdown()
        server.server_close()


def tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def before(mirror, tmp_path_factory):
    """data/ and the archive after a refresh from the 2026-08-22 state (the mirror without aa/2026-10-10/)."""
    url, mode, _ = mirror
    root = tmp_path_factory.mktemp("state")
    mode.clear()
    mode["exclude"] = NEWEST
    lines = refresh_from_mirror(url, root / "archive", root / "data", retries=0, today="2026-08-22")
    mode.clear()
    return root, lines


def test_the_mirror_turns_the_august_state_into_the_october_one_and_the_build_scripts_data(mirror, before):
    url, mode, _ = mirror
    root, first = before
    assert "intelligence_index_2026_10_10" not in (root / "data" / "benchmarks.csv").read_text()
    lines = refresh_from_mirror(url, root / "archive", root / "data", retries=0, today="2026-10-10")
    assert any("new: agentic_index_2026_10_10, intelligence_index_2026_10_10" in line for line in lines), lines
    assert any(line.startswith("models: ") and " new, e.g. " in line for line in lines), lines  # the October models
    assert any(line.startswith("open flags changed: ") for line in lines), lines
    for name in BUILT_FILES:  # the same data/ the build script wrote from the same raw files
        assert (root / "data" / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
    again = refresh_from_mirror(url, root / "archive", root / "data", retries=0, today="2026-10-11")
    assert "data/: unchanged" in again and any("archived already" in line for line in again)
    assert len(list((root / "archive" / "manifests").glob("*.json"))) == 2  # the August and the October state


CHANGED = "aa/2026-10-10/DERIVED__aa_2026-10-10_merged.csv"


@pytest.mark.parametrize(("fault", "says"), [
    ("truncated", "does not match the manifest"),
    ("500", "HTTP 500"),
    ("renamed column", "build"),
    ("unsafe path", "unsafe"),
])
def test_every_fault_is_one_line_and_leaves_data_and_the_archive_as_they_were(mirror, before, fault, says):
    """Each fault comes with new content for a file (a new hash in the manifest), so the file is fetched again."""
    url, mode, full = mirror
    root, _ = before
    new = (RAW / CHANGED).read_bytes().replace(b"is_open_weights", b"open_flag" if fault == "renamed column" else
                                                b"is_open_weights", 1) + b"\n"
    manifest = {"files": [dict(f, bytes=len(new), sha256=hashlib.sha256(new).hexdigest()) if f["path"] == CHANGED else f
                          for f in full["files"]]}
    served = {"truncated": {"bodies": {CHANGED: new[: len(new) // 2]}}, "500": {"fail": CHANGED},
              "renamed column": {"bodies": {CHANGED: new}},
              "unsafe path": {}}[fault]
    if fault == "unsafe path":
        manifest = {"files": [{"path": "../../etc/passwd", "bytes": 1, "sha256": "0" * 64}]}
    snapshot = tree(root)
    mode.clear()
    mode.update(served, manifest=manifest)
    try:
        with pytest.raises(DataError) as err:
            refresh_from_mirror(url, root / "archive", root / "data", retries=0, today="2026-12-07")
    finally:
        mode.clear()
    assert says in str(err.value) and "\n" not in str(err.value)
    assert tree(root) == snapshot


def test_cli_mirror_dry_run_and_its_refusals(mirror, before):
    url, _, _ = mirror
    root, _ = before
    shown = run_cli("refresh", "--mirror", url, "--archive", str(root / "archive"), "--data-dir", str(root / "data"),
                    "--dry-run")
    assert shown.returncode == 0 and "dry run: nothing written" in shown.stdout, shown.stderr
    mixed = run_cli("refresh", "--mirror", url, "--sources", "epoch_eci")
    assert mixed.returncode == 2 and "--sources" in mixed.stderr and mixed.stderr.count("\n") == 1
