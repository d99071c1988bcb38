"""Shared fixtures: a small generated dataset, ingested and built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Streamlit's AppTest runs each page as `__main__` and leaves it there; a worker
    process started by spawn afterwards would re-run that page script as its main
    module. Every test starts and ends with pytest's own `__main__`."""
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


def run_crm(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the installed `crm` CLI as a user would."""
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="False", GX_ANALYTICS_ENABLED="False")
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


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated export folder (never modified by tests: copy it to change it)."""
    raw = tmp_path_factory.mktemp("raw") / "raw"
    run_crm(
        "generate",
        "--out",
        str(raw),
        "--members",
        str(SMALL_MEMBERS),
        "--seed",
        str(SMALL_SEED),
        "--quiet",
    )
    return raw


@pytest.fixture(scope="session")
def default_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's default sample (20,000 members) run end to end: (raw folder, warehouse).
    Tests must not modify either (copy the warehouse to change it)."""
    raw = tmp_path_factory.mktemp("default") / "raw"
    run_crm(
        "generate",
        "--out",
        str(raw),
        "--members",
        str(DEFAULT_MEMBERS),
        "--seed",
        str(DEFAULT_SEED),
        "--quiet",
    )
    database = raw.parent / "crm.duckdb"
    run_crm("run", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    return raw, database
