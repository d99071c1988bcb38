"""`crm refresh`: the lock, the run record, atomic publishing, failure without publishing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm_warehouse.refresh import lock_path, publish, refresh_lock

from conftest import query, run_crm


@pytest.fixture(scope="module")
def refreshed(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Two refreshes of a small warehouse: the first loads everything, the second finds
    no new file."""
    work = tmp_path_factory.mktemp("refresh")
    raw = work / "raw"
    shutil.copytree(small_raw, raw)
    database, serving = work / "crm.duckdb", work / "bi" / "crm.serving.duckdb"
    for _ in range(2):
        run_crm(
            "refresh",
            "--raw-dir",
            str(raw),
            "--database",
            str(database),
            "--serving",
            str(serving),
            "--quiet",
        )
    return raw, database, serving


def test_a_second_refresh_exits_at_once_while_one_holds_the_lock(tmp_path: Path) -> None:
    database = tmp_path / "crm.duckdb"
    with refresh_lock(database):
        result = run_crm(
            "refresh",
            "--raw-dir",
            str(tmp_path / "raw"),
            "--database",
            str(database),
            check=False,
        )
    assert result.returncode == 75
    assert "another refresh" in result.stderr and str(lock_path(database)) in result.stderr
    assert not database.exists(), "the locked-out refresh did nothing"


def test_refresh_records_each_run_and_publishes_a_serving_copy(
    refreshed: tuple[Path, Path, Path],
) -> None:
    _, database, serving = refreshed
    runs = query(
        database,
        "select outcome, files_loaded, rows_loaded, models_built, tests_passed, tests_failed, "
        "published_to from audit.refresh_runs order by started_at",
    )
    assert [r[0] for r in runs] == ["succeeded", "succeeded"]
    first, second = runs
    assert first[1] > 0 and first[2] > 0 and first[3] > 50 and first[4] > 100 and first[5] == 0
    assert second[1] == 0 and second[2] == 0, "nothing new the second night"
    assert first[6] == second[6] == str(serving)
    [(customers,)] = query(serving, "select count(*) from marts.dim_customers")
    [(built,)] = query(database, "select count(*) from marts.dim_customers")
    assert customers == built > 0
    # the serving copy was taken after the second run's record was written
    [(records,)] = query(serving, "select count(*) from audit.refresh_runs")
    assert records == 2


def test_a_failed_refresh_records_the_failure_and_publishes_nothing(
    refreshed: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, database, _ = refreshed
    work_db = tmp_path / "crm.duckdb"
    shutil.copy2(database, work_db)
    shutil.copy2(
        database.with_name(database.name + ".hash-secret"), tmp_path / "crm.duckdb.hash-secret"
    )
    published = tmp_path / "serving.duckdb"
    publish(work_db, published)
    before = published.read_bytes()
    result = run_crm(
        "refresh",
        "--raw-dir",
        str(tmp_path / "missing"),
        "--database",
        str(work_db),
        "--serving",
        str(published),
        check=False,
    )
    assert result.returncode != 0
    [(outcome, error, published_to)] = query(
        work_db,
        "select outcome, error, published_to from audit.refresh_runs "
        "order by started_at desc limit 1",
    )
    assert outcome == "failed" and error and published_to is None
    assert published.read_bytes() == before, "the serving copy is untouched"


def test_publish_keeps_the_previous_copy_and_rollback_restores_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.duckdb", tmp_path / "second.duckdb"
    first.write_bytes(b"first build")
    second.write_bytes(b"second build")
    serving = tmp_path / "bi" / "crm.serving.duckdb"
    run_crm("publish", "--database", str(first), "--serving", str(serving))
    run_crm("publish", "--database", str(second), "--serving", str(serving))
    assert serving.read_bytes() == b"second build"
    run_crm("publish", "--database", str(second), "--serving", str(serving), "--rollback")
    assert serving.read_bytes() == b"first build"
    assert sorted(p.name for p in serving.parent.iterdir()) == [
        "crm.serving.duckdb",
        "crm.serving.duckdb.previous",
    ], "no temporary file is left behind"


def test_rollback_without_a_previous_copy_fails_clearly(tmp_path: Path) -> None:
    result = run_crm("publish", "--serving", str(tmp_path / "s.duckdb"), "--rollback", check=False)
    assert result.returncode == 1 and "no previous serving copy" in result.stderr


def test_source_freshness_fails_on_an_export_not_loaded_for_three_days(
    refreshed: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import duckdb

    from crm_warehouse.cli import _check_freshness

    _, database, _ = refreshed
    copy = tmp_path / "crm.duckdb"
    shutil.copy2(database, copy)
    shutil.copy2(
        database.with_name(database.name + ".hash-secret"), tmp_path / "crm.duckdb.hash-secret"
    )
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    con = duckdb.connect(str(copy))
    con.execute("update raw.pos__orders set _loaded_at = _loaded_at - interval 4 day")
    con.execute("update raw.wecom__contacts set _loaded_at = _loaded_at - interval 2 day")
    con.execute("delete from raw.service__nps_responses")  # an empty export is not judged
    con.close()
    with pytest.raises(SystemExit):
        _check_freshness(copy)
    out = capsys.readouterr()
    assert "pos.orders" in out.err and "more than 3 days" in out.err
    assert "wecom.contacts" in out.out and "nps" not in out.err + out.out
