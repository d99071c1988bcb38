"""Running dbt as a subprocess (never in-process: see toolchain-notes, GX and dbt
opening one DuckDB file in one process conflict) and resolving the as-of date."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from crm_warehouse import faults
from crm_warehouse.children import die_with_parent
from crm_warehouse.settings import ENV_AS_OF, dbt_environment, project_dir


class DbtError(RuntimeError):
    """dbt exited non-zero."""


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str], database: Path, *, as_of: date | None = None, quiet: bool = False
) -> None:
    """Run `dbt <args>` against `database`, streaming its output; raise DbtError on failure.

    The as-of date goes to dbt in CRM_AS_OF (macro as_of_date), not as a var: dbt
    parses the whole project again when a var changes, not when this changes."""
    cmd = [dbt_executable(), *args, "--project-dir", str(project_dir())]
    if quiet:
        cmd.insert(1, "--quiet")
    env = dbt_environment(database)
    if as_of is not None:
        env[ENV_AS_OF] = as_of.isoformat()
    # dbt ends with crm: a killed refresh leaves no build running (nor its DuckDB lock)
    completed = subprocess.run(cmd, env=env, check=False, preexec_fn=die_with_parent)
    if completed.returncode != 0:
        raise DbtError(f"dbt {args[0]} failed (exit {completed.returncode}); see its output above")


LATEST_ORDER_DATE_SQL = """
select max(order_date) from (
    select max(order_date) as order_date from staging.stg_pos__orders
    where order_type = 'sale'
    union all
    select max(paid_date) from staging.stg_mall__orders
    where is_paid
) as latest
"""


def latest_order_date(database: Path) -> date | None:
    """Business date of the latest order in the staged data (None when there is none)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(LATEST_ORDER_DATE_SQL).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows and rows[0][0] is not None else None


def target_dir() -> Path:
    """dbt's target folder: DBT_TARGET_PATH when set (relative to the project), else
    the project's `target/` (dbt_project.yml)."""
    configured = os.environ.get("DBT_TARGET_PATH")
    if not configured:
        return project_dir() / "target"
    path = Path(configured)
    return path if path.is_absolute() else project_dir() / path


def staging_results_path() -> Path:
    """Where the staging step's run_results.json is kept for the run summary."""
    return target_dir() / "run_results.staging.json"


def build(
    database: Path,
    *,
    as_of: date | None = None,
    extra_args: list[str] | None = None,
    unit_tests: bool = False,
) -> date | None:
    """`dbt build` (seeds, models, data tests; unit tests too when `unit_tests`). Without
    an explicit as-of date, the staging models are built first and the date is the
    business date of the latest order in them; the build then tests them without
    building them twice (staging does not depend on the as-of date). Returns the as-of
    date used.

    Unit tests check the models' logic on fixed inputs, whatever the data: they belong
    to CI (`make test` runs them), not to every nightly build, so they are left out
    unless asked for (dbt's own advice for production builds)."""
    if not database.exists():
        raise FileNotFoundError(f"{database}: no such database; run `crm ingest` first")
    skipped = [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    build_args = ["build", *skipped, *(extra_args or [])]
    staging_results = staging_results_path()
    staging_results.unlink(missing_ok=True)
    if as_of is None:
        # staging first (models, unit tests, and the data tests that read staging only),
        # then everything else with the tests that read anything beyond staging. The
        # "cautious" indirect selection splits the tests exactly in two: a test reading a
        # staging model and a mart runs in the second step, when the mart exists.
        full = ["--full-refresh"] if "--full-refresh" in build_args else []
        run_dbt(
            ["build", "--select", "staging", "--indirect-selection", "cautious", *skipped, *full],
            database,
            quiet=True,
        )
        results = staging_results.with_name("run_results.json")
        if results.is_file():
            shutil.copyfile(results, staging_results)
        faults.point("build.staging_built")
        build_args += ["--exclude", "staging", "--indirect-selection", "cautious"]
        as_of = latest_order_date(database)
        if as_of is None:
            raise DbtError(
                "no purchase date found in the staged orders: pass --as-of or load orders"
            )
        print(f"as-of date: {as_of} (business date of the latest order)", file=sys.stderr)
    run_dbt(build_args, database, as_of=as_of)
    return as_of
