"""The Arena points gap: one board's gap (exact, a lower bound, unknown licences, preliminary ratings), the shipped
table equal to what the build computes from the raw boards, and the CLI and chart that show it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.core.paths import DATA_DIR
from model.data.arena import (
    ARENA_CAVEAT,
    _half_width,
    arena_gap_sentence,
    arena_gap_summary,
    board_gap,
    build_arena_gap,
    load_arena_gap,
)
from tests.cli.in_process import run_cli
from tests.conftest import ROOT

RAW = ROOT.parent / "shared" / "data" / "raw"


def board(*rows):
    return pd.DataFrame(rows, columns=["model", "open", "rating", "ci"]).astype({"open": "boolean"})


def test_exact_gap_and_its_interval():
    gap = board_gap(board(("c1", False, 1500, 3.0), ("o1", True, 1480, 4.0), ("c2", False, 1470, 5.0),
                          ("o2", True, 1400, 9.0)))
    assert gap["best_closed_model"] == "c1" and gap["best_open_model"] == "o1"
    assert gap["gap_points"] == 20 and not gap["gap_is_lower_bound"]
    assert (gap["gap_lo95"], gap["gap_hi95"]) == pytest.approx((15.0, 25.0))  # sqrt(3^2 + 4^2) = 5


def test_open_ahead_is_a_negative_gap():
    gap = board_gap(board(("o1", True, 1510, 4.0), ("c1", False, 1500, 3.0)))
    assert gap["gap_points"] == -10


def test_no_open_model_listed_gives_a_lower_bound():
    gap = board_gap(board(("c1", False, 1500, 3.0), ("c2", False, 1490, 3.0), ("c3", False, 1460, 3.0)))
    assert gap["gap_is_lower_bound"] and gap["gap_points"] == 40 and pd.isna(gap["best_open_model"])
    assert np.isnan(gap["gap_lo95"])


def test_unknown_licences_above_the_best_open_model_are_counted_and_preliminary_leaders_flagged():
    b = board(("c1", False, 1500, 3.0), ("u1", None, 1495, 3.0), ("o1", True, 1480, 4.0), ("u2", None, 1470, 3.0))
    gap = board_gap(b.assign(preliminary=[False, False, True, False]))
    assert gap["unknown_licence_above_best_open"] == 1 and gap["preliminary_leader"]
    assert not board_gap(b)["preliminary_leader"]


def test_a_board_without_a_proprietary_model_is_refused():
    with pytest.raises(ValueError, match="no proprietary"):
        board_gap(board(("o1", True, 1500, 3.0)))


def test_interval_strings():
    assert _half_width(pd.Series(["+3/-4", "+5/-5", "7", None])).tolist()[:3] == [3.5, 5.0, 7.0]


def test_the_shipped_table_loads_and_its_sentence_names_the_newest_exact_board():
    table = load_arena_gap()
    assert table["board_date"].is_monotonic_increasing and len(table) > 100
    exact = table[~table["gap_is_lower_bound"]]
    summary = arena_gap_summary(table)
    assert summary["last_gap"] == exact["gap_points"].iloc[-1]
    sentence = arena_gap_sentence(summary)
    assert f"{summary['last_gap']:.0f} rating points" in sentence and summary["last_open"] in sentence
    # the newest exact board is a top-N view with a preliminary leader: the sentence says so and gives the full board
    assert "preliminary" in sentence and f"the lead was {summary['full_gap']:.0f} points" in sentence
    # every lower bound comes from a top-N view (a full board always lists an open model)
    assert table.loc[table["gap_is_lower_bound"], "top_n_only"].all()


def test_the_build_reproduces_the_shipped_table():
    if not (RAW / "lmarena").is_dir():
        pytest.skip(f"no raw folder at {RAW}")
    built = build_arena_gap(RAW)
    shipped = pd.read_csv(DATA_DIR / "arena_gap.csv")
    pd.testing.assert_frame_equal(pd.read_csv(pd.io.common.StringIO(built.to_csv(index=False))), shipped)


def test_cli_prints_the_newest_boards_with_the_caveat_and_writes_every_board(tmp_path):
    shown = run_cli("arena", "--last", "3")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count(" points  closed ") == 3 and ARENA_CAVEAT[:40] in shown.stdout
    out = tmp_path / "arena.csv"
    written = run_cli("arena", "--out", str(out))
    assert written.returncode == 0 and len(pd.read_csv(out)) == len(load_arena_gap())
    refused = run_cli("arena", "--last", "0")
    assert refused.returncode == 2 and "--last" in refused.stderr


def test_chart_marks_lower_bounds_apart_and_draws_parity():
    from model.presentation.charts.arena import arena_gap_figure
    from model.presentation.plot_data import figure_table

    table = load_arena_gap()
    fig = arena_gap_figure(table)
    names = [t.name for t in fig.data]
    assert any(n.startswith("at least") for n in names)
    assert set(table["source"]) <= set(names)  # one line per raw copy
    assert any(s.y0 == 0 for s in fig.layout.shapes)  # the parity line
    assert len(figure_table(fig))
