"""Text from data never renders as markdown, a Streamlit directive or LaTeX: names show as typed, nothing is loaded."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from model.core.text import plain
from model.data.csv_upload import load_user_csv
from tests.conftest import APP_PATIENCE, ROOT
from tests.ui.test_pages_fast import ALL_PAGES
from ui.state import Key

PIXEL = "![x](http://127.0.0.1:9/pixel.png)"
LINK = "[click](http://127.0.0.1:9/)"
HOSTILE_MODEL = f"{PIXEL} $x^2$ :red[alarm] <img src=x>"
HOSTILE_BENCH = f"b {LINK} $\\frac{{1}}{{2}}$"
UNESCAPED = [re.compile(r"(?<!\\)!\\?\[(?!\])"), re.compile(r"(?<!\\)\]\("), re.compile(r"(?<!\\)\$"),
             re.compile(r"(?<!\\):red\\?\[")]


def test_plain_escapes_markdown_directives_and_latex():
    out = plain(HOSTILE_MODEL)
    assert not any(p.search(out) for p in UNESCAPED), out
    assert re.sub(r"\\(.)", r"\1", out) == HOSTILE_MODEL  # un-escaping gives the name back: it shows as typed


def hostile_dataset():
    rows = "\n".join(f'"{m}",{d},{o},"{HOSTILE_BENCH}",{s}' for m, d, o, s in [
        (HOSTILE_MODEL, "2024-01-01", "true", 0.4), ("closed A", "2023-06-01", "false", 0.3),
        ("closed B", "2024-06-01", "false", 0.6), ("open C", "2024-09-01", "true", 0.55),
        ("closed D", "2025-01-01", "false", 0.7), ("open E", "2025-03-01", "true", 0.65)])
    data = ("model_name,release_date,open_weights,benchmark,score\n" + rows + "\n").encode()
    return load_user_csv(data, name=f"{PIXEL}.csv")


#: Pages that show the data set's label or names with one benchmark (the others stop earlier: they need two
#: benchmarks, the AA set, a bounded scale or a button).
SHOWS_NAMES = {"pages/data.py", "pages/frontiers.py", "pages/lag_overview.py", "pages/trend_fit.py", "pages/report.py",
               "pages/downloads.py"}


def markdown_texts(at) -> list[str]:
    kinds = ("markdown", "caption", "title", "subheader", "header", "error", "warning", "info", "success")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)] + [str(s.label) for s in at.status]



@pytest.mark.parametrize("page", ALL_PAGES)
def test_hostile_names_render_as_plain_text_on_every_page(fast_fits, page):
    ds = hostile_dataset()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.session_state[Key.DATASET] = ds
    at.session_state[Key.SETTINGS] = {"source": "csv", "open_definition": "any", "include_estimated": True,
                                    "corrections": True, "tolerance": 0.0, "benchmark": HOSTILE_BENCH}
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = markdown_texts(at)
    if page in SHOWS_NAMES:  # the check has teeth: the hostile names are on these pages
        assert any("pixel" in t for t in texts), "the hostile data set is not on this page"
    for text in texts:
        assert not any(p.search(text) for p in UNESCAPED), text


def test_displayed_tables_carry_no_live_formula(fast_fits):
    """A table's own "Download as CSV" writes what is shown: a name a spreadsheet would run is shown neutralised."""
    formula = "=HYPERLINK(A1)"
    rows = "\n".join(f'"{m}",{d},{o},bench,{s}' for m, d, o, s in [
        (formula, "2024-01-01", "true", 0.4), ("closed A", "2023-06-01", "false", 0.3),
        ("closed B", "2024-06-01", "false", 0.6), ("open C", "2024-09-01", "true", 0.55)])
    ds = load_user_csv(("model_name,release_date,open_weights,benchmark,score\n" + rows + "\n").encode(), name="f.csv")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APP_PATIENCE)
    at.session_state[Key.DATASET] = ds
    at.session_state[Key.SETTINGS] = {"source": "csv", "benchmark": "bench"}
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cells = [str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel()]
    assert "'" + formula in cells and formula not in cells
