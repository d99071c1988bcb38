"""Shared fixtures: a small generated dataset, ingested and built once per session."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CRM = str(Path(sys.executable).with_name("crm"))
SMALL_MEMBERS = 300
SMALL_SEED = 11
# The demo's default sample: the scale at which the identity targets and the tag
# coverage check are defined.
DEFAULT_MEMBERS = 20000
DEFAULT_SEED = 42


class SmallWarehouse(NamedTuple):
    database: Path
    serving: Path
    stdout: str


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Streamlit's AppTest runs each page as `__main__` and leaves it there; a worker
    process started by spawn afterwards would re-run that page script as its main
    module. Every test starts and ends with pytest's own `__main__`."""
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


@pytest.fixture(scope="session", autouse=True)
def _dbt_folders_of_this_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """dbt's target and log folders per test process: two pytest-xdist workers building
    at once would otherwise write one run_results.json (which `crm run` summarises)
    and one partial-parse state in the checkout's target/."""
    folder = tmp_path_factory.mktemp("dbt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(folder / "target"))
        patch.setenv("DBT_LOG_PATH", str(folder / "logs"))
        yield


def crm_environment(**extra: str) -> dict[str, str]:
    """The environment `crm` runs in from the tests (plus `extra` variables)."""
    return dict(
        os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="False", GX_ANALYTICS_ENABLED="False", **extra
    )


def run_crm(
    *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `crm` CLI as a user would (`env`: extra environment variables)."""
    env = crm_environment(**(env or {}))
    completed = subprocess.run(
        [CRM, *args], capture_output=True, text=True, env=env, cwd=PROJECT_DIR, check=False
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"crm {' '.join(args)} exited {completed.returncode}\n"
            f"--- stdout\n{completed.stdout[-4000:]}\n--- stderr\n{completed.stderr[-4000:]}"
        )
    return completed


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def content_hashes(
    database: Path, schemas: tuple[str, ...], *, skip_columns: tuple[str, ...] = ()
) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash (md5 of the sorted rows as
    text, without `skip_columns`) of every table and view in the schemas."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        hashes = {}
        for schema, name in tables:
            columns = [
                f'"{column}"'
                for (column,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, name],
                ).fetchall()
                if column not in skip_columns
            ]
            hashes[f"{schema}.{name}"] = con.execute(
                "select count(*), md5(coalesce(string_agg(row_text, chr(10) order by row_text), "
                f"'')) from (select ({', '.join(columns)})::varchar as row_text "
                f'from "{schema}"."{name}")'
            ).fetchone()
        return hashes
    finally:
        con.close()


def shared_folder(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder built once per test run, whichever test (or pytest-xdist worker) asks
    first: the others wait on a file lock and reuse it. `build` fills the folder; a
    build that fails leaves nothing behind, so the next asker builds again."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by its workers
    folder = root / f"shared-{name}"
    with (root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            (folder / ".built").touch()
    return folder


def _generate(raw: Path, members: int, seed: int) -> None:
    run_crm(
        "generate", "--out", str(raw), "--members", str(members), "--seed", str(seed), "--quiet"
    )


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated export folder (never modified by tests: copy it to change it)."""
    folder = shared_folder(
        tmp_path_factory, "small", lambda f: _generate(f / "raw", SMALL_MEMBERS, SMALL_SEED)
    )
    return folder / "raw"


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory, small_raw: Path) -> SmallWarehouse:
    """The small sample through `crm run` (ingest, dbt build, validation with GX) and
    `crm publish`, built once per test run. Never modified by tests: copy it."""

    def build(folder: Path) -> None:
        result = run_crm(
            "run", "--raw-dir", str(small_raw), "--database", str(folder / "crm.duckdb"), "--quiet"
        )
        (folder / "run.stdout").write_text(result.stdout, encoding="utf-8")
        run_crm(
            "publish",
            "--database",
            str(folder / "crm.duckdb"),
            "--serving",
            str(folder / "crm.serving.duckdb"),
        )

    folder = shared_folder(tmp_path_factory, "small-warehouse", build)
    return SmallWarehouse(
        folder / "crm.duckdb",
        folder / "crm.serving.duckdb",
        (folder / "run.stdout").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="session")
def default_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's default sample (20,000 members) run end to end: (raw folder, warehouse).
    Tests must not modify either (copy the warehouse to change it)."""

    def build(folder: Path) -> None:
        _generate(folder / "raw", DEFAULT_MEMBERS, DEFAULT_SEED)
        run_crm(
            "run",
            "--raw-dir",
            str(folder / "raw"),
            "--database",
            str(folder / "crm.duckdb"),
            "--quiet",
        )

    folder = shared_folder(tmp_path_factory, "default", build)
    return folder / "raw", folder / "crm.duckdb"
