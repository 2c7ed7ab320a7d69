"""Outputs are complete or absent: a failed write keeps the previous file, writers never interleave, inputs are safe."""

import argparse
import errno
import subprocess
import sys

import pandas as pd
import pytest

from model.cli import main
from model.commands import write_summary
from model.core import files
from tests.conftest import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_full_disk_halfway_keeps_the_previous_file_and_leaves_no_partial_file(tmp_path, monkeypatch, capsys, suffix):
    out = tmp_path / f"lags{suffix}"
    out.write_text("the earlier good output\n")
    real_open = open

    class HalfThenFull:
        """A file that takes half of what is written, then fails as a full disk does."""

        def __init__(self, path, mode):
            self.f = real_open(path, mode)

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def flush(self):
            pass

        def fileno(self):
            return self.f.fileno()

    monkeypatch.setattr(files, "open", HalfThenFull, raising=False)
    if suffix == ".csv":
        code = main(["lags", "--benchmark", "gpqa", "--out", str(out)])
    else:  # the summary writer of `fit`, given a summary table
        args = argparse.Namespace(out=str(out), file=None, overrides=None, settings=None)
        try:
            code = write_summary(pd.DataFrame({"benchmark": ["gpqa"], "p_never": [0.1]}), args)
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            code = 2
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert out.read_text() == "the earlier good output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_two_writers_at_once_leave_one_complete_output(tmp_path):
    out = tmp_path / "lags.csv"
    expected = {b: run("lags", "--benchmark", b).stdout for b in ("gpqa", "hle")}
    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-m", "model", "lags", "--benchmark", b, "--out", str(out)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for b in ("gpqa", "hle")]
        assert all(p.wait(timeout=300) == 0 for p in procs)
        assert out.read_text() in expected.values()
        # the table and its data dictionary, each complete; no temporary file left behind
        assert sorted(p.name for p in tmp_path.iterdir()) == [out.name, "lags.dictionary.csv"]
        assert (tmp_path / "lags.dictionary.csv").read_text().startswith("column,meaning")


def test_writing_over_the_input_is_refused(tmp_path):
    source = tmp_path / "x.csv"
    body = "model_name,release_date,open_weights,benchmark,score\nA,2024-01-01,true,b,0.5\nB,2024-02-01,false,b,0.6\n"
    source.write_text(body)
    r = run("data", "--file", str(source), "--out", str(source))
    assert r.returncode == 2 and "Refusing to write over the input file" in r.stderr
    assert source.read_text() == body
