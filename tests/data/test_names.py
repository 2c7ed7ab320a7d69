"""Names as they will be read (issue 26): bidirectional controls and zero-width characters are removed on load with a
note naming the rows; names that read the same but differ (Unicode lookalikes, compatibility forms) are warned about."""

from __future__ import annotations

import pandas as pd

from model.data.csv_upload import load_user_csv
from model.data.names import folded, lookalike_groups

HEADER = "model_name,release_date,open_weights,benchmark,score\n"


def load(rows: list[str]):
    return load_user_csv((HEADER + "\n".join(rows) + "\n").encode(), name="names.csv")


def test_bidi_controls_and_zero_width_characters_are_removed_with_a_note():
    ds = load(["Open\u202eAI-X,2024-01-01,false,b,0.5", "Lla\u200bma,2024-06-01,true,b,0.4",
               "Plain,2024-09-01,true,b,0.6"])
    assert set(ds.scores["model_name"]) == {"OpenAI-X", "Llama", "Plain"}
    notes = [i for i in ds.report.issues if "invisible characters" in i.message]
    assert len(notes) == 1 and notes[0].rows == (1, 2) and notes[0].column == "model_name" and notes[0].level == "repair"


def test_names_that_only_look_alike_are_warned_about_and_kept():
    cyrillic_a = "\u0430"  # renders as Latin "a"
    ds = load([f"Cl{cyrillic_a}ude X,2024-01-01,false,b,0.5", "Claude X,2024-02-01,false,b,0.6",
               "Ｇemma,2024-06-01,true,b,0.4", "Gemma,2024-09-01,true,b,0.45"])
    warnings = [i for i in ds.report.issues if "read the same" in i.message]
    assert len(warnings) == 2 and all(i.level == "warning" for i in warnings)
    assert {w.rows for w in warnings} == {(1, 2), (3, 4)}
    assert len(set(ds.scores["model_name"])) == 4  # kept as given: a warning, not a merge


def test_case_is_a_naming_variant_not_a_disguise():
    assert folded("GPT-5 (High)") != folded("GPT-5 (high)")
    assert lookalike_groups(pd.Series(["GPT-5 (High)", "GPT-5 (high)"])) == []
