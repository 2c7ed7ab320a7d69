"""Per-benchmark coverage of a dataset: how many open and closed models, over which dates."""

from __future__ import annotations

import pandas as pd

from model.data.catalog import ITEM_COUNTS
from model.data.openness import open_groups


def coverage_table(scores: pd.DataFrame, benchmarks: pd.DataFrame | None = None, open_definition: str = "any") -> pd.DataFrame:
    """One row per benchmark: open/closed counts, first and last release, estimated values."""
    g = open_groups(scores, open_definition)
    df = scores.assign(group=g.to_numpy())
    out = df.groupby("benchmark").agg(
        n_open=("group", lambda s: int((s == "open").sum())),
        n_closed=("group", lambda s: int((s == "closed").sum())),
        n_excluded=("group", lambda s: int((s == "excluded").sum())),
        first_release=("release_date", "min"),
        last_release=("release_date", "max"),
        n_estimated=("is_estimated", "sum"),
    )
    first_open = df[df["group"] == "open"].groupby("benchmark")["release_date"].min().rename("first_open_release")
    out = out.join(first_open)
    out["usable"] = (out["n_open"] > 0) & (out["n_closed"] > 0)
    out = out.reset_index()
    if benchmarks is not None:
        meta = benchmarks[["benchmark", "display_name", "category"]]
        out = meta.merge(out, on="benchmark", how="right")
    for c in ("first_release", "last_release", "first_open_release"):
        out[c] = pd.to_datetime(out[c]).dt.date
    out["n_estimated"] = out["n_estimated"].astype(int)
    # Scores with a standard error, and where it comes from: the data's own, binomial from the item count, or none.
    n_data = scores.assign(has=scores["score_se"].notna() if "score_se" in scores else False).groupby("benchmark")["has"].sum()
    n_data = out["benchmark"].map(n_data).fillna(0).astype(int)
    binomial = out["benchmark"].isin(list(ITEM_COUNTS))
    n_rows = out["n_open"] + out["n_closed"] + out["n_excluded"]
    out["n_with_se"] = n_rows.where(binomial, n_data).astype(int)
    out["score_se"] = [
        ", ".join(filter(None, [f"data ({d} of {n})" if d else "", f"binomial, {ITEM_COUNTS[b][0]} items" if b in ITEM_COUNTS
                                and d < n else ""])) or "none"
        for b, d, n in zip(out["benchmark"], n_data, n_rows, strict=True)]
    if "epoch_eci" in set(out["benchmark"]):  # ECI's errors: Epoch's published intervals, some imputed (build)
        from model.data.catalog import eci_standard_error_sources

        c = eci_standard_error_sources()
        measured = int(c.get("epoch_interval_version", 0) + c.get("epoch_interval_model", 0))
        out.loc[out["benchmark"] == "epoch_eci", "score_se"] = (
            f"Epoch's 90% intervals: {measured} measured, {int(c.get('anchor', 0))} scale anchors (exact), "
            f"{int(c.get('imputed_period_median', 0))} imputed (period median)")
    return out
