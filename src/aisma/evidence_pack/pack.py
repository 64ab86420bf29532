"""Write the evidence pack zip, reproducibly: the same inputs give the same bytes.

Every entry gets the assessment time as its timestamp, 0644 permissions and a Unix origin, and the
entries are written in sorted order, so nothing about the machine or the moment leaks into the zip.
Evidence files are streamed into it (constant memory) and hashed twice: before packing, to fill the
manifest and to check they are the files that were assessed, and while copying, to check they did
not change in between.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aisma.errors import AismaError
from aisma.evidence_pack.index import gaps_csv, index_csv, index_html, manifest_csv, objectives_csv
from aisma.evidence_pack.rows import PackContent
from aisma.fileio import atomic_output, sha256_of
from aisma.scoring.results import AssessmentResult

BLOCK = 1 << 20


@dataclass(frozen=True)
class PackSummary:
    path: Path
    items: int
    gaps: int
    files: int
    not_copied: tuple[str, ...]


def _zip_time(assessed_at: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromisoformat(assessed_at).astimezone(UTC)
    if moment.year < 1980:  # the zip format cannot say earlier
        moment = datetime(1980, 1, 1, tzinfo=UTC)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _entry(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permission bits below mean the same everywhere
    info.external_attr = 0o100644 << 16
    return info


def _copyable(root: Path, ref: str) -> tuple[Path | None, str]:
    """The file behind a workspace-relative reference, or None and why it is not copied."""
    if ref.startswith(("https://", "http://")):
        return None, "a URL, listed only"
    base = root.resolve()
    target = (root / ref).resolve()
    if not target.is_relative_to(base):
        return None, "outside the workspace, not copied"
    if not target.is_file():
        return None, "missing, not copied"
    return target, ""


def write_pack(content: PackContent, result: AssessmentResult, root: Path, out: Path) -> PackSummary:
    """Build the zip next to ``out`` and move it into place only when complete."""
    copies: dict[str, Path] = {}  # name in the pack -> source file
    digests: dict[str, str] = {}
    copied: dict[str, str] = {}  # workspace ref -> name in the pack
    not_copied: dict[str, str] = {}
    manifest: list[tuple[str, str, int, str]] = []
    for f in content.files():
        source, why = _copyable(root, f.ref)
        if source is None:
            not_copied[f.ref] = why
            continue
        digest = sha256_of(source)
        if f.sha256 and digest != f.sha256:
            raise AismaError(f"{f.ref}: changed since it was assessed (sha256 differs); assess and pack again")
        name = "files/" + source.relative_to(root.resolve()).as_posix()
        copies[name], digests[name], copied[f.ref] = source, digest, name
        manifest.append((name, digest, source.stat().st_size, f.ref))

    texts: dict[str, bytes] = {
        "index.html": index_html(content, result, copied, not_copied).encode("utf-8"),
        "index.csv": index_csv(content).encode("utf-8"),
        "objectives.csv": objectives_csv(content, copied).encode("utf-8"),
        "gaps.csv": gaps_csv(content).encode("utf-8"),
        "result.json": (json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    for name, data in texts.items():
        digests[name] = hashlib.sha256(data).hexdigest()
        manifest.append((name, digests[name], len(data), ""))
    manifest.sort()
    texts["manifest.csv"] = manifest_csv(manifest).encode("utf-8")
    texts["SHA256SUMS"] = "".join(f"{digest}  {name}\n" for name, digest, _, _ in manifest).encode("utf-8")

    stamp = _zip_time(result.assessed_at)
    _atomic_zip(out, lambda archive: _fill(archive, stamp, texts, copies, digests))
    return PackSummary(
        path=out,
        items=len(content.rows),
        gaps=len(content.gaps()),
        files=len(copies),
        not_copied=tuple(sorted(not_copied)),
    )


def _fill(
    archive: zipfile.ZipFile,
    stamp: tuple[int, int, int, int, int, int],
    texts: dict[str, bytes],
    copies: dict[str, Path],
    digests: dict[str, str],
) -> None:
    for name in sorted({*texts, *copies}):
        if name in texts:
            archive.writestr(_entry(name, stamp), texts[name])
            continue
        digest = hashlib.sha256()
        with copies[name].open("rb") as source, archive.open(_entry(name, stamp), "w", force_zip64=True) as target:
            for block in iter(lambda: source.read(BLOCK), b""):
                digest.update(block)
                target.write(block)
        if digest.hexdigest() != digests[name]:
            raise AismaError(f"{copies[name]}: changed while the pack was written; write it again")


def _atomic_zip(out: Path, fill: Callable[[zipfile.ZipFile], None]) -> None:
    with (
        atomic_output(out) as handle,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
    ):
        fill(archive)
