"""``refresh`` against a loopback server that serves the raw public files already in ../shared (never the internet):
snapshots are dated and content-addressed, a repeat is "unchanged", AA's 2026-08-07 rescale is detected as a new
version, and every fault (a renamed field or column, a truncated body, a 500, a refused key) is one line that leaves
the archive byte-identical."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import io
import threading
import zipfile

import pandas as pd
import pytest

from model.core.errors import DataError
from model.data.refresh import INDEX_FILE, refresh
from tests.cli.in_process import run_cli
from tests.conftest import ROOT

RAW = ROOT.parent / "shared" / "data" / "raw"
AA_JSON = RAW / "aa" / "Nirvaxstiel__artificialanalysis-at-home__2026-07-31__aa_api_live.json"
EPOCH_DIR = RAW / "epoch" / "benchmark_data_2026-04-29"
ECI_CSV = RAW / "epoch" / "eci_scores_with_ci_2025-12" / "eci_scores.csv"
KEY = "loopback-test-key"
pytestmark = pytest.mark.skipif(not AA_JSON.is_file() or not EPOCH_DIR.is_dir(), reason=f"no raw folder at {RAW}")


def zipped(folder) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*.csv")):
            z.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


@contextlib.contextmanager
def serve_raw():
    """/aa (the key required), /epoch.zip, /eci.csv; faults: /aa-renamed, /aa-truncated, /eci-renamed, /down (500)."""
    aa, eci = AA_JSON.read_bytes(), ECI_CSV.read_bytes()
    files = {"/aa": aa, "/aa-renamed": aa.replace(b'"data"', b'"rows"', 1), "/aa-truncated": aa[: len(aa) // 2],
             "/epoch.zip": zipped(EPOCH_DIR), "/eci.csv": eci, "/eci-renamed": eci.replace(b"eci_ci_low", b"ci_lower", 1)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path.startswith("/aa") and self.headers.get("x-api-key") != KEY:
                self.send_response(401)
                self.end_headers()
                return
            body = files.get(self.path)
            self.send_response(200 if body is not None else 500)
            self.end_headers()
            if body is not None:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server():
    with serve_raw() as url:
        yield url


def urls(base, **paths):
    return {"aa_api": base + paths.get("aa", "/aa"), "epoch_export": base + paths.get("epoch", "/epoch.zip"),
            "epoch_eci": base + paths.get("eci", "/eci.csv")}


def tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_snapshots_are_dated_content_addressed_and_a_repeat_is_unchanged(tmp_path, server):
    archive = tmp_path / "archive"
    lines = refresh(archive, urls=urls(server), key=KEY, retries=0, today="2026-12-07")
    index = pd.read_csv(archive / INDEX_FILE, dtype=str)
    assert list(index["status"]) == ["new"] * 3
    for _, row in index.iterrows():
        stored = (archive / row["file"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == row["sha256"] and row["file"].startswith(row["source"] + "/2026-12-07__")
    assert (archive / index.loc[index["source"] == "aa_api", "file"].iloc[0]).read_bytes() == AA_JSON.read_bytes()
    # the API copy of 2026-07-31 predates AA's 2026-08-07 rescale: detected against the newest embedded version
    assert any("rescaled" in line and "new dated version" in line for line in lines), lines
    before = tree(archive)
    again = refresh(archive, urls=urls(server), key=KEY, retries=0, today="2026-12-08")
    assert sum("unchanged" in line for line in again) == 3
    index = pd.read_csv(archive / INDEX_FILE, dtype=str)
    assert list(index["status"]) == ["new"] * 3 + ["unchanged"] * 3
    assert {k: v for k, v in tree(archive).items() if k != INDEX_FILE} == {k: v for k, v in before.items() if k != INDEX_FILE}


def test_a_dry_run_writes_nothing(tmp_path, server):
    lines = refresh(tmp_path / "archive", urls=urls(server), key=KEY, retries=0, dry_run=True)
    assert not (tmp_path / "archive").exists() and lines[-1] == "dry run: nothing written"


@pytest.mark.parametrize(("paths", "key", "says"), [
    ({"aa": "/aa-renamed"}, KEY, "Not an AA API response"),
    ({"aa": "/aa-truncated"}, KEY, "not valid JSON"),
    ({"eci": "/eci-renamed"}, KEY, "missing eci_ci_low"),
    ({"epoch": "/down"}, KEY, "Epoch export: the server answered HTTP 500"),
    ({}, "wrong-key", "key was refused"),
])
def test_every_fault_is_one_line_and_leaves_the_archive_as_it_was(tmp_path, server, paths, key, says):
    archive = tmp_path / "archive"
    refresh(archive, urls=urls(server), key=KEY, retries=0, today="2026-12-01")  # a good state to keep
    before = tree(archive)
    with pytest.raises(DataError) as err:
        refresh(archive, urls=urls(server, **paths), key=key, retries=0, today="2026-12-07")
    assert says in str(err.value) and "\n" not in str(err.value)
    assert tree(archive) == before


def test_cli_refresh_is_one_line_on_failure_and_lists_what_changed(tmp_path, server, monkeypatch):
    monkeypatch.setenv("AA_API_KEY", KEY)
    u = urls(server)
    ok = run_cli("refresh", "--archive", str(tmp_path / "a"), "--aa-url", u["aa_api"], "--epoch-url", u["epoch_export"],
                 "--eci-url", u["epoch_eci"], "--dry-run")
    assert ok.returncode == 0, ok.stderr
    assert "new model(s)" in ok.stdout and "dry run" in ok.stdout
    one = run_cli("refresh", "--archive", str(tmp_path / "b"), "--sources", "epoch_eci", "--eci-url", u["epoch_eci"])
    assert one.returncode == 0, one.stderr
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["epoch_eci", INDEX_FILE]
    monkeypatch.delenv("AA_API_KEY")
    refused = run_cli("refresh", "--archive", str(tmp_path / "a"), "--aa-url", u["aa_api"])
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "AA_API_KEY" in refused.stderr


def test_the_scheduled_refresh_runs_the_same_command_against_the_loopback_server(tmp_path, server, monkeypatch):
    """The workflow (parsed, its schedule checked) and the cron and systemd examples all run ``python -m model
    refresh``; that command, run as the workflow runs it, archives the served files."""
    import shlex

    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "refresh.yml").read_text())
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert len(trigger["schedule"][0]["cron"].split()) == 5 and "workflow_dispatch" in trigger
    steps = flow["jobs"]["refresh"]["steps"]
    runs = [s["run"] for s in steps if "run" in s and "model refresh" in s["run"]]
    assert len(runs) == 1 and steps[-1]["with"]["add-paths"] == "archive/"
    for example in ("refresh.cron", "frontier-lag-refresh.service"):
        assert "-m model refresh" in (ROOT / "deploy" / example).read_text()
    argv = shlex.split(runs[0])[3:]  # after "python -m model"
    u = urls(server)
    for var, url in (("AA_API_URL", u["aa_api"]), ("EPOCH_EXPORT_URL", u["epoch_export"]), ("EPOCH_ECI_URL", u["epoch_eci"])):
        monkeypatch.setenv(var, url)
    monkeypatch.setenv("AA_API_KEY", KEY)
    done = run_cli(*argv, "--archive", str(tmp_path / "archive"))
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "archive" / INDEX_FILE)) == 3
