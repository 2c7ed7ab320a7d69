"""Server limits and safe rendering: upload size, XSRF left on, no raw HTML from user data."""

import re
import tomllib
from pathlib import Path

import pytest  # noqa: E402

from model.analysis import FitSettings
from model.core.limits import MAX_CHAINS, MAX_DRAWS, MAX_ROWS, MAX_UPLOAD_BYTES
from tests.conftest import ROOT


def test_upload_limit_matches_the_loader_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_UPLOAD_BYTES
    assert config["server"].get("enableXsrfProtection", True) is True
    assert config["server"].get("enableCORS", True) is True


def test_no_raw_html_anywhere_in_the_ui():
    for path in [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        assert not re.search(r"st\.html\(|components\.html\(", text), path


def test_sampler_and_size_limits_are_enforced():

    for bad in ({"draws": MAX_DRAWS + 1}, {"chains": MAX_CHAINS + 1}, {"max_seconds": 0}, {"draws": 5}):
        with pytest.raises(ValueError):
            FitSettings(**bad)
    assert MAX_ROWS >= 200 * 5


def test_limits_are_documented():
    readme = (ROOT / "README.md").read_text() + (ROOT / "docs" / "operations.md").read_text()
    for needle in ("60 MB", "300,000", "120 s"):
        assert needle in readme, needle
    assert Path(ROOT / ".streamlit" / "config.toml").exists()
