"""Posterior files (NetCDF) that carry their own settings.

A file holds one fit's full posterior (an ArviZ DataTree) and, in its attributes, the :class:`FitSettings`
JSON that made it, the fit's name within that run, the content hash of the data, and the package versions.
``python -m model fit --from-netcdf FILE`` reads it back and prints the same summary table without sampling.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from model.analysis import AnalysisResult, FitSettings
from model.bayes.fitting import ATTR_ENGINE, ATTR_ESS, ATTR_PARETO_K
from model.core.errors import DataError
from model.core.files import write_atomic_with
from model.presentation.report import versions

ATTR_SETTINGS, ATTR_NAME, ATTR_DATA_HASH, ATTR_VERSIONS = ("frontier_lag_settings", "frontier_lag_fit", "frontier_lag_data_hash",
                                                           "frontier_lag_versions")


def _posterior_tree(fit):
    """The fit's posterior as an ArviZ DataTree: the sampler's own, or one built from the importance engine's
    resampled draws (marked as such, so reading it back gives the same diagnostics)."""
    if fit.trace is not None:
        return fit.trace.copy()
    import xarray as xr

    chains = fit.spec.sampler.chains
    posterior = xr.Dataset({k: (("chain", "draw", *(f"{k}_dim_{i}" for i in range(v.ndim - 1))),
                                v.reshape(chains, -1, *v.shape[1:])) for k, v in fit.draws.items()})
    tree = xr.DataTree.from_dict({"posterior": posterior})
    tree.attrs = {ATTR_ENGINE: "importance", ATTR_PARETO_K: fit.diagnostics.pareto_k, ATTR_ESS: fit.diagnostics.ess_bulk_min}
    return tree


def _describe_variables(tree) -> None:
    """Give every variable its long name, units and description (:data:`VARIABLE_DICTIONARY`); a variable the
    dictionary does not know says it is an internal sampler quantity."""
    from model.presentation.dictionary import VARIABLE_DICTIONARY

    for node in tree.subtree:
        for var in node.data_vars:
            long_name, units, description = VARIABLE_DICTIONARY.get(
                var, (var, "", "An internal quantity of the sampler (see docs/methods.md)."))
            node[var].attrs.update(long_name=long_name, units=units, description=description)


def _with_attrs(result: AnalysisResult, name: str, data_hash: str):
    tree = _posterior_tree(result.fits[name])
    _describe_variables(tree)
    tree.attrs = {**tree.attrs, ATTR_SETTINGS: result.settings.model_dump_json(), ATTR_NAME: name, ATTR_DATA_HASH: data_hash,
                  ATTR_VERSIONS: json.dumps(versions(), sort_keys=True)}
    return tree


def write_posterior(result: AnalysisResult, name: str, path: str | Path, *, data_hash: str) -> Path:
    """Write fit ``name`` of ``result`` with its settings, atomically."""
    fit = result.fits[name]
    if fit.trace is None and not fit.diagnostics.by_importance:
        raise DataError("A stacked fit mixes four posteriors; it has no single posterior file. Its settings file "
                        "reproduces it (python -m model fit --settings FILE).")
    tree = _with_attrs(result, name, data_hash)
    return write_atomic_with(path, lambda tmp: tree.to_netcdf(tmp, engine="h5netcdf"))


def posterior_bytes(result: AnalysisResult, name: str, *, data_hash: str) -> bytes:
    """The same file as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_posterior(result, name, Path(tmp) / "posterior.nc", data_hash=data_hash)
        return path.read_bytes()


def read_posterior(path: str | Path) -> tuple[object, FitSettings, str, str]:
    """(trace, settings, fit name, data hash) from a posterior file; a file without settings is a one-line error."""
    import xarray as xr

    try:
        tree = xr.open_datatree(path, engine="h5netcdf").load()
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable posterior file ({exc.__class__.__name__}).") from None
    attrs = tree.attrs
    if ATTR_SETTINGS not in attrs:
        raise DataError(f"{path}: this posterior file carries no Frontier Lag settings (written by an older version?).")
    return tree, FitSettings.from_json(attrs[ATTR_SETTINGS]), str(attrs.get(ATTR_NAME, "")), str(attrs.get(ATTR_DATA_HASH, ""))
