"""One guard around every page: an unexpected error is a short message with a reference, the traceback goes to the
log only; and random shared-link parameters never reach that guard on any page."""

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_
from streamlit.testing.v1 import AppTest  # noqa: I001

from tests.conftest import APP_PATIENCE, ROOT
from tests.ui.test_pages_fast import ALL_PAGES


def test_an_unexpected_error_is_a_short_message_with_a_reference(monkeypatch, caplog):
    import model.lags.engine as engine

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that belongs in the log only")

    monkeypatch.setattr(engine, "frontier_lag", broken)
    caplog.set_level(logging.ERROR, logger="frontier_lag.pages")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.switch_page("pages/frontiers.py").run()  # a link straight to the page: it is routed through the entry point
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "Something went wrong on this page (reference " in errors[0]
    assert "internal detail" not in errors[0]
    ref = errors[0].split("reference ")[1][:8]
    assert ref in caplog.text and "internal detail that belongs in the log only" in caplog.text and "Traceback" in caplog.text
    at.switch_page("pages/data.py").run()  # the session goes on
    assert not at.exception and not at.error


KEYS = ["benchmark", "model", "likelihood", "observations", "start", "seed", "draws", "chains", "p_slope_mean",
        "p_noise_sd", "p_unknown", "horizon", "page", "pooling"]
values = st_.one_of(st_.text(max_size=12), st_.integers(-10**25, 10**25).map(str), st_.floats(allow_nan=True).map(str),
                    st_.sampled_from(["gpqa", "linear", "changepoint", "student", "monthly", "2024-01-01", "9999-12-31",
                                      "0", "-1", "<b>x</b>", "![x](http://127.0.0.1:9/p.png)", "$x^2$"]))


@pytest.mark.parametrize("page", ALL_PAGES)
def test_random_link_parameters_never_break_a_page(fast_fits, page):
    @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st_.dictionaries(st_.sampled_from(KEYS), values, max_size=6))
    def run(params):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not any("Something went wrong" in e.value for e in at.error), [e.value for e in at.error]

    run()
