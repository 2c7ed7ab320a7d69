
"""Tables for people: plain headers with units, display names, 2-3 significant figures, honest percentages."""

import numpy as np
import pandas as pd

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
