"""The background warm-up compiles the structure the Pooled page's first fit asks for (the same key and graph)."""

from model.analysis import FitSettings, run_analysis
from model.bayes import engine
from model.bayes.warmup import default_pooled_benchmarks, warm_common_models


def test_warm_up_builds_the_pooled_pages_first_structure(monkeypatch, aa):
    import model.bayes.fitting as fitting
    from tests import fake_sampler

    built = {}

    def record(key, build):
        built[key] = build()  # the PyMC graph (no compilation here)
        return key

    monkeypatch.setattr(engine, "compiled_model", record)
    done = warm_common_models()
    assert done == list(built) and len(done) == 1
    assert "lag" in built[done[0]].named_vars
    asked = []
    monkeypatch.setattr(fitting, "compiled_model", lambda key, build: asked.append(key) or key)
    monkeypatch.setattr(fitting, "sample_compiled", fake_sampler.fake_sample)
    run_analysis(aa, FitSettings(pooling="partial", benchmarks=default_pooled_benchmarks(aa.benchmarks), draws=100, tune=100))
    assert asked == done  # the page's default fit finds the warm structure
