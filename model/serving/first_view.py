"""The answer a first visitor sees, precomputed: the stacked fit of the headline benchmark under the default settings,
and the Pooled page's default fit (the population across the distinct evaluations).

Fitting four models with leave-future-out stacking takes seconds warm and half a minute on a fresh server, too long
for the first ten seconds of a visit. ``python -m model.serving.first_view`` fits it once and writes
``data/first_view.json`` (atomically) with the settings, the data hash and the summary rows; the Answer page shows it
when the data and the settings are still the ones it was computed from, and fits live otherwise. A test keeps the
shipped file in step with the embedded data (same hash, same default settings).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pandas as pd

from model.analysis import STACKED, FitSettings, run_analysis
from model.core.files import write_atomic
from model.core.paths import DATA_DIR
from model.data.dataset import Dataset
from model.data.embedded import load_embedded
from model.presentation.readings import stacked_members_table
from model.serving.warmup import default_pooled_settings

FIRST_VIEW_FILE = DATA_DIR / "first_view.json"


def first_view_settings() -> FitSettings:
    """The settings of the precomputed answer: the app's defaults, stacked across the four models, on the answer's
    declared window (:data:`model.robustness.windows.ANSWER_START`)."""
    from model.robustness.windows import ANSWER_START

    return FitSettings(model=STACKED, start=ANSWER_START)


def build_first_view(ds: Dataset, settings: FitSettings | None = None) -> dict:
    """Fit the answer and return it as a JSON-ready record."""
    settings = settings or first_view_settings()
    result = run_analysis(ds, settings)
    fit = next(iter(result.fits.values()))
    linear = run_analysis(ds, settings.model_copy(update={"model": "linear"}))
    pooled_settings = default_pooled_settings(ds, settings.source)
    pooled = run_analysis(ds, pooled_settings).summary.set_index("benchmark").loc["population"]
    from model.robustness.windows import window_sensitivity

    sensitivity = window_sensitivity(ds, settings)
    from model.robustness.yardsticks import yardstick_table

    yardsticks = yardstick_table({"aa": ds, "epoch": load_embedded("epoch")}, settings)
    multiverse, backtest = answer_robustness(ds, settings)
    from model.bayes.stacking import STACKING_METHOD

    return {"settings": json.loads(settings.to_json()), "data_hash": ds.content_hash, "stacking": STACKING_METHOD,
            "computed": dt.date.today().isoformat(),
            STACKED: json.loads(result.summary.iloc[0].to_json(date_format="iso")),
            "linear": json.loads(linear.summary.iloc[0].to_json(date_format="iso")),
            "members": stacked_members_table(fit).to_dict(orient="records"),
            "pooled_settings": json.loads(pooled_settings.to_json()),
            "pooled": json.loads(pooled.to_json(date_format="iso")),
            "sensitivity": json.loads(sensitivity.to_json(orient="records", date_format="iso")),
            "yardsticks": json.loads(yardsticks.to_json(orient="records", date_format="iso")),
            "multiverse": json.loads(multiverse.to_json(orient="records", date_format="iso")),
            "backtest": json.loads(backtest.to_json(orient="records", date_format="iso"))}


#: "How sure?" for the answer itself: the multiverse sample and the backtest methods precomputed with it.
ANSWER_MULTIVERSE_SPECS = 48
ANSWER_BACKTEST_METHODS = ("ols", "linear", "changepoint", STACKED)


def answer_robustness(ds: Dataset, settings: FitSettings):
    """The answer's own robustness checks: a fixed-seed sample of the multiverse of its benchmark (every window start,
    observation kind, model, open definition and estimated-values choice) and the backtest of its benchmark with the
    least-squares line, the line, the break and the stacked answer (300 draws a fit)."""
    from model.robustness.backtest import backtest_benchmark
    from model.robustness.multiverse import enumerate_specs, run_specs

    bench = settings.benchmarks[0]
    specs = enumerate_specs([bench], pooled=False, max_specs=ANSWER_MULTIVERSE_SPECS, seed=0)
    multiverse = run_specs(specs, workers=1, draws=300, progress=None)
    backtest = backtest_benchmark(ds.scores, bench, benchmarks=ds.benchmarks, methods=ANSWER_BACKTEST_METHODS,
                                  settings=settings.model_copy(update={"draws": 300, "tune": 300, "chains": 2}))
    return multiverse, backtest


def load_answer_robustness(ds: Dataset, kind: str, path: Path = FIRST_VIEW_FILE) -> pd.DataFrame | None:
    """The precomputed multiverse or backtest (``kind``) of the answer, when computed from this data; else None."""
    record = _record_for(ds, path)
    if record is None or not record.get(kind):
        return None
    return pd.DataFrame(record[kind])


def _record_for(ds: Dataset, path: Path) -> dict | None:
    """The shipped record when it was computed from this data (same hash) by this stacking method, else None (missing
    or unreadable too)."""
    from model.bayes.stacking import STACKING_METHOD

    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = record.get("data_hash") == ds.content_hash and record.get("stacking") == STACKING_METHOD
    return record if same else None


def load_first_view(ds: Dataset, settings: FitSettings, path: Path = FIRST_VIEW_FILE) -> dict | None:
    """The precomputed answer when it was computed from this data and these settings, else None."""
    record = _record_for(ds, path)
    if record is None:
        return None
    stored = FitSettings.model_validate(record["settings"])
    return record if stored.cache_key() == settings.cache_key() else None


def load_first_pooled(ds: Dataset, shared: dict, path: Path = FIRST_VIEW_FILE) -> tuple[pd.Series, FitSettings] | None:
    """The precomputed pooled population row (the Pooled page's default fit) and its settings, when it was computed
    from this data and the page's ``shared`` settings (groups, lag definition, open definition, …) are the ones it used;
    else None."""
    record = _record_for(ds, path)
    if record is None or "pooled" not in record:
        return None
    stored = FitSettings.model_validate(record["pooled_settings"])
    if stored.model_copy(update=shared).cache_key() != stored.cache_key():
        return None
    return pd.Series(record["pooled"]), stored


def load_pooled_for(ds: Dataset, settings: FitSettings, path: Path = FIRST_VIEW_FILE) -> pd.Series | None:
    """The precomputed pooled population row when ``settings`` are exactly the ones it was computed with, on this
    data; else None. The Pooled page shows it while its own fit of the same settings runs."""
    shipped = load_first_pooled(ds, {}, path)
    if shipped is None or shipped[1].cache_key() != settings.cache_key():
        return None
    return shipped[0]


def as_row(record: dict, key: str) -> pd.Series:
    """A stored summary row as the Series the readings expect."""
    return pd.Series(record[key])


def main(argv: list[str] | None = None) -> int:
    """Write ``data/first_view.json`` from the embedded AA data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIRST_VIEW_FILE)
    args = parser.parse_args(argv)
    record = build_first_view(load_embedded("aa"))
    write_atomic(args.out, json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {record['stacked']['stack_weights']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
