"""The sampling engine: compile a PyMC graph once per structure (nutpie), then sample it with new data.

Everything a refit may change (priors, padded observations) is ``pm.Data``, so one compiled model serves
every benchmark of a size class and every prior. :data:`COMPILE_COUNT` counts compilations by structure key;
a prior change must not move it. Sampling runs in nutpie's background mode so a fit can be stopped at its
time limit; any sampler failure becomes a one-line :class:`DataError`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from model.core.errors import DataError
from model.core.limits import MAX_CHAINS, MAX_DRAWS, MAX_FIT_SECONDS, MIN_DRAWS
from model.core.paths import cache_dir


class StructureKey(NamedTuple):
    """What a compiled model depends on; two fits with equal keys share one compiled model (priors and data are not
    part of it: they are ``pm.Data``)."""

    design: str  # "single", "pooled", "score_space"
    model: str  # the model's name ("linear", "changepoint", ...)
    likelihood: str
    size: int  # padded observations
    groups: int = 0  # padded benchmarks (pooled designs)
    correlated: bool = False  # correlated intercepts and slopes (pooled designs)


#: Counts compilations by structure key; a prior change must not move it.
COMPILE_COUNT: Counter = Counter()
_COMPILED: dict[StructureKey, Any] = {}
_LOCKS: dict[StructureKey, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()

#: "auto": importance sampling where it is reliable, else NUTS; "nuts": always NUTS.
ENGINES = ("auto", "nuts")

#: Padded slots are observed as "latent >= PAD_VALUE", whose log-probability is 0 to machine
#: precision for any plausible trend: they add nothing to the likelihood or its gradient.
PAD_VALUE = -1e6


@dataclass(frozen=True)
class SamplerSettings:
    """NUTS settings. Defaults suit the app; tests use fewer draws (still real sampling)."""

    draws: int = 1000
    tune: int = 500
    chains: int = 4
    seed: int = 1
    cores: int = 2
    #: Higher than NUTS's usual 0.8: the AR and changepoint posteriors have tight curvature
    #: (0.8 gave about 25 divergences on the AA index; 0.95 gave none) and these models are small.
    target_accept: float = 0.95
    #: A fit running longer than this is cancelled cleanly (nothing cached, previous result kept).
    max_seconds: float = 120.0
    #: "auto": the compile-free engine (:mod:`model.bayes.importance`) where it is reliable, NUTS otherwise;
    #: "nuts": always NUTS. ``draws * chains`` is the number of posterior draws either way.
    engine: str = "auto"

    def __post_init__(self) -> None:
        if not (MIN_DRAWS <= self.draws <= MAX_DRAWS and MIN_DRAWS <= self.tune <= MAX_DRAWS and 1 <= self.chains <= MAX_CHAINS):
            raise DataError(f"Draws and tune must be between {MIN_DRAWS} and {MAX_DRAWS:,}, chains between 1 and {MAX_CHAINS}.")
        if not 0.5 <= self.target_accept < 1:
            raise DataError("target_accept must be in [0.5, 1).")
        if self.engine not in ENGINES:
            raise DataError(f"Unknown engine {self.engine!r}; use one of {', '.join(ENGINES)}.")
        if not 0 < self.max_seconds <= MAX_FIT_SECONDS:
            raise DataError(f"The per-fit time limit must be between 0 and {MAX_FIT_SECONDS} seconds.")


@dataclass(frozen=True)
class Deadline:
    """One time limit for a whole fit: its compile, its sampling, and for a stacked fit every member and every refit
    (before, each got the full limit of its own, and compiles were outside it)."""

    limit: float  # seconds, as the user set it
    ends: float  # time.monotonic() at which the fit must stop

    @classmethod
    def start(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def left(self) -> float:
        """Seconds left; a DataError, in one line, when none are."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise self.stopped()
        return left

    def stopped(self) -> DataError:
        return DataError(f"Sampling stopped after {self.limit:g} s (the per-fit limit, compiles and every model and refit "
                         "included); try fewer draws, fewer benchmarks or a simpler model.")


def size_bucket(n: int, sizes=(16, 32, 64, 128, 256, 512)) -> int:
    """The smallest size class that holds ``n`` observations (one compiled model per class)."""
    for s in sizes:
        if n <= s:
            return s
    raise DataError(f"Too many observations ({n}) for one fit; the limit is {sizes[-1]}.")


def pad(values: np.ndarray, size: int, fill: float) -> np.ndarray:
    """``values`` padded with ``fill`` to ``size``."""
    out = np.full(size, fill, dtype=float)
    out[: len(values)] = values
    return out


def use_own_source_folder() -> None:
    """Put the source files the compiler generates in a folder the app owns, content-addressed.

    PyTensor otherwise writes about a dozen uniquely named files to the system temporary folder on every
    compile and keeps them (numba reads them back); with ``generated_src_dir`` the same source is one file,
    reused across processes, and old files are pruned by PyTensor."""
    import pytensor

    if not pytensor.config.generated_src_dir:
        pytensor.config.generated_src_dir = str(cache_dir("generated_src"))


def compiled_model(key: StructureKey, build: Callable[[], Any]):
    """The compiled nutpie model for a structure key, compiled once per process (thread-safe:
    the background warm-up and a user's fit never compile the same structure twice); its machine code comes from the
    disk cache of :mod:`model.bayes.compiled_callbacks` when another process compiled it before."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if key not in _COMPILED:
            from model.bayes.compiled_callbacks import compile_pymc_model

            use_own_source_folder()
            _COMPILED[key] = compile_pymc_model(build())  # nutpie's, with its callbacks cached on disk
            COMPILE_COUNT[key] += 1
    return _COMPILED[key]


def sample_compiled(compiled, data: dict, sampler: SamplerSettings, deadline: Deadline | None = None):
    """Sample in nutpie's background mode so a fit can be stopped cleanly at its deadline (``sampler.max_seconds``
    from now unless the fit's own :class:`Deadline` is given).

    Any sampler failure becomes a one-line :class:`DataError`; nothing partial is returned.
    """
    import nutpie

    deadline = deadline or Deadline.start(sampler.max_seconds)
    known = {var.name for var in compiled.shared_var_keys}  # data a structure does not use were optimised away
    try:
        timeout = deadline.left()
        run = nutpie.sample(compiled.with_data(**{k: v for k, v in data.items() if k in known}), draws=sampler.draws,
                            tune=sampler.tune, chains=sampler.chains, target_accept=sampler.target_accept,
                            cores=sampler.cores, seed=sampler.seed, progress_bar=False, blocking=False)
        try:
            return run.wait(timeout=timeout)  # raises TimeoutError when not finished in time
        except TimeoutError:
            run.cancel()
            raise deadline.stopped() from None
    except DataError:
        raise
    except Exception as exc:  # the sampler's own failures (numerical, threads) become a readable error
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise DataError(f"The sampler failed ({exc.__class__.__name__}: {first}). Try other priors or a simpler model.") from None


def flat_draws(trace, names: list[str]) -> dict[str, np.ndarray]:
    """Posterior draws of ``names`` with chain and draw flattened (chain-major), those the trace has."""
    post = trace.posterior
    out = {}
    for n in names:
        if n in post:
            v = post[n].values
            out[n] = v.reshape((-1,) + v.shape[2:])
    return out
