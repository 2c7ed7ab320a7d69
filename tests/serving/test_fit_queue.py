"""The fit worker pool: results equal the in-process fit path; the queue shares, caps, reports and cancels.

Real worker processes (spawned, as the server does), real fits on the fast engine."""

import concurrent.futures

import pytest

from model.analysis import FitSettings, run_analysis
from model.core.errors import DataError
from model.serving.fit_queue import PER_SESSION, FitQueue, JobStatus, workers_from_env

EMBEDDED = ("embedded", "aa", True, True)


@pytest.fixture(scope="module")
def queue():
    q = FitQueue(workers=1)
    yield q
    q.shutdown()


def settings(seed: int, bench: str = "gpqa") -> FitSettings:
    return FitSettings(benchmarks=[bench], draws=250, chains=2, seed=seed)


def test_a_worker_fit_equals_the_same_fit_in_process(queue, aa):
    s = settings(3)
    job = queue.submit("a", "k3", EMBEDDED, s.to_json(), persist=False)
    result = job.future.result(timeout=180)
    here = run_analysis(aa, s)
    assert result.summary.drop(columns=["engine"]).equals(here.summary.drop(columns=["engine"]))
    assert queue.status(job) == JobStatus("done", 0)
    upload = queue.submit("a", "k-upload", aa, s.to_json(), persist=False)  # an upload travels with its job
    assert upload.future.result(timeout=180).summary.equals(result.summary)


def test_the_queue_shares_jobs_reports_positions_caps_sessions_and_cancels():
    q = FitQueue(workers=1, start=False)  # holds its jobs until started, so the queue can be looked at
    try:
        first = q.submit("a", "k10", EMBEDDED, settings(10, "hle").to_json(), persist=False)
        second = q.submit("b", "k11", EMBEDDED, settings(11).to_json(), persist=False)
        third = q.submit("c", "k12", EMBEDDED, settings(12).to_json(), persist=False)
        assert q.submit("d", "k12", EMBEDDED, settings(12).to_json(), persist=False) is third  # same fit: one job
        assert [q.status(j).ahead for j in (first, second, third)] == [0, 1, 2] and q.waiting() == 3
        assert q.status(third).describe() == "In the queue: 2 fit(s) ahead of yours"
        assert PER_SESSION == 1
        replacement = q.submit("b", "k13", EMBEDDED, settings(13).to_json(), persist=False)  # b moved a slider
        assert second.state == "cancelled" and second.future.cancelled()
        assert q.status(replacement).ahead == 2  # behind first and third; b's old place is gone
        q.leave("c", third)
        assert third.state == "waiting"  # d still waits for it
        q.leave("d", third)
        assert third.state == "cancelled" and q.waiting() == 2  # nobody waits any more: dropped before it starts
        q.start()
        done, _ = concurrent.futures.wait([first.future, replacement.future], timeout=300)
        assert len(done) == 2 and replacement.future.result().summary.iloc[0]["seed"] == 13
        assert q.status(first) == JobStatus("done", 0)
    finally:
        q.shutdown()


def test_a_bad_fit_comes_back_as_its_one_line_error(queue):
    job = queue.submit("a", "bad", EMBEDDED, FitSettings(benchmarks=["no_such_benchmark"]).to_json(), persist=False)
    with pytest.raises(DataError, match="Unknown benchmark"):
        job.future.result(timeout=180)
    assert queue.status(job).state == "failed"


def test_worker_count_from_the_environment(monkeypatch):
    for text, n in (("", 1), ("0", 0), ("2", 2), ("-3", 0), ("many", 1)):
        monkeypatch.setenv("FRONTIER_LAG_FIT_WORKERS", text)
        assert workers_from_env() == n
