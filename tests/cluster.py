"""Start a Dask scheduler and workers as separate processes on loopback (for the cluster test and bench/)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

DASK = Path(sys.executable).parent / "dask"
#: How long a start may take before the test gives up (each wait ends as soon as the cluster is up): the browser tests'
#: patience, as a busy machine needs (60 and 90 s were bounds a machine at load 9 could reach).
PATIENCE_S = 900


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise TimeoutError(what)


@contextlib.contextmanager
def loopback_cluster(folder: Path, n_workers: int = 2):
    """``dask scheduler`` and ``n_workers`` ``dask worker`` processes (nannies on, one thread each), each started in its
    own empty folder under ``folder`` with no PYTHONPATH: they have the environment's packages, not the project.
    Yields the scheduler address."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    procs, logs = [], []

    def start(args, name):
        where = folder / name
        where.mkdir(parents=True)
        log = open(where / "log.txt", "w")  # noqa: SIM115 - closed below
        logs.append(log)
        procs.append(subprocess.Popen([str(DASK), *args], cwd=where, env=env, stdout=log, stderr=subprocess.STDOUT))

    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], "scheduler")
    try:
        _wait_for(listening, PATIENCE_S, "the scheduler did not start")
        for i in range(n_workers):
            start(["worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{i}",
                   "--local-directory", str(folder / f"w{i}-space")], f"w{i}")
        from distributed import Client

        with Client(address, timeout=30) as client:
            _wait_for(lambda: len(client.scheduler_info()["workers"]) == n_workers, PATIENCE_S, "the workers did not join")
        yield address
    finally:
        for p in procs[::-1]:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()
