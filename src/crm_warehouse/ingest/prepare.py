"""Preparing one file for loading (runs in a worker process).

:func:`prepare_file` hashes the file and detects its encoding; if that content is
already the latest loaded version of the file it stops there. Otherwise it reads
every record and writes normalized UTF-8 files into the run's temporary folder, for
DuckDB's ``read_csv`` to load:

- ``*.plain.txt``: plain records (:mod:`.readers`), texts separated by ``\x1f``,
  unquoted, NULL written as ``\x1e\x1e``, then the source line;
- ``*.quoted.csv``: the other records as CSV with every text quoted and NULL an
  empty unquoted field (so ``''`` and NULL stay apart), then the source line;
- ``*.rejects.csv``: rejected records (line, reason, raw text), quoted likewise.

Only standard-library code runs here: no database access.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from crm_warehouse.contract import EXPORTS_BY_NAME

from .decode import MAX_RAW_TEXT, DecodedLines, fingerprint
from .readers import US, FileStats, read_records


@dataclass(frozen=True)
class FileJob:
    """One contract file to prepare."""

    index: int  # position in sorted path order; names the temp files
    path: str  # absolute path
    source_file: str  # path relative to raw_dir, forward slashes
    export_name: str
    loaded_sha256: str | None  # sha256 of the latest loaded version, if any
    tmp_dir: str


@dataclass
class PreparedFile:
    """A prepared file: what the loader needs to load it in one transaction."""

    job: FileJob
    sha256: str
    size_bytes: int
    encoding: str
    skipped: bool
    stats: FileStats = field(default_factory=FileStats)
    plain_path: str | None = None  # None when no row went there
    quoted_path: str | None = None
    rejects_path: str | None = None
    plain_rows: int = 0
    quoted_rows: int = 0

    @property
    def temp_paths(self) -> list[str]:
        return [p for p in (self.plain_path, self.quoted_path, self.rejects_path) if p]


class FileChangedError(Exception):
    """The file changed while it was being read."""


def _csv_writer(stream):
    """CSV writer quoting every text; NULL (an ``int``) comes out as an empty field."""
    return csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def prepare_file(job: FileJob) -> PreparedFile:
    """Hash, and unless already loaded, parse one file into normalized temp CSVs."""
    before = os.stat(job.path)
    fp = fingerprint(job.path)
    if fp.sha256 == job.loaded_sha256:
        return PreparedFile(job, fp.sha256, fp.size_bytes, fp.encoding, True)

    export = EXPORTS_BY_NAME[job.export_name]
    stem = Path(job.tmp_dir) / f"{job.index:06d}"
    plain_path = f"{stem}.plain.txt"
    quoted_path = f"{stem}.quoted.csv"
    rejects_path = f"{stem}.rejects.csv"
    stats = FileStats()
    plain_rows = quoted_rows = 0
    with (
        open(plain_path, "w", encoding="utf-8", newline="") as plain_stream,
        open(quoted_path, "w", encoding="utf-8", newline="") as quoted_stream,
        open(rejects_path, "w", encoding="utf-8", newline="") as rejects_stream,
        open(job.path, "rb") as source,
    ):
        write_plain = plain_stream.write
        write_quoted = _csv_writer(quoted_stream).writerow
        write_reject = _csv_writer(rejects_stream).writerow

        def reject(line: int, reason: str, raw_text: str) -> None:
            write_reject((line, reason, raw_text[:MAX_RAW_TEXT]))

        lines = DecodedLines(source, fp.encoding)
        for line, values in read_records(lines, export, stats, reject):
            if type(values) is str:
                write_plain(f"{values}{US}{line}\n")
                plain_rows += 1
            else:
                values.append(line)
                write_quoted(values)
                quoted_rows += 1

    for path, used in (
        (plain_path, plain_rows),
        (quoted_path, quoted_rows),
        (rejects_path, stats.rejected),
    ):
        if not used:
            os.remove(path)
    after = os.stat(job.path)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
        after.st_size != fp.size_bytes
    ):
        raise FileChangedError(
            f"{job.source_file} changed while it was being read; "
            "wait until the export is complete and run the ingestion again"
        )
    return PreparedFile(
        job,
        fp.sha256,
        fp.size_bytes,
        fp.encoding,
        False,
        stats,
        plain_path if plain_rows else None,
        quoted_path if quoted_rows else None,
        rejects_path if stats.rejected else None,
        plain_rows,
        quoted_rows,
    )
