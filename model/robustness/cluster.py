"""Running on a Dask cluster: check the scheduler answers, and ship the project's code and embedded data to the
workers (the multiverse and the backtests run the same fit path on each worker)."""

from __future__ import annotations

from pathlib import Path

from model.core.errors import DataError


def check_reachable(address: str, timeout: float = 3.0) -> None:
    """Fail fast, with one line, when nothing listens at a tcp:// scheduler address."""
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(address if "://" in address else "tcp://" + address)
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        raise DataError(f"A Dask scheduler address looks like tcp://HOST:PORT; got {address!r}.")
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=timeout).close()
    except OSError as exc:
        raise DataError(f"Could not reach the Dask scheduler at {address} ({exc.__class__.__name__}).") from None


#: The folder name under which the project travels to a Dask cluster.
STAGING = "frontier_lag_project"


def ship_project(client) -> None:
    """Give every worker the project's code and embedded data, so a cluster needs only the dependencies
    (``pip install -r requirements.txt``): the ``model`` package and ``data/`` are uploaded as one folder that Dask adds
    to each worker's import path (workers restart to pick it up; they must run with a nanny, Dask's default).

    Workers that already have the project importable are left alone (no restart)."""
    import shutil
    import tempfile

    from distributed.diagnostics.plugin import UploadDirectory

    def has_project() -> bool:  # defined here so that Dask ships it by value (workers may lack this module)
        import importlib.util

        try:
            return importlib.util.find_spec("model.robustness.multiverse") is not None
        except ImportError:
            return False

    def scheduler_import_path(dask_scheduler=None) -> None:
        import os
        import sys

        path = os.path.join(dask_scheduler.local_directory, STAGING)
        if path not in sys.path:
            sys.path.insert(0, path)

    if all(client.run(has_project).values()) and client.run_on_scheduler(has_project):
        return
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / STAGING
        shutil.copytree(root / "model", staging / "model", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copytree(root / "data", staging / "data")
        # "all": the scheduler unpickles the task graph too, so it needs the code as well
        client.register_plugin(UploadDirectory(str(staging), update_path=True, restart_workers=True, mode="all"))
    client.run_on_scheduler(scheduler_import_path)
    client.wait_for_workers(1, timeout=120)
