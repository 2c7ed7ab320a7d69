"""The live AA API loader against a local HTTP server on loopback (no real network)."""

import http.server
import threading

import pytest

from model.loaders import fetch_aa_api, load_aa_api
from model.schema import DataError
from tests.conftest import FIXTURES

KEY = "test-key-not-a-secret-0123456789"


@pytest.fixture(scope="module")
def server():
    body = (FIXTURES / "aa_api_sample.json").read_bytes()
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append({k.lower(): v for k, v in self.headers.items()})
            code = {"/ok": 200, "/bad-key": 401, "/forbidden": 403, "/limited": 429, "/down": 503}[self.path]
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if code == 200:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


def test_fetch_sends_key_in_header_and_loads(server):
    base, seen = server
    data = fetch_aa_api(KEY, url=base + "/ok")
    assert seen[-1].get("x-api-key") == KEY
    ds = load_aa_api(data, snapshot="2026-11-29")
    assert len(ds.scores) > 100


@pytest.mark.parametrize(("path", "needle"), [("/bad-key", "refused (401)"), ("/forbidden", "(403)"),
                                              ("/limited", "rate limited"), ("/down", "HTTP 503")])
def test_fetch_errors_are_one_line_without_the_key(server, path, needle):
    base, _ = server
    with pytest.raises(DataError) as info:
        fetch_aa_api(KEY, url=base + path)
    assert needle in str(info.value) and KEY not in str(info.value) and "\n" not in str(info.value)


def test_unreachable_and_missing_key():
    with pytest.raises(DataError, match="unreachable"):
        fetch_aa_api(KEY, url="http://127.0.0.1:9/none", timeout=2)
    with pytest.raises(DataError, match="No AA API key"):
        fetch_aa_api("")
