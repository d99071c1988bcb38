"""The CLI as a user meets it: help on every command, clear errors, non-zero exits."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_crm


@pytest.mark.parametrize(
    "command",
    ["generate", "ingest", "build", "run", "validate", "evaluate identity", "land-raw", "dbt"],
)
def test_every_command_has_help(command: str) -> None:
    result = run_crm(*command.split(), "--help")
    assert "Usage: crm " + command in result.stdout


def test_evaluate_identity_without_truth_fails_with_a_clear_message(tmp_path: Path) -> None:
    result = run_crm(
        "evaluate",
        "identity",
        "--raw-dir",
        str(tmp_path / "raw"),
        "--database",
        str(tmp_path / "x.duckdb"),
        check=False,
    )
    assert result.returncode == 1
    assert "crm: error:" in result.stderr and "record_owners.csv: not found" in result.stderr


def test_ingest_of_missing_folder_fails_with_a_clear_message(tmp_path: Path) -> None:
    result = run_crm(
        "ingest",
        "--raw-dir",
        str(tmp_path / "nope"),
        "--database",
        str(tmp_path / "x.duckdb"),
        check=False,
    )
    assert result.returncode == 1
    assert "crm: error:" in result.stderr and "nope" in result.stderr


def test_ingest_without_any_orders_export_fails(tmp_path: Path) -> None:
    (tmp_path / "raw/catalog/stores").mkdir(parents=True)
    (tmp_path / "raw/catalog/stores/s.csv").write_text(
        "store_id,store_name,province,city,region,store_type,opened_at\nS1,a,b,c,east,mall,2020-01-01\n",
        encoding="utf-8",
    )
    result = run_crm(
        "ingest",
        "--raw-dir",
        str(tmp_path / "raw"),
        "--database",
        str(tmp_path / "x.duckdb"),
        check=False,
    )
    assert result.returncode == 1
    assert "orders" in result.stderr


def test_generate_rejects_bad_dates(tmp_path: Path) -> None:
    result = run_crm(
        "generate",
        "--out",
        str(tmp_path / "o"),
        "--members",
        "10",
        "--start",
        "2024-02-01",
        "--end",
        "2024-01-01",
        "--quiet",
        check=False,
    )
    assert result.returncode != 0
    assert "crm: error:" in result.stderr


def test_build_of_missing_database_fails(tmp_path: Path) -> None:
    result = run_crm("build", "--database", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 1
    assert "no such database" in result.stderr


def test_dbt_without_arguments_fails_with_a_clear_message(tmp_path: Path) -> None:
    result = run_crm("dbt", "--database", str(tmp_path / "crm.duckdb"), check=False)
    assert result.returncode == 1
    assert "no dbt command given" in result.stderr
