"""Where things are: the dbt project, default paths and their environment overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from crm_warehouse.keyed_hash import hmac_pads

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_DATABASE = Path("warehouse/crm.duckdb")

ENV_RAW_DIR = "CRM_RAW_DIR"
ENV_DATABASE = "CRM_DATABASE"
ENV_AS_OF = "CRM_AS_OF"
ENV_PROJECT_DIR = "CRM_PROJECT_DIR"
ENV_HASH_SECRET = "CRM_HASH_SECRET"
# The keyed hash's HMAC-SHA256 pads (hex), for engines without an hmac function
# (Spark: macros/privacy/masking.sql, spark__keyed_hash; profiles.yml, `spark`).
ENV_HASH_IPAD = "CRM_HASH_IPAD"
ENV_HASH_OPAD = "CRM_HASH_OPAD"


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
    if not env.get(ENV_HASH_SECRET):
        env[ENV_HASH_SECRET] = warehouse_hash_secret(database)
    inner, outer = hmac_pads(env[ENV_HASH_SECRET].encode())
    env[ENV_HASH_IPAD], env[ENV_HASH_OPAD] = inner.hex(), outer.hex()
    return env


def hash_secret_path(database: Path) -> Path:
    return database.with_name(database.name + ".hash-secret")


def warehouse_hash_secret(database: Path) -> str:
    """The key of the warehouse's keyed hashes (phones, emails) when CRM_HASH_SECRET
    is not set: read from ``<database>.hash-secret``, created (random, mode 0600) on
    first use. Keep it with the warehouse: keys of the same phone stay equal only
    under the same secret. It never enters the repository (``*.hash-secret`` is
    ignored) nor any SQL."""
    path = hash_secret_path(database)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret
