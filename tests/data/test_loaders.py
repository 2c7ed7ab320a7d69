"""Loaders on real files, the validation messages, and the never-modify-an-upload invariant."""

import hashlib
import io
import zipfile

import pandas as pd
import pytest

from model.core.errors import DataError
from model.data.aa_api import load_aa_api
from model.data.aa_page import load_aa_page
from model.data.coverage import coverage_table
from model.data.csv_upload import csv_template, load_user_csv, read_csv_bytes
from model.data.embedded import load_embedded
from model.data.epoch_export import load_epoch_export, normalise_version
from model.data.openness import apply_overrides, licence_class, load_overrides, open_groups
from model.data.schema import SCORE_COLUMNS
from model.data.validation import validate_scores
from tests.conftest import FIXTURES


def test_embedded_aa_meets_coverage(aa):
    cov = coverage_table(aa.scores, aa.benchmarks)
    assert aa.scores["model_id"].nunique() >= 600
    usable = cov[(cov["n_open"] > 0) & (cov["n_closed"] > 0)]
    assert len(usable) >= 20
    assert list(aa.scores.columns) == SCORE_COLUMNS
    assert {"intelligence_index", "intelligence_index_2026_06_15", "coding_index", "gpqa", "mmlu_pro",
            "aime_25"} <= set(usable["benchmark"])
    # Estimated values are marked and only on the index.
    est = aa.scores[aa.scores["is_estimated"]]
    assert set(est["benchmark"]) <= {"intelligence_index", "intelligence_index_2026_06_15"}
    assert (est["benchmark"] == "intelligence_index").sum() > 400


def test_embedded_epoch_meets_coverage(epoch):
    cov = coverage_table(epoch.scores, epoch.benchmarks)
    assert (cov["usable"]).sum() >= 8
    assert {"epoch_eci", "epoch_gpqa_diamond", "epoch_frontiermath", "epoch_otis_mock_aime_2024_2025"} <= set(cov["benchmark"])
    assert set(epoch.scores["source"]) == {"epoch"}


def test_benchmark_metadata_is_complete(aa, epoch):
    for ds in (aa, epoch):
        b = ds.benchmarks
        assert set(ds.scores["benchmark"]) == set(b["benchmark"])
        assert b["display_name"].str.len().min() > 0
        assert b["category"].isin(["composite", "coding", "math", "reasoning", "knowledge", "agentic", "long-context",
                                   "instruction-following", "multimodal", "other"]).all()
    assert "2026-06-16" in aa.benchmarks.set_index("benchmark").at["intelligence_index", "caveats"]


def test_exclude_estimated_drops_only_estimated():
    full, lean = load_embedded("aa"), load_embedded("aa", include_estimated=False)
    assert len(full.scores) - len(lean.scores) == int(full.scores["is_estimated"].sum())


def test_shipped_override_relabels_grok2(aa):
    raw = load_embedded("aa", corrections=False)
    grok = "291a510a-dcc0-40df-8a80-b3aa31900a6c"
    assert raw.scores.loc[raw.scores["model_id"] == grok, "open_weights"].all()
    assert not aa.scores.loc[aa.scores["model_id"] == grok, "open_weights"].any()
    assert any("corrections" in n for n in aa.notices)
    assert len(load_overrides()) >= 1


def test_aa_page_payload_loader():
    ds = load_aa_page(FIXTURES / "aa_page_sample.json")
    assert ds.scores["open_weights"].any() and (~ds.scores["open_weights"]).any()
    assert "gpqa" in set(ds.scores["benchmark"])
    assert ds.snapshot_date == "2026-08-22" or ds.scores["snapshot_date"].max() == pd.Timestamp("2026-08-22")


def test_aa_api_loader_joins_open_flag_by_id(aa):
    ds = load_aa_api(FIXTURES / "aa_api_sample.json", snapshot="2026-07-31")
    assert {"livecodebench", "gpqa"} & set(ds.scores["benchmark"])
    # Every API row's open flag equals the embedded flag for the same id.
    flags = aa.scores.drop_duplicates("model_id").set_index("model_id")["open_weights"]
    joined = ds.scores.drop_duplicates("model_id").set_index("model_id")["open_weights"]
    assert (flags.reindex(joined.index) == joined).all()


def test_aa_api_unknown_models_are_reported():
    lookup = pd.DataFrame({"model_id": ["nope"], "open_weights": [True], "openness": ["MIT"]})
    with pytest.raises(DataError, match="open/closed status"):
        load_aa_api(FIXTURES / "aa_api_sample.json", open_lookup=lookup)


