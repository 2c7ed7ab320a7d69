"""Compiling a model leaves nothing in the system temporary folder (generated source goes to a folder the app owns),
and a second process reads nutpie's compiled callbacks from that folder instead of compiling them again, with the
same draws as plain nutpie."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
PROBE = """
import json, sys
import numpy as np
from model.bayes.engine import SamplerSettings
from model.bayes.fitting import FitSpec, fit_trend
from model.bayes.compiled_callbacks import STATS
from tests.sim import simulate_series
fit = fit_trend(simulate_series(5, -2, seed=1),
                FitSpec(model="constant", sampler=SamplerSettings(draws=30, tune=30, chains=1, engine="nuts")))
out = {"stats": dict(STATS), "alpha": fit.draws["alpha"].tolist()}
if "--plain" in sys.argv:  # the same model, data and seed through plain nutpie (its own numba compile, no cache)
    import nutpie
    from model.bayes.engine import sample_compiled
    from model.bayes.trends import series_model
    model = series_model("constant", "none")
    key = model.structure_key("normal", 5)
    compiled = nutpie.compile_pymc_model(model.build("normal", key[-1]))
    trace = sample_compiled(compiled, model.sampler_data(simulate_series(5, -2, seed=1), FitSpec().priors, key[-1]),
                            SamplerSettings(draws=30, tune=30, chains=1, engine="nuts"))
    out["plain"] = trace.posterior["alpha"].values.ravel().tolist()
print(json.dumps(out))
"""


def _probe(env, *args):
    r = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_a_compile_writes_no_temporary_files_and_a_second_process_reuses_it(tmp_path):
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "FRONTIER_LAG_CACHE": str(cache)}
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
    # bit-identical draws: cached machine code, freshly compiled code and plain nutpie's are the same sampler
    assert np.array_equal(first["alpha"], second["alpha"]) and np.array_equal(second["alpha"], second["plain"])
