"""Uploaded files, checked and copied under names of our own before ingest reads them.

An uploaded file's name is only ever shown (as text), never used as a path: each accepted file, and each
cable file inside an accepted .zip, is written to a fresh folder as upload-001.txt, upload-002-0001.html, ...
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

CABLE_SUFFIXES = (".txt", ".html", ".htm", ".csv")
ACCEPTED = (*CABLE_SUFFIXES, ".zip")
MAX_ZIP_MEMBERS = 20000


@dataclass
class Staged:
    """The files ready for ingest, the names to show for them, and the uploads refused, each with its reason."""

    files: list[Path] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # staged path -> the name the user knows it by
    refused: list[str] = field(default_factory=list)
    ignored: int = 0  # files in a .zip that are not cable files

    def rename(self, line: str) -> str:
        """A report line with our staged paths written as the names the user gave."""
        for path, name in sorted(self.shown.items(), key=lambda item: -len(item[0])):
            line = line.replace(path, name)
        return line


class _TooBig(Exception):
    """A stream ran past the bytes left to the upload."""


def _copy(source, target: Path, limit: int) -> int:
    """Copy a stream, refusing to write more than `limit` bytes (a .zip may lie about sizes)."""
    written = 0
    with target.open("wb") as out:
        while block := source.read(1 << 20):
            written += len(block)
            if written > limit:
                raise _TooBig
            out.write(block)
    return written


def stage_uploads(uploads: Sequence[str | Path], folder: Path, max_bytes: int) -> Staged:
    """Check each uploaded file (type, size, a readable .zip) and copy the good ones into `folder`."""
    staged = Staged()
    limit_mb = f"{max_bytes / 1e6:g} MB"
    for number, upload in enumerate(uploads, start=1):
        upload = Path(upload)
        name = upload.name  # shown to the user only
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in ACCEPTED:
            staged.refused.append(f"{name}: not a file type the page takes; upload .txt, .html, .htm, .csv or a .zip of them")
            continue
        size = upload.stat().st_size
        if size > max_bytes:
            staged.refused.append(f"{name}: {size / 1e6:.1f} MB is over the upload limit of {limit_mb} (CABLEQA_UPLOAD_MAX_MB)")
            continue
        if size == 0:
            staged.refused.append(f"{name}: the file is empty")
            continue
        if suffix == ".zip":
            _stage_zip(upload, name, number, folder, max_bytes, staged)
            continue
        target = folder / f"upload-{number:03}{suffix}"
        with upload.open("rb") as source:
            _copy(source, target, max_bytes)
        staged.files.append(target)
        staged.shown[str(target)] = name
    return staged


def _stage_zip(upload: Path, name: str, number: int, folder: Path, max_bytes: int, staged: Staged) -> None:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        staged.refused.append(f"{name}: not a readable .zip archive")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            staged.refused.append(f"{name}: {len(members)} files is more than the {MAX_ZIP_MEMBERS} one upload may hold")
            return
        if sum(m.file_size for m in members) > max_bytes:
            staged.refused.append(f"{name}: unpacked, it is over the upload limit of {max_bytes / 1e6:g} MB (CABLEQA_UPLOAD_MAX_MB)")
            return
        budget = max_bytes
        for member in sorted(members, key=lambda m: m.filename):
            inner = PurePosixPath(member.filename.replace("\\", "/"))
            shown = f"{name}/{member.filename}"
            if inner.name.startswith(".") or "__MACOSX" in inner.parts:
                continue
            suffix = inner.suffix.lower()
            if suffix not in CABLE_SUFFIXES:
                staged.ignored += 1
                continue
            target = folder / f"upload-{number:03}-{len(staged.files) + 1:05}{suffix}"
            try:
                with archive.open(member) as source:
                    budget -= _copy(source, target, budget)
            except _TooBig:
                target.unlink(missing_ok=True)
                staged.refused.append(f"{shown}: unpacked, the archive is over the upload limit of {max_bytes / 1e6:g} MB; the rest of it was not read")
                return
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
                target.unlink(missing_ok=True)
                staged.refused.append(f"{shown}: cannot be unpacked ({exc})")
                continue
            staged.files.append(target)
            staged.shown[str(target)] = shown
