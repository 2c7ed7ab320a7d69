
"""The disk cache of nutpie's callbacks (model.bayes.compiled_callbacks) fails safe: a damaged file is a cache miss
(the callback is compiled afresh), an unsupported nutpie version uses plain nutpie. The cross-process reuse and the
draws' identity with plain nutpie are checked in tests/bayes/test_compile_files.py (separate processes)."""

import pickle
from types import SimpleNamespace

import model.bayes.compiled_callbacks as cc


def test_a_damaged_cache_file_is_a_miss_not_an_error(tmp_path, monkeypatch):
    from numba.core import types
    from numba.core.registry import cpu_target

    monkeypatch.setenv("FRONTIER_LAG_CACHE", str(tmp_path))
    cache = cc._DiskCache("some-key")
    sig = types.int64(types.int64)
    path = cache._path(sig, cpu_target.target_context)
    for damaged in (b"not a pickle", pickle.dumps(("a", "tuple", "of", "the", "wrong", "shape"))):
        path.write_bytes(damaged)
        before = dict(cc.STATS)
        assert cache.load_overload(sig, cpu_target.target_context) is None
        assert cc.STATS["miss"] == before["miss"] + 1 and cc.STATS["hit"] == before["hit"]


def test_keys_differ_by_role_and_layout(monkeypatch):
    def Fn(py_func):  # the two attributes _graph_key reads from a compiled PyTensor function
        return SimpleNamespace(vm=SimpleNamespace(jit_fn=SimpleNamespace(py_func=py_func)),
                               maker=SimpleNamespace(fgraph=SimpleNamespace(inputs=[])), get_shared=lambda: shared)

    shared = [SimpleNamespace(name="x"), SimpleNamespace(name="y")]

    def f():
        pass

    from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

    CACHED_SRC_FUNCTIONS[f] = "graph-key"
    keys = {cc._graph_key(role, Fn(f), keys, common) for role in ("logp", "expand") for keys in (["shared_0"], [])
            for common in ((3, 5, "layout a"), (3, 5, "layout b"))}
    assert len(keys) == 8 and None not in keys
    before = cc._graph_key("logp", Fn(f), ["shared_0", "shared_1"], (3, 5, "layout a"))
    shared.reverse()  # the same graph with its data variables in another order: another file
    assert cc._graph_key("logp", Fn(f), ["shared_0", "shared_1"], (3, 5, "layout a")) != before

    def g():
        pass

    assert cc._graph_key("logp", Fn(g), [], (3, 5, "x")) is None  # a graph PyTensor could not key is not cached


def test_another_nutpie_version_uses_plain_nutpie(monkeypatch):
    import nutpie

    called = []
    monkeypatch.setattr(nutpie, "__version__", "0.0.1")
    monkeypatch.setattr(nutpie, "compile_pymc_model", lambda model: called.append(model) or "plain")
    assert cc.compile_pymc_model("a model") == "plain" and called == ["a model"]
