"""Public vs private test sets: every classification cites a source; the class comparison runs through the fit path."""

import pytest

from model.analysis import FitSettings
from model.core.errors import DataError
from model.data.catalog import TEST_SETS, benchmark_classes
from model.data.embedded import load_embedded
from model.robustness.test_sets import class_members, compare_classes
from tests.cli.in_process import run_cli
from tests.conftest import APP_PATIENCE
from ui.state import Key


def test_every_classification_names_a_known_benchmark_a_class_and_its_source(aa):
    table = benchmark_classes()
    known = set(aa.benchmarks["benchmark"]) | set(load_embedded("epoch").benchmarks["benchmark"])
    assert set(table["benchmark"]) <= known
    assert set(table["test_set"]) <= set(TEST_SETS) and table["source"].str.startswith("https://").all()
    assert not table["benchmark"].duplicated().any() and table["note"].str.len().gt(10).all()


def test_the_epoch_catalogue_has_both_classes():
    members = class_members(load_embedded("epoch").benchmarks)
    assert "epoch_frontiermath" in members["private or held out"] and "epoch_gpqa_diamond" in members["public"]
    assert not set(members["public"]) & set(members["private or held out"])


def test_compare_classes_gives_both_lags_their_ratio_and_the_verdicts(fast_fits):
    ds = load_embedded("epoch")
    result = compare_classes(ds, FitSettings(source="epoch", start="2024-07-01", draws=250, chains=2))
    assert list(result.table["class"]) == ["public", "private or held out"]
    r = result.ratio
    assert r["lo90"] <= r["median"] <= r["hi90"] and 0 <= r["p_private_longer"] <= 1
    assert (result.table["lag_now_lo90"] <= result.table["lag_now_hi90"]).all()
    sentence = result.sentence()
    assert "×" in sentence and "public fit" in sentence and "private or held out fit" in sentence  # verdicts quoted


def test_too_few_classified_benchmarks_is_one_clear_error_before_any_fit(aa):
    # the AA catalogue classifies only public test sets: refused at once, nothing sampled
    with pytest.raises(DataError, match="Too few classified benchmarks for the private or held out class"):
        compare_classes(aa, FitSettings())


def test_cli_classes_refuses_a_catalogue_without_both_classes_in_one_line():


    r = run_cli("classes")
    assert r.returncode == 2 and "Too few classified benchmarks" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_the_pooled_page_fits_each_class_on_a_button(fast_fits):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.session_state[Key.DATASET] = load_embedded("epoch")
    at.run()
    at.switch_page("pages/pooled.py").run()
    next(b for b in at.button if b.label.startswith("Fit each class")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes of plain text
    assert "private or held-out test sets is" in text and "fit " in text  # the ratio sentence, with each verdict
