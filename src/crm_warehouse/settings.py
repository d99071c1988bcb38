"""Where things are: the dbt project, default paths and their environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_DATABASE = Path("warehouse/crm.duckdb")

ENV_RAW_DIR = "CRM_RAW_DIR"
ENV_DATABASE = "CRM_DATABASE"
ENV_AS_OF = "CRM_AS_OF"
ENV_PROJECT_DIR = "CRM_PROJECT_DIR"


def project_dir() -> Path:
    """The dbt project: CRM_PROJECT_DIR, else the checkout this package lives in, else cwd."""
    env = os.environ.get(ENV_PROJECT_DIR)
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "dbt_project.yml").is_file():
            return parent
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").is_file():
        return cwd
    raise FileNotFoundError(
        "cannot find the dbt project (dbt_project.yml): run from the project folder "
        f"or set {ENV_PROJECT_DIR}"
    )


def dbt_environment(database: Path) -> dict[str, str]:
    """Environment for a dbt subprocess that builds `database`."""
    env = dict(os.environ)
    env[ENV_DATABASE] = str(database.resolve())
    env.setdefault("DBT_PROFILES_DIR", str(project_dir()))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    env.setdefault("GX_ANALYTICS_ENABLED", "False")
    return env
