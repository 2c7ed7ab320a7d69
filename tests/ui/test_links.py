"""Shared links: every parameter validated once; bad values dropped with a notice naming them; nothing crashes."""

import pytest
from streamlit.testing.v1 import AppTest

from model.analysis import FitSettings
from model.core.errors import DataError
from model.presentation.links import clamp_date, settings_from_link
from tests.cli.in_process import run_cli
from tests.conftest import APP_PATIENCE, ROOT
from ui.state import Key

BAD_LINKS = [
    ({"benchmark": "gpqa", "start": "garbage"}, "start"),
    ({"benchmark": "gpqa", "start": "9999-12-31"}, None),  # valid date, clamped on the page
    ({"benchmark": "gpqa", "model": "<b>evil</b>"}, "model"),
    ({"benchmark": "gpqa", "likelihood": "cauchy"}, "likelihood"),
    ({"benchmark": "gpqa", "seed": "99999999999999999999"}, "seed"),
    ({"benchmark": "gpqa", "seed": "-1"}, "seed"),
    ({"benchmark": "gpqa", "draws": "5"}, "draws"),
    ({"benchmark": "gpqa", "p_slope_mean": "abc"}, "p_slope_mean"),
    ({"benchmark": "gpqa", "p_slope_mean": "1e9"}, "p_slope_mean"),
    ({"benchmark": "gpqa", "p_nonsense": "1"}, "p_nonsense"),
    ({"benchmark": "gpqa", "lag_definition": "sideways"}, "lag_definition"),
    ({"benchmark": "gpqa", "measurement_error": "maybe"}, "measurement_error"),
]


@pytest.mark.parametrize(("params", "named"), BAD_LINKS)
def test_bad_values_are_dropped_with_a_notice_naming_them(params, named):
    base = FitSettings()
    settings, notices = settings_from_link(params, base)
    if named is None:
        assert notices == [] and settings.start == "9999-12-31"
        return
    assert len(notices) == 1 and f"link's {named}" in notices[0] and "\n" not in notices[0]
    assert settings == base  # the defaults stay


def test_good_values_apply():
    settings, notices = settings_from_link({"model": "changepoint", "seed": "7", "p_slope_mean": "-2.5", "start": "2024-01-01"},
                                           FitSettings())
    assert notices == [] and settings.model == "changepoint" and settings.seed == 7
    assert settings.priors.slope_mean == -2.5 and settings.start == "2024-01-01"
    settings, notices = settings_from_link({"lag_definition": "catch_up", "measurement_error": "false"}, FitSettings())
    assert notices == [] and settings.lag_definition == "catch_up" and settings.measurement_error is False


def test_dates_are_clamped_with_a_notice():
    import datetime as dt

    first, last = dt.date(2023, 1, 1), dt.date(2026, 8, 20)
    assert clamp_date("9999-12-31", first, last)[0] == "2026-08-20"
    assert "outside the data" in clamp_date("1900-01-01", first, last)[1]
    assert clamp_date("2024-05-05", first, last) == ("2024-05-05", None)


def test_settings_files_dedupe_cap_and_bound():
    assert FitSettings(benchmarks=["gpqa"] * 20).benchmarks == ["gpqa"]
    with pytest.raises(DataError, match="at most 64 benchmarks"):
        FitSettings.from_json('{"benchmarks": [' + ",".join(f'"b{i}"' for i in range(65)) + "]}")
    with pytest.raises(DataError, match="nested too deeply"):
        FitSettings.from_json("[" * 100_000 + "]" * 100_000)
    for seed in (-1, 2**32):
        with pytest.raises(ValueError):
            FitSettings(seed=seed)



@pytest.mark.parametrize(("params", "named"), BAD_LINKS)
def test_the_landing_page_names_each_bad_link_value(fast_fits, params, named):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()  # the page a link lands on says which of its values were ignored
    assert not at.exception, [e.value for e in at.exception]
    if named:
        assert any(named.replace("_", "\\_") in w.value for w in at.warning), [w.value for w in at.warning]
    FitSettings.model_validate(at.session_state[Key.FIT_FORM])  # nothing invalid stayed in the session


