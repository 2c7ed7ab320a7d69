"""Colours Streamlit's theme options cannot set: WCAG 2.2 AA contrast for what the config leaves short.

The theme options live in ``.streamlit/config.toml`` (text, accent and code colours per theme). One pairing cannot be
fixed there: in the dark theme a slider's value is drawn in the accent colour at 80% opacity (3.9:1 on the
background), while the multiselect chips put white text on the accent (an accent bright enough for the one is too
bright for the other). So the dark theme gets a lighter colour for slider values alone. Checked by axe-core in
``tests/browser/test_accessibility.py``.
"""

from __future__ import annotations

import streamlit as st

#: The dark theme's slider values: 7.4:1 on its background.
DARK_SLIDER_VALUE = "#ff8080"


def apply_contrast_fixes() -> None:
    """Add the style rules of the theme in use (a constant stylesheet, nothing from data)."""
    theme = getattr(getattr(st.context, "theme", None), "type", None)
    if theme == "dark":
        st.html(f"<style>[data-testid='stSliderThumbValue'] p {{ color: {DARK_SLIDER_VALUE}; }}</style>")
