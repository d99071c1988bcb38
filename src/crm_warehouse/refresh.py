"""The nightly refresh a scheduler calls (cron, a systemd timer, Airflow, Dagster).

One refresh: take the warehouse's lock (a second refresh exits at once with a clear
message naming the holder), ingest the export files not loaded yet, `dbt build`
(`--full` rebuilds incremental models from scratch), validate, then publish: copy the
warehouse to the serving file BI tools read, atomically (write a temporary copy beside
it, then rename over the old one: a reader sees the old copy or the new one, never a
half-written file). Every refresh, failed or not, leaves a run record in
audit.refresh_runs (written when it starts, completed when it ends: one killed on the
way is marked interrupted by the next); a failed refresh exits non-zero and publishes
nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from crm_warehouse import faults

RUNS_TABLE = "audit.refresh_runs"
RUNS_DDL = f"""
create table if not exists {RUNS_TABLE} (
    run_id varchar primary key,
    started_at timestamp,
    finished_at timestamp,
    outcome varchar,
    full_refresh boolean,
    as_of_date date,
    files_loaded integer,
    files_skipped integer,
    rows_loaded bigint,
    rows_rejected bigint,
    models_built integer,
    tests_passed integer,
    tests_failed integer,
    tests_warned integer,
    duration_seconds double,
    published_to varchar,
    host varchar,
    error varchar
)
"""


class RefreshLocked(RuntimeError):
    """Another refresh holds the warehouse's lock."""


@dataclass
class RunRecord:
    run_id: str
    started_at: datetime
    full_refresh: bool
    finished_at: datetime | None = None
    outcome: str = "running"
    as_of_date: date | None = None
    files_loaded: int = 0
    files_skipped: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    models_built: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    tests_warned: int = 0
    duration_seconds: float = 0.0
    published_to: str | None = None
    host: str = field(default_factory=socket.gethostname)
    error: str | None = None


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".refresh.lock")


