"""Small faults from the hostile-input review: each is refused with one line, and nothing else is lost."""

import errno

from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from tests.cli.in_process import run_cli
from tests.conftest import APP_PATIENCE, ROOT
from ui.state import Key


def test_negative_max_specs_is_refused_by_the_parser():
    r = run_cli("multiverse", "--max-specs", "-5")
    assert r.returncode == 2 and "argument --max-specs: -5 is outside 1 to 100,000" in r.stderr
    assert "Traceback" not in r.stderr



def test_a_full_temporary_folder_on_downloads_costs_only_the_posterior_file(fast_fits, monkeypatch):
    import model.outputs.posterior_files as posterior_files

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.session_state[Key.FIT_FORM] = FitSettings(draws=100, tune=100, chains=2).model_dump()
    at.run()
    at.switch_page("pages/trend_fit.py").run()
    assert not at.exception

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(posterior_files, "posterior_bytes", full)
    at.switch_page("pages/downloads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Could not prepare the posterior file (OSError: No space left on device)" in e.value for e in at.error)
    labels = [b.label for b in at.download_button]
    assert "Posterior (NetCDF)" not in labels
    assert any(label.startswith("Monthly lags") for label in labels) and len(labels) >= 4  # the other downloads stay
