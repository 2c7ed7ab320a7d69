"""Names as they will be read: invisible characters removed, and names that only look alike flagged.

A bidirectional control (e.g. U+202E, which shows the rest of a name backwards) or a zero-width character can make two
different models read the same, or one model read as another; they are removed from names and ids on load, with a
note naming the rows. Names that differ as written but are equal after Unicode compatibility folding (NFKC), case
folding and the common Latin lookalikes (Cyrillic and Greek letters that render as Latin ones) are kept as given and
warned about: they are probably one model entered twice, or one pretending to be another.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

#: Bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates) and zero-width characters.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]")
#: Letters that render like Latin ones in common fonts (a short list of the usual Cyrillic and Greek lookalikes).
LOOKALIKES = str.maketrans("аеорсухіјѕԁԛԝаΑΒΕΗΙΚΜΝΟΡΤΥΧΖαοριυνκ", "aeopcyxijsdqwaABEHIKMNOPTYXZaopiuvk")
#: The text columns cleaned on load.
NAME_COLUMNS = ("model_id", "model_name", "creator", "benchmark")


def remove_invisible(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``text`` without invisible characters, and which rows had any."""
    t = text.astype("string")
    had = t.str.contains(INVISIBLE).fillna(False).astype(bool)
    return (t.str.replace(INVISIBLE, "", regex=True) if had.any() else t), had


def folded(name: str) -> str:
    """How a name reads: NFKC, lookalike letters as Latin, runs of spaces as one (case is kept: 'GPT-5 (High)' and
    'GPT-5 (high)' are a naming variant the data show as such, not a disguise)."""
    return " ".join(unicodedata.normalize("NFKC", name).translate(LOOKALIKES).split())


def lookalike_groups(names: pd.Series) -> list[list[str]]:
    """Groups of distinct names that read the same (each group sorted; the largest first)."""
    distinct = pd.Series(pd.unique(names.dropna().astype(str)))
    if distinct.empty:
        return []
    groups = distinct.groupby(distinct.map(folded)).agg(lambda g: sorted(set(g)))
    return sorted((g for g in groups if len(g) > 1), key=lambda g: (-len(g), g))
