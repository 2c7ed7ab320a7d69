"""Fit slots shared by every app process on one host: the host's fit workers act as one pool.

Why: behind the proxy each app process has its own fit workers (kept warm: compiled models, loaded data), so each
process added would add fits running at once, beside every process's page work. Here a fit worker takes one of the
host's :func:`slots_from_env` slots before its job starts and gives it back after, so the host runs at most that many
fits at once however many app processes serve it; each process's queue still chooses which of its jobs runs next (its
fair order is taken when a slot comes free). The default, one slot per core, keeps two processes on two cores as fast
for pooled fits as two separate pools; fewer slots favour the other readers' pages over the pooled fits (measured in
bench/README.md: with one slot on two cores, 12% more pages and half again as long a wait for a pooled fit).

A slot is an advisory lock (``flock``) on an empty file in the app's private cache folder: the kernel releases it when
its holder exits or is killed, so a crashed process never keeps a slot. A job waiting for a slot holds a shared lock on
one more file, so a holder letting go knows to leave the slot to it. Nothing is read from these files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: Seconds between tries while every slot is taken (only while a job waits for one), and at most how long a holder that
#: has just given its slot back waits for a waiting job to take it (the lock itself is not fair: without the pause the
#: process that let go wins the next slot again, and the other process's readers wait for minutes).
POLL_SECONDS, HANDOFF_SECONDS = 0.05, 2.0


def slots_from_env(default: int | None = None) -> int:
    """How many fits the host runs at once: FRONTIER_LAG_HOST_FIT_SLOTS (1 to 64), else one per core."""
    text = os.environ.get("FRONTIER_LAG_HOST_FIT_SLOTS", "").strip()
    if text.isdigit() and int(text) > 0:
        return min(int(text), 64)
    return default if default is not None else max(1, os.cpu_count() or 1)


class HostSlots:
    """``slots`` locks in ``folder``, shared by every process that opens the same folder."""

    def __init__(self, folder: Path, slots: int):
        self.folder, self.slots = Path(folder), max(1, int(slots))

    def try_take(self) -> int | None:
        """A free slot's open file (its descriptor, holding the lock), or None when every slot is taken."""
        for i in range(self.slots):
            fd = self._open(f"slot-{i}")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    @contextlib.contextmanager
    def held(self, give_up: Callable[[], bool]) -> Iterator[bool]:
        """Wait for a slot and hold it for the block (True), or False once ``give_up()`` says to stop waiting. Letting
        go while another job waits, leave it the slot (wait until it has taken one, at most :data:`HANDOFF_SECONDS`)."""
        fd = self.try_take()
        if fd is None:
            with self._waiting():
                while fd is None:
                    if give_up():
                        yield False
                        return
                    time.sleep(POLL_SECONDS)
                    fd = self.try_take()
        try:
            yield True
        finally:
            os.close(fd)  # closing the file releases its lock
            ends = time.monotonic() + HANDOFF_SECONDS
            while self.others_waiting() and time.monotonic() < ends:  # a waiter lets go of "waiting" once it has a slot
                time.sleep(POLL_SECONDS / 5)

    @contextlib.contextmanager
    def _waiting(self) -> Iterator[None]:
        fd = self._open("waiting")
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def others_waiting(self) -> bool:
        """Does any job (in any process) wait for a slot?"""
        fd = self._open("waiting")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    def _open(self, name: str) -> int:
        return os.open(self.folder / name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)

    def taken(self) -> int:
        """How many slots are held right now (by any process)."""
        fds = []
        try:
            while (fd := self.try_take()) is not None:
                fds.append(fd)
            return self.slots - len(fds)
        finally:
            for fd in fds:
                os.close(fd)
