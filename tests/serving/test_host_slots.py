"""The host's fit slots: fits from every app process on a host share them (one fit worker pool per host), and a
process that dies gives its slot back."""

import subprocess
import sys
import threading
import time

from model.serving.fit_queue import FitQueue
from model.serving.host_slots import HostSlots, slots_from_env

HOLD_A_SLOT = """
import sys, time
from model.serving.host_slots import HostSlots
fd = HostSlots(sys.argv[1], 1).try_take()
print("held" if fd is not None else "none", flush=True)
time.sleep(600)
"""


def test_slot_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("FRONTIER_LAG_HOST_FIT_SLOTS", "3")
    assert slots_from_env() == 3
    for bad in ("0", "-2", "two", ""):
        monkeypatch.setenv("FRONTIER_LAG_HOST_FIT_SLOTS", bad)
        assert slots_from_env(default=1) == 1


def test_a_slot_held_by_another_process_is_taken_and_freed_when_that_process_is_killed(tmp_path):
    slots = HostSlots(tmp_path, 1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_SLOT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert slots.taken() == 1
        assert slots.try_take() is None  # the host's only slot is the other process's
        with slots.held(give_up=lambda: True) as held:
            assert held is False  # told to give up while waiting: no slot, no wait
    finally:
        holder.kill()  # SIGKILL: no cleanup of its own runs
        holder.wait()
    with slots.held(give_up=lambda: False) as held:  # the kernel released the dead process's lock
        assert held is True
        assert slots.taken() == 1
    assert slots.taken() == 0


def test_two_app_processes_queues_never_run_more_fits_at_once_than_the_host_has_slots(tmp_path):
    """Two fit queues (each an app process's, each with its own worker process) share one slot: four jobs, two from
    each, submitted together, run one after another."""
    from tests.serving.queue_runners import record_interval

    log = tmp_path / "intervals"
    queues = [FitQueue(workers=1, runner=record_interval, host_slots=HostSlots(tmp_path, 1)) for _ in range(2)]
    try:
        jobs = [q.submit(f"s{i}{j}", f"k{i}{j}", str(log), f"q{i}", persist=False, client=f"c{i}{j}")
                for j in range(2) for i, q in enumerate(queues)]
        assert sorted(job.future.result(timeout=600) for job in jobs) == ["q0", "q0", "q1", "q1"]
    finally:
        for q in queues:
            q.shutdown()
    lines = (line.split() for line in log.read_text().splitlines())
    runs = sorted((float(start), float(end), name) for name, start, end in lines)
    assert {name for *_, name in runs} == {"q0", "q1"} and len(runs) == 4
    assert all(later[0] >= earlier[1] for earlier, later in zip(runs, runs[1:], strict=False)), runs


def test_a_holder_letting_go_leaves_the_slot_to_the_job_waiting_for_it(tmp_path):
    """The lock is not fair by itself (the holder that lets go would win it straight back, and the other process's
    readers would wait for minutes): letting go, a holder waits until the waiting job has the slot."""
    slots, order = HostSlots(tmp_path, 1), []

    def other():
        with slots.held(give_up=lambda: False):
            order.append("other")

    with slots.held(give_up=lambda: False):
        order.append("first")
        waiter = threading.Thread(target=other)
        waiter.start()
        while not slots.others_waiting():  # the other job is waiting for the slot
            time.sleep(0.01)
    with slots.held(give_up=lambda: False):  # the same holder, straight back for its next job
        order.append("second")
    waiter.join()
    assert order == ["first", "other", "second"]
    assert not slots.others_waiting() and slots.taken() == 0
