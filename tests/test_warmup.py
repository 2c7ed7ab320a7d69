"""The background warm-up compiles the structures the first fits use (the same keys and graphs as a real fit)."""

from model.bayes import engine
from model.bayes.fitting import FitSpec
from model.bayes.trends import series_model
from model.bayes.warmup import COMMON, warm_common_models


def test_warm_up_builds_every_common_structure(monkeypatch):
    built = {}

    def record(key, build):
        built[key] = build()  # the PyMC graph (no compilation here)
        return key

    monkeypatch.setattr(engine, "compiled_model", record)
    done = warm_common_models()
    assert done == list(built) and len(done) == len(COMMON)
    for (name, likelihood), key in zip(COMMON, done, strict=True):
        spec = FitSpec(model=name, likelihood=likelihood)
        assert key == series_model(spec.model).structure_key(spec.likelihood, 20)  # what a 20-point fit will ask for
        assert "lag" in built[key].named_vars
