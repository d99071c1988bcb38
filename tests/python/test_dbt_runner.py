"""How `crm build` calls dbt: the two steps, unit tests only when asked, and the as-of
date in CRM_AS_OF (not a var, which would make dbt parse the project again)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from crm_warehouse import dbt_runner


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[list[str], dict]]:
    """Every dbt command `build` would run: (arguments, environment); dbt is not run."""
    seen: list[tuple[list[str], dict]] = []

    def fake_run(cmd, env, check, preexec_fn):
        seen.append(([arg for arg in cmd[1:] if arg != "--quiet"], env))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(dbt_runner.subprocess, "run", fake_run)
    monkeypatch.setattr(dbt_runner, "latest_order_date", lambda database: date(2024, 12, 30))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("CRM_HASH_SECRET", "a-test-secret-0123456789")
    monkeypatch.delenv("CRM_AS_OF", raising=False)
    (tmp_path / "crm.duckdb").touch()
    return seen


def test_a_build_leaves_unit_tests_out_and_passes_the_date_in_the_environment(
    calls, tmp_path: Path
) -> None:
    used = dbt_runner.build(tmp_path / "crm.duckdb")
    assert used == date(2024, 12, 30)
    (staging, staging_env), (rest, rest_env) = calls
    assert staging[:3] == ["build", "--select", "staging"]
    assert "--exclude" in rest and rest[rest.index("--exclude") + 1] == "staging"
    for args in (staging, rest):
        assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
        assert "--vars" not in args, "a var would make dbt parse the project again"
    assert "CRM_AS_OF" not in staging_env, "staging does not depend on the as-of date"
    assert rest_env["CRM_AS_OF"] == "2024-12-30"


def test_unit_tests_run_when_asked_and_an_explicit_date_builds_in_one_step(
    calls, tmp_path: Path
) -> None:
    dbt_runner.build(tmp_path / "crm.duckdb", as_of=date(2024, 6, 30), unit_tests=True)
    [(args, env)] = calls
    assert args[0] == "build" and "--exclude-resource-type" not in args
    assert env["CRM_AS_OF"] == "2024-06-30"
