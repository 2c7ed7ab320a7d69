"""Compiling a model leaves nothing in the system temporary folder (generated source goes to a folder the app owns),
and a second process reads nutpie's compiled callbacks from that folder instead of compiling them again, with the
same log density and gradient as plain nutpie."""

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT
from tests.planted import Planted

pytestmark = pytest.mark.slow
PROBE = """
import ctypes, json, sys
import numpy as np
from model.bayes.compiled_callbacks import STATS
from model.bayes.sampling import _COMPILED, SamplerSettings
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.trends import series_model
from tests.sim import simulate_series

obs = simulate_series(5, -2, seed=1)
fit_trend(obs, FitSpec(model="constant", sampler=SamplerSettings(draws=30, tune=30, chains=1, engine="nuts")))
model = series_model("constant", "none")
key = model.structure_key("normal", len(obs))
data = model.sampler_data(obs, FitSpec().priors, key.size)


def log_density(compiled):
    # log density and gradient at fixed points, through the compiled C callback itself
    c = compiled.with_data(**{k: v for k, v in data.items() if k in {var.name for var in compiled.shared_var_keys}})
    ptr = lambda a: a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    out = []
    for x in np.random.default_rng(0).normal(0, 1.5, (10, c.n_dim)):
        grad, logp = np.zeros(c.n_dim), np.zeros(())
        assert c.compiled_logp_func.ctypes(c.n_dim, ptr(x), ptr(grad), ptr(logp), c.user_data.ctypes.data) == 0
        out.append([float(logp), *grad.tolist()])
    return out


result = {"stats": dict(STATS), "ours": log_density(_COMPILED[key])}
if "--plain" in sys.argv:  # the same model through plain nutpie (its own numba compile, no cache)
    import nutpie

    result["plain"] = log_density(nutpie.compile_pymc_model(model.build("normal", key.size)))
print(json.dumps(result))
"""


def _probe(env, *args):
    r = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_a_compile_writes_no_temporary_files_and_a_second_process_reuses_it(tmp_path):
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "FRONTIER_LAG_CACHE": str(cache),
           "FRONTIER_LAG_SECRET_FILE": str(tmp_path / "secret" / "cache-secret")}
    first = _probe(env)
    assert [p.name for p in tmp.iterdir()] == []
    generated = list((cache / "generated_src").glob("*.py"))
    # the source numba reads back lives in the app's own cache, content-addressed (a hash name: reused, not added to)
    assert generated and all(len(p.stem) >= 32 and all(c in "0123456789abcdef" for c in p.stem[-32:]) for p in generated)
    # the log density and expansion callbacks: compiled and stored by the first process, read back by the second
    assert first["stats"] == {"hit": 0, "miss": 2, "uncached": 0}
    assert len(list((cache / "nutpie_callbacks").glob("*.nbc"))) == 2
    second = _probe(env, "--plain")
    assert second["stats"] == {"hit": 2, "miss": 0, "uncached": 0}
    assert [p.name for p in tmp.iterdir()] == []
    # the same log density and gradient from the cached machine code, the freshly compiled one and plain nutpie's (to
    # rounding: numba's machine code read back from disk may sum in another order, as PyTensor's own cache does)
    for ours in (first["ours"], second["ours"]):
        assert np.allclose(ours, second["plain"], rtol=1e-12, atol=1e-12)

    # a swapped pair and a planted pickle: neither is loaded (no code runs), both callbacks are compiled afresh
    a, b = sorted((cache / "nutpie_callbacks").glob("*.nbc"))
    a.write_bytes(b.read_bytes())  # b's valid, sealed callback under a's name
    marker = tmp_path / "planted-code-ran"
    b.write_bytes(pickle.dumps(Planted(str(marker))))
    third = _probe(env)
    assert not marker.exists()
    assert third["stats"] == {"hit": 0, "miss": 2, "uncached": 0}
    assert len(list((cache / "nutpie_callbacks").glob("*.nbc"))) == 2  # both written afresh, sealed
    assert np.allclose(third["ours"], second["plain"], rtol=1e-12, atol=1e-12)

