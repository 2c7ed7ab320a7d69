"""Fit slots shared by every app process on one host: the host's fit workers act as one pool.

Why: behind the proxy each app process has its own fit workers (kept warm: compiled models, loaded data). Without a
limit shared between processes, two processes each starting a pooled fit put two fits (each sampling two chains at
once when NUTS takes over) on a two-core host beside both servers' page work, and every reader's page slows down. Here a
fit worker takes one of the host's :func:`slots_from_env` slots before its job starts and gives it back after, so the
host runs at most that many fits at once however many app processes serve it; each process's queue still chooses
which of its jobs runs next (its fair order is taken when a slot comes free).

A slot is an advisory lock (``flock``) on an empty file in the app's private cache folder: the kernel releases it when
its holder exits or is killed, so a crashed process never keeps a slot. Nothing is read from these files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: Seconds between tries while every slot is taken (only while a job waits for one).
POLL_SECONDS = 0.05


def slots_from_env(default: int | None = None) -> int:
    """How many fits the host runs at once: FRONTIER_LAG_HOST_FIT_SLOTS, else half the cores (a NUTS fit samples two
    chains at once), at least one."""
    text = os.environ.get("FRONTIER_LAG_HOST_FIT_SLOTS", "").strip()
    if text.isdigit() and int(text) > 0:
        return min(int(text), 64)
    return default if default is not None else max(1, (os.cpu_count() or 2) // 2)


class HostSlots:
    """``slots`` locks in ``folder``, shared by every process that opens the same folder."""

    def __init__(self, folder: Path, slots: int):
        self.folder, self.slots = Path(folder), max(1, int(slots))

    def try_take(self) -> int | None:
        """A free slot's open file (its descriptor, holding the lock), or None when every slot is taken."""
        for i in range(self.slots):
            fd = os.open(self.folder / f"slot-{i}", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    @contextlib.contextmanager
    def held(self, give_up: Callable[[], bool]) -> Iterator[bool]:
        """Wait for a slot and hold it for the block (True), or False once ``give_up()`` says to stop waiting."""
        fd = self.try_take()
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
