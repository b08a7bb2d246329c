"""A content-addressed cache of pipeline stages, shared by runs (extraction, models,
comparisons, whole graded results).

Keys are digests of everything a stage's output depends on: the input bytes, the keys of the
stages before it, and the code that computes it (``code_fingerprint``: every file of the
installed package, so an edited check never serves a stale result). Entries are pickled for
speed, and pickle runs only on bytes whose HMAC-SHA256, under a key this cache created
(``<root>/key``, mode 0600), matches: a file that was tampered with, truncated by a crash or
written by something else is deleted and rebuilt, never trusted. Writes go to a temporary
file renamed into place, so a reader never sees half an entry.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from harness.version import __version__

T = TypeVar("T")

#: Overrides the default location (the user cache directory) for every command and test.
CACHE_ENV = "IAC_HARNESS_CACHE_DIR"
_MAGIC = b"IACH1"
_MAC_SIZE = 32
_KEY_FILE = "key"


def default_cache_dir() -> Path:
    """``$IAC_HARNESS_CACHE_DIR``, else the platform's user cache dir (``~/.cache/iac-harness``)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("iac-harness", appauthor=False))


def digest(*parts: bytes | str) -> str:
    """A hex SHA-256 over ``parts``, each length-prefixed so ("ab", "c") != ("a", "bc")."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of the harness version and of every file of the package (code and data): the
    part of every key that says which code computed the entry."""
    root = Path(__file__).resolve().parent
    hasher = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hasher.update(str(path.relative_to(root)).encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


@dataclass(frozen=True)
class NamespaceInfo:
    """How many entries a namespace holds and their size in bytes."""

    name: str
    entries: int
    bytes: int


class DiskCache:
    """Entries under ``root/<namespace>/<key[:2]>/<key>``; see the module docstring."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._key: bytes | None = None
        self.hits = 0
        self.misses = 0
        self.rejected = 0  # entries that failed verification (deleted, rebuilt)

    def _secret(self) -> bytes:
        if self._key is None:
            self.root.mkdir(parents=True, exist_ok=True)
            path = self.root / _KEY_FILE
            if not path.is_file():
                fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".key-")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(secrets.token_bytes(32))
                os.chmod(tmp, 0o600)
                try:
                    os.link(tmp, path)  # first writer wins; a concurrent one reads its key
                except FileExistsError:
                    pass
                finally:
                    os.unlink(tmp)
            key = path.read_bytes()
            if len(key) != 32:
                raise OSError(f"{path}: not a cache key (remove the cache folder to reset it)")
            self._key = key
        return self._key

    def _path(self, namespace: str, key: str) -> Path:
        return self.root / namespace / key[:2] / key

    def contains(self, namespace: str, key: str) -> bool:
        """Whether an entry exists (unverified: ``get`` verifies)."""
        return self._path(namespace, key).is_file()

    def get(self, namespace: str, key: str) -> object | None:
        """The verified entry, or None (missing, or rejected and deleted)."""
        path = self._path(namespace, key)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        head = len(_MAGIC)
        mac, payload = blob[head : head + _MAC_SIZE], blob[head + _MAC_SIZE :]
        expected = hmac.new(self._secret(), key.encode() + payload, "sha256").digest()
        if not blob.startswith(_MAGIC) or not hmac.compare_digest(mac, expected):
            self._reject(path)
            return None
        try:
            value: object = pickle.loads(payload)  # verified: written with this cache's key
        except Exception:  # an entry from an older code layout: rebuild it
            self._reject(path)
            return None
        self.hits += 1
        return value

    def _reject(self, path: Path) -> None:
        self.rejected += 1
        self.misses += 1
        path.unlink(missing_ok=True)

    def put(self, namespace: str, key: str, value: object) -> None:
        """Store ``value`` atomically; a full disk or a read-only cache is not an error."""
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self._secret(), key.encode() + payload, "sha256").digest()
        path = self._path(namespace, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + mac + payload)
            os.replace(tmp, path)
        except OSError:
            return

    def namespaces(self) -> list[NamespaceInfo]:
        """Entries and bytes per namespace (``cache info``)."""
        found = []
        if self.root.is_dir():
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
                sizes = [e.stat().st_size for e in _entries(folder)]
                found.append(NamespaceInfo(folder.name, len(sizes), sum(sizes)))
        return found

    def clear(self, older_than_days: float | None = None) -> int:
        """Remove entries (all, or those not written for ``older_than_days``); the count."""
        cutoff = None if older_than_days is None else time.time() - older_than_days * 86400
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in (p for p in self.root.iterdir() if p.is_dir()):
            for entry in _entries(folder):
                if cutoff is None or entry.stat().st_mtime < cutoff:
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed


def _entries(folder: Path) -> Iterator[Path]:
    for shard in folder.iterdir():
        if shard.is_dir():
            yield from (e for e in shard.iterdir() if e.is_file())


class StageCache:
    """What the pipeline asks of a cache: ``fetch(namespace, key, build)``. A bounded
    in-memory layer (one process's recent entries) in front of an optional ``DiskCache``."""

    def __init__(self, disk: DiskCache | None = None, memory_entries: int = 64) -> None:
        self.disk = disk
        self._memory: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._memory_entries = memory_entries

    def fetch(self, namespace: str, key: str, build: Callable[[], T]) -> T:
        """The cached value for ``key``, else ``build()`` stored under it."""
        slot = (namespace, key)
        if slot in self._memory:
            self._memory.move_to_end(slot)
            return self._memory[slot]  # type: ignore[return-value]
        value = self.disk.get(namespace, key) if self.disk is not None else None
        if value is None:
            value = build()
            if self.disk is not None:
                self.disk.put(namespace, key, value)
        self._remember(slot, value)
        return value  # type: ignore[return-value]

    def _remember(self, slot: tuple[str, str], value: object) -> None:
        self._memory[slot] = value
        while len(self._memory) > self._memory_entries:
            self._memory.popitem(last=False)
