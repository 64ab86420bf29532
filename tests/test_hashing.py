"""The sha256 a collector's provenance carries is computed in a thread while the file is read."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aisma.collectors.base import HASH_BLOCK, CollectContext, file_source, hashing_in_background, sha256_of
from aisma.scoring.inputs import Source

WHEN = datetime(2026, 11, 16, tzinfo=UTC)


def test_background_digest_is_the_files_sha256_over_several_blocks(tmp_path: Path) -> None:
    data = bytes(range(256)) * (HASH_BLOCK // 256 + 4097)  # more than one block, not a multiple of it
    big, small = tmp_path / "big.json", tmp_path / "small.json"
    big.write_bytes(data)
    small.write_bytes(b"[]")
    with hashing_in_background([big, small, big]) as digests:
        assert set(digests) == {big, small}
        sources = [file_source(p, "t", "1", CollectContext(assessed_at=WHEN), digests[p]) for p in (big, small)]
    assert [s.sha256 for s in sources] == [hashlib.sha256(data).hexdigest(), sha256_of(small)]
    assert sources[0] == Source(tool="t", version="1", file=str(big), sha256=sha256_of(big))


def test_a_failed_collection_stops_the_hashing(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * (3 * HASH_BLOCK))
    with pytest.raises(RuntimeError), hashing_in_background([path]) as digests:
        raise RuntimeError("the collector failed")
    assert digests[path].done()
