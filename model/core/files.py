"""Writing files safely: complete or not at all.

Every file the CLI or the app writes goes to a temporary file in the same folder and is renamed into
place (``os.replace``, atomic on POSIX) only when complete: a failed write leaves the previous file intact
and no partial file behind, and two writers never interleave. Writing over an input is refused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from model.core.errors import DataError


def refuse_overwriting_inputs(out: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """A one-line error when ``out`` is one of the inputs (the same file, however it is named)."""
    out = Path(out)
    for given in inputs:
        if given and out.exists() and Path(given).exists() and os.path.samefile(out, given):
            raise DataError(f"Refusing to write over the input file {given}; choose another --out.")


def write_atomic_with(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path`` atomically."""
    data = content.encode("utf-8") if isinstance(content, str) else content

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    return write_atomic_with(path, write)
