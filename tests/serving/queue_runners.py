"""Job functions for the fit-queue tests, importable by the queue's spawned worker processes."""

import os
import signal
import time


def pause_then_echo(seconds, settings_json: str, persist: bool) -> str:
    """Wait ``seconds`` (the job's data), then give back the settings: a fit's stand-in."""
    time.sleep(seconds)
    return settings_json


def stop_self(pid_file, settings_json: str, persist: bool) -> str:
    """Write this worker's pid, then stop it (SIGSTOP), as an operator's mistake or a swapped-out machine would."""
    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGSTOP)
    return settings_json


def sleep_forever(pid_file, settings_json: str, persist: bool) -> str:
    """Write this worker's pid, then never answer (a hung fit: the process runs but sends nothing back)."""
    with open(pid_file, "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(60)


def record_interval(log_file, settings_json: str, persist: bool) -> str:
    """Append when this job started and ended (a short fit's stand-in) to ``log_file``: the host-slot test reads back
    whether two jobs ever ran at once."""
    start = time.time()
    time.sleep(0.3)
    with open(log_file, "a") as f:
        f.write(f"{settings_json} {start!r} {time.time()!r}\n")
    return settings_json
