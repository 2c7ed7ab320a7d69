"""Static PNG/SVG export of Plotly figures through kaleido and the system Chromium."""

from __future__ import annotations

import os
import shutil

from model.core.errors import DataError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_browser() -> str | None:
    """The system Chromium that image export drives, or None."""
    for path in (os.environ.get("BROWSER_PATH"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if path and os.path.exists(path):
            return path
    return None


def figure_bytes(fig, fmt: str, *, width: int = 1100, height: int | None = None) -> bytes:
    """Render ``fig`` to PNG or SVG bytes. Raises DataError with a hint when no browser is available."""
    if fmt not in ("png", "svg"):
        raise DataError("Figures export as png or svg.")
    browser = find_browser()
    if browser is None:
        raise DataError("Static figure export needs Chromium (apt-get install chromium); the camera icon on each chart "
                        "still saves a PNG.")
    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        return fig.to_image(format=fmt, width=width, height=height or fig.layout.height or 450, scale=2 if fmt == "png" else 1)
    except Exception as exc:  # kaleido/browser failures become one readable line
        raise DataError(f"Figure export failed: {exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}") from None
