"""No personal data where BI reads: after the demo build (the default sample, 20,000
members), no mobile number, email address or member name that the exports carried
appears in any table of the `marts` schema. The values are collected from `raw` (what
the exports said, phones normalised to 11 digits); only `raw`, `staging`,
`intermediate` and the restricted `pii` schema may hold them. (The dbt test
assert_no_personal_data_in_bi_models checks column names; this checks values.)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

FULLWIDTH = "０１２３４５６７８９＋－（）　"  # noqa: RUF001
ASCII = "0123456789+-() "

# digits of a raw phone as staging's mobile_digits makes them (contract's spellings)
RAW_MOBILE_DIGITS = f"""
regexp_replace(
    regexp_replace(
        regexp_replace(translate({{col}}, '{FULLWIDTH}', '{ASCII}'), '[[:space:]().-]', '', 'g'),
        '^[+]', ''),
    '^(0086|86)(1[0-9]{{{{10}}}})$', '\\2')
"""


def _raw_values(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str], set[str]]:
    """Mobiles, emails and member names from every raw table."""
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' and data_type = 'VARCHAR' "
        "and table_catalog = current_database()"
    ).fetchall()
    mobiles: set[str] = set()
    emails: set[str] = set()
    for table, column in columns:
        col = f'raw."{table}"."{column}"'
        if "mobile" in column:
            parts = f"unnest(string_split_regex({col}, '[;,；，]'))"  # noqa: RUF001
            digits = RAW_MOBILE_DIGITS.format(col="part")
            mobiles |= {
                value
                for (value,) in con.execute(
                    f'select distinct {digits} from (select {parts} as part from raw."{table}") '
                    f"where regexp_full_match({digits}, '1[3-9][0-9]{{9}}')"
                ).fetchall()
            }
        if "email" in column:
            emails |= {
                value
                for (value,) in con.execute(
                    f'select distinct lower(trim({col})) from raw."{table}" '
                    f"where {col} like '%@%'"
                ).fetchall()
            }
    names = {
        value
        for (value,) in con.execute(
            "select distinct trim(name) from raw.pos__members where nullif(trim(name), '') "
            "is not null union select distinct trim(name) from raw.wecom__contacts "
            "where nullif(trim(name), '') is not null"
        ).fetchall()
    }
    return mobiles, emails, names


def _scan(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    mobiles: set[str],
    emails: set[str],
    names: set[str],
) -> dict[str, list[str]]:
    """{table.column: a few personal values found} for every text column of `schema`:
    an 11-digit mobile standing alone in the text, an email address anywhere in it, or
    a name as the whole value."""
    con.execute("create or replace temp table scan_mobiles (v varchar)")
    con.execute("create or replace temp table scan_emails (v varchar)")
    con.execute("create or replace temp table scan_names (v varchar)")
    for table, values in (
        ("scan_mobiles", mobiles),
        ("scan_emails", emails),
        ("scan_names", names),
    ):
        con.executemany(f"insert into {table} values (?)", [[v] for v in sorted(values)])
    found: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select c.table_name, c.column_name from information_schema.columns as c "
        "inner join information_schema.tables as t "
        "using (table_catalog, table_schema, table_name) "
        "where c.table_schema = ? and c.data_type = 'VARCHAR' "
        "and t.table_type = 'BASE TABLE' and c.table_catalog = current_database()",
        [schema],
    ).fetchall():
        col = f'"{column}"'
        source = f'"{schema}"."{table}"'
        hits = con.execute(
            f"""
            with cells as (select distinct {col} as cell from {source} where {col} is not null),
            candidates as (
                select unnest(regexp_extract_all(
                    translate(cell, '{FULLWIDTH}', '{ASCII}'),
                    '(?:^|[^0-9])(1[3-9][0-9]{{9}})(?:[^0-9]|$)', 1)) as v
                from cells
                union all
                select lower(unnest(regexp_extract_all(cell, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+')))
                from cells
            )
            select v from candidates where v in (select v from scan_mobiles)
            union
            select v from candidates where v in (select v from scan_emails)
            union
            select trim(cell) from cells where trim(cell) in (select v from scan_names)
            limit 5
            """
        ).fetchall()
        if hits:
            found[f"{schema}.{table}.{column}"] = sorted(v for (v,) in hits)
    return found


@pytest.fixture(scope="module")
def scanned(default_sample: tuple[Path, Path]) -> tuple[dict, dict, tuple[int, int, int]]:
    _, database = default_sample
    con = duckdb.connect(str(database), read_only=True)
    try:
        con.execute("set enable_progress_bar = false")
        mobiles, emails, names = _raw_values(con)
        marts = _scan(con, "marts", mobiles, emails, names)
        restricted = _scan(con, "pii", mobiles, emails, names)
    finally:
        con.close()
    return marts, restricted, (len(mobiles), len(emails), len(names))


def test_raw_holds_the_personal_data_to_look_for(scanned) -> None:
    _, restricted, (mobiles, emails, names) = scanned
    assert mobiles > 10_000 and emails > 1_000 and names > 5_000
    # the scan finds them where they are allowed (the restricted pii schema)
    assert {"pii.customer_contacts.mobile", "pii.customer_contacts.email"} <= set(restricted)
    assert "pii.customer_contacts.customer_name" in restricted


def test_no_mobile_email_or_name_in_marts(scanned) -> None:
    marts, _, _ = scanned
    assert marts == {}
