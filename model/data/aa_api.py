"""The Artificial Analysis API v2: a response file, or a live fetch with the key in the header only."""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from model.core.errors import DataError
from model.data.aa_page import aa_rows, read_json
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
                 backoff: float = 1.0, sleep=time.sleep) -> bytes:
    """GET the AA API v2 model list. The key goes in the ``x-api-key`` header only, and only to the API's origin.

    429 and 5xx answers are retried ``retries`` times with exponential back-off (honouring a
    ``Retry-After`` of up to 30 s). Errors become a one-line :class:`DataError` that never
    contains the key or the request headers. ``url`` defaults to ``AA_API_URL`` from the environment,
    else AA's endpoint.
    """
    key = clean_api_key(api_key)
    url = url or os.environ.get("AA_API_URL") or AA_API_URL
    opener = urllib.request.build_opener(_SameOriginRedirects)
    request = urllib.request.Request(url, headers={"x-api-key": key, "Accept": "application/json"})
    for attempt in range(retries + 1):
        try:
            return _get(opener, request, timeout)
        except _Retry as wait:
            if attempt < retries:
                sleep(wait.seconds if wait.seconds is not None else backoff * 2**attempt)
                continue
            raise DataError(wait.final(attempt + 1)) from None
    raise DataError("AA API: no answer.")


class _Retry(Exception):
    """A retryable failure: how long to wait (None: back off), and the message if no try is left."""

    def __init__(self, seconds: float | None, message) -> None:
        super().__init__()
        self.seconds, self.final = seconds, message


def _get(opener, request, timeout: float) -> bytes:
    """One GET; a retryable failure raises :class:`_Retry`, anything else a one-line :class:`DataError`."""
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except DataError:
        raise
    except urllib.error.HTTPError as exc:
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
    except (urllib.error.URLError, TimeoutError) as exc:
        kind = "timed out" if "timed out" in str(exc).lower() or isinstance(exc, TimeoutError) else "unreachable"
        message = f"AA API {kind} ({exc.__class__.__name__})."
        raise _Retry(None, lambda tries: message) from None
    except Exception as exc:  # anything else (bad URL, TLS, a header the client refuses): one line, no headers
        raise DataError(f"AA API request failed ({exc.__class__.__name__}).") from None
