"""nutpie's two compiled callbacks (log density with gradient, and the trace expansion), cached on disk across processes.

Why: nutpie compiles each model's callbacks with numba, and numba's own cache never reuses them in another process,
because they are closures over random (``uuid4``) data keys. That compile was most of a cold NUTS fit (about 10 s of
11-19 s for the pooled model). Here nutpie's numba compile (:func:`nutpie.compile_pymc._compile_pymc_model_numba`,
nutpie 0.16.11) is rebuilt with stable data keys, and each callback is given a disk cache this app owns
(``cache_dir("nutpie_callbacks")``; each file is numba machine code for this machine, sealed like every cache file:
:mod:`model.core.sealed_files`, so a planted or swapped file is never loaded). The PyTensor graph is still built in
every process (about 2-3 s); only numba's machine-code generation is skipped when the cache holds the callback.

The cache key is everything the machine code depends on: PyTensor's own key of each compiled graph (its ops, their
properties, the constants and how they connect), the graph's input types, the layout of nutpie's data record, the
callback's signature, the CPU (numba's target description) and the versions of the packages that matter (one list,
:mod:`model.core.versions`: numba, llvmlite, PyTensor, PyMC, nutpie, numpy and others) and of Python. Data *values*
are not part of it: nutpie reads them through pointers at run time (``with_data``), so one cached callback serves
every prior and benchmark of a size class, as the in-process compile does.

Contained: used only through :func:`compile_pymc_model`. Another nutpie version, a graph PyTensor cannot key, or any
cache failure falls back to plain ``nutpie.compile_pymc_model`` (or to compiling without the cache). A test compares the
log density and gradient of cached, fresh and plain-nutpie callbacks: equal to rounding (machine code read back from
disk may differ from a fresh compile in the last bit, as with PyTensor's and numba's own caches, so long chains can
part ways after a while; their posteriors agree). ``FRONTIER_LAG_NO_CALLBACK_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from model.core.files import write_atomic
from model.core.paths import cache_dir
from model.core.sealed_files import prune, seal, unseal
from model.core.versions import package_versions

#: The nutpie version whose internals this module mirrors; any other version uses plain nutpie.
NUTPIE_VERSION = "0.16.11"
#: Bump when what is stored (or how its key is made) changes.
CACHE_FORMAT = 1
#: Oldest files beyond this many are removed after a write (each callback is a few hundred KB).
MAX_FILES = 200
#: Bytes the callback cache may hold (each callback is tens of KB).
MAX_BYTES = 200_000_000

#: What happened to each callback in this process: read from disk, compiled (and stored), compiled without a key.
STATS: dict[str, int] = {"hit": 0, "miss": 0, "uncached": 0}


def callback_folder() -> Path:
    return cache_dir("nutpie_callbacks")


def compile_pymc_model(model):
    """``nutpie.compile_pymc_model(model)`` (numba backend), with the callbacks read from the disk cache when there."""
    import nutpie

    if nutpie.__version__ != NUTPIE_VERSION or os.environ.get("FRONTIER_LAG_NO_CALLBACK_CACHE"):
        return nutpie.compile_pymc_model(model)
    return _compile_numba(model)


def _compile_numba(model):
    """nutpie 0.16.11's ``compile_pymc_model`` + ``_compile_pymc_model_numba`` for the numba backend and default
    options, with stable shared-data keys (``shared_0``, ``shared_1``, ...) and cached callbacks."""
    import numpy as np
    from nutpie import compile_pymc as ncp
    from pymc.initial_point import make_initial_point_fn

    initial_point_fn = ncp._wrap_with_lock(make_initial_point_fn(
        model=model, overrides=None, default_strategy="support_point", jitter_rvs=set(model.free_RVs),
        return_transformed=True))
    n_dim, n_expanded, logp_fn_pt, expand_fn_pt, initial_point_fn, shape_info, reparameterized_names = \
        ncp._make_functions(model, mode="NUMBA", compute_grad=True, join_expanded=True,
                            pymc_initial_point_fn=initial_point_fn, var_names=None)
    logp_fn, expand_fn = logp_fn_pt.vm.jit_fn, expand_fn_pt.vm.jit_fn

    shared_data, shared_var_keys = {}, {}
    for val in [*logp_fn_pt.get_shared(), *expand_fn_pt.get_shared()]:
        if val in shared_var_keys:
            continue
        key = f"shared_{len(shared_var_keys)}"  # stable (nutpie: uuid4), so the record layout and its names repeat
        shared_data[key] = np.array(val.get_value(), order="C", copy=True)
        shared_var_keys[val] = key
    for val in shared_data.values():
        val.flags.writeable = False
    user_data = ncp.make_user_data(shared_var_keys, shared_data)

    common = (n_dim, n_expanded, str(user_data.dtype))
    logp_keys = [shared_var_keys[v] for v in logp_fn_pt.get_shared()]
    logp_raw, logp_sig = ncp._make_c_logp_func(n_dim, logp_fn, user_data, logp_keys, shared_data)
    logp_cfunc = _cached_cfunc(logp_raw, logp_sig, _graph_key("logp", logp_fn_pt, logp_keys, common))
    expand_keys = [shared_var_keys[v] for v in expand_fn_pt.get_shared()]
    expand_raw, expand_sig = ncp._make_c_expand_func(n_dim, n_expanded, expand_fn, user_data, expand_keys, shared_data)
    expand_cfunc = _cached_cfunc(expand_raw, expand_sig, _graph_key("expand", expand_fn_pt, expand_keys, common))

    dims, coords = ncp._prepare_dims_and_coords(model, shape_info, reparameterized_names)
    return ncp.CompiledPyMCModel(
        _n_dim=n_dim, dims=dims, _coords=coords, _shapes={name: tuple(shape) for name, _, shape in zip(*shape_info, strict=True)},
        compiled_logp_func=logp_cfunc, compiled_expand_func=expand_cfunc, initial_point_func=initial_point_fn,
        shared_data=shared_data, shared_var_keys=shared_var_keys, user_data=user_data, n_expanded=n_expanded,
        shape_info=shape_info, logp_func=logp_fn_pt, expand_func=expand_fn_pt,
        reparameterized_names=reparameterized_names)


def _graph_key(role: str, fn_pt, shared_keys: list[str], common: tuple) -> str | None:
    """The cache key of one callback, or None when PyTensor could not key its graph (then it is not cached)."""
    from pytensor.configdefaults import config
    from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

    graph = CACHED_SRC_FUNCTIONS.get(fn_pt.vm.jit_fn.py_func)
    if graph is None:
        return None
    # names too: the machine code reads input j from the record field of the j-th shared variable, so the same graph
    # with its data in another order must not share a file
    inputs = [(v.name, str(v.type), getattr(v.type, "dtype", None), getattr(v.type, "shape", None))
              for v in fn_pt.maker.fgraph.inputs]
    shared_names = [v.name for v in fn_pt.get_shared()]
    versions = [*package_versions().items(), ("python", sys.version)]
    text = repr((CACHE_FORMAT, role, graph, inputs, shared_names, shared_keys, common, versions,
                 bool(config.numba__fastmath)))
    return hashlib.sha256(text.encode()).hexdigest()


def _cached_cfunc(pyfunc, sig, key: str | None):
    """numba's ``cfunc(sig)(pyfunc)``, read from / written to the disk cache under ``key`` (not cached when None)."""
    from numba.core import sigutils
    from numba.core.ccallback import CFunc

    args, return_type = sigutils.normalize_signature(sig)
    cfunc = CFunc(pyfunc, (args, return_type), locals={}, options={})
    if key is None:
        STATS["uncached"] += 1
    else:
        cfunc._cache = _DiskCache(key)  # CFunc.compile asks its cache first and offers it what it compiled
    cfunc.compile()
    return cfunc


