"""The multiverse on a real Dask cluster: a scheduler and two workers started as separate processes on loopback, from the
project's environment but outside the repository, so the project's code and data must travel with the tasks (the
in-process ``LocalCluster`` of test_multiverse.py shares the client's imports and could not show that)."""

import subprocess
import sys

import pandas as pd
import pytest

from tests.cluster import DASK, loopback_cluster
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster(tmp_path):
    if not DASK.exists():
        pytest.skip("no dask command in this environment")
    with loopback_cluster(tmp_path / "cluster") as address:
        from distributed import Client

        with Client(address, timeout=30) as client:  # the workers really lack the project before the multiverse ships it
            assert not any(client.run(lambda: __import__("importlib.util").util.find_spec("model") is not None).values())
        yield address


def test_multiverse_runs_on_a_scheduler_and_two_worker_processes(cluster, tmp_path):
    common = ["-m", "model", "multiverse", "--benchmark", "intelligence_index", "--no-pooled", "--models", "linear,constant",
              "--max-specs", "4", "--draws", "150"]
    remote, local = tmp_path / "remote.csv", tmp_path / "local.csv"
    r = subprocess.run([sys.executable, *common, "--scheduler", cluster, "--out", str(remote)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([sys.executable, *common, "--workers", "1", "--out", str(local)], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    a, b = pd.read_csv(remote), pd.read_csv(local)
    assert len(a) == 4 and a["fitted"].all()
    cols = ["benchmark", "start", "model", "crossing_median", "p_never"]
    pd.testing.assert_frame_equal(a[cols], b[cols])  # same seed, same answer, whatever the executor
