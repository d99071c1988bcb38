"""Shared by the BI tests (semantic layer, AppTest, browser): one small generated
warehouse built and published once per pytest session, and MetricFlow run in a
project folder of its own (mf reads <project>/target/semantic_manifest.json, so it
must not share the checkout's target/ with other builds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm_warehouse.settings import dbt_environment

from conftest import PROJECT_DIR

PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "analyses")
BIN = Path(sys.executable).parent


def metricflow_project(tmp_path_factory: pytest.TempPathFactory, database: Path) -> Path:
    """A project folder linking the checkout's dbt files, with its own target/ holding
    a semantic manifest parsed against `database`."""
    project = tmp_path_factory.getbasetemp() / "bi_metricflow_project"
    manifest = project / "target" / "semantic_manifest.json"
    if manifest.exists():
        return project
    project.mkdir(parents=True, exist_ok=True)
    for entry in PROJECT_ENTRIES:
        link = project / entry
        if not link.exists():
            link.symlink_to(PROJECT_DIR / entry)
    completed = subprocess.run(
        [str(BIN / "dbt"), "parse", "--project-dir", str(project)],
        env=metricflow_environment(project, database),
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert manifest.exists()
    return project


def metricflow_environment(project: Path, database: Path) -> dict[str, str]:
    env = dbt_environment(database)
    env.pop("DBT_TARGET_PATH", None)
    env["DBT_PROFILES_DIR"] = str(project)
    env["DBT_PROJECT_DIR"] = str(project)
    env["DBT_LOG_PATH"] = str(project / "logs")
    env["DO_NOT_TRACK"] = "1"
    return env


def run_mf(project: Path, database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mf <args>` in the MetricFlow project folder against `database`."""
    return subprocess.run(
        [str(BIN / "mf"), *args],
        env=metricflow_environment(project, database),
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_paths() -> tuple[str, str] | None:
    """Debian's chromium and chromium-driver (`make browser` installs them)."""
    browser = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    driver = os.environ.get("CRM_CHROMEDRIVER", "/usr/bin/chromedriver")
    if Path(browser).exists() and Path(driver).exists():
        return browser, driver
    return None