def test_epoch_export_zip_and_folder(tmp_path):
    data = (FIXTURES / "epoch_sample.zip").read_bytes()
    ds = load_epoch_export(data)
    assert {"epoch_eci", "epoch_gpqa_diamond"} <= set(ds.scores["benchmark"])
    assert any("no open/closed label" in line for line in ds.report.lines())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path)
    ds2 = load_epoch_export(tmp_path)
    pd.testing.assert_frame_equal(ds.scores, ds2.scores)


def test_epoch_newer_layout_with_model_metadata(tmp_path):
    pd.DataFrame({"model_version": ["a-1", "b-1", "c-1_high"], "display_name": ["A", "B", "C"], "organization": ["X", "Y", "Z"],
                  "date": ["2025-01-01", "2025-02-01", "2025-03-01"],
                  "accessibility": ["API access", "Open weights (unrestricted)", "Open weights (restricted use)"]}
                 ).to_csv(tmp_path / "model_metadata.csv", index=False)
    pd.DataFrame({"Model version": ["a-1", "b-1", "c-1_high"], "mean_score": [0.5, 0.4, 0.6],
                  "Release date": ["2025-01-01", "2025-02-01", "2025-03-01"]}).to_csv(tmp_path / "gpqa_diamond.csv", index=False)
    ds = load_epoch_export(tmp_path)
    assert ds.scores.set_index("model_name")["open_weights"].to_dict() == {"A": False, "B": True, "C": True}


def test_normalise_version():
    assert normalise_version("openai/gpt-5_high") == normalise_version("gpt-5")
    assert normalise_version("claude-3-5-sonnet-20241022") == normalise_version("claude-3-5-sonnet")


def test_user_csv_long_and_template_roundtrip():
    ds = load_user_csv(csv_template().encode())
    assert len(ds.scores) == 3 and set(ds.scores["benchmark"]) == {"my_benchmark"}


def test_user_csv_wide_format():
    text = ("model_name,release_date,open_weights,bench_a,bench_b\n"
            "A,2024-01-01,no,0.5,\nB,2024-06-01,yes,0.4,0.3\nC,2024-07-01,false,,0.6\n")
    ds = load_user_csv(text.encode())
    assert sorted(ds.scores["benchmark"].unique()) == ["bench_a", "bench_b"]
    assert len(ds.scores) == 4
    assert any("wide format" in line for line in ds.report.lines())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("model_name,release_date,open_weights,benchmark,score\n", "header but no data rows"),
        ("model_name,release_date,benchmark,score\nA,2024-01-01,b,1\n", "Missing required column(s): open_weights"),
        ("model_name,release_date,open_weights,benchmark,score\nA,not a date,true,b,1\n",
         "release_date, row 1: date is missing or not a date"),
        ("model_name,release_date,open_weights,benchmark,score\nA,2024-01-01,maybe,b,1\n", "open_weights, row 1: open flag"),
        ("model_name,release_date,open_weights,benchmark,score\nA,2024-01-01,true,b,abc\n",
         "score, row 1: score is missing or not a number"),
        ("model_name,release_date,open_weights,benchmark,score\nA,2999-01-01,true,b,1\n", "date is in the future"),
        ("model_name,release_date,open_weights,benchmark,score\nA,2024-02-30,true,b,1\n", "not a date"),
    ],
)
def test_bad_inputs_give_clear_messages(text, message):
    with pytest.raises(DataError) as info:
        load_user_csv(text.encode())
    assert message in str(info.value)


def test_bad_rows_are_reported_not_silently_dropped():
    text = ("model_name,release_date,open_weights,benchmark,score\n"
            "A,2024-01-01,false,b,0.5\nB,2024-02-01,true,b,oops\nC,2024-03-01,true,b,0.4\nC,2024-03-01,true,b,0.45\n"
            "D,2024-04-01,true,,0.4\nE,2024-05-01,true,b,inf\n")
    ds = load_user_csv(text.encode())
    lines = "\n".join(ds.report.lines())
    assert "score, row 2" in lines and "benchmark, row 5" in lines and "score, row 6: score is infinite" in lines
    assert "1 duplicate row(s)" in lines
    assert ds.report.n_input_rows == 6 and ds.report.n_valid_rows == 2
    assert ds.scores.set_index("model_name").at["C", "score"] == 0.45


def test_model_marked_open_and_closed_is_an_error():
    text = ("model_name,release_date,open_weights,benchmark,score\nA,2024-01-01,false,b,0.5\nA,2024-01-01,true,c,0.5\n"
            "B,2024-01-01,true,b,0.5\n")
    ds = load_user_csv(text.encode())
    assert "both open and closed" in "\n".join(ds.report.lines())
    assert "A" not in set(ds.scores["model_name"])


