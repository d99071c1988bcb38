"""`crm refresh`: the lock, the run record, atomic publishing, failure without
publishing, incremental nights equal to one full build, recovery from a kill at any
point."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from crm_warehouse.faults import ENV as KILL_AT
from crm_warehouse.refresh import INTERRUPTED, lock_path, publish, refresh_lock
from crm_warehouse.settings import hash_secret_path

from conftest import CRM, content_hashes, crm_environment, query, run_crm

POS_ORDERS = (
    "order_no,store_id,member_card_no,mobile,ordered_at,order_type,original_order_no,"
    "total_amount,discount_amount,paid_amount,payment_method\n"
)
MEMBERS = (
    "member_card_no,name,mobile,gender,birthday,baby_birthday,home_store_id,"
    "registered_at,updated_at\n"
)
CONTACTS = (
    "external_userid,unionid,name,remark_mobiles,follow_userid,store_id,added_at,deleted_at\n"
)
NIGHTS = ("", "2024-11", "2024-12")  # files of night 2 and 3 start so; night 1: the rest
# Lineage columns: which file (and load) a staged row came from depends on load order.
LINEAGE = ("_file_id", "_loaded_at", "_load_id", "_source_file")


def _mall_order(order_id: str, openid: str, updated: str, refunds: list[dict]) -> str:
    return json.dumps(
        {
            "order_id": order_id,
            "openid": openid,
            "unionid": None,
            "mobile": None,
            "status": "completed",
            "created_at": "2024-10-21T10:00:00+08:00",
            "paid_at": "2024-10-21T10:01:00+08:00",
            "updated_at": updated,
            "total_fee": 12900,
            "discount_fee": 0,
            "payment_fee": 12900,
            "coupon_code": None,
            "receiver_province": "浙江省",
            "receiver_city": "杭州市",
            "items": [{"sku": "ZSKU1", "quantity": 1, "price_fee": 12900}],
            "refunds": refunds,
        },
        ensure_ascii=False,
    )


def _crafted_exports(raw: Path) -> None:
    """Records whose history spans the nights: a card and a mall account of one person
    (merged on night 3 by a WeCom contact with the account's unionid and the card's
    phone), a sale restated on night 2 (discount 20 added), a late return and a late
    mall refund of night-1 orders (night 2), and a sale (night 3) whose return arrived
    first (night 2)."""
    files = {
        "pos/members/2024-10-extra.csv": MEMBERS
        + "ZF1,孙六,13600000006,F,,,S003,2023-01-01 10:00:00,2023-01-01 10:00:00\n",
        "mall/users/2024-10-extra.jsonl": json.dumps(
            {
                "openid": "oZF",
                "unionid": "uZF",
                "nickname": "六",
                "mobile": None,
                "email": None,
                "registered_at": "2024-01-06T10:00:00+08:00",
                "updated_at": "2024-01-06T10:00:00+08:00",
            },
            ensure_ascii=False,
        )
        + "\n",
        "pos/orders/2024-10-extra.csv": POS_ORDERS
        + "ZPF1,S003,ZF1,,2024-10-20 10:00:00,sale,,300.00,0,300.00,cash\n",
        "mall/orders/2024-10-extra.jsonl": _mall_order(
            "ZMF1", "oZF", "2024-10-21T10:01:00+08:00", []
        )
        + "\n",
        "pos/orders/2024-11-extra.csv": POS_ORDERS
        + "ZPF1,S003,ZF1,,2024-10-20 10:00:00,sale,,300.00,20.00,280.00,cash\n"
        + "ZRF1,S003,ZF1,,2024-11-05 10:00:00,return,ZPF1,80.00,0,80.00,cash\n"
        + "ZRX,S003,ZF1,,2024-11-10 10:00:00,return,ZPX,40.00,0,40.00,cash\n",
        "mall/orders/2024-11-extra.jsonl": _mall_order(
            "ZMF1",
            "oZF",
            "2024-11-03T10:00:00+08:00",
            [
                {
                    "refund_id": "ZRFM1",
                    "refund_fee": 5000,
                    "refunded_at": "2024-11-03T10:00:00+08:00",
                }
            ],
        )
        + "\n",
        "wecom/contacts/2024-12-extra.csv": CONTACTS
        + "wmZF,uZF,孙六,13600000006,S003G01,S003,1733011200,\n",
        "pos/orders/2024-12-extra.csv": POS_ORDERS
        + "ZPX,S003,ZF1,,2024-11-01 10:00:00,sale,,40.00,0,40.00,cash\n",
    }
    for name, text in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(text, encoding="utf-8")


def _night(path: Path) -> int:
    """Which night (1, 2, 3) a file of the export folder arrives."""
    return next((n for n in (3, 2) if path.name.startswith(NIGHTS[n - 1])), 1)


def _export_files(raw: Path) -> list[Path]:
    """The export files of a folder (not the generator's answer key in _truth/)."""
    return [
        p
        for p in raw.rglob("*")
        if p.is_file() and not any(part.startswith(("_", ".")) for part in p.relative_to(raw).parts)
    ]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Nights(NamedTuple):
    raw: Path
    database: Path
    serving: Path
    reference: Path
    seen: dict[str, Any]


def _killed_during_dbt(args: list[str]) -> tuple[int, str, bool]:
    """Run `crm <args>` and kill it with SIGKILL (it alone, as a timeout or the OOM
    killer would) as soon as dbt starts building a mart: (exit code, the line it was
    killed at, whether a child process (dbt) outlived it by more than 15 s)."""
    process = subprocess.Popen(
        [CRM, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=crm_environment(),
        start_new_session=True,
    )
    assert process.stdout is not None
    killed_at = ""
    for line in process.stdout:
        if "START sql" in line and " marts." in line:
            killed_at = line.strip()
            process.kill()
            break
    code = process.wait(timeout=60)
    deadline, orphaned = time.monotonic() + 15, True
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            orphaned = False
            break
        time.sleep(0.2)
    if orphaned:
        os.killpg(process.pid, signal.SIGKILL)
    process.stdout.close()
    return code, killed_at, orphaned


@pytest.fixture(scope="module")
def nights(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Nights:
    """Three nightly refreshes of a small warehouse, each landing that night's export
    files (the small sample's months up to October, then November, then December, plus
    crafted records: a restated order, a late return and a late refund, a merge of
    two customers, a sale arriving after its return), with a refresh killed during
    ingest (night 2) and one during the dbt build (night 3), each followed by the next
    refresh; then `crm publish` killed twice. Also one full build over all the files
    (the reference). What was seen on the way is in `seen`."""
    work = tmp_path_factory.mktemp("nights")
    every = work / "all"
    shutil.copytree(small_raw, every, ignore=shutil.ignore_patterns("erasure_requests"))
    _crafted_exports(every)
    raw, database = work / "raw", work / "crm.duckdb"
    serving = work / "bi" / "crm.serving.duckdb"
    files = _export_files(every)
    seen: dict[str, Any] = {}
    refresh = ["refresh", "--raw-dir", str(raw), "--database", str(database)]
    refresh += ["--serving", str(serving), "--quiet"]

    def land(night: int) -> None:
        for path in files:
            if _night(path) == night:
                target = raw / path.relative_to(every)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)

    land(1)
    run_crm(*refresh)
    seen["serving night 1"] = _sha(serving)

    land(2)
    killed = run_crm(*refresh, check=False, env={KILL_AT: "ingest.file_committed:3"})
    seen["ingest kill"] = (killed.returncode, _sha(serving))
    seen["files after ingest kill"] = query(database, "select count(*) from audit.load_manifest")
    run_crm(*refresh)
    seen["serving night 2"] = _sha(serving)

    land(3)
    refresh_loud = [arg for arg in refresh if arg != "--quiet"]
    code, line, orphaned = _killed_during_dbt(refresh_loud)
    seen["dbt kill"] = (code, line, orphaned, _sha(serving))
    run_crm(*refresh)
    seen["serving night 3"] = _sha(serving)

    publish_args = ["publish", "--database", str(database), "--serving", str(serving)]
    for point in ("publish.copied", "publish.previous_kept"):
        killed = run_crm(*publish_args, check=False, env={KILL_AT: point})
        left = sorted(p.name for p in serving.parent.iterdir() if p.name.endswith(".tmp"))
        seen[point] = (killed.returncode, _sha(serving), left)
    run_crm(*publish_args)

    reference = work / "reference.duckdb"
    shutil.copy2(hash_secret_path(database), hash_secret_path(reference))
    run_crm("ingest", "--raw-dir", str(every), "--database", str(reference), "--quiet")
    run_crm("build", "--database", str(reference), "--quiet")
    return Nights(raw, database, serving, reference, seen)


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


def test_refresh_records_each_run_and_publishes_a_serving_copy(nights: Nights) -> None:
    runs = query(
        nights.database,
        "select outcome, files_loaded, rows_loaded, models_built, tests_passed, tests_failed, "
        "published_to, error from audit.refresh_runs order by started_at",
    )
    # night 1; night 2 killed in ingest, then done; night 3 killed in dbt, then done
    outcomes = ["succeeded", "interrupted", "succeeded", "interrupted", "succeeded"]
    assert [r[0] for r in runs] == outcomes
    for run in (runs[0], runs[2], runs[4]):
        assert run[3] > 50 and run[4] > 100 and run[5] == 0
        assert run[6] == str(nights.serving)
    # night 2's rest of the files after the kill; night 3's killed run had loaded them all
    assert runs[0][1] > 0 and runs[2][1] > 0 and runs[2][2] > 0 and runs[4][1] == 0
    for run in (runs[1], runs[3]):
        assert run[6] is None and run[7] == INTERRUPTED
    [(customers,)] = query(nights.serving, "select count(*) from marts.dim_customers")
    [(built,)] = query(nights.database, "select count(*) from marts.dim_customers")
    assert customers == built > 0
    [(records,)] = query(nights.serving, "select count(*) from audit.refresh_runs")
    assert records == 5


def test_incremental_nights_give_the_marts_of_one_full_build(nights: Nights) -> None:
    """Staged and incremental models after three nights (with two kills) hold exactly
    what one full build over the same files holds: every mart, BI table and identity
    map row for row, every staged record (lineage aside: which file it came from)."""
    schemas = ("marts", "semantic", "pii")
    served, reference = (
        content_hashes(nights.serving, schemas),
        content_hashes(nights.reference, schemas),
    )
    assert len(reference) > 40 and served.keys() == reference.keys()
    assert {name for name in reference if served[name] != reference[name]} == set()
    staged = content_hashes(nights.serving, ("staging",), skip_columns=LINEAGE)
    assert staged == content_hashes(nights.reference, ("staging",), skip_columns=LINEAGE)
    watermarks = query(nights.database, "select model_name from audit.staging_watermarks")
    assert sorted(m for (m,) in watermarks) == [
        "base_mall__orders",
        "stg_mall__behavior_events",
        "stg_mall__order_items",
        "stg_mall__order_refunds",
        "stg_mall__orders",
        "stg_pos__order_items",
        "stg_pos__orders",
        "stg_wecom__group_events",
    ]


def test_the_nights_restated_late_and_merged_records_arrived(nights: Nights) -> None:
    orders = dict(
        (key, rest)
        for key, *rest in query(
            nights.serving,
            "select order_key, customer_id, paid_amount, refunded_amount, net_amount "
            "from marts.fct_orders where order_id in ('ZPF1', 'ZMF1', 'ZPX', 'ZRX')",
        )
    )
    # restated on night 2 (paid 280, not 300), its return of 80 recorded late
    assert orders["store:ZPF1"][1:] == [280, 80, 200]
    # the mall refund of 50 yuan recorded on night 2
    assert orders["mall:ZMF1"][1:] == [129, 50, 79]
    # the sale that arrived after its return: netted to zero
    assert orders["store:ZPX"][1:] == [40, 40, 0]
    # the card's and the mall account's orders: one customer since night 3
    assert len({rest[0] for rest in orders.values()}) == 1
    changes = query(nights.database, "select change_type from audit.customer_id_changes")
    assert ("merge",) in changes


def test_a_refresh_killed_during_ingest_changes_nothing_served_and_loads_each_file_once(
    nights: Nights,
) -> None:
    code, serving = nights.seen["ingest kill"]
    assert code == -signal.SIGKILL and serving == nights.seen["serving night 1"]
    [(after_kill,)] = nights.seen["files after ingest kill"]
    files = _export_files(nights.raw)
    night_1 = sum(_night(p) == 1 for p in files)
    assert after_kill == night_1 + 3, "the three files committed before the kill stay"
    [(manifest, distinct)] = query(
        nights.database,
        "select count(*), count(distinct source_file) from audit.load_manifest",
    )
    assert manifest == distinct == len(files), "every file loaded once"


def test_a_refresh_killed_during_the_dbt_build_changes_nothing_served(nights: Nights) -> None:
    code, line, orphaned, serving = nights.seen["dbt kill"]
    assert code == -signal.SIGKILL and " marts." in line
    assert not orphaned, "dbt ended with the killed refresh"
    assert serving == nights.seen["serving night 2"]
    assert nights.seen["serving night 3"] != serving, "the next refresh published"


def test_a_killed_publish_leaves_the_serving_copy_and_the_next_cleans_up(
    nights: Nights,
) -> None:
    for point in ("publish.copied", "publish.previous_kept"):
        code, serving, temporary = nights.seen[point]
        assert code == -signal.SIGKILL and serving == nights.seen["serving night 3"]
        assert temporary, f"{point}: the killed publish left its temporary copy"
    names = sorted(p.name for p in nights.serving.parent.iterdir())
    assert names == ["crm.serving.duckdb", "crm.serving.duckdb.previous"]


def test_a_failed_refresh_records_the_failure_and_publishes_nothing(
    nights: Nights, tmp_path: Path
) -> None:
    database = nights.database
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
    nights: Nights, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import duckdb

    from crm_warehouse.cli import _check_freshness

    database = nights.database
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
