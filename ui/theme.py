"""Colours Streamlit's theme options cannot set: WCAG 2.2 AA contrast for what the config leaves short.

The theme options live in ``.streamlit/config.toml`` (text, accent and code colours per theme). One pairing cannot be
fixed there: a slider's value is drawn in the accent colour at 80% opacity (3.9:1 on the dark background), while the
multiselect chips put white text on the accent (an accent bright enough for the one is too bright for the other). So
slider values take the text colour instead, in either theme. The rule names no theme: a rule chosen on the server by
``st.context.theme`` stayed wrong after a reader switched theme (the browser restyles at once; the script does not
rerun). Checked by axe-core in both themes on every page (``tests/browser/test_browser.py``).
"""

from __future__ import annotations

import streamlit as st

#: Slider values in the theme's own text colour, fully opaque (light 18.9:1, dark 15.2:1 on the background).
SLIDER_VALUE_RULE = "[data-testid='stSliderThumbValue'], [data-testid='stSliderThumbValue'] p { color: inherit; opacity: 1; }"


def apply_contrast_fixes() -> None:
    """Add the style rules (a constant stylesheet, nothing from data)."""
    st.html(f"<style>{SLIDER_VALUE_RULE}</style>")