def test_non_iso_dates_are_repaired_with_notice():
    text = "model_name,release_date,open_weights,benchmark,score\nA,2024/01/05,false,b,0.5\nB,\"Mar 3, 2024\",true,b,0.4\n"
    ds = load_user_csv(text.encode())
    assert list(ds.scores["release_date"].dt.strftime("%Y-%m-%d")) == ["2024-01-05", "2024-03-03"]
    assert "[repair] release_date" in "\n".join(ds.report.lines())


def test_encodings_and_delimiters():
    text = "model_name;release_date;open_weights;benchmark;score\nÉcole;2024-01-01;false;b;0.5\nB;2024-02-01;true;b;0.4\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-16"), text.encode("latin-1")):
        ds = load_user_csv(data)
        assert "École" in set(ds.scores["model_name"])


def test_binary_file_is_refused():
    with pytest.raises(DataError, match="not a text CSV"):
        read_csv_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")


def test_upload_is_never_modified():
    data = bytearray(b"model_name,release_date,open_weights,benchmark,score\nA,2024-01-01,no,b,0.5\nB,2024-02-01,yes,b,0.4\n")
    before = hashlib.sha256(data).hexdigest()
    load_user_csv(bytes(data))
    assert hashlib.sha256(data).hexdigest() == before
    raw = pd.DataFrame({"model_name": [" A ", "B"], "release_date": ["2024-01-01", "2024-02-01"], "open_weights": ["no", "yes"],
                        "benchmark": ["b", "b"], "score": ["0.5", "0.4"]})
    snapshot = raw.copy(deep=True)
    validate_scores(raw)
    pd.testing.assert_frame_equal(raw, snapshot)


def test_fixture_files_are_not_modified_by_loaders():
    paths = [FIXTURES / "aa_page_sample.json", FIXTURES / "aa_api_sample.json", FIXTURES / "epoch_sample.zip"]
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    load_aa_page(paths[0]); load_aa_api(paths[1]); load_epoch_export(paths[2])  # noqa: E702
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths] == before


def test_open_definitions_and_licences(aa):
    assert licence_class("Apache 2.0") == "permissive"
    assert licence_class("MIT") == "permissive"
    assert licence_class("Modified MIT License") == "restricted"
    assert licence_class("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT") == "restricted"
    assert licence_class("CC-BY-NC 4.0 License with Acceptable Use Addendum") == "non_commercial"
    assert licence_class("Open weights (unrestricted)") == "permissive"
    assert licence_class("Open weights (non-commercial)") == "non_commercial"
    g_any, g_perm = open_groups(aa.scores, "any"), open_groups(aa.scores, "permissive")
    assert (g_any == "closed").equals(g_perm == "closed")
    assert (g_perm == "open").sum() < (g_any == "open").sum()
    assert (g_perm == "excluded").sum() > 0
    with pytest.raises(DataError):
        open_groups(aa.scores, "nonsense")


def test_user_overrides_apply_to_a_copy(aa):
    mid = aa.scores["model_id"].iloc[0]
    before = aa.scores.copy()
    out, changed = apply_overrides(aa.scores, pd.DataFrame({"model_id": [mid],
                                                            "open_weights": [not aa.scores["open_weights"].iloc[0]]}))
    assert changed >= 1
    pd.testing.assert_frame_equal(aa.scores, before)
    assert out.loc[out["model_id"] == mid, "open_weights"].nunique() == 1


def test_pooling_defaults_count_each_evaluation_once(aa):
    from model.data.catalog import distinct_benchmarks
    from model.data.embedded import load_embedded

    names = distinct_benchmarks(aa.benchmarks)
    assert "gpqa" in names and "hle" in names
    assert not any("index" in n for n in names)  # no composite beside its own components, no index version thrice
    assert not any("(legacy)" in t for t in aa.benchmarks.set_index("benchmark").loc[names, "display_name"])
    epoch = distinct_benchmarks(load_embedded("epoch").benchmarks)
    assert "epoch_eci" not in epoch and "epoch_training_compute" not in epoch and "epoch_gpqa_diamond" in epoch


def test_the_pooled_default_leaves_out_benchmarks_too_thin_to_pool(aa):
    from model.robustness.windows import MIN_POOLED_LAGS as MIN_DEFAULT_POOLED_LAGS
    from model.serving.warmup import default_pooled_settings

    settings = default_pooled_settings(aa)
    assert "apex_agents" not in settings.benchmarks and len(settings.benchmarks) >= 10  # 4 lags: its noise diverged
    assert MIN_DEFAULT_POOLED_LAGS >= 5
