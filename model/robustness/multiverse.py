"""The multiverse (specification curve): how much does each analytic choice move the answer?

Every defensible combination of choices is one specification: the benchmark (or the pooled AA
set), the window start (every quarter from 2023-07 to 2025-07), the observations (events or
monthly), the model, the open definition, whether AA's estimated index values are included, and
the source (AA or Epoch, where both have the benchmark). Each is fitted through the one fit path
(:func:`model.analysis.run_analysis`), on a pluggable executor: local processes by default, or a
Dask cluster (``scheduler="tcp://host:port"``; the same function runs on each worker).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from model.bayes.trends import MODELS
from model.core.errors import DataError
from model.data.openness import OPEN_DEFINITIONS
from model.lags.groups import resolve_preset
from model.robustness.cluster import check_reachable, ship_project

STARTS = tuple(d.date().isoformat() for d in pd.date_range("2023-07-01", "2025-07-01", freq="QS"))
OBSERVATIONS = ("events", "monthly")
#: The same benchmark in both sources (AA id -> Epoch id), for the source choice.
SOURCE_TWINS = {"gpqa": "epoch_gpqa_diamond"}
POOLED = "pooled"
CHOICES = ("benchmark", "start", "observations", "model", "open_definition", "include_estimated", "source",
           "lag_definition", "groups")


@dataclass(frozen=True)
class Spec:
    """One specification. ``benchmark`` is an id in its source, or "pooled" (partial pooling over the AA set)."""

    benchmark: str
    start: str
    observations: str
    model: str
    open_definition: str
    include_estimated: bool
    source: str
    lag_definition: str = "backward"
    #: Who trails whom, as a preset name (model.lags.groups.PRESETS).
    groups: str = "open_vs_closed"

    def label(self) -> str:
        """The specification in one readable line."""
        return " · ".join(str(v) for v in asdict(self).values())


def enumerate_specs(benchmarks: Iterable[str], *, pooled: bool = True, starts=STARTS, observations=OBSERVATIONS,
                    models=MODELS, open_definitions=OPEN_DEFINITIONS, lag_definitions=("backward",),
                    groups=("open_vs_closed",), max_specs: int | None = None, seed: int = 0) -> list[Spec]:
    """All combinations, without duplicates where a choice does not apply (estimated values exist only for the AA
    intelligence index; the model choice does not apply to the pooled set, which is linear; lag definitions other
    than backward give event observations only). When there are more than ``max_specs``, a fixed-seed random
    subsample is taken. The lag definition and the groups are choices only when asked for (``lag_definitions``,
    ``groups``: preset names)."""
    specs: list[Spec] = []
    for bench in benchmarks:
        estimated = (True, False) if bench.startswith("intelligence_index") else (True,)
        sources = ("aa", "epoch") if bench in SOURCE_TWINS else ("aa",)
        for start, obs, model, opendef, est, src, lagdef, who in itertools.product(
                starts, observations, models, open_definitions, estimated, sources, lag_definitions, groups):
            if lagdef != "backward" and obs != "events":
                continue
            specs.append(Spec(bench if src == "aa" else SOURCE_TWINS[bench], start, obs, model, opendef, est, src, lagdef,
                              who))
    if pooled:
        for start, obs, opendef, est, lagdef, who in itertools.product(starts, observations, open_definitions, (True, False),
                                                                       lag_definitions, groups):
            if lagdef != "backward" and obs != "events":
                continue
            specs.append(Spec(POOLED, start, obs, "linear", opendef, est, "aa", lagdef, who))
    if max_specs is not None and len(specs) > max_specs:
        rng = np.random.default_rng(seed)
        keep = sorted(rng.choice(len(specs), size=max_specs, replace=False))
        specs = [specs[i] for i in keep]
    return specs


@lru_cache(maxsize=8)
def _dataset(source: str, include_estimated: bool):
    from model.data.embedded import load_embedded

    return load_embedded(source, include_estimated=include_estimated)


def spec_settings(spec: Spec, ds, draws: int = 500, seed: int = 1):
    """The :class:`model.analysis.FitSettings` of one specification (fitted through the one fit path)."""
    from model.analysis import FitSettings

    follower, leader = resolve_preset(spec.groups)
    common = dict(source=spec.source, observations=spec.observations, start=spec.start, open_definition=spec.open_definition,
                  lag_definition=spec.lag_definition, include_estimated=spec.include_estimated, follower=follower,
                  leader=leader, draws=draws, tune=draws, chains=2, seed=seed)
    if spec.benchmark == POOLED:  # each distinct current evaluation once (no index beside its own components)
        from model.data.catalog import distinct_benchmarks

        return FitSettings(benchmarks=distinct_benchmarks(ds.benchmarks), pooling="partial", **common)
    return FitSettings(benchmarks=[spec.benchmark], model=spec.model, **common)


def run_spec(spec: Spec, draws: int = 500, seed: int = 1, dataset=None) -> dict:
    """Fit one specification; returns the summary row plus the choices (or the reason it could not be fitted).
    ``dataset``: the loaded data (a Dask worker gets it from the client), else the embedded data."""
    from model.analysis import run_analysis

    row = asdict(spec)
    ds = dataset if dataset is not None else _dataset(spec.source, spec.include_estimated)
    settings = spec_settings(spec, ds, draws, seed)
    t0 = time.perf_counter()
    try:
        summary = run_analysis(ds, settings).summary
    except DataError as exc:
        return {**row, "fitted": False, "note": str(exc)[:200]}
    pick = summary[summary["benchmark"] == "population"] if spec.benchmark == POOLED else summary
    r = pick.iloc[0]
    return {**row, "fitted": True, "note": "", "seconds": time.perf_counter() - t0,
            **{k: r[k] for k in ("current_lag_median", "slope_median", "crossing_median", "crossing_lo90", "crossing_hi90",
                                 "p_cross_by_2026_12_31", "p_cross_by_2027_12_31", "p_never", "verdict", "n_obs")}}


def _progress(done: int, total: int, t0: float, stream=None) -> None:
    stream = stream or sys.stderr  # looked up at each call, so a redirected stderr gets the progress too
    elapsed = time.perf_counter() - t0
    eta = elapsed / done * (total - done) if done else float("nan")
    stream.write(f"\r[{done}/{total}] {elapsed:5.0f} s elapsed, ETA {eta:5.0f} s")
    stream.flush()
    if done == total:
        stream.write("\n")


def run_specs(specs: list[Spec], *, workers: int = 2, scheduler: str | None = None, draws: int = 500,
              progress: Callable[[int, int, float], None] | None = _progress) -> pd.DataFrame:
    """Fit every spec on the chosen executor: a local process pool (default) or a Dask scheduler address."""
    t0 = time.perf_counter()
    rows: list[dict] = []
    if scheduler:
        try:
            from distributed import Client, as_completed
        except ImportError:  # pragma: no cover - distributed is in requirements.txt
            raise DataError("The Dask executor needs the 'distributed' package.") from None
        check_reachable(scheduler)
        try:
            client = Client(scheduler, timeout=20)
        except OSError as exc:
            raise DataError(f"Could not reach the Dask scheduler at {scheduler} ({exc.__class__.__name__}).") from None
        with client:
            ship_project(client)
            data = {key: client.scatter(_dataset(*key), broadcast=True)
                    for key in dict.fromkeys((s.source, s.include_estimated) for s in specs)}
            futures = [client.submit(run_spec, s, draws, dataset=data[(s.source, s.include_estimated)], pure=False)
                       for s in specs]
            for fut in as_completed(futures):
                rows.append(fut.result())
                if progress:
                    progress(len(rows), len(specs), t0)
    elif workers <= 1:
        for spec in specs:
            rows.append(run_spec(spec, draws=draws))
            if progress:
                progress(len(rows), len(specs), t0)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn: each worker starts clean (no inherited sampler threads); it compiles each structure once.
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_spec, spec, draws) for spec in specs]
            for fut in as_completed(futures):
                rows.append(fut.result())
                if progress:
                    progress(len(rows), len(specs), t0)
    order = {s.label(): i for i, s in enumerate(specs)}
    table = pd.DataFrame(rows)
    table["_order"] = [order[Spec(**{c: r[c] for c in CHOICES}).label()] for r in rows]
    return table.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def choice_importance(table: pd.DataFrame, outcome: str = "p_cross_by_2027_12_31") -> pd.DataFrame:
    """Which single choice moves the answer most: the share of the outcome's variance explained by each choice
    on its own (eta squared of a one-way split), with the range of the group means."""
    fitted = table[table["fitted"]].copy()
    if fitted.empty:
        raise DataError("No specification could be fitted.")
    y = fitted[outcome].astype(float)
    total = float(((y - y.mean()) ** 2).sum()) or 1e-12
    rows = []
    for choice in CHOICES:
        if fitted[choice].nunique() < 2:
            continue
        means = fitted.groupby(choice)[outcome].mean()
        counts = fitted.groupby(choice)[outcome].size()
        between = float((counts * (means - y.mean()) ** 2).sum())
        rows.append({"choice": choice, "variance_share": between / total, "levels": int(len(means)),
                     "lowest": f"{means.idxmin()} ({means.min():.2f})", "highest": f"{means.idxmax()} ({means.max():.2f})"})
    if not rows:  # one specification, or every fitted one made the same choices
        raise DataError("No choice varies across the fitted specifications, so none can be ranked; add models, lag "
                        "definitions or benchmarks (or raise --max-specs).")
    return pd.DataFrame(rows).sort_values("variance_share", ascending=False).reset_index(drop=True)


def headline(table: pd.DataFrame) -> dict:
    """The multiverse in a few numbers: how many fitted, shares crossing by 2026 and 2027, median P(never)."""
    fitted = table[table["fitted"]]
    return {"specs": len(table), "fitted": len(fitted),
            "share_p2026_over_half": float((fitted["p_cross_by_2026_12_31"] > 0.5).mean()) if len(fitted) else float("nan"),
            "share_p2027_over_half": float((fitted["p_cross_by_2027_12_31"] > 0.5).mean()) if len(fitted) else float("nan"),
            "median_p_never": float(fitted["p_never"].median()) if len(fitted) else float("nan")}


#: Columns a multiverse table needs (what the CLI writes), and the probabilities among them.
TABLE_PROBABILITIES = ("p_cross_by_2026_12_31", "p_cross_by_2027_12_31", "p_never")
TABLE_COLUMNS = (*CHOICES, "fitted", "crossing_median", *TABLE_PROBABILITIES)


def read_multiverse_table(data: bytes) -> pd.DataFrame:
    """A multiverse table from CSV bytes (``python -m model multiverse --out``), checked column by column.

    Missing columns, probabilities that are not numbers in [0, 1], and an unreadable file are one-line errors;
    the returned table is safe for every page that reads it (Multiverse, Report)."""
    from model.data.csv_upload import read_csv_bytes

    table = read_csv_bytes(data)
    if "lag_definition" not in table:  # tables written before the lag definition was a choice
        table["lag_definition"] = "backward"
    if "groups" not in table:  # tables written before the groups were a choice
        table["groups"] = "open_vs_closed"
    missing = sorted(set(TABLE_COLUMNS) - set(table.columns))
    if missing:
        raise DataError("Not a multiverse table: missing " + ", ".join(missing)[:200] + ".")
    table = table[list(TABLE_COLUMNS)].copy()
    table["fitted"] = table["fitted"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    for col in TABLE_PROBABILITIES:
        values = pd.to_numeric(table[col], errors="coerce")
        bad = table["fitted"] & (values.isna() | (values < 0) | (values > 1))
        if bad.any():
            rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad.to_numpy())[:5])
            raise DataError(f"Not a multiverse table: {col} is not a probability in row(s) {rows}.")
        table[col] = values
    dates = pd.to_datetime(table["crossing_median"], errors="coerce")
    table["crossing_median"] = dates.dt.strftime("%Y-%m-%d").where(dates.notna(), None)
    if not table["fitted"].any():
        raise DataError("Not a multiverse table: no specification is marked fitted.")
    return table
