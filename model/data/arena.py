"""The Arena points gap: on each LMArena text board, the best proprietary rating minus the best open one.

A vertical gap in rating points needs no release dates (the horizontal lag does), so it is a yardstick beside the
others. It is relative and drifting: Arena ratings are fitted against each other on each board, the boards changed
method over time (style control became the default in 2025), and a points gap is not months.

The build (``python -m model.data.build``) reads the raw boards in ``lmarena/`` and writes ``data/arena_gap.csv``,
one row per board; the app and the CLI read that file only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.paths import DATA_DIR

#: What the Arena gap is and is not, said wherever it is shown.
ARENA_CAVEAT = ("A points gap, not months: the best proprietary minus the best open rating on each LMArena text board. "
                "Ratings are relative (each board is fitted anew, so the scale drifts), the boards changed method over "
                "time (style control became the default in 2025), and a board that lists only its top models can only "
                "bound the gap from below when no open model makes that list. Preliminary ratings (few votes) count as the board "
                "shows them. The interval is approximate: it treats "
                "the two ratings' 95% intervals as independent. Data: LMArena (lmarena.ai) via public daily copies.")
#: A board listing fewer models than this is a top-N view of a board that has hundreds (the full boards list 100+).
TOP_N_ONLY = 100
ARENA_FILE = "arena_gap.csv"
#: The raw copies read (each folder's provenance: SOURCES-epoch-and-others.md and the folder's README and LICENSE).
HISTORY = ("lmarena", "fboulnois-llm-leaderboard-csv_2025-08-06")
DAILY = ("lmarena", "aabao325-arena-ai-leaderboards_2026-08-22")
TRANSCRIBED = ("lmarena", "TRANSCRIBED__aabao325__arena-ai-leaderboards__2026-10-10__text_top36.tsv")
#: The credit shown with the gap (LMArena's data; the copies' own licences: MPL-2.0 and MIT code).
ARENA_CREDIT = ("Data: LMArena / Chatbot Arena, lmarena.ai, via the public copies fboulnois/llm-leaderboard-csv (2024-06 to "
                "2025-08) and oolong-tea-2026/arena-ai-leaderboards (2026-03 onward); see data/ATTRIBUTION.md.")
SOURCE_HISTORY = "fboulnois/llm-leaderboard-csv"
SOURCE_DAILY = "oolong-tea-2026/arena-ai-leaderboards"
COLUMNS = ["board_date", "source", "models_listed", "top_n_only", "best_closed_model", "best_closed_rating",
           "best_open_model", "best_open_rating", "gap_points", "gap_lo95", "gap_hi95", "gap_is_lower_bound",
           "unknown_licence_above_best_open", "preliminary_leader"]


def _openness(licence: pd.Series) -> pd.Series:
    """True for open weights, False for proprietary, NA where the board gives no licence."""
    text = licence.astype("string").str.strip().str.lower()
    return pd.Series(np.where(text.isna() | (text == ""), None, text != "proprietary"), index=licence.index, dtype="boolean")


def _half_width(ci: pd.Series) -> pd.Series:
    """A '+a/-b' interval (or a plain number) as the mean half-width."""
    parts = ci.astype("string").str.extract(r"\+?\s*([0-9.]+)\s*/\s*-\s*([0-9.]+)")
    both = parts.astype(float).mean(axis=1)
    return both.fillna(pd.to_numeric(ci, errors="coerce"))


def _flag(value) -> bool:
    return bool(pd.notna(value) and bool(value))


def board_gap(board: pd.DataFrame) -> dict:
    """The gap on one board (columns model, open, rating, ci, optionally preliminary): exact where an open model is
    listed, else a lower bound. ``preliminary_leader``: either best model's rating is marked preliminary (few votes)."""
    board = board if "preliminary" in board else board.assign(preliminary=False)
    b = board.dropna(subset=["rating"]).sort_values("rating", ascending=False)
    closed, open_ = b[b["open"].eq(False)], b[b["open"].eq(True)]
    if closed.empty:
        raise ValueError("a board with no proprietary model has no gap")
    c = closed.iloc[0]
    row = {"models_listed": len(b), "top_n_only": len(b) < TOP_N_ONLY, "best_closed_model": c["model"],
           "best_closed_rating": float(c["rating"]), "preliminary_leader": _flag(c["preliminary"])}
    if open_.empty:  # the best open model is below every listed one: the gap is at least the distance to the last
        row.update(best_open_model=pd.NA, best_open_rating=np.nan, gap_points=float(c["rating"] - b["rating"].min()),
                   gap_lo95=np.nan, gap_hi95=np.nan, gap_is_lower_bound=True,
                   unknown_licence_above_best_open=int(b["open"].isna().sum()))
        return row
    o = open_.iloc[0]
    gap = float(c["rating"] - o["rating"])
    half = float(np.hypot(c["ci"], o["ci"])) if pd.notna(c["ci"]) and pd.notna(o["ci"]) else np.nan
    row.update(best_open_model=o["model"], best_open_rating=float(o["rating"]), gap_points=gap, gap_lo95=gap - half,
               gap_hi95=gap + half, gap_is_lower_bound=False,
               unknown_licence_above_best_open=int((b["open"].isna() & (b["rating"] > o["rating"])).sum()),
               preliminary_leader=row["preliminary_leader"] or _flag(o["preliminary"]))
    return row


