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


def test_all_benchmarks_of_a_large_upload_meet_the_same_cap_as_a_list():
    """``"benchmarks": ["all"]`` used to bypass the 64-benchmark cap (issue 26): it is refused before any fit."""
    from model.analysis import run_analysis
    from model.core.errors import DataError
    from model.core.limits import MAX_BENCHMARKS_PER_FIT
    from model.data.csv_upload import load_user_csv

    rows = [f"m{i},2024-0{1 + i % 2}-01,{'true' if i % 2 else 'false'},b{j},{0.1 * (i + 1)}"
            for j in range(MAX_BENCHMARKS_PER_FIT + 6) for i in range(4)]
    ds = load_user_csv(("model_name,release_date,open_weights,benchmark,score\n" + "\n".join(rows) + "\n").encode(),
                       name="wide.csv")
    with pytest.raises(DataError, match=f"has {MAX_BENCHMARKS_PER_FIT + 6} benchmarks; a fit takes at most"):
        run_analysis(ds, FitSettings(source="csv", benchmarks=["all"], pooling="partial"))


def test_one_time_limit_covers_every_member_of_a_stacked_fit(monkeypatch):
    """``--max-seconds`` is one limit for the whole fit (issue 26: a stacked fit with --max-seconds 5 ran 67-356 s, as
    each member and refit had its own). A clock that jumps 10 s per member fit: the third member finds the 25 s spent
    and the fit stops with the limit's one line (before, every member ran and failed on its own)."""
    import time

    import model.bayes.stacking as stacking
    from model.bayes.fitting import FitSpec
    from model.bayes.sampling import SamplerSettings
    from model.core.errors import DataError
    from tests.sim import simulate_series

    now = [1000.0]
    calls = []
    monkeypatch.setattr(time, "monotonic", lambda: now[0])

    def slow_member(obs, spec, **kw):
        calls.append(spec.model)
        now[0] += 10.0
        raise DataError("this member took its time")

    monkeypatch.setattr(stacking, "fit_trend", slow_member)
    spec = FitSpec(sampler=SamplerSettings(max_seconds=25.0))
    with pytest.raises(DataError, match=r"^Sampling stopped after 25 s \(the per-fit limit, compiles and every model"):
        stacking.fit_stacked(simulate_series(5.0, -1.0, seed=1), spec)
    assert len(calls) == 3


def test_the_default_time_limit_comes_from_the_environment_and_is_not_part_of_a_fits_identity(monkeypatch):
    """``$FRONTIER_LAG_FIT_SECONDS`` sets the limit of a fit whose settings name none (an operator's slow host; the
    suite's busy machine); a bad value is ignored. The limit never changes a fit's cache key: a fit that finishes is the
    same fit whatever its limit (so a stored result or the shipped first view is found under any limit)."""
    from model.analysis import FitSettings
    from model.core.limits import DEFAULT_FIT_SECONDS, MAX_FIT_SECONDS, fit_time_limit

    for text, expected in (("300", 300.0), ("0", DEFAULT_FIT_SECONDS), ("601", DEFAULT_FIT_SECONDS),
                           ("nan", DEFAULT_FIT_SECONDS), ("soon", DEFAULT_FIT_SECONDS), ("1e308" * 20, DEFAULT_FIT_SECONDS)):
        monkeypatch.setenv("FRONTIER_LAG_FIT_SECONDS", text)
        assert fit_time_limit() == expected, text
    monkeypatch.setenv("FRONTIER_LAG_FIT_SECONDS", str(MAX_FIT_SECONDS))
    assert FitSettings().max_seconds == MAX_FIT_SECONDS
    assert FitSettings().cache_key() == FitSettings(max_seconds=5).cache_key()
    assert FitSettings().cache_key() != FitSettings(seed=2).cache_key()
