"""The live AA API loader against a local HTTP server on loopback (no real network)."""

import pytest

from model.core.errors import DataError
from model.data.aa_api import fetch_aa_api, load_aa_api
from tests.aa_stand_in import QuietServer

KEY = "test-key-not-a-secret-0123456789"


@pytest.fixture(scope="module")
def server(aa_api_server):
    return aa_api_server


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
        fetch_aa_api(KEY, url=base + path, backoff=0.01)
    assert needle in str(info.value) and KEY not in str(info.value) and "\n" not in str(info.value)


def test_unreachable_and_missing_key():
    with pytest.raises(DataError, match="unreachable"):
        fetch_aa_api(KEY, url="http://127.0.0.1:9/none", timeout=2, retries=0)
    with pytest.raises(DataError, match="No AA API key"):
        fetch_aa_api("")


@pytest.mark.parametrize("path", ["/flaky-429", "/flaky-503"])
def test_rate_limit_and_server_errors_are_retried_with_backoff(server, path):
    base, _ = server
    waits = []
    data = fetch_aa_api(KEY, url=base + path, sleep=waits.append)
    assert data.startswith(b"{") and len(waits) == 1


def test_persistent_rate_limit_gives_up_with_a_message(server):
    base, _ = server
    waits = []
    with pytest.raises(DataError, match="rate limited by AA \\(429\\) after 4 tries"):
        fetch_aa_api(KEY, url=base + "/limited", sleep=waits.append)
    assert len(waits) == 3


def test_timeout(server):
    base, _ = server
    with pytest.raises(DataError, match=r"^AA API did not answer in full within 0.3 s \(connect, headers and body "
                                        r"together\)\.$"):
        fetch_aa_api(KEY, url=base + "/slow", timeout=0.3, retries=0)


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_one_deadline_covers_headers_and_body_dripped_a_byte_at_a_time(server, path):
    """Each byte arrives well inside the socket timeout, so only the attempt's own deadline can end the request (the
    test would hang without it)."""
    base, _ = server
    with pytest.raises(DataError, match=r"^AA API did not answer in full within 1 s"):
        fetch_aa_api(KEY, url=base + path, timeout=1, retries=0)


def test_a_body_that_never_ends_is_cut_at_the_cap(server):
    base, _ = server
    with pytest.raises(DataError) as info:
        fetch_aa_api(KEY, url=base + "/endless", timeout=600, retries=0)
    assert str(info.value) == "AA API: The JSON is over the 20 MB limit (AA's own files are under 5 MB)."


def test_cancel_ends_the_wait_and_the_back_off(server):
    """A second thread sets the cancel event (the Data page's Cancel does this from the next script run)."""
    import threading

    base, _ = server
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(DataError, match=r"^AA API: the fetch was cancelled; nothing was changed\.$"):
        fetch_aa_api(KEY, url=base + "/drip-body", timeout=600, retries=3, cancel=cancel)
    with pytest.raises(DataError, match="cancelled"):  # cancelled while backing off after a 503
        fetch_aa_api(KEY, url=base + "/down", retries=3, backoff=600, cancel=cancel)


def test_malformed_json_and_schema_change(server):
    base, _ = server
    with pytest.raises(DataError, match="not valid JSON"):
        load_aa_api(fetch_aa_api(KEY, url=base + "/garbled"))
    with pytest.raises(DataError, match="expected a JSON object with a 'data' list"):
        load_aa_api(fetch_aa_api(KEY, url=base + "/renamed"))


def test_a_pasted_key_with_a_trailing_newline_works(server):
    base, seen = server
    fetch_aa_api(f"  {KEY}\n", url=base + "/ok")
    assert seen[-1].get("x-api-key") == KEY


@pytest.mark.parametrize("bad", [KEY + "é", KEY[:10] + "\x00" + KEY[10:], KEY[:10] + " " + KEY[10:], "ключ-" + KEY])
def test_a_key_with_control_or_non_ascii_characters_is_refused_without_echoing_it(server, bad):
    base, seen = server
    before = len(seen)
    with pytest.raises(DataError) as info:
        fetch_aa_api(bad, url=base + "/ok")
    message = str(info.value)
    assert "copy it again" in message and "\n" not in message
    assert not any(part in message for part in (bad, bad.strip(), KEY[:8], KEY[-8:]))
    assert len(seen) == before  # nothing was sent


def test_same_origin_redirect_is_followed_with_the_key(server):
    base, seen = server
    assert fetch_aa_api(KEY, url=base + "/redirect-same").startswith(b"{")
    assert seen[-1].get("x-api-key") == KEY


def test_cross_origin_redirect_is_refused_and_the_other_host_gets_nothing(server):
    import http.server
    import threading
    import urllib.parse

    other_seen = []

    class Other(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            other_seen.append(dict(self.headers.items()))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    other = QuietServer(("127.0.0.1", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        base, _ = server
        away = urllib.parse.quote(f"http://127.0.0.1:{other.server_address[1]}/steal", safe="")
        with pytest.raises(DataError, match="redirected to another host") as info:
            fetch_aa_api(KEY, url=f"{base}/redirect-to/{away}", retries=0)
        assert KEY not in str(info.value)
        assert other_seen == []  # the other host was never contacted, so it saw no key
    finally:
        other.shutdown()


def test_any_client_failure_is_one_line_without_headers():
    with pytest.raises(DataError) as info:
        fetch_aa_api(KEY, url="ftp-not-a-scheme://x/y", retries=0)
    assert "\n" not in str(info.value) and KEY not in str(info.value)
