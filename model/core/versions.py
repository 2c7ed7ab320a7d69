"""The package versions that matter to a result, in one list: the report prints them, a posterior file records them,
and the stored results and the compiled-callback cache key on them (a new version of any of these may change a number
or the machine code)."""

from __future__ import annotations

from importlib import metadata

PACKAGES = ("numpy", "scipy", "pandas", "pymc", "pytensor", "nutpie", "numba", "llvmlite", "arviz", "arviz-stats",
            "xarray", "streamlit", "plotly")


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each package ("not installed" where it is missing)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
