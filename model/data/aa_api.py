"""The Artificial Analysis API v2: a response file, or a live fetch with the key in the header only."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from model.core.errors import DataError
from model.core.limits import MAX_JSON_BYTES
from model.data.aa_page import JSON_TOO_LARGE, aa_rows, read_json
from model.data.catalog import (
    aa_benchmark_table,
)
from model.data.dataset import Dataset, finish_dataset
from model.data.embedded import load_embedded
from model.data.schema import Issue


def load_aa_api(payload: bytes | str | Path | dict, *, open_lookup: pd.DataFrame | None = None,
                snapshot: str | None = None) -> Dataset:
    """An AA API v2 response. The API has no open-weights flag: it is joined by model id.

    ``open_lookup`` has ``model_id, open_weights, openness``; by default the embedded AA
    table. Models missing from the lookup are reported and left out.
    """
    doc = read_json(payload)
    models = doc.get("data") if isinstance(doc, dict) else None
    if models is None and isinstance(doc, dict):
        models = doc.get("models")
    if not isinstance(models, list):
        raise DataError("Not an AA API response: expected a JSON object with a 'data' list.")
    if open_lookup is None:
        emb = load_embedded("aa").scores
        open_lookup = emb.drop_duplicates("model_id")[["model_id", "open_weights", "openness"]]
    lookup = {str(k): (bool(o), str(n)) for k, o, n in open_lookup[["model_id", "open_weights",
                                                                    "openness"]].itertuples(index=False)}
    known = [m for m in models if isinstance(m, dict) and str(m.get("id")) in lookup]
    unknown = [m.get("name", m.get("id")) for m in models if isinstance(m, dict) and str(m.get("id")) not in lookup]
    if not known:
        raise DataError("None of the API's models has a known open/closed status; add them as overrides.")
    snap = snapshot or dt.date.today().isoformat()
    raw = aa_rows(known, open_of=lambda m: lookup[str(m.get("id"))], snapshot=snap, source="aa_api", api=True)
    pre = []
    if unknown:
        pre.append(Issue("warning", "open_weights", f"{len(unknown)} API model(s) with no known open/closed status left out: "
                         + ", ".join(map(str, unknown[:5]))))
    return finish_dataset(raw, aa_benchmark_table("aa_api"), f"AA API ({snap})", source="aa_api", pre_issues=pre)


AA_API_URL = "https://artificialanalysis.ai/api/v2/data/llms/models"


def clean_api_key(api_key: str | None) -> str:
    """The key with surrounding whitespace removed (a pasted key often ends in a newline).

    A key with any other control, space or non-ASCII character is refused; the message never holds any of it."""
    key = (api_key or "").strip()
    if not key:
        raise DataError("No AA API key: set AA_API_KEY in the environment or in .streamlit/secrets.toml.")
    if not all("!" <= ch <= "~" for ch in key):
        raise DataError("The AA API key contains a space, a control or a non-ASCII character; copy it again from your "
                        "AA account page.")
    return key


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: the key is never sent anywhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise DataError(f"AA API: the server redirected to another host ({_origin(newurl)[1] or 'unknown'}); "
                            "refused, so the key is not sent there.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_aa_api(api_key: str, *, url: str | None = None, timeout: float = 20.0, retries: int = 3,
                 backoff: float = 1.0, sleep=None, cancel: threading.Event | None = None) -> bytes:
    """GET the AA API v2 model list. The key goes in the ``x-api-key`` header only, and only to the API's origin.

    Each attempt has one deadline, ``timeout`` seconds for connect, headers and body together (a server that drips one
    byte a second is cut off at it), and the body is read in chunks up to :data:`MAX_JSON_BYTES`. Setting ``cancel``
    (from another thread: the Data page's Cancel) ends the wait at once. 429 and 5xx answers and deadlines are retried
    ``retries`` times with exponential back-off (honouring a ``Retry-After`` of up to 30 s). Errors become a one-line
    :class:`DataError` that never contains the key or the request headers. ``url`` defaults to ``AA_API_URL`` from the
    environment, else AA's endpoint.
    """
    key = clean_api_key(api_key)
    url = url or os.environ.get("AA_API_URL") or AA_API_URL
    cancel = cancel or threading.Event()
    sleep = sleep or cancel.wait  # a back-off ends early when the user cancels
    request = urllib.request.Request(url, headers={"x-api-key": key, "Accept": "application/json"})
    return _with_retries(request, timeout, retries, backoff, sleep, cancel)


def _with_retries(request, timeout: float, retries: int, backoff: float, sleep, cancel: threading.Event) -> bytes:
    """GET ``request``, retrying what :func:`_get` says is retryable with exponential back-off (a cancel ends it)."""
    for attempt in range(retries + 1):
        try:
            return _get(request, timeout, cancel)
        except _Retry as wait:
            if attempt < retries and not cancel.is_set():
                sleep(wait.seconds if wait.seconds is not None else backoff * 2**attempt)
                if not cancel.is_set():
                    continue
            if cancel.is_set():
                raise DataError(CANCELLED) from None
            raise DataError(wait.final(attempt + 1)) from None
    raise DataError("AA API: no answer.")


def fetch_public(url: str, label: str, *, timeout: float = 20.0, retries: int = 3, backoff: float = 1.0) -> bytes:
    """GET a public file (no key) with the API fetch's guards: one deadline per attempt, a capped body, same-origin
    redirects, retries with back-off; errors are one line naming ``label`` (e.g. "Epoch export")."""
    import re

    request = urllib.request.Request(url, headers={"Accept": "*/*"})
    cancel = threading.Event()
    try:
        return _with_retries(request, timeout, retries, backoff, cancel.wait, cancel)
    except DataError as exc:  # the API fetch's messages, named for this file
        raise DataError(re.sub(r"^AA( API)?:? ?", f"{label}: ", str(exc)).replace("AA answered", "the server answered")) \
            from None


CANCELLED = "AA API: the fetch was cancelled; nothing was changed."


class _Watch:
    """Shuts an attempt's sockets down when its deadline passes or the user cancels, whatever the read is doing.

    A socket timeout bounds one read, not a request: headers or a body dripped a byte at a time never end."""

    def __init__(self, seconds: float, cancel: threading.Event) -> None:
        self.sockets: list[socket.socket] = []
        self.reason: str | None = None
        self._done = threading.Event()
        self._cancel = cancel
        self._end = time.monotonic() + seconds
        threading.Thread(target=self._run, daemon=True, name="aa-api-deadline").start()

    def _run(self) -> None:
        while not self._done.wait(0.05):
            if self._cancel.is_set() or time.monotonic() >= self._end:
                self.reason = "cancelled" if self._cancel.is_set() else "deadline"
                for sock in list(self.sockets):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                return

    def watch(self, sock: socket.socket) -> None:
        self.sockets.append(sock)
        if self.reason:  # connected just after the deadline
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._done.set()


def _watched(connection_class, watch: _Watch):
    class Watched(connection_class):
        def connect(self):
            super().connect()
            watch.watch(self.sock)
    return Watched


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.connection = _watched(http.client.HTTPConnection, watch)

    def http_open(self, req):
        return self.do_open(self.connection, req)


@functools.cache
def _tls_context():
    """The default TLS context, made once: making it loads the CA store (about 40 ms), per fetch before."""
    import ssl

    return ssl.create_default_context()


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__(context=_tls_context())
        self.connection = _watched(http.client.HTTPSConnection, watch)

    def https_open(self, req):
        return self.do_open(self.connection, req, context=self._context)


def _read_capped(response) -> bytes:
    """The body in 64 KB chunks, refused once it passes :data:`MAX_JSON_BYTES` (a body that never ends)."""
    pieces, total = [], 0
    while piece := response.read(2**16):
        total += len(piece)
        if total > MAX_JSON_BYTES:
            raise DataError(f"AA API: {JSON_TOO_LARGE}")
        pieces.append(piece)
    return b"".join(pieces)


class _Retry(Exception):
    """A retryable failure: how long to wait (None: back off), and the message if no try is left."""

    def __init__(self, seconds: float | None, message) -> None:
        super().__init__()
        self.seconds, self.final = seconds, message


def _get(request, timeout: float, cancel: threading.Event) -> bytes:
    """One GET within one deadline; a retryable failure raises :class:`_Retry`, anything else a one-line
    :class:`DataError`."""
    watch = _Watch(timeout, cancel)
    opener = urllib.request.build_opener(_SameOriginRedirects, _HTTP(watch), _HTTPS(watch))
    try:
        # the socket timeout (one read) a little past the deadline, so the one deadline (the watch) ends the attempt
        with opener.open(request, timeout=timeout + 0.5) as response:
            body = _read_capped(response)
        if watch.reason:  # the shutdown can look like a short, complete body
            raise OSError(watch.reason)
        return body
    except DataError:
        raise
    except Exception as exc:
        if watch.reason == "cancelled":
            raise DataError(CANCELLED) from None
        if watch.reason == "deadline":
            message = f"AA API did not answer in full within {timeout:g} s (connect, headers and body together)."
            raise _Retry(None, lambda tries: message) from None
        _classify(exc)
        raise  # not reached: _classify always raises
    finally:
        watch.close()


def _classify(exc: Exception) -> None:
    """Raise the one-line error (or :class:`_Retry`) for a failed GET that no deadline or cancel ended."""
    if isinstance(exc, urllib.error.HTTPError):
        code = exc.code
        if code == 429 or 500 <= code < 600:
            after = exc.headers.get("Retry-After") if exc.headers else None
            wait = min(float(after), 30.0) if after and after.replace(".", "", 1).isdigit() else None
            what = "rate limited by AA (429) after {} tries; try again in a minute" if code == 429 else \
                f"AA answered HTTP {code} after {{}} tries"
            raise _Retry(wait, lambda tries: f"AA API: {what.format(tries)}.") from None
        reason = {401: "the API key was refused (401)", 403: "the API key is not allowed here (403)"}.get(
            code, f"AA answered HTTP {code}")
        raise DataError(f"AA API: {reason}.") from None
    if isinstance(exc, (urllib.error.URLError, TimeoutError)):
        kind = "timed out" if "timed out" in str(exc).lower() or isinstance(exc, TimeoutError) else "unreachable"
        message = f"AA API {kind} ({exc.__class__.__name__})."
        raise _Retry(None, lambda tries: message) from None
    # anything else (bad URL, TLS, a header the client refuses): one line, no headers
    raise DataError(f"AA API request failed ({exc.__class__.__name__}).") from None
