"""The AA API key never leaves the environment: not on screen, in downloads, session state, URLs, logs or files."""

import json
import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from tests.conftest import APP_PATIENCE, ROOT
from ui.state import Key

KEY = "sk-aa-SECRET-5f0c2b9e7d41"
pytestmark = pytest.mark.slow


@pytest.fixture
def aa_server(aa_api_server, monkeypatch):
    """The loopback AA API with the key set; yields the base URL and the requests made during this test."""
    base, seen = aa_api_server
    first = len(seen)
    monkeypatch.setenv("AA_API_KEY", KEY)
    yield base, lambda: seen[first:]


def unescape(text: str) -> str:
    """Markdown source as the reader sees it (text from data is backslash-escaped before it is shown)."""
    return re.sub(r"\\(.)", r"\1", text)


def screen_text(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "code", "text", "title", "subheader", "header"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(w.value) for w in at.text_input] + [str(b.label) for b in at.button]
    return unescape("\n".join(parts))


def test_key_never_leaks_in_a_full_session(aa_server, media, monkeypatch, tmp_path, caplog, capsys):
    base, seen = aa_server
    caplog.set_level(logging.DEBUG)
    outputs = []
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.session_state[Key.FIT_FORM] = FitSettings(draws=200, tune=200, chains=2).model_dump()
    at.run()
    at.switch_page("pages/data.py").run()  # the landing page is the answer; the source picker is on Data
    for url, expect_ok in ((base + "/denied", False), (base + "/ok", True)):
        monkeypatch.setenv("AA_API_URL", url)
        at.radio[0].set_value("aa_api").run()
        next(b for b in at.button if b.label.startswith("Fetch live")).click().run()
        assert not at.exception
        outputs.append(screen_text(at))
        if not expect_ok:
            assert any("refused (401)" in unescape(w.value) and "embedded AA data" in w.value for w in at.warning)
    assert "API" in at.header[0].value  # the live data are shown
    assert seen() and all(h.get("x-api-key") == KEY for h in seen())  # the key was used, in the header
    for page in ("pages/frontiers.py", "pages/trend_fit.py", "pages/downloads.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        outputs.append(screen_text(at))
    for b in at.download_button:
        if b.proto.url:  # buttons made on click (lag tables from the data) serve nothing until pressed
            outputs.append(media(b.proto.url)[1].decode("utf-8", errors="replace"))
    outputs.append(json.dumps(dict(at.query_params)))
    outputs.append(repr({k: at.session_state[k] for k in at.session_state}))
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err, caplog.text]
    blob = "\n".join(outputs)
    assert len(blob) > 10_000 and "Posterior summaries" in blob and "Coverage per benchmark" in blob  # the session ran
    assert KEY not in blob
    assert KEY[-8:] not in blob  # not even a fragment


def test_key_is_not_written_to_disk(aa_server, monkeypatch, tmp_path):
    base, _ = aa_server
    monkeypatch.setenv("AA_API_URL", base + "/ok")
    monkeypatch.chdir(tmp_path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    at.switch_page("pages/data.py").run()
    at.radio[0].set_value("aa_api").run()
    next(b for b in at.button if b.label.startswith("Fetch live")).click().run()
    for path in list(tmp_path.rglob("*")) + list((ROOT / ".streamlit").rglob("*")):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(("key", "works"), [(KEY + "\n", True), ("  " + KEY + "\r\n", True), (KEY + "€", False),
                                            (KEY[:6] + "\n" + KEY[6:], False)])
def test_pasted_keys_on_the_data_page(aa_api_server, monkeypatch, caplog, capsys, key, works):
    base, seen = aa_api_server
    monkeypatch.setenv("AA_API_KEY", key)
    monkeypatch.setenv("AA_API_URL", base + "/ok")
    caplog.set_level(logging.DEBUG)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    at.switch_page("pages/data.py").run()
    at.radio[0].set_value("aa_api").run()
    next(b for b in at.button if b.label.startswith("Fetch live")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = screen_text(at) + capsys.readouterr().err + caplog.text
    if works:
        assert "API" in at.header[0].value and seen[-1].get("x-api-key") == KEY
    else:
        assert any("copy it again" in w.value for w in list(at.warning) + list(at.error))
    for fragment in (KEY, KEY[-8:], KEY[:6]):
        assert fragment not in text


@pytest.mark.parametrize("allowed", [False, True])
def test_a_live_fetch_says_what_it_changes_and_is_archived_only_where_the_operator_allows(aa_api_server, monkeypatch,
                                                                                         tmp_path, allowed):
    import model.data.refresh as refresh

    base, _ = aa_api_server
    monkeypatch.setenv("AA_API_KEY", KEY)
    monkeypatch.setenv("AA_API_URL", base + "/ok")
    monkeypatch.setattr(refresh, "ARCHIVE_DIR", tmp_path / "archive")
    if allowed:
        monkeypatch.setenv("FRONTIER_LAG_ARCHIVE_FROM_APP", "1")
    else:
        monkeypatch.delenv("FRONTIER_LAG_ARCHIVE_FROM_APP", raising=False)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.run()
    at.switch_page("pages/data.py").run()
    at.radio[0].set_value("aa_api").run()
    next(b for b in at.button if b.label.startswith("Fetch live")).click().run()
    assert not at.exception
    assert any("new model" in m.value for m in at.markdown)  # the refresh report of this fetch
    keep = [b for b in at.button if b.label.startswith("Keep this fetch")]
    assert bool(keep) is allowed
    if allowed:
        keep[0].click().run()
        assert any("archived as" in s.value for s in at.success)
        index = (tmp_path / "archive" / refresh.INDEX_FILE).read_text()
        assert "aa_api" in index and KEY not in index
    assert not (tmp_path / "archive").exists() or allowed
