"""Preparing one file for loading (runs in a worker process).

:func:`prepare_file` hashes the file, detects its encoding and counts its lines in
one pass (:func:`~.decode.scan`); if that content is already the latest loaded
version of the file it stops there. A file that is not a text export at all (gzip,
ZIP or Excel, UTF-16, binary junk: :func:`~.decode.not_text`) is rejected whole, one
rejected record on line 1 saying what it is and what to do; so is a file whose
reading raises (a bug met on unforeseen input: the rest of the run still loads). A
file whose lines end with CR alone is read as if they ended with LF. A file that
DuckDB can read as it is (UTF-8, one newline style, for CSV no quote character and
a usable header: see :func:`fast_plan`) goes to the loader with a :class:`FastPlan`
and nothing else: the loader's :mod:`.fastpath` reads it. Otherwise it reads every record and writes
normalized UTF-8 files into the run's temporary folder, for DuckDB's ``read_csv`` to
load:

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
from itertools import chain
from pathlib import Path

import duckdb

from crm_warehouse.contract import EXPORTS_BY_NAME, Export

from . import fastpath
from .decode import (
    HEAD_BYTES,
    MAX_RAW_TEXT,
    CarriageReturnLines,
    DecodedLines,
    ListLines,
    Scan,
    cr_line_ends,
    head_preview,
    not_text,
    scan,
)
from .fastpath import FastPathMismatch, FastPlan
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
    allow_fast: bool = True  # may go to DuckDB as it is (see fast_plan)


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
    #: the fast path's Parquet file of rows (columns: ``n``, ``good``, ``line``, then
    #: the file's columns); the rows flagged ``good`` are loaded from it
    fast_path: str | None = None
    fast_rows: int = 0
    fast: bool = False  # read by the fast path (DuckDB, the readers for odd lines)

    @property
    def temp_paths(self) -> list[str]:
        paths = (self.plain_path, self.quoted_path, self.rejects_path, self.fast_path)
        return [p for p in paths if p]


class FileChangedError(Exception):
    """The file changed while it was being read."""


def _csv_writer(stream):
    """CSV writer quoting every text; NULL (an ``int``) comes out as an empty field."""
    return csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def changed_message(source_file: str) -> str:
    return (
        f"{source_file} changed while it was being read; "
        "wait until the export is complete and run the ingestion again"
    )


def prepare_file(job: FileJob) -> PreparedFile:
    """Hash, and unless already loaded, parse one file (see module doc)."""
    before = os.stat(job.path)
    found = scan(job.path)
    fp = found.fingerprint
    if fp.sha256 == job.loaded_sha256:
        return PreparedFile(job, fp.sha256, fp.size_bytes, fp.encoding, True)
    export = EXPORTS_BY_NAME[job.export_name]
    stat = (before.st_size, before.st_mtime_ns)
    stem = Path(job.tmp_dir) / f"{job.index:06d}"
    with open(job.path, "rb") as source:
        head = source.read(HEAD_BYTES)
    preview = head_preview(head, fp.size_bytes)
    problem = not_text(head, "CSV UTF-8" if export.fmt == "csv" else "JSON Lines in UTF-8")
    if problem is not None:
        prepared = _prepare_not_text(job, stem, problem, preview)
    else:
        try:
            prepared = _prepare_records(job, export, found, stat, stem)
        except (OSError, MemoryError):
            raise
        except Exception as exc:  # one file's bug must not stop the run
            # Input that breaks the readers in a way nobody foresaw: the file is
            # rejected whole, saying so, and the rest of the run loads.
            for path in Path(job.tmp_dir).glob(f"{stem.name}.*"):
                path.unlink(missing_ok=True)
            problem = (
                f"whole file rejected: reading it failed ({type(exc).__name__}: {exc}); "
                "this is a bug in crm ingest, please report it with the file"
            )
            prepared = _prepare_not_text(job, stem, problem[:MAX_RAW_TEXT], preview)
    prepared.sha256, prepared.size_bytes, prepared.encoding = (
        fp.sha256,
        fp.size_bytes,
        fp.encoding,
    )
    after = os.stat(job.path)
    if (after.st_size, after.st_mtime_ns) != stat or after.st_size != fp.size_bytes:
        for path in prepared.temp_paths:
            Path(path).unlink(missing_ok=True)
        raise FileChangedError(changed_message(job.source_file))
    return prepared


def _prepare_records(
    job: FileJob, export: Export, found: Scan, stat: tuple[int, int], stem: Path
) -> PreparedFile:
    """Read a text file's records: through the fast path where it can, else the
    record readers."""
    plan = None
    if job.allow_fast:
        plan = fastpath.fast_plan(job.path, export.fmt, export, found, stat)
    if plan is not None:
        prepared = _prepare_fast(job, export, plan, stem)
        if prepared is not None:
            return prepared
    stats = FileStats()
    with RecordWriter(stem) as writer, open(job.path, "rb") as source:
        stream = CarriageReturnLines(source) if cr_line_ends(found) else source
        lines = DecodedLines(stream, found.fingerprint.encoding)
        for line, values in read_records(lines, export, stats, writer.reject):
            writer.write(line, values)
    return writer.prepared(job, "", 0, "", stats)


def _prepare_not_text(job: FileJob, stem: Path, reason: str, preview: str) -> PreparedFile:
    """A file that is not a text export at all: one rejected record (line 1) saying
    what it is and what to do, instead of a rejection per meaningless 'line'."""
    stats = FileStats(records_read=1, rejected=1)
    with RecordWriter(stem) as writer:
        writer.reject(1, reason, preview)
    return writer.prepared(job, "", 0, "", stats)


#: The worker process's in-memory DuckDB for the fast path.
_duckdb: duckdb.DuckDBPyConnection | None = None
_WORKER_DUCKDB_MEMORY = "768MB"


def _worker_duckdb() -> duckdb.DuckDBPyConnection:
    global _duckdb
    if _duckdb is None:
        con = duckdb.connect(":memory:")
        con.execute("SET threads = 1")  # one per worker process
        con.execute(f"SET memory_limit = '{_WORKER_DUCKDB_MEMORY}'")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        _duckdb = con
    return _duckdb


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _prepare_fast(job: FileJob, export: Export, plan: FastPlan, stem: Path) -> PreparedFile | None:
    """The fast path (:mod:`.fastpath`): DuckDB writes the file's good rows to a
    Parquet file, the record readers take the other lines. None: read it the slow
    way (DuckDB failed on the file, or its lines do not add up)."""
    con = _worker_duckdb()
    parquet = f"{stem}.fast.parquet"
    select, columns = fastpath.select_sql(plan, export)
    values = ", ".join(f'"{c}"' for c in columns)
    renamed = ", ".join(["n", "line", "good", *(f'"{c}"' for c in columns)])
    select = select.replace("read_csv(?,", f"read_csv({_sql_text(job.path)},", 1)
    try:
        con.execute(
            f"COPY (SELECT n, good, CASE WHEN good THEN NULL ELSE line END AS line, {values} "
            f"FROM ({select}) AS v({renamed})) TO {_sql_text(parquet)} "
            "(FORMAT parquet, COMPRESSION snappy)"
        )
        good, read = con.execute(
            "SELECT count(*) FILTER (WHERE good), count(*) FROM read_parquet(?)", [parquet]
        ).fetchall()[0]
        odd = []
        if good < read:
            odd = con.execute(
                "SELECT n, line FROM read_parquet(?) WHERE NOT good ORDER BY n", [parquet]
            ).fetchall()
        head = len(plan.head)
        if head + read + len(plan.bad) != plan.lines or good + len(odd) != read:
            raise FastPathMismatch(f"DuckDB read {read} lines of {plan.lines}")
        cr = "\r" if plan.new_line == "\r\n" else ""
        odd_lines = [(n, (line or "") + cr) for n, line in odd]
        if not fastpath.odd_lines_are_records(export, (text for _, text in odd_lines)):
            raise FastPathMismatch("a quoted CSV field may span lines")
    except (duckdb.Error, FastPathMismatch):
        Path(parquet).unlink(missing_ok=True)
        return None

    # The readers see the header (CSV), the odd lines and the undecodable ones, in
    # order, numbered 1..n; their numbers are mapped back.
    rest = sorted(
        chain(
            ((n, text, None) for n, text in odd_lines),
            ((n, text, reason) for n, reason, text in plan.bad),
        )
    )
    lines = list(chain(plan.head, (text for _, text, _ in rest)))
    numbers = list(chain(range(1, head + 1), (n for n, _, _ in rest)))
    last = None if plan.ends_with_newline else plan.lines
    synthetic = ListLines(lines, len(numbers) if numbers and numbers[-1] == last else None)
    for index, (_, _, reason) in enumerate(rest, head + 1):
        if reason is not None:
            synthetic.bad.append((index, reason))
    stats = FileStats()
    with RecordWriter(stem) as writer:

        def reject(line: int, reason: str, raw_text: str) -> None:
            writer.reject(numbers[line - 1], reason, raw_text)

        for line, row in read_records(synthetic, export, stats, reject):
            writer.write(numbers[line - 1], row)
    if stats.header_changes:
        # A header further down changed how the lines below it read: DuckDB read
        # them with the first header. The record readers read the whole file.
        for path in (*writer.paths, parquet):
            Path(path).unlink(missing_ok=True)
        return None
    if export.fmt == "jsonl":
        stats.columns = list(export.columns)
        if good:
            stats.missing_columns = []  # a line DuckDB loads has every column
    elif stats.columns != columns:  # pragma: no cover - same header, same layout
        for path in (*writer.paths, parquet):
            Path(path).unlink(missing_ok=True)
        return None
    stats.records_read += good
    stats.rows += good
    prepared = writer.prepared(job, "", 0, "", stats)
    prepared.fast = True
    if good:
        prepared.fast_path, prepared.fast_rows = parquet, good
    else:
        Path(parquet).unlink(missing_ok=True)
    return prepared


class RecordWriter:
    """Writes records and rejects into the normalized temp files ``<stem>.*``."""

    def __init__(self, stem: Path | str) -> None:
        self.plain_path = f"{stem}.plain.txt"
        self.quoted_path = f"{stem}.quoted.csv"
        self.rejects_path = f"{stem}.rejects.csv"
        self.plain_rows = self.quoted_rows = self.rejects = 0

    @property
    def paths(self) -> tuple[str, str, str]:
        return (self.plain_path, self.quoted_path, self.rejects_path)

    def __enter__(self) -> RecordWriter:
        self._streams = [
            open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in __exit__
            for path in (self.plain_path, self.quoted_path, self.rejects_path)
        ]
        plain, quoted, rejects = self._streams
        self._write_plain = plain.write
        self._write_quoted = _csv_writer(quoted).writerow
        self._write_reject = _csv_writer(rejects).writerow
        return self

    def write(self, line: int, values) -> None:
        if type(values) is str:
            self._write_plain(f"{values}{US}{line}\n")
            self.plain_rows += 1
        else:
            values.append(line)
            self._write_quoted(values)
            self.quoted_rows += 1

    def reject(self, line: int, reason: str, raw_text: str) -> None:
        self._write_reject((line, reason, raw_text[:MAX_RAW_TEXT]))
        self.rejects += 1

    def __exit__(self, *exc) -> None:
        for stream in self._streams:
            stream.close()
        for path, used in (
            (self.plain_path, self.plain_rows),
            (self.quoted_path, self.quoted_rows),
            (self.rejects_path, self.rejects),
        ):
            if not used or exc[0] is not None:
                Path(path).unlink(missing_ok=True)

    def prepared(
        self, job: FileJob, sha256: str, size_bytes: int, encoding: str, stats: FileStats
    ) -> PreparedFile:
        return PreparedFile(
            job,
            sha256,
            size_bytes,
            encoding,
            False,
            stats,
            self.plain_path if self.plain_rows else None,
            self.quoted_path if self.quoted_rows else None,
            self.rejects_path if self.rejects else None,
            self.plain_rows,
            self.quoted_rows,
        )
