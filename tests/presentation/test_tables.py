
"""Tables for people: plain headers with units, display names, 2-3 significant figures, honest percentages."""

import numpy as np
import pandas as pd
import pytest

from model.presentation.tables import round_significant, table_for_people


def test_headers_units_names_and_precision():
    raw = pd.DataFrame({"benchmark": ["gpqa", "hle"], "lag_months": [3.14159265, 12.3456789], "p_never": [0.003, 0.9996],
                        "cover90": [0.9, 1.0], "n_benchmarks": [7, 8], "status": ["open_ahead", "left_censored"],
                        "date": pd.to_datetime(["2026-01-01", "2026-02-01"]), "unknown_col": [1.23456, np.nan]})
    shown, help_text = table_for_people(raw, names={"gpqa": "GPQA Diamond"})
    assert list(shown.columns[:4]) == ["benchmark", "lag (months)", "P(never)", "90% intervals held"]
    assert shown["benchmark"].tolist() == ["GPQA Diamond", "hle"]  # an id without a name stays the id
    assert shown["lag (months)"].tolist() == [3.14, 12.3]
    assert shown["P(never)"].tolist() == ["<1%", ">99%"] and shown["90% intervals held"].tolist() == ["90%", "100%"]
    assert shown["benchmarks"].tolist() == [7, 8] and shown["status"].tolist() == ["open ahead", "left censored"]
    assert shown["date"].tolist() == ["2026-01-01", "2026-02-01"]
    classes, _ = table_for_people(pd.DataFrame({"test_set": ["held_out", None]}))
    assert classes["test set"].tolist() == ["held out", "not classified"]
    assert "unknown col" in shown.columns and help_text["unknown col"] == "Column: unknown_col"
    assert "(column: lag_months)" in help_text["lag (months)"] and "months" in help_text["lag (months)"]


def test_round_significant():
    assert round_significant(0.0123456) == 0.0123 and round_significant(123456.0) == 123000.0
    assert round_significant(0.0) == 0.0 and np.isnan(round_significant(float("nan")))
    assert round_significant(-2.71828, 2) == -2.7


def test_every_summary_column_has_a_plain_header():
    from model.bayes.summaries import SUMMARY_COLUMNS
    from model.presentation.tables import COLUMNS

    assert set(SUMMARY_COLUMNS) <= set(COLUMNS)


def test_every_model_variable_is_in_the_variable_dictionary():
    """A NetCDF variable without a long name and units is a number nobody can read: each trend and pooled model's
    parameters are in the dictionary."""
    from model.bayes.trends import SERIES_MODELS
    from model.presentation.dictionary import VARIABLE_DICTIONARY

    names = {p for model in SERIES_MODELS.values() for p in model.parameters}
    names |= {"mu_alpha", "mu_beta", "tau_alpha", "tau_beta", "alpha_new", "beta_new", "sigma_pop", "sigma_spread"}
    assert names <= set(VARIABLE_DICTIONARY), names - set(VARIABLE_DICTIONARY)
    assert all(long and units and text for long, units, text in VARIABLE_DICTIONARY.values())


@pytest.mark.parametrize("args", [("data",), ("lags", "--benchmark", "gpqa"), ("lags", "--benchmark", "gpqa", "--events"),
                                  ("lags", "--benchmark", "gpqa", "--intervals"),
                                  ("lags", "--benchmark", "gpqa", "--definition", "catch_up"),
                                  ("lags", "--benchmark", "gpqa", "--definition", "threshold")])
def test_every_cli_table_is_written_with_its_dictionary(tmp_path, args):
    """The tidy data and every lag table: each column described, the dictionary written beside the CSV, and the
    status values explained."""
    from model.cli import main
    from model.presentation.dictionary import STATUS_DICTIONARY

    out = tmp_path / "table.csv"
    assert main([*args, "--out", str(out)]) == 0
    table, dictionary = pd.read_csv(out), pd.read_csv(tmp_path / "table.dictionary.csv")
    assert list(dictionary["column"]) == list(table.columns)
    assert not dictionary["meaning"].str.startswith("Not described").any()
    if "status" in table:
        assert set(table["status"].dropna()) <= set(STATUS_DICTIONARY)
