"""The multiverse: enumeration, fitting on each executor (in-process, processes, Dask on loopback), importance."""


import pandas as pd
import pytest

from model.robustness.multiverse import CHOICES, POOLED, Spec, choice_importance, enumerate_specs, headline, run_spec, run_specs
from tests.cli.in_process import run_cli

pytestmark = pytest.mark.slow


def test_enumeration_counts_and_subsample():
    specs = enumerate_specs(["intelligence_index", "gpqa"], pooled=True)
    ii = [s for s in specs if s.benchmark == "intelligence_index"]
    assert len(ii) == 9 * 2 * 4 * 2 * 2  # starts x observations x models x open definitions x estimated in/out
    assert {s.source for s in specs if s.benchmark in ("gpqa", "epoch_gpqa_diamond")} == {"aa", "epoch"}
    assert {s.include_estimated for s in specs if s.benchmark == "gpqa"} == {True}
    assert len([s for s in specs if s.benchmark == POOLED]) == 9 * 2 * 2 * 2
    sub = enumerate_specs(["intelligence_index"], max_specs=10, seed=3)
    assert len(sub) == 10 and sub == enumerate_specs(["intelligence_index"], max_specs=10, seed=3)


def test_run_spec_reports_unfittable_specs():
    row = run_spec(Spec("intelligence_index", "2026-07-01", "events", "linear", "any", True, "aa"), draws=100)
    assert row["fitted"] is False and "at least 3" in row["note"]


def small_specs():
    return [Spec("intelligence_index_2026_06_15", s, o, m, "any", True, "aa")
            for s, o, m in [("2024-01-01", "events", "linear"), ("2025-01-01", "events", "linear"),
                            ("2024-01-01", "monthly", "constant"), ("2024-07-01", "monthly", "linear")]]


def test_in_process_and_importance():
    table = run_specs(small_specs(), workers=1, draws=150, progress=None)
    assert table["fitted"].all() and list(table["start"]) == [s.start for s in small_specs()]
    imp = choice_importance(table)
    assert set(imp["choice"]) <= set(CHOICES) and (imp["variance_share"] >= 0).all()
    assert 0 <= headline(table)["share_p2027_over_half"] <= 1


def test_dask_executor_on_a_loopback_local_cluster():
    from distributed import LocalCluster

    specs = small_specs()[:2]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = run_specs(specs, scheduler=cluster.scheduler_address, draws=150, progress=None)
    local = run_specs(specs, workers=1, draws=150, progress=None)
    cols = ["benchmark", "start", "crossing_median", "p_never"]
    pd.testing.assert_frame_equal(remote[cols], local[cols])  # same seed, same answer, whatever the executor


def test_process_pool_executor_runs_and_keeps_order():
    # Specs that stop before any compile: this checks the spawn pool's plumbing cheaply; fits are tested above.
    specs = [Spec("intelligence_index", "2026-08-01", o, "linear", d, True, "aa") for o in ("events", "monthly")
             for d in ("any", "permissive")]
    table = run_specs(specs, workers=2, draws=100, progress=None)
    assert len(table) == 4 and not table["fitted"].any()
    assert list(zip(table["observations"], table["open_definition"], strict=True)) == [
        (s.observations, s.open_definition) for s in specs]


def test_cli_multiverse(tmp_path):
    out = tmp_path / "specs.csv"
    r = run_cli("multiverse", "--benchmark", "intelligence_index_2026_06_15", "--no-pooled", "--models", "linear",
                "--max-specs", "3", "--workers", "1", "--draws", "150", "--out", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ETA" in r.stderr and "variance_share" in r.stdout
    assert len(pd.read_csv(out)) == 3
    described = pd.read_csv(tmp_path / "specs.dictionary.csv")  # every column described, beside the table
    assert list(described["column"]) == list(pd.read_csv(out).columns)
    bad = run_cli("multiverse", "--benchmark", "nope")
    assert bad.returncode == 2 and "Unknown benchmark 'nope'" in bad.stderr
    unreachable = run_cli("multiverse", "--benchmark", "gpqa", "--max-specs", "1", "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 2 and "Could not reach the Dask scheduler" in unreachable.stderr


def test_lag_definitions_are_a_choice_only_when_asked_for():
    from model.robustness.multiverse import enumerate_specs

    plain = enumerate_specs(["intelligence_index_2026_06_15"], pooled=False)
    assert {s.lag_definition for s in plain} == {"backward"}
    both = enumerate_specs(["intelligence_index_2026_06_15"], pooled=False, lag_definitions=("backward", "catch_up"))
    extra = [s for s in both if s.lag_definition == "catch_up"]
    assert extra and all(s.observations == "events" for s in extra)  # event observations only
    assert len(both) == len(plain) + len(plain) // 2


def test_groups_are_a_choice_only_when_asked():
    from model.cli import main
    from model.robustness.multiverse import enumerate_specs

    one = enumerate_specs(["gpqa"], pooled=False)
    two = enumerate_specs(["gpqa"], pooled=False, groups=("open_vs_closed", "china_open_vs_us_closed"))
    assert len(two) == 2 * len(one) and {s.groups for s in one} == {"open_vs_closed"}
    with pytest.raises(SystemExit) as refused:  # refused while the arguments are read, before any work
        main(["multiverse", "--benchmark", "gpqa", "--groups-choices", "martians"])
    assert refused.value.code == 2


def test_one_specification_has_nothing_to_rank_and_the_cli_still_writes_its_table(tmp_path, monkeypatch):
    """One fitted specification (``--max-specs 1``): no choice varies, so none is ranked. Before, the CLI fitted it and
    then failed with a bare ``KeyError: 'variance_share'`` without writing the table, and the Report page broke."""
    import model.robustness.multiverse as multiverse
    from model.core.errors import DataError

    spec = small_specs()[0]
    one = pd.DataFrame([{**{c: getattr(spec, c) for c in CHOICES}, "fitted": True, "crossing_median": 2.0,
                         "p_cross_by_2026_12_31": 0.2, "p_cross_by_2027_12_31": 0.6, "p_never": 0.1}])
    with pytest.raises(DataError, match="No choice varies across the fitted specifications"):
        choice_importance(one)
    monkeypatch.setattr(multiverse, "run_specs", lambda specs, **kw: one)
    out = tmp_path / "one.csv"
    r = run_cli("multiverse", "--benchmark", "gpqa", "--models", "linear", "--max-specs", "1", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "note: No choice varies" in r.stderr and len(pd.read_csv(out)) == 1