class _DiskCache:
    """The two methods ``numba.core.ccallback.CFunc.compile`` calls on its cache, one file per callback."""

    def __init__(self, key: str) -> None:
        self.key = key

    def _path(self, sig, target_context) -> Path:
        cpu = target_context.codegen().magic_tuple()  # target triple, CPU name and features
        name = hashlib.sha256(repr((self.key, str(sig), cpu)).encode()).hexdigest()
        return callback_folder() / f"{name}.nbc"

    def load_overload(self, sig, target_context):
        from numba.core.compiler import CompileResult

        target_context.refresh()
        self._target = target_context
        path = self._path(sig, target_context)
        try:
            sealed = unseal(path.name, path.read_bytes())  # the name binds the graph, its role and the signature
            if sealed is None:
                raise ValueError("not sealed by this installation")
            payload = pickle.loads(sealed)
            if not isinstance(payload, tuple):
                raise TypeError("not a compiled callback")
            result = CompileResult._rebuild(target_context, *payload)
            if str(result.signature) != str(sig):
                raise TypeError("a callback of another signature")
        except FileNotFoundError:
            STATS["miss"] += 1
            return None
        except Exception:  # planted, swapped, damaged or foreign: dropped unread where possible; compile afresh
            path.unlink(missing_ok=True)
            STATS["miss"] += 1
            return None
        STATS["hit"] += 1
        return result

    def save_overload(self, sig, cres) -> None:
        from numba.core.serialize import dumps

        if cres.library.has_dynamic_globals or any(not x.can_cache for x in cres.lifted):
            return  # machine code with process-specific addresses cannot be reused
        try:
            path = self._path(sig, self._target)
            sealed = seal(path.name, dumps(cres._reduce()))
            if sealed is not None:
                write_atomic(path, sealed)
                prune(callback_folder(), "*.nbc", max_files=MAX_FILES, max_bytes=MAX_BYTES)
        except OSError:  # a read-only or full disk only costs the next process a compile
            pass
