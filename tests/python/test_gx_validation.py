"""The Great Expectations checkpoint (issue 7, part 1): it passes on a clean build,
fails naming the table and column on a corrupted copy, reports a mart without a suite,
and its reductions (witness rows, RFM share bounds, row-count baselines) are exact."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from crm_warehouse import gx_profile
from crm_warehouse.gx_suites import BI_SCHEMAS, EXPANSION_VIEWS, SUITES

from conftest import CRM, PROJECT_DIR, SmallWarehouse, query, run_crm


@pytest.fixture(scope="module")
def built(small_warehouse: SmallWarehouse) -> tuple[Path, str]:
    """The small sample through `crm run` (ingest, dbt build, validation with GX):
    (warehouse, stdout). Not modified by the tests: copy it to change it."""
    return small_warehouse.database, small_warehouse.stdout


def test_crm_run_ends_its_validation_with_a_passing_checkpoint(built: tuple[Path, str]) -> None:
    database, stdout = built
    header = re.search(r"Great Expectations checkpoint .*?(\d+) passed, (\d+) failed", stdout)
    assert header, stdout[-3000:]
    assert int(header.group(1)) > 500 and header.group(2) == "0"
    docs = re.search(r"Data Docs: (\S+)", stdout)
    assert docs and Path(docs.group(1)) == database.parent / "gx" / "data_docs" / "index.html"
    assert Path(docs.group(1)).is_file()
    # The summary is kept beside the Data Docs (make demo prints it last).
    kept = (Path(docs.group(1)).parent / "summary.txt").read_text(encoding="utf-8")
    assert kept.startswith("Great Expectations checkpoint") and kept.strip() in stdout
    # Every table BI reads is validated, each by its own suite (named in the summary); a
    # view that expands a table (the month-end histories) through that table's suite.
    marts = query(
        database,
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_schema in ({', '.join('?' for _ in BI_SCHEMAS)})",
        list(BI_SCHEMAS),
    )
    assert any(table.startswith("semantic.bi_") for (table,) in marts)
    for (table,) in marts:
        validated = EXPANSION_VIEWS.get(table, table)
        assert re.search(rf"\[PASS\] {re.escape(validated)}\s", stdout), table
    assert "[PASS] pii.customer_identity_map" in stdout
    # The first run's counts are the baseline of the next.
    counts = query(database, "select table_name, row_count, is_accepted from audit.gx_row_counts")
    assert {t for t, _, _ in counts} == {s.table for s in SUITES}
    assert all(accepted for _, _, accepted in counts)


def test_a_corrupted_copy_fails_with_a_summary_naming_table_and_column(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    source, _ = built
    database = tmp_path / "corrupted.duckdb"
    shutil.copyfile(source, database)
    docs = tmp_path / "docs"
    first = run_crm("validate", "--database", str(database), "--docs-dir", str(docs))
    assert "0 failed" in first.stdout

    con = duckdb.connect(str(database))
    try:
        tier_rows = con.execute("select count(*) from marts.customer_tier_spans").fetchall()[0][0]
        con.execute(
            """
            -- a duplicated key
            insert into marts.fct_orders select * from marts.fct_orders limit 1;
            -- an unknown stage code
            update marts.customer_lifecycle set lifecycle_stage = 'zombie'
            where rowid = (select min(rowid) from marts.customer_lifecycle);
            -- a negative amount
            update marts.fct_order_items set line_amount = -5
            where rowid = (select min(rowid) from marts.fct_order_items);
            -- a rate of 1.5
            update marts.kpi_stickiness set repeat_purchase_rate = 1.5
            where rowid = (select min(rowid) from marts.kpi_stickiness
                           where repeat_purchase_rate is not null);
            -- half the rows of a mart gone since the first run
            delete from marts.customer_tier_spans where rowid % 2 = 0;
            -- every recency score 4 made a 5: score 5 holds about 40%, not 20%
            update marts.customer_rfm set r_score = 5 where r_score = 4;
            -- a new mart nobody wrote a suite for
            create table marts.zz_unvalidated_mart as select 1 as id;
            -- a view that expands no validated table (the histories are declared)
            create view marts.zz_unvalidated_view as select 1 as id;
            """
        )
    finally:
        con.close()

    second = run_crm("validate", "--database", str(database), "--docs-dir", str(docs), check=False)
    assert second.returncode == 1
    assert "crm: error: validation failed" in second.stderr
    summary = second.stdout
    failures = [line.strip() for line in summary.splitlines() if line.strip().startswith("- ")]
    expected = {
        "marts.fct_orders.order_key: expect_column_values_to_be_unique": "1 duplicated key in",
        "marts.customer_lifecycle.lifecycle_stage: expect_column_values_to_be_in_set": "'zombie'",
        "marts.fct_order_items.line_amount: expect_column_values_to_be_between": "min -5",
        "marts.kpi_stickiness.repeat_purchase_rate: expect_column_values_to_be_between": "max 1.5",
        "row counts: expect_column_values_to_be_between": ("marts.customer_tier_spans"),
        "schemas marts, semantic: expect_column_values_to_be_in_set": "marts.zz_unvalidated_mart",
        "marts.customer_rfm.share: expect_column_pair_values_a_to_be_greater_than_b": (
            "recency score 5"
        ),
    }
    for prefix, observed in expected.items():
        matching = [line for line in failures if line.startswith(f"- {prefix}: ")]
        assert matching, f"no failure {prefix!r} in:\n" + "\n".join(failures)
        assert any(observed in line for line in matching), matching
    views = [line for line in failures if "views that expand no validated table" in line]
    assert len(views) == 1 and "marts.zz_unvalidated_view" in views[0], failures
    assert "history" not in views[0], views
    assert re.search(
        r"marts\.customer_tier_spans: [\d,]+ rows, "
        + re.escape(f"{tier_rows:,}")
        + r" at run \S+ \(-(49|50)\.\d%, tolerance \+-20%\)",
        summary,
    ), summary
    assert re.search(r"\[FAIL\] marts\.fct_orders\s", summary)
    assert re.search(r"\[PASS\] marts\.dim_customers\s", summary)
    assert (docs / "index.html").is_file()
    # The failed count is recorded as not accepted: the next run still compares with
    # the first run's count.
    previous = gx_profile.previous_row_counts(duckdb.connect(str(database), read_only=True))
    assert previous["marts.customer_tier_spans"][0] == tier_rows


def test_an_invalid_tolerance_is_a_clear_error(built: tuple[Path, str], tmp_path: Path) -> None:
    database = tmp_path / "copy.duckdb"
    shutil.copyfile(built[0], database)
    result = subprocess.run(
        [CRM, "validate", "--database", str(database)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=dict(os.environ, CRM_GX_ROW_COUNT_TOLERANCE="ten percent"),
        check=False,
    )
    assert result.returncode == 1
    assert "CRM_GX_ROW_COUNT_TOLERANCE='ten percent' is not a number" in result.stderr


# ---- the reductions, on hand-made tables --------------------------------------------


def _table(sql: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(sql)
    return con


def test_witness_rows_hold_a_row_of_every_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_profile, "SAMPLE_ROWS", 0)
    con = _table(
        """
        create table marts.t as select * from (values
            (1, 'a', 'x', 0.5), (2, 'a', 'y', 0.0), (2, 'a', 'y', 0.9), (7, 'a', 'x', 0.3),
            (3, null, 'x', 1.5), (4, 'b', null, -0.1), (5, 'b', 'zz', 0.2), (6, 'c', 'x', 0.4)
        ) as v(id, code, other, rate)
        """
    )
    profile = gx_profile.profile_table(
        con,
        "marts.t",
        key=("id",),
        not_null=["code"],
        accepted={"other": ["x", "y"]},
        ranges={"rate": (0, 1)},
        columns=["id", "code", "other", "rate"],
    )
    ids = sorted(profile.witnesses["id"])
    # Both copies of the duplicated key 2; 3: the null code, and the first rate outside
    # [0, 1] (one witness per violated expectation is enough); 5: 'zz', not accepted.
    assert ids.count(2) == 2
    assert {3, 5} <= set(ids)
    assert 1 not in ids and 7 not in ids and 6 not in ids  # clean rows are not needed
    assert profile.rows == 8
    assert profile.duplicate_keys == 1 and profile.duplicate_examples == [((2,), 2)]
    assert profile.nulls == {"id": 0, "code": 1}
    seen = profile.ranges["rate"]
    assert seen.outside == 2 and (float(seen.min_value), float(seen.max_value)) == (-0.1, 1.5)
    assert dict(profile.values["other"]) == {"x": 4, "y": 2, "zz": 1, None: 1}


def test_a_clean_table_needs_no_witness_rows_and_no_duplicate_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con = _table("create table marts.t as select range as id, range % 3 as code from range(1000)")
    profile = gx_profile.profile_table(
        con,
        "marts.t",
        key=("id",),
        not_null=["code"],
        accepted={"code": [0, 1, 2]},
        ranges={"id": (0, None)},
        columns=["id", "code"],
    )
    assert profile.duplicate_keys == 0
    assert len(profile.witnesses) == gx_profile.SAMPLE_ROWS  # only the sample rows
    assert profile.witnesses["id"].is_unique
    assert dict(profile.values["code"]) == {0: 334, 1: 333, 2: 333}


def test_compound_keys_are_checked_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_profile, "SAMPLE_ROWS", 0)
    con = _table(
        "create table marts.t as select * from (values (1, 'a'), (1, 'b'), (2, 'a'), (1, 'a')) "
        "as v(customer_id, tag_code)"
    )
    profile = gx_profile.profile_table(
        con,
        "marts.t",
        key=("customer_id", "tag_code"),
        not_null=[],
        accepted={},
        ranges={},
        columns=["customer_id", "tag_code"],
    )
    assert profile.duplicate_examples == [((1, "a"), 2)]
    assert sorted(map(tuple, profile.witnesses.itertuples(index=False))) == [(1, "a"), (1, "a")]


def _scores(values: list[int]) -> list[int]:
    """domain.md's tie-aware rule, computed the slow way."""
    n = len(values)
    ordered = sorted(values)
    rank = {v: ordered.index(v) + 1 for v in set(values)}
    return [1 if n == 1 else min(5, 1 + (5 * (rank[v] - 1)) // (n - 1)) for v in values]


@pytest.mark.parametrize("seed", range(40))
def test_score_shares_stay_within_the_percent_rank_bounds(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 400)
    distinct = rng.choice([2, 5, 30, n * 10])  # heavy ties to none
    values = [rng.randint(1, distinct) for _ in range(n)]
    if seed % 5 == 0:
        values = [1] * (n * 2 // 3) + values[: n - n * 2 // 3]  # one huge tie group
    largest_tie = max(values.count(v) for v in set(values))
    bounds = gx_profile.percent_rank_share_bounds(n, largest_tie)
    scores = _scores(values)
    for score in range(1, 6):
        share = scores.count(score) / n
        low, high = bounds[score - 1]
        assert low <= share <= high, (score, share, low, high, n, largest_tie)
    if largest_tie == 1 and n > 5:
        # Without ties the bounds are 20% +- 1/n.
        assert all(abs(low - 0.2) <= 1 / n and abs(high - 0.2) <= 1 / n for low, high in bounds)


def test_score_bounds_catch_a_shifted_distribution() -> None:
    n = 1000
    bounds = gx_profile.percent_rank_share_bounds(n, 1)
    assert not bounds[4][0] <= 0.4 <= bounds[4][1]


def test_the_baseline_is_the_latest_accepted_count(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()
    gx_profile.record_row_counts(str(database), "r1", [("marts.a", 100, True)])
    gx_profile.record_row_counts(str(database), "r2", [("marts.a", 40, False)])
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert gx_profile.previous_row_counts(con) == {"marts.a": (100, "r1")}
    finally:
        con.close()
    gx_profile.record_row_counts(str(database), "r3", [("marts.a", 110, True)])
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert gx_profile.previous_row_counts(con) == {"marts.a": (110, "r3")}
    finally:
        con.close()
