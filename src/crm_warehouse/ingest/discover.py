"""Finding the contract's files in a raw folder.

Only the contract's export folders are looked at (``pos/members``, ``mall/orders``,
...); anything else under the raw folder (``_truth/``, notes, other folders) is never
read. In an export folder, files ending with the export's suffix are the export's
files; other files are reported as ignored, and so is anything named like an export
file that is not a regular file (a folder ``2024-03-05.csv/`` left by unpacking an
archive in place, a broken link, a pipe), a folder with a trailing ``/``; other
subfolders are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crm_warehouse.contract import EXPORTS, Export


@dataclass(frozen=True)
class SourceFile:
    """One export file found in the raw folder."""

    export: Export
    path: str  # absolute
    source_file: str  # relative to raw_dir, forward slashes
    size_bytes: int


@dataclass(frozen=True)
class Discovery:
    files: list[SourceFile]  # sorted by source_file
    ignored_files: list[str]  # sorted, relative to raw_dir


def discover(raw_dir: Path) -> Discovery:
    files: list[SourceFile] = []
    ignored: list[str] = []
    for export in EXPORTS:
        folder = raw_dir / export.folder
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = f"{export.folder}/{entry.name}"
                if not entry.is_file():
                    # not part of the export; reported when named like an export file
                    if entry.name.endswith(export.suffix):
                        ignored.append(relative + ("/" if entry.is_dir() else ""))
                    continue
                if entry.name.endswith(export.suffix):
                    path = os.path.abspath(entry.path)
                    files.append(SourceFile(export, path, relative, entry.stat().st_size))
                else:
                    ignored.append(relative)
    files.sort(key=lambda f: f.source_file)
    return Discovery(files, sorted(ignored))
