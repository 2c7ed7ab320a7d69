"""Cache files that only this installation could have written: nothing read back from disk runs unless the app wrote it.

The result store and the compiled-callback cache keep pickles (a pickle runs code when it is loaded). Each file is
*sealed*: an HMAC-SHA256 of its name and its bytes under a per-installation secret, kept outside the cache folder
(``$FRONTIER_LAG_SECRET_FILE``, else ``~/.config/frontier-lag/cache-secret``, mode 0600, created on first use). A file is
unpickled only when its seal verifies, so a file planted in the cache, a valid file copied under another name (two
callbacks swapped, a result moved to another key) or a damaged one is dropped unread, and the caller recomputes.

The secret and the cache folders must belong to the user running the app and be writable by nobody else
(:func:`private_folder`); a cache root that is not is refused with one line, and the app runs on a private temporary
folder instead (nothing persists, nothing foreign is read).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

#: The first bytes of a sealed file (a pickle starts with 0x80: an old unsealed file is never mistaken for one).
MAGIC = b"FLSEAL1\n"
_DIGEST = 32


class UnsafeFolder(Exception):
    """A folder (or the secret) is not this user's own: owned by another user, or writable by group or others."""


def check_private(path: Path) -> None:
    """Raise :class:`UnsafeFolder` unless ``path`` is owned by this user and not writable by group or others."""
    info = path.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UnsafeFolder(f"{path} belongs to another user (uid {info.st_uid})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeFolder(f"{path} is writable by group or others (mode {stat.S_IMODE(info.st_mode):o})")


def private_folder(path: Path) -> Path:
    """``path``, created 0700 where missing, after checking it and each folder created below its existing parent."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for p in missing:
        os.chmod(p, 0o700)  # mkdir's parents take the umask's mode
    check_private(path)
    return path


@lru_cache(maxsize=1)
def fallback_folder() -> Path:
    """A private temporary folder for this process: the cache when the configured one is refused."""
    return Path(tempfile.mkdtemp(prefix="frontier-lag-cache-"))


def refuse_folder(root: Path, why: UnsafeFolder) -> Path:
    """Say once, in one line, that the cache at ``root`` is refused, and give the private fallback."""
    if not getattr(refuse_folder, "said", False):
        print(f"frontier-lag: not using the cache folder ({why}); caching in a private temporary folder instead",
              file=sys.stderr)
        refuse_folder.said = True
    return fallback_folder()


def secret_path() -> Path:
    return Path(os.environ.get("FRONTIER_LAG_SECRET_FILE") or Path.home() / ".config" / "frontier-lag" / "cache-secret")


@lru_cache(maxsize=4)
def _secret(path: Path) -> bytes:
    private_folder(path.parent)
    if not path.exists():  # written whole and linked into place: two processes starting at once agree on one secret
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret.")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    check_private(path)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise UnsafeFolder(f"{path} is readable by others (mode {stat.S_IMODE(path.stat().st_mode):o})")
    key = path.read_bytes()
    if len(key) < 32:
        raise UnsafeFolder(f"{path} is too short to be a secret")
    return key


def secret() -> bytes | None:
    """This installation's secret, or None when it cannot be kept privately (then nothing is cached across runs)."""
    try:
        return _secret(secret_path())
    except (OSError, UnsafeFolder) as exc:
        if not getattr(secret, "said", False):
            print(f"frontier-lag: cannot keep the cache secret ({exc}); cached files will not be reused", file=sys.stderr)
            secret.said = True
        return None


def _tag(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode() + b"\0" + payload, hashlib.sha256).digest()


def seal(name: str, payload: bytes) -> bytes | None:
    """The sealed bytes of ``payload`` stored as ``name`` (None: no secret, so do not store)."""
    key = secret()
    return None if key is None else MAGIC + _tag(key, name, payload) + payload


def unseal(name: str, blob: bytes) -> bytes | None:
    """The payload of a sealed file named ``name``, or None when its seal does not verify (planted, renamed, damaged)."""
    key = secret()
    if key is None or not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + _DIGEST:
        return None
    tag, payload = blob[len(MAGIC):len(MAGIC) + _DIGEST], blob[len(MAGIC) + _DIGEST:]
    return payload if hmac.compare_digest(tag, _tag(key, name, payload)) else None


def prune(folder: Path, pattern: str, *, max_files: int, max_bytes: int) -> None:
    """Remove the oldest files matching ``pattern`` beyond ``max_files`` or ``max_bytes`` in total."""
    entries = []
    for p in folder.glob(pattern):
        try:
            info = p.stat()
        except FileNotFoundError:  # another process pruned it
            continue
        entries.append((info.st_mtime, info.st_size, p))
    entries.sort()
    total = sum(size for _, size, _ in entries)
    for i, (_, size, p) in enumerate(entries):
        if len(entries) - i <= max_files and total <= max_bytes:
            break
        p.unlink(missing_ok=True)
        total -= size