@contextmanager
def refresh_lock(database: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock for the refresh of `database`. The lock is
    an OS file lock (flock): it is released when the process ends, however it ends, so
    a crashed refresh never leaves a stale lock behind."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown holder"
            raise RefreshLocked(
                f"another refresh of {database} is running ({holder}); "
                f"lock {path}: this refresh did nothing"
            ) from None
        handle.seek(0)
        handle.truncate()
        since = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since {since}")
        handle.flush()
        yield
    finally:
        handle.close()


def previous_path(serving: Path) -> Path:
    """Where the serving copy published before the current one is kept for rollback."""
    return serving.with_name(serving.name + ".previous")


def _swap_in(source: Path, serving: Path, *, keep_previous: bool) -> None:
    """Make a copy of `source` the serving file atomically: copy to a temporary file
    beside it, keep the current serving file as the previous one (a hard link, so the
    serving name never disappears), then rename the copy over the serving name."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_copies(serving)
    temporary = serving.with_name(f".{serving.name}.{os.getpid()}.tmp")
    link = serving.with_name(f".{serving.name}.{os.getpid()}.previous.tmp")
    try:
        shutil.copyfile(source, temporary)
        faults.point("publish.copied")
        if keep_previous and serving.exists():
            link.unlink(missing_ok=True)
            os.link(serving, link)
            os.replace(link, previous_path(serving))
            faults.point("publish.previous_kept")
        os.replace(temporary, serving)
    finally:
        temporary.unlink(missing_ok=True)
        link.unlink(missing_ok=True)


def _remove_abandoned_copies(serving: Path) -> None:
    """Delete temporary copies a killed publish left beside the serving file (their
    process is gone); a live publisher's copy is left alone."""
    prefix = f".{serving.name}."
    for path in serving.parent.glob(f"{prefix}*.tmp"):
        pid = path.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:
            pass  # alive, another user's


def publish(database: Path, serving: Path, *, keep_previous: bool = True) -> None:
    """Copy the warehouse to `serving` atomically; the copy it replaces is kept as
    `<serving>.previous` for `crm publish --rollback` (unless keep_previous is false:
    then any previous copy is deleted). BI sessions open on the old copy keep reading it
    until they reconnect."""
    _swap_in(database, serving, keep_previous=keep_previous)
    if not keep_previous:
        previous_path(serving).unlink(missing_ok=True)


def erasures_since(database: Path, since: datetime) -> int:
    """Erasure requests carried out at or after `since` (audit.erasure_log; 0 when the
    warehouse has none)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        try:
            [(count,)] = con.execute(
                "select count(*) from audit.erasure_log where processed_at >= ?", [since]
            ).fetchall()
        except duckdb.CatalogException:
            return 0
    finally:
        con.close()
    return int(count)


def rollback(serving: Path) -> None:
    """Put the previous serving copy back (atomically); the rolled-back copy is
    dropped. Fails when there is no previous copy."""
    previous = previous_path(serving)
    if not previous.exists():
        raise FileNotFoundError(f"{previous}: no previous serving copy to roll back to")
    _swap_in(previous, serving, keep_previous=False)


def dbt_counts(run_results: Path) -> tuple[int, int, int, int]:
    """(models built, tests passed, failed, warned) from dbt's run_results.json files of
    the last build (the staging step's too, when the build ran it first)."""
    built = passed = failed = warned = 0
    for path in (run_results.with_name("run_results.staging.json"), run_results):
        if not path.exists():
            continue
        for result in json.loads(path.read_text(encoding="utf-8")).get("results", []):
            kind = result["unique_id"].split(".", 1)[0]
            status = result.get("status")
            if kind in ("model", "seed", "snapshot") and status == "success":
                built += 1
            elif kind in ("test", "unit_test"):
                passed += status == "pass"
                failed += status in ("fail", "error")
                warned += status == "warn"
    return built, passed, failed, warned


INTERRUPTED = (
    "the refresh ended without finishing (killed, or the machine stopped); "
    "the next refresh carried on from what it had committed"
)


def write_record(database: Path, record: RunRecord) -> None:
    """Insert or update the run's record. While a refresh holds the lock, any other
    record still 'running' belongs to a refresh that died: it is marked interrupted."""
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists audit")
        con.execute(RUNS_DDL)
        con.execute(
            f"update {RUNS_TABLE} set outcome = 'interrupted', error = ? "
            "where outcome = 'running' and run_id <> ?",
            [INTERRUPTED, record.run_id],
        )
        values = asdict(record)
        columns = list(values)
        con.execute(
            f"insert or replace into {RUNS_TABLE} ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [values[c] for c in columns],
        )
    finally:
        con.close()


@dataclass
class Steps:
    """The refresh's steps, injected so the CLI supplies its own (with their output)."""

    ingest: Callable[[], object]
    build: Callable[[bool], date | None]
    validate: Callable[[], None]
    run_results: Path


def refresh(database: Path, serving: Path | None, steps: Steps, *, full: bool = False) -> RunRecord:
    """Run one refresh under the lock; returns the run record (outcome succeeded).
    Raises RefreshLocked without doing anything when another refresh runs, and
    re-raises a step's failure after recording it (nothing is published then)."""
    with refresh_lock(database):
        started = time.perf_counter()
        record = RunRecord(
            run_id=f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
            started_at=datetime.now(UTC).replace(tzinfo=None),
            full_refresh=full,
        )
        # recorded at the start too: a refresh killed on the way leaves 'running',
        # which the next one marks interrupted
        write_record(database, record)
        try:
            result = steps.ingest()
            record.files_loaded = getattr(result, "files_loaded", 0)
            record.files_skipped = getattr(result, "files_skipped", 0)
            record.rows_loaded = getattr(result, "rows_loaded", 0)
            record.rows_rejected = getattr(result, "rows_rejected", 0)
            record.as_of_date = steps.build(full)
            (
                record.models_built,
                record.tests_passed,
                record.tests_failed,
                record.tests_warned,
            ) = dbt_counts(steps.run_results)
            steps.validate()
            record.outcome = "succeeded"
        except BaseException as exc:
            record.outcome = "failed"
            record.error = f"{type(exc).__name__}: {exc}"[:2000]
            raise
        finally:
            record.finished_at = datetime.now(UTC).replace(tzinfo=None)
            record.duration_seconds = round(time.perf_counter() - started, 2)
            if record.outcome == "succeeded" and serving is not None:
                record.published_to = str(serving)
            write_record(database, record)
        if serving is not None:
            # A refresh that erased someone must not leave a rollback copy holding
            # their data: the previous serving copy is dropped then.
            erased = erasures_since(database, record.started_at) > 0
            publish(database, serving, keep_previous=not erased)
        return record
