"""The stage cache: verified entries, atomic writes, corruption rebuilt, never trusted."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from harness.cache import DiskCache, StageCache, digest


def _entry(cache: DiskCache, key: str) -> Path:
    return cache.root / "ns" / key[:2] / key


def test_round_trip_and_key_file_is_private(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    key = digest("a", "b")
    assert cache.get("ns", key) is None
    cache.put("ns", key, {"x": (1, 2)})
    assert cache.get("ns", key) == {"x": (1, 2)}
    assert (cache.hits, cache.misses) == (1, 1)
    assert oct(os.stat(tmp_path / "c" / "key").st_mode & 0o777) == "0o600"


def test_digest_separates_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")


def test_a_tampered_entry_is_rejected_and_deleted(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    key = digest("k")
    cache.put("ns", key, "honest")
    path = _entry(cache, key)
    blob = path.read_bytes()
    path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    assert cache.get("ns", key) is None
    assert cache.rejected == 1 and not path.exists()


def test_a_pickle_written_by_someone_else_is_never_loaded(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    key = digest("evil")
    path = _entry(cache, key)
    path.parent.mkdir(parents=True)

    class Boom:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path.write_bytes(b"IACH1" + b"\0" * 32 + pickle.dumps(Boom()))
    assert cache.get("ns", key) is None
    assert not (tmp_path / "pwned").exists()


def test_a_truncated_entry_is_rebuilt(tmp_path: Path) -> None:
    cache = StageCache(DiskCache(tmp_path), memory_entries=0)
    key = digest("t")
    assert cache.fetch("ns", key, lambda: "built") == "built"
    path = _entry(DiskCache(tmp_path), key)
    path.write_bytes(path.read_bytes()[:10])
    calls: list[int] = []
    assert cache.fetch("ns", key, lambda: calls.append(1) or "again") == "again"
    assert calls == [1]


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    for n in range(5):
        cache.put("ns", digest(str(n)), n)
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_info_and_clear(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    for n in range(3):
        cache.put("model", digest(str(n)), n)
    cache.put("tree", digest("t"), "t")
    spaces = {s.name: s.entries for s in cache.namespaces()}
    assert spaces == {"model": 3, "tree": 1}
    old = _entry(cache, digest("t")).parent.parent.parent / "tree" / digest("t")[:2] / digest("t")
    os.utime(old, (0, 0))
    assert cache.clear(older_than_days=1) == 1
    assert cache.clear() == 3
    assert {s.name: s.entries for s in cache.namespaces()} == {"model": 0, "tree": 0}
