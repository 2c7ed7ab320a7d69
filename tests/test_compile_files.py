"""Compiling a model leaves nothing in the system temporary folder: generated source goes to a folder the app owns."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
PROBE = """
from model.bayes.engine import SamplerSettings
from model.bayes.fitting import FitSpec, fit_trend
from tests.sim import simulate_series
fit_trend(simulate_series(5, -2, seed=1),
          FitSpec(model="constant", sampler=SamplerSettings(draws=30, tune=30, chains=1, engine="nuts")))
"""


def test_a_compile_writes_no_temporary_files(tmp_path):
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "FRONTIER_LAG_CACHE": str(cache)}
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert [p.name for p in tmp.iterdir()] == []
    generated = list((cache / "generated_src").glob("*.py"))
    # the source numba reads back lives in the app's own cache, content-addressed (a hash name: reused, not added to)
    assert generated and all(len(p.stem) >= 32 and all(c in "0123456789abcdef" for c in p.stem[-32:]) for p in generated)