def _history_boards(raw_dir: Path):
    folder = raw_dir.joinpath(*HISTORY)
    for path in sorted((folder / "lmsys_history").glob("lmsys_*.csv")):
        day = pd.Timestamp(re.search(r"(\d{8})", path.name).group(1))
        yield day, SOURCE_HISTORY, pd.read_csv(path)
    # the repository's current table, as of its HEAD commit
    yield pd.Timestamp("2025-08-06"), SOURCE_HISTORY, pd.read_csv(folder / "lmarena_text.csv")


def _tidy_history(table: pd.DataFrame) -> pd.DataFrame:
    rating = table["arena_score"] if "arena_score" in table else table["arena_elo"]
    return pd.DataFrame({"model": table["model"].astype(str), "open": _openness(table["license"]),
                         "rating": pd.to_numeric(rating, errors="coerce"), "ci": _half_width(table["95_pct_ci"])})


def _daily_boards(raw_dir: Path):
    for path in sorted(raw_dir.joinpath(*DAILY).glob("*__text.json")):
        day = pd.Timestamp(re.search(r"(\d{4}-\d{2}-\d{2})", path.name).group(1))
        models = pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["models"])
        ci = (models[["ci_low", "ci_high"]].astype(float).mean(axis=1) if {"ci_low", "ci_high"} <= set(models)
              else pd.Series(np.nan, index=models.index))
        yield day, SOURCE_DAILY, pd.DataFrame({"model": models["model"].astype(str), "open": _openness(models["license"]),
                                               "rating": pd.to_numeric(models["score"], errors="coerce"), "ci": ci,
                                               "preliminary": models.get("preliminary", False)})
    tsv = raw_dir.joinpath(*TRANSCRIBED)
    if tsv.is_file():
        t = pd.read_csv(tsv, sep="\t")
        yield pd.Timestamp("2026-10-10"), SOURCE_DAILY + ", transcribed", pd.DataFrame(
            {"model": t["model"].astype(str), "open": _openness(t["license"]),
             "rating": pd.to_numeric(t["score"], errors="coerce"), "ci": pd.to_numeric(t["ci"], errors="coerce"),
             "preliminary": t["preliminary"].astype(str).str.lower().eq("true")})


def build_arena_gap(raw_dir: Path) -> pd.DataFrame:
    """One row per board (both raw copies); a board whose gap repeats the one before it in the same copy is dropped
    (the daily copy often serves one board for days, or a shorter view of it)."""
    rows = []
    for day, source, table in _history_boards(raw_dir):
        rows.append({"board_date": day, "source": source, **board_gap(_tidy_history(table))})
    for day, source, board in _daily_boards(raw_dir):
        rows.append({"board_date": day, "source": source, **board_gap(board)})
    out = pd.DataFrame(rows, columns=COLUMNS).sort_values(["board_date", "source"], kind="stable")
    same = out.drop(columns=["board_date", "models_listed", "top_n_only"]).astype(str)
    repeated = (same == same.shift()).all(axis=1)
    out = out[~repeated].reset_index(drop=True)
    out["board_date"] = out["board_date"].dt.strftime("%Y-%m-%d")
    return out.round({"gap_lo95": 2, "gap_hi95": 2})


def load_arena_gap(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The embedded Arena gap table (written by the build)."""
    frame = pd.read_csv(data_dir / ARENA_FILE, dtype={"best_closed_model": "string", "best_open_model": "string",
                                                       "source": "string"})
    frame["board_date"] = pd.to_datetime(frame["board_date"], format="%Y-%m-%d")
    return frame


def arena_gap_summary(frame: pd.DataFrame) -> dict:
    """The newest exact gap, the first one, and their change, as numbers a page or the CLI words."""
    exact = frame[~frame["gap_is_lower_bound"]]
    first, last = exact.iloc[0], exact.iloc[-1]
    full = exact[~exact["top_n_only"]]
    return {"first_date": first["board_date"], "first_gap": first["gap_points"], "last_date": last["board_date"],
            "last_preliminary": bool(last["preliminary_leader"]), "last_top_n_only": bool(last["top_n_only"]),
            "full_date": full["board_date"].iloc[-1] if len(full) else None,
            "full_gap": full["gap_points"].iloc[-1] if len(full) else np.nan,
            "last_gap": last["gap_points"], "last_lo95": last["gap_lo95"], "last_hi95": last["gap_hi95"],
            "last_closed": last["best_closed_model"], "last_open": last["best_open_model"],
            "boards": len(frame), "lower_bounds": int(frame["gap_is_lower_bound"].sum()),
            "open_ahead_boards": int((exact["gap_points"] < 0).sum())}


def arena_gap_sentence(summary: dict) -> str:
    """The summary in one plain sentence (model names are data: the caller shows it as plain text)."""
    notes = ([f"95% interval about {summary['last_lo95']:.0f} to {summary['last_hi95']:.0f}"]
             if pd.notna(summary["last_lo95"]) else [])
    notes += ["a leader's rating there is preliminary, on few votes"] if summary.get("last_preliminary") else []
    full = (f"; on the newest board listing every model ({summary['full_date']:%Y-%m-%d}) the lead was "
            f"{summary['full_gap']:.0f} points" if summary.get("last_top_n_only") and summary.get("full_date") is not None
            else "")
    return (f"On the newest board with an open model listed ({summary['last_date']:%Y-%m-%d}), the best proprietary "
            f"model ({summary['last_closed']}) led the best open one ({summary['last_open']}) by "
            f"{summary['last_gap']:.0f} rating points" + (f" ({'; '.join(notes)})" if notes else "") + full
            + f"; on the first board ({summary['first_date']:%Y-%m-%d}) the lead was {summary['first_gap']:.0f} points. "
            f"{summary['boards']} boards, {summary['lower_bounds']} of them top-N views with no open model listed "
            "(lower bounds).")
