"""``python -m model ARGS`` run in the test's own process: ``model.cli.main`` with stdout and stderr captured, as the
module entry point calls it (tests/cli/test_cli.py keeps one real subprocess for the entry point itself). A subprocess
per call spent two to four seconds importing the library before each command."""

from __future__ import annotations

import contextlib
import io
import subprocess


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Exit code, stdout and stderr of the CLI on ``args`` (argparse's own exits included)."""
    from model.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return subprocess.CompletedProcess(["python", "-m", "model", *args], code, out.getvalue(), err.getvalue())
