"""A loopback stand-in for the AA API, for the tests (tests/conftest.py's ``aa_api_server``) and the hostile-case
bench (bench/bench_hostile_cases.py): never the internet."""

import contextlib
import http.server
import threading
import time
import urllib.parse
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@contextlib.contextmanager
def serve_aa_stand_in():
    """A loopback stand-in for the AA API: /ok, /bad-key (401), /forbidden, /limited (429), /down (503), /slow,
    /garbled, /renamed, /flaky-429 and /flaky-503 (fail once, then 200), /redirect-same (to /ok) and
    /redirect-to/<quoted url>; any other path answers 401."""
    body = (FIXTURES / "aa_api_sample.json").read_bytes()
    seen = []
    flaky_seen = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append({k.lower(): v for k, v in self.headers.items()})
            if self.path.startswith("/redirect"):  # /redirect-same -> /ok; /redirect-to/<quoted url> -> that url
                target = "/ok" if self.path == "/redirect-same" else urllib.parse.unquote(self.path[len("/redirect-to/"):])
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return
            if self.path == "/slow":
                time.sleep(2)
            if self.path in ("/drip-headers", "/drip-body", "/endless"):
                self.drip()
                return
            if self.path.startswith("/flaky"):  # first answer 429 (or 503), then 200
                first = self.path not in flaky_seen
                flaky_seen.add(self.path)
                code = (429 if "429" in self.path else 503) if first else 200
            else:
                code = {"/ok": 200, "/bad-key": 401, "/forbidden": 403, "/limited": 429, "/down": 503, "/slow": 200,
                        "/garbled": 200, "/renamed": 200}.get(self.path, 401)
            self.send_response(code)
            if code == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if self.path == "/garbled":
                self.wfile.write(b'{"data": [ {"id": "x", oops')
            elif self.path == "/renamed":
                self.wfile.write(b'{"models_v3": []}')
            elif code == 200:
                self.wfile.write(body)

        def drip(self):
            """/drip-headers: a header a byte every 0.1 s; /drip-body: a body likewise; /endless: a body that never
            ends, 64 KB at a time. Each stops when the client hangs up."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                if self.path == "/drip-headers":
                    while True:
                        self.wfile.write(b"X")
                        self.wfile.flush()
                        time.sleep(0.1)
                self.wfile.write(b"Content-Type: application/json\r\n\r\n")
                piece, pause = (b"[" * 2**16, 0) if self.path == "/endless" else (b" ", 0.1)
                while True:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()


class QuietServer(http.server.ThreadingHTTPServer):
    """A loopback server that does not print a client's early hang-up (the slow and timeout cases hang up on purpose):
    the traceback went to whichever test's captured stderr was open when the handler thread noticed."""

    def handle_error(self, request, client_address):
        pass