def test_fit_pages_survive_every_bad_link_value_at_once(fast_fits):
    """All the bad values of BAD_LINKS in one link, then the pages that fit (random links on every page:
    tests/ui/test_page_guard.py)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    for params, _ in BAD_LINKS:
        for k, v in params.items():
            at.query_params[k] = v
    at.run()
    for page in ("pages/trend_fit.py", "pages/compare.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        FitSettings.model_validate(at.session_state[Key.FIT_FORM])


def test_cli_settings_file_errors_name_the_file(tmp_path):

    utf16 = tmp_path / "settings16.json"
    utf16.write_text('{"benchmarks": ["gpqa"]}', encoding="utf-16")
    r = run_cli("fit", "--settings", str(utf16))
    assert r.returncode == 2 and str(utf16) in r.stderr and "not UTF-8" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_link_params_round_trip_to_the_same_settings():
    from model.presentation.links import link_params

    st = FitSettings(benchmarks=["gpqa"], model="stacked", lag_definition="catch_up", measurement_error=False,
                     follower="open&country=CN", leader="closed&country=US", start="2024-01-01", seed=9,
                     priors={"slope_mean": -2.0})
    params = link_params(st)
    assert params["model"] == "stacked" and "likelihood" not in params  # defaults stay out of the address
    back, notices = settings_from_link(params, FitSettings(benchmarks=["gpqa"]))  # the page sets the benchmark itself
    assert notices == [] and back.cache_key() == st.cache_key()


def test_compare_and_pooled_links_carry_only_what_matters_to_their_fit_and_round_trip():
    from model.presentation.links import is_shared_link, link_horizon, link_params

    compare = FitSettings(benchmarks=["gpqa", "hle", "scicode"], model="changepoint", priors={"slope_mean": -3.0},
                          pooling_priors={"tau_slope": 2.0})
    params = link_params(compare, page="compare")
    assert params["benchmarks"] == "gpqa,hle,scicode" and "benchmark" not in params
    assert params["p_slope_mean"] == "-3.0" and not any(k.startswith("pp_") for k in params)  # hyperpriors: not its fit
    back, notices = settings_from_link(params, FitSettings())
    assert notices == [] and back.cache_key() == compare.cache_key() and is_shared_link(params)

    base = FitSettings(pooling="partial", benchmarks=["gpqa", "hle"], start="2024-01-01")
    pooled = base.model_copy(update={"benchmarks": ["gpqa", "hle", "ifbench"], "correlated": True,
                                     "pooling_priors": base.pooling_priors.model_copy(update={"tau_slope": 2.5}),
                                     "priors": base.priors.model_copy(update={"slope_mean": -9.0})})
    params = link_params(pooled, page="pooled", base=base)
    assert params["pooling"] == "partial" and params["correlated"] == "true" and params["pp_tau_slope"] == "2.5"
    assert "p_slope_mean" not in params and "start" not in params  # trend priors do not matter to the pooled fit
    back, notices = settings_from_link(params, base)
    assert notices == [] and back.cache_key() == pooled.cache_key()

    answer = link_params(FitSettings(follower="open&country=CN", priors={"slope_mean": -3.0}), page="answer")
    assert answer == {"benchmark": "intelligence_index_2026_10_10", "follower": "open&country=CN"}

    assert link_params(FitSettings(), horizon="2035-12-31")["horizon"] == "2035-12-31"
    assert "horizon" not in link_params(FitSettings(), horizon="2030-12-31")  # the default stays out
    assert link_horizon({"horizon": "2035-12-31"}) == ("2035-12-31", None)
    assert settings_from_link({"horizon": "2035-12-31"}, FitSettings()) == (FitSettings(), [])  # a page setting, not a fit
    value, notice = link_horizon({"horizon": "2999-01-01"})
    assert value is None and "link's horizon" in notice
    assert not is_shared_link({}) and is_shared_link({"pp_tau_slope": "1"})


def test_bad_pooled_link_values_are_dropped_with_a_notice():
    base = FitSettings(pooling="partial", benchmarks=["gpqa", "hle"])
    settings, notices = settings_from_link({"pooling": "partial", "pp_tau_slope": "-4", "pp_nonsense": "1",
                                            "correlated": "perhaps"}, base)
    assert settings == base and len(notices) == 3
    assert any("pp_tau_slope" in n for n in notices) and any("pp_nonsense" in n for n in notices)


def test_links_open_compare_and_pooled_with_their_settings(fast_fits):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.query_params.update({"benchmarks": "gpqa,hle,no_such_benchmark", "p_slope_mean": "-2.0"})
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no\\_such\\_benchmark" in w.value for w in at.warning)  # named, then left out
    assert at.multiselect[0].value == ["gpqa", "hle"]
    assert at.session_state[Key.FIT_FORM]["priors"]["slope_mean"] == -2.0
    assert at.query_params["benchmarks"] == "gpqa,hle"  # the address follows what the page fitted

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.query_params.update({"pooling": "partial", "benchmarks": "gpqa,hle,ifbench", "pp_tau_slope": "2.5",
                            "correlated": "true"})
    at.run()
    at.switch_page("pages/pooled.py").run()
    assert not at.exception, [e.value for e in at.exception]
    form = at.session_state[Key.POOLED_FORM]
    assert form["benchmarks"] == ["gpqa", "hle", "ifbench"] and form["correlated"] is True
    assert form["pooling_priors"]["tau_slope"] == 2.5
