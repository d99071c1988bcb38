"""``ingest()``: load a raw folder of channel exports into the DuckDB warehouse.

Shape of a run: find the contract's files (sorted by path); worker processes hash
each file and, unless that content is already the latest version loaded, parse and
validate it into temp files of rows and of rejects (:mod:`.prepare`: a Parquet file
from DuckDB for the lines of the fast path, :mod:`.fastpath`, normalized UTF-8 CSV
from the record readers for the others); the main process takes the prepared files
back in path order and bulk-loads each, in one transaction together with its
rejects and its manifest row, giving it the next ``file_id``. The results do not
depend on timing or on the number of workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb
from tqdm import tqdm

from crm_warehouse import faults
from crm_warehouse.children import die_with_parent
from crm_warehouse.contract import EXPORTS, EXPORTS_BY_NAME, ORDER_EXPORTS

from . import manifest
from .discover import Discovery, discover
from .errors import IngestError
from .prepare import FileChangedError, FileJob, PreparedFile, prepare_file
from .readers import NULL_TEXT, US

#: Options of DuckDB's ``read_csv`` for the normalized temp files of :mod:`.prepare`.
_COMMON_OPTIONS = (
    "header = false, auto_detect = false, new_line = '\\n', strict_mode = true, "
    "encoding = 'utf-8', max_line_size = 134217728"
)
#: Quoted CSV: every text quoted, NULL an empty unquoted field.
_QUOTED_OPTIONS = (
    f"{_COMMON_OPTIONS}, delim = ',', quote = '\"', escape = '\"', nullstr = '', "
    "allow_quoted_nulls = false"
)
#: Plain rows: texts separated by US, no quoting, NULL as NULL_TEXT.
_PLAIN_OPTIONS = (
    f"{_COMMON_OPTIONS}, delim = '{US}', quote = '', escape = '', nullstr = '{NULL_TEXT}'"
)
#: Workers run only slightly below the main process (whose loading is the serial
#: step; prepared files wait for it in a bounded window): they do most of the work,
#: and at a lower priority (it was 10) any other busy process on the machine
#: starved them (at nice 10 a process gets a tenth of the CPU a nice 0 one gets).
_WORKER_NICENESS = 2
_DUCKDB_MEMORY_LIMIT = "2GB"
_REJECT_COLUMNS = "{'line_number': 'BIGINT', 'reason': 'VARCHAR', 'raw_text': 'VARCHAR'}"


@dataclass
class IngestResult:
    """What one ingestion run did."""

    load_id: str
    files_loaded: int = 0
    files_skipped: int = 0  # already loaded with the same content
    rows_loaded: int = 0
    rows_rejected: int = 0
    #: (source_file, column): a documented column missing from a file loaded in this run
    missing_columns: list[tuple[str, str]] = field(default_factory=list)
    #: files in an export folder that do not end with the export's suffix
    ignored_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: rows loaded in this run per export (every export listed, 0 if none)
    rows_by_export: dict[str, int] = field(default_factory=dict)
    #: files loaded through the fast path (DuckDB reading the file; see .fastpath)
    files_fast: int = 0

    @property
    def files_seen(self) -> int:
        return self.files_loaded + self.files_skipped


def ingest(
    raw_dir: Path, database: Path, *, workers: int = 2, progress: bool = True
) -> IngestResult:
    """Load every new or changed export file under ``raw_dir`` into ``database``.

    ``workers`` processes parse files in parallel (``workers <= 1`` parses in this
    process). ``progress`` shows a progress bar on stderr. Raises :class:`IngestError`
    for problems the user has to fix.
    """
    clock = time.perf_counter()
    raw_dir, database = Path(raw_dir), Path(database)
    if not raw_dir.is_dir():
        what = "is not a folder" if raw_dir.exists() else "does not exist"
        raise IngestError(f"raw folder {raw_dir} {what}; pass the folder holding pos/, mall/, ...")
    found = discover(raw_dir)
    has_orders = any(f.export.name in ORDER_EXPORTS for f in found.files)
    if not has_orders and not database.exists():
        raise _no_orders(raw_dir)

    database.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(database)
    try:
        if not has_orders and not manifest.loaded_any(con, ORDER_EXPORTS):
            raise _no_orders(raw_dir)
        con.execute("SET enable_progress_bar = false")
        # Bulk loading streams; a cap keeps the peak memory predictable (DuckDB spills).
        con.execute(f"SET memory_limit = '{_DUCKDB_MEMORY_LIMIT}'")
        if workers > 1:
            # Leave the workers their cores: the loading runs beside them.
            con.execute(f"SET threads = {max(1, (os.cpu_count() or 1) - workers)}")
        manifest.create_schemas(con)
        return _run(con, raw_dir, database, found, workers, progress, clock)
    finally:
        con.close()


def _no_orders(raw_dir: Path) -> IngestError:
    folders = " or ".join(
        f"{EXPORTS_BY_NAME[n].folder}/*{EXPORTS_BY_NAME[n].suffix}" for n in ORDER_EXPORTS
    )
    return IngestError(
        f"no orders export in {raw_dir} and none loaded before: at least one orders export "
        f"must exist ({folders})"
    )


def _connect(database: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(database))
    except duckdb.Error as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise IngestError(
                f"cannot open {database}: another process holds it open ({message}). "
                "Close that process (a dashboard, dbt, a notebook) and run again."
            ) from exc
        raise IngestError(f"cannot open {database} as a DuckDB database: {message}") from exc


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _run(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    database: Path,
    found: Discovery,
    workers: int,
    progress: bool,
    clock: float,
) -> IngestResult:
    started_at = _utc_now()
    load_id = f"{started_at:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    result = IngestResult(
        load_id,
        ignored_files=list(found.ignored_files),
        rows_by_export={e.name: 0 for e in EXPORTS},
    )
    known = manifest.latest_versions(con)
    next_file_id = manifest.max_file_id(con) + 1
    manifest.start_run(con, load_id, str(raw_dir.resolve()), started_at)

    status = "failed"
    bar = tqdm(
        total=sum(f.size_bytes for f in found.files),
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc="ingest",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    try:
        prefix = _temp_prefix(database)
        temp_parent = _temp_parent(database)
        for folder in {temp_parent, database.parent}:
            _remove_stale_temp_dirs(folder, prefix)
        with tempfile.TemporaryDirectory(prefix=prefix, dir=temp_parent) as tmp:
            jobs = [
                FileJob(
                    index,
                    f.path,
                    f.source_file,
                    f.export.name,
                    known[f.source_file].sha256 if f.source_file in known else None,
                    tmp,
                )
                for index, f in enumerate(found.files)
            ]
            prepared_files = _prepare_all(jobs, workers)
            with closing(prepared_files):  # stop the workers before the temp dir goes
                for prepared in prepared_files:
                    _take(con, prepared, result, known, load_id, next_file_id)
                    if not prepared.skipped:
                        next_file_id += 1
                    bar.update(prepared.size_bytes)
                    bar.set_postfix(files=f"{result.files_seen}/{len(jobs)}", refresh=False)
        status = "succeeded"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        bar.close()
        result.seconds = time.perf_counter() - clock
        try:
            manifest.finish_run(
                con,
                load_id,
                at=_utc_now(),
                files_seen=len(found.files),
                files_loaded=result.files_loaded,
                files_skipped=result.files_skipped,
                rows_loaded=result.rows_loaded,
                rows_rejected=result.rows_rejected,
                status=status,
            )
        except duckdb.Error:  # pragma: no cover - keep the original error
            if status == "succeeded":
                raise
    return result


def _temp_prefix(database: Path) -> str:
    """Temp folders of a run are named for the database they load into (its name and
    a hash of its absolute path: runs on two databases never touch each other's)."""
    digest = hashlib.sha1(str(database.resolve()).encode("utf-8")).hexdigest()[:12]
    return f".{database.name}.{digest}.ingest-"


#: Prepared files wait for the loader in a window of a few files, so a run's temp
#: folder stays small; in shared memory they never touch the disk.
_SHARED_MEMORY = Path("/dev/shm")
_SHARED_MEMORY_MIN_FREE = 4 * 2**30


def _temp_parent(database: Path) -> Path:
    """Where a run's temp folder goes: CRM_INGEST_TMPDIR if set, else shared memory
    when it has room, else beside the database (same disk as the warehouse)."""
    configured = os.environ.get("CRM_INGEST_TMPDIR")
    if configured:
        return Path(configured)
    try:
        if shutil.disk_usage(_SHARED_MEMORY).free >= _SHARED_MEMORY_MIN_FREE:
            return _SHARED_MEMORY
    except OSError:
        pass
    return database.parent


def _remove_stale_temp_dirs(folder: Path, prefix: str) -> None:
    """Remove temp folders left by a killed run on this database.

    Safe: this process holds the database's lock, so no other run on it is going on.
    """
    for stale in folder.glob(f"{prefix}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _take(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedFile,
    result: IngestResult,
    known: dict[str, manifest.LoadedVersion],
    load_id: str,
    file_id: int,
) -> None:
    """Load one prepared file (unless skipped) and count it in ``result``."""
    job = prepared.job
    if prepared.skipped:
        result.files_skipped += 1
        return
    previous = known.get(job.source_file)
    try:
        _load_file(
            con,
            prepared,
            file_id=file_id,
            file_version=previous.file_version + 1 if previous else 1,
            load_id=load_id,
        )
    finally:
        for path in prepared.temp_paths:
            Path(path).unlink(missing_ok=True)
    stats = prepared.stats
    result.files_loaded += 1
    result.files_fast += prepared.fast
    result.rows_loaded += stats.rows
    result.rows_rejected += stats.rejected
    result.rows_by_export[job.export_name] += stats.rows
    result.missing_columns += [(job.source_file, c) for c in stats.missing_columns]


def _prepare_all(jobs: list[FileJob], workers: int) -> Iterator[PreparedFile]:
    """Prepared files in job order, prepared by ``workers`` processes."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _prepared(job, partial(prepare_file, job))
        return
    # "spawn": the parent holds a DuckDB connection (threads, locks) that must not fork.
    context = multiprocessing.get_context("spawn")
    window = workers * 3
    pending: deque[tuple[FileJob, Future[PreparedFile]]] = deque()
    queue = iter(jobs)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_lower_priority
    ) as pool:
        try:
            for job in queue:
                pending.append((job, pool.submit(prepare_file, job)))
                if len(pending) >= window:
                    break
            while pending:
                job, future = pending.popleft()
                prepared = _prepared(job, future.result)
                following = next(queue, None)
                if following is not None:
                    pending.append((following, pool.submit(prepare_file, following)))
                yield prepared
        finally:
            for _, future in pending:
                future.cancel()


def _lower_priority() -> None:
    """Worker start-up: yield the CPU to the loading process, the serial step, and die
    with it: a loading process killed outright (SIGKILL, the OOM killer) must not leave
    workers behind holding its output pipes and temporary files."""
    if hasattr(os, "nice"):
        os.nice(_WORKER_NICENESS)
    die_with_parent()


def _prepared(job: FileJob, get) -> PreparedFile:
    try:
        return get()
    except FileChangedError as exc:
        raise IngestError(str(exc)) from exc
    except BrokenProcessPool as exc:
        raise IngestError(
            f"a worker process died while preparing {job.source_file} (out of memory?); "
            "run again, with fewer workers if it repeats"
        ) from exc
    except OSError as exc:
        raise IngestError(f"cannot read {job.source_file}: {exc}") from exc


def _load_file(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedFile,
    *,
    file_id: int,
    file_version: int,
    load_id: str,
) -> None:
    """Load one prepared file version: rows, rejects and manifest row, in one transaction."""
    job, stats = prepared.job, prepared.stats
    export = EXPORTS_BY_NAME[job.export_name]
    loaded_at = _utc_now()
    lineage = {
        "_source_file": job.source_file,
        "_file_id": file_id,
        "_load_id": load_id,
        "_loaded_at": loaded_at,
    }
    con.begin()
    try:
        loaded = 0
        if prepared.fast_path:
            sql, params = _insert_fast_rows_sql(export, stats.columns)
            values = [lineage[name] for name in params]
            inserted = con.execute(sql, [*values, prepared.fast_path]).fetchall()[0][0]
            _check_count(inserted, prepared.fast_rows, "fast-path rows", job.source_file)
            loaded += inserted
        for path, options in (
            (prepared.plain_path, _PLAIN_OPTIONS),
            (prepared.quoted_path, _QUOTED_OPTIONS),
        ):
            if path:
                sql, params = _insert_rows_sql(export, stats.columns, options)
                values = [lineage[name] for name in params]
                loaded += con.execute(sql, [*values, path]).fetchall()[0][0]
        _check_count(loaded, stats.rows, "rows", job.source_file)
        if prepared.rejects_path:
            sql = (
                "INSERT INTO audit.rejected_rows "
                "SELECT ?, ?, ?, ?, line_number, reason, raw_text "
                f"FROM read_csv(?, {_QUOTED_OPTIONS}, columns = {_REJECT_COLUMNS})"
            )
            params = [load_id, file_id, export.name, job.source_file, prepared.rejects_path]
            inserted = con.execute(sql, params).fetchall()[0][0]
            _check_count(inserted, stats.rejected, "rejected rows", job.source_file)
        manifest.record_file(
            con,
            file_id=file_id,
            load_id=load_id,
            export_name=export.name,
            source_file=job.source_file,
            file_version=file_version,
            sha256=prepared.sha256,
            size_bytes=prepared.size_bytes,
            encoding=prepared.encoding,
            records_read=stats.records_read,
            rows_loaded=stats.rows,
            rows_rejected=stats.rejected,
            blank_lines=stats.blank_lines,
            missing_columns=stats.missing_columns,
            extra_columns=stats.extra_columns,
            loaded_at=loaded_at,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    faults.point("ingest.file_committed")


def _insert_rows_sql(export, columns: list[str], options: str) -> tuple[str, list[str]]:
    """INSERT of a normalized file's rows into the export's raw table.

    The file holds ``columns`` then ``_source_line``; the other lineage values are
    parameters (their names returned in order), then the file's path.
    """
    select = [f'"{c}"' for c in columns]
    params = []
    for name in manifest.RAW_LINEAGE_COLUMNS:
        if name == "_source_line":
            select.append("_source_line")
        else:
            select.append(f"?::{manifest.LINEAGE_TYPES[name]}")
            params.append(name)
    spec = ", ".join([*(f"'{c}': 'VARCHAR'" for c in columns), "'_source_line': 'BIGINT'"])
    target = ", ".join(f'"{c}"' for c in [*columns, *manifest.RAW_LINEAGE_COLUMNS])
    sql = (
        f"INSERT INTO {manifest.raw_table(export)} ({target}) SELECT {', '.join(select)} "
        f"FROM read_csv(?, {options}, columns = {{{spec}}})"
    )
    return sql, params


def _insert_fast_rows_sql(export, columns: list[str]) -> tuple[str, list[str]]:
    """INSERT of the good rows of a fast-path Parquet file (:mod:`.prepare`) into the
    export's raw table: lineage parameters as in :func:`_insert_rows_sql`."""
    select = [f'"{c}"' for c in columns]
    params = []
    for name in manifest.RAW_LINEAGE_COLUMNS:
        if name == "_source_line":
            select.append("n")
        else:
            select.append(f"?::{manifest.LINEAGE_TYPES[name]}")
            params.append(name)
    target = ", ".join(f'"{c}"' for c in [*columns, *manifest.RAW_LINEAGE_COLUMNS])
    sql = (
        f"INSERT INTO {manifest.raw_table(export)} ({target}) SELECT {', '.join(select)} "
        "FROM read_parquet(?) WHERE good"
    )
    return sql, params


def _check_count(inserted: int, expected: int, what: str, source_file: str) -> None:
    if inserted != expected:
        raise IngestError(
            f"internal error loading {source_file}: prepared {expected} {what} but DuckDB "
            f"read {inserted}; nothing of this file was loaded (please report this)"
        )
