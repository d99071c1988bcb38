"""Erasure end to end on the small generated data (erasure.py, `crm build`, `crm erase`).

One warehouse goes through three steps:

1. `crm ingest` + `crm build` on the sample, which carries one generated erasure
   request (carried out by the build itself). A member is chosen who holds a member
   card, a registered mobile, an email, WeChat identifiers, a name used by nobody else
   and an order linked by their phone alone; everything personal about them is
   collected.
2. An erasure request for that member's mobile (in a messy spelling) and one for a
   phone nobody holds arrive; `crm ingest` + `crm erase`.
3. Every export file is loaded again under a new name (old exports come back), plus a
   new NPS export carrying the phone nobody held; `crm ingest` + `crm build` rebuild
   everything.

After steps 2 and 3 no table of any schema holds the member's personal data, their
orders still count, and the warehouse keeps only keyed hashes and a log.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from crm_warehouse import erasure
from crm_warehouse.settings import hash_secret_path

from conftest import query, run_crm

UNKNOWN_MOBILE = "19912345671"  # held by nobody in the sample (checked below)
MEMBER_REQUEST = "ER-TEST-MEMBER"
UNKNOWN_REQUEST = "ER-TEST-NOBODY"


@dataclass
class Subject:
    customer_id: str
    mobile: str
    identifiers: dict[str, str]  # value -> type: the member's own identifiers
    names: set[str]
    keyed: set[str]  # mobile_key / email_key of dim_customers
    member_rows: list[str]  # raw.pos__members 'file:line' of their cards
    phone_only_orders: set[str]  # order_key of POS orders linked by their phone alone


@dataclass
class Steps:
    raw: Path
    first: Path  # after step 1 (copy)
    erased: Path  # after step 2 (copy)
    reloaded: Path  # after step 3
    subject: Subject
    generated_request_mobile: str


def _secret(database: Path) -> str:
    return os.environ.get("CRM_HASH_SECRET") or hash_secret_path(database).read_text().strip()


def _hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), ("erased|" + value).encode(), hashlib.sha256).hexdigest()


def _choose_subject(database: Path) -> Subject:
    [(customer_id, mobile)] = query(
        database,
        """
        with own as (
            select * from pii.customer_identity_map where placed_by <> 'weak'
        ),
        kinds as (
            select
                customer_id,
                count(*) filter (where identifier_type = 'member_card') as cards,
                count(*) filter (where identifier_type = 'mobile') as mobiles,
                count(*) filter (where identifier_type = 'email') as emails,
                count(*) filter (
                    where identifier_type in ('unionid', 'openid', 'external_userid')
                ) as wechat
            from own
            group by 1
        ),
        candidates as (
            select kinds.customer_id, contacts.mobile, contacts.customer_name
            from kinds
            inner join pii.customer_contacts as contacts using (customer_id)
            where kinds.cards > 0 and kinds.mobiles = 1 and kinds.emails > 0
                and kinds.wechat > 0 and contacts.customer_name is not null
        )
        select customer_id, mobile
        from candidates
        where
            -- an order linked by the phone alone (a walk-in who gave a number)
            exists (
                select 1 from staging.stg_pos__orders as o
                where o.member_card_no is null and o.mobile = candidates.mobile
            )
            -- a name nobody else's record carries
            and not exists (
                select 1 from staging.stg_pos__members as m
                where m.member_name = candidates.customer_name
                    and m.member_card_no not in (
                        select identifier_value from own
                        where own.customer_id = candidates.customer_id
                    )
            )
            and not exists (
                select 1 from staging.stg_wecom__contacts as w
                where w.contact_name = candidates.customer_name
                    and w.external_userid not in (
                        select identifier_value from own
                        where own.customer_id = candidates.customer_id
                    )
            )
        order by customer_id
        limit 1
        """,
    )
    identifiers = dict(
        query(
            database,
            "select identifier_value, identifier_type from pii.customer_identity_map "
            "where customer_id = ? and placed_by <> 'weak'",
            [customer_id],
        )
    )
    names = {
        name
        for (name,) in query(
            database,
            "select customer_name from pii.customer_contacts where customer_id = ? "
            "union select member_name from staging.stg_pos__members "
            "where member_card_no in (select unnest(?::varchar[])) "
            "union select contact_name from staging.stg_wecom__contacts "
            "where external_userid in (select unnest(?::varchar[]))",
            [customer_id, list(identifiers), list(identifiers)],
        )
        if name
    }
    keyed = {
        value
        for row in query(
            database,
            "select mobile_key, email_key from marts.dim_customers where customer_id = ?",
            [customer_id],
        )
        for value in row
        if value
    }
    member_rows = query(
        database,
        "select _source_file || ':' || _source_line from raw.pos__members "
        "where trim(member_card_no) in (select unnest(?::varchar[]))",
        [[v for v, t in identifiers.items() if t == "member_card"]],
    )
    phone_only = {
        key
        for (key,) in query(
            database,
            "select f.order_key from marts.fct_orders as f "
            "inner join staging.stg_pos__orders as o on f.channel = 'store' "
            "and f.order_id = o.order_id "
            "where f.customer_id = ? and o.member_card_no is null",
            [customer_id],
        )
    }
    assert keyed and member_rows and phone_only and names
    rows = [row for (row,) in member_rows]
    return Subject(customer_id, mobile, identifiers, names, keyed, rows, phone_only)


def _messy(mobile: str) -> str:
    """+86 138 1234 5678: the spelling the request arrives in."""
    return f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"


def _copy(database: Path, to: Path) -> Path:
    shutil.copyfile(database, to)
    return to


@pytest.fixture(scope="module")
def steps(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Steps:
    work = tmp_path_factory.mktemp("erasure")
    raw = work / "raw"
    shutil.copytree(small_raw, raw)
    database = work / "crm.duckdb"
    [generated] = sorted((raw / "privacy/erasure_requests").glob("*.csv"))
    generated_mobile = generated.read_text(encoding="utf-8").splitlines()[1].split(",")[2]

    # 1. the sample as it is (ingest + build: the erasure runs inside `crm build`, as in
    #    `crm run`; validation is not what this file tests)
    run_crm("ingest", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    run_crm("build", "--database", str(database))
    subject = _choose_subject(database)
    first = _copy(database, work / "first.duckdb")

    # 2. two requests arrive: the member's mobile, and a phone nobody holds
    (raw / "privacy/erasure_requests/zz-test.csv").write_text(
        "request_id,identifier_type,identifier_value,requested_at\n"
        f"{MEMBER_REQUEST},mobile,{_messy(subject.mobile)},2024-12-30 10:00:00\n"
        f"{UNKNOWN_REQUEST},mobile,{UNKNOWN_MOBILE},2024-12-30 10:05:00\n",
        encoding="utf-8",
    )
    run_crm("ingest", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    run_crm("erase", "--database", str(database))
    erased = _copy(database, work / "erased.duckdb")

    # 3. every old export comes back under a new name, and a new export names the
    #    phone nobody held (full-width digits, as some exports write them)
    for path in sorted(p for p in raw.rglob("*") if p.is_file() and "_truth" not in p.parts):
        if not path.name.startswith("zz-"):
            shutil.copyfile(path, path.with_name("zz-reloaded-" + path.name))
    wide = UNKNOWN_MOBILE.translate(str.maketrans("0123456789", "０１２３４５６７８９"))  # noqa: RUF001
    (raw / "service/nps_responses/zz-new.csv").write_text(
        "response_id,mobile,unionid,score,responded_at,touchpoint\n"
        f"NPS-TEST-1,{wide},,9,2024-12-30 11:00:00,store\n",
        encoding="utf-8",
    )
    run_crm("ingest", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    run_crm("build", "--database", str(database))
    return Steps(raw, first, erased, database, subject, generated_mobile)


def _text_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for schema, table, column in con.execute(
        """
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        inner join information_schema.tables as t using (table_catalog, table_schema, table_name)
        where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR'
            and c.table_catalog = current_database()
        order by 1, 2, 3
        """
    ).fetchall():
        tables.setdefault(f'"{schema}"."{table}"', []).append(f'"{column}"')
    return tables


def _find(
    database: Path, contained: set[str], exact: set[str] = frozenset()
) -> list[tuple[str, str]]:
    """(table, value) for every table where a text column contains one of `contained`
    (compared without case, white space or phone separators, full-width digits made
    ASCII) or equals one of `exact` (trimmed)."""
    found = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        con.execute("set enable_progress_bar = false")
        for table, columns in _text_columns(con).items():
            for value in sorted(contained):
                squeezed = " or ".join(
                    f"contains(lower(regexp_replace(translate({c}, '０１２３４５６７８９', "  # noqa: RUF001
                    f"'0123456789'), '[[:space:]().+-]', '', 'g')), ?)"
                    for c in columns
                )
                plain = " or ".join(f"contains(lower({c}), ?)" for c in columns)
                key = re.sub(r"[\s().+-]", "", value.lower())
                params = [key] * len(columns) + [value.lower()] * len(columns)
                if con.execute(
                    f"select count(*) from {table} where {squeezed} or {plain}", params
                ).fetchall()[0][0]:
                    found.append((table, value))
            for value in sorted(exact):
                where = " or ".join(f"trim({c}) = ?" for c in columns)
                if con.execute(
                    f"select count(*) from {table} where {where}", [value] * len(columns)
                ).fetchall()[0][0]:
                    found.append((table, value))
    finally:
        con.close()
    return found


def _personal_values(subject: Subject) -> set[str]:
    return {*subject.identifiers, *subject.keyed, subject.customer_id}


def test_crm_build_carries_out_the_generated_request(steps: Steps) -> None:
    """The sample's own request is carried out by `crm build` (after dbt)."""
    rows = query(
        steps.first,
        "select status, customers_erased, identifiers_erased from audit.erasure_log",
    )
    assert len(rows) == 1 and rows[0][0] == "erased" and rows[0][2] >= 1
    assert _find(steps.first, {steps.generated_request_mobile}) == []


def test_member_is_nowhere_after_erasure(steps: Steps) -> None:
    subject = steps.subject
    # before: the values are there (the scan can find them)
    assert _find(steps.first, {subject.mobile}, subject.names)
    for database in (steps.erased, steps.reloaded):
        assert _find(database, _personal_values(subject), subject.names) == [], database.name


def test_database_file_keeps_no_copy_of_the_erased_values(steps: Steps) -> None:
    """UPDATE leaves old values in free blocks of the file; the erasure step rewrites
    the file, so not even its bytes hold the member's mobile or email any more."""
    subject = steps.subject
    values = [subject.mobile.encode()] + [
        value.encode() for value, kind in subject.identifiers.items() if kind == "email"
    ]
    before = steps.first.read_bytes().lower()
    assert all(value in before for value in values)  # stored as plain bytes: findable
    for database in (steps.erased, steps.reloaded):
        content = database.read_bytes().lower()
        assert [value for value in values if value in content] == [], database.name


def test_member_records_keep_their_rows_without_personal_data(steps: Steps) -> None:
    """Their member records are still there (rows are never deleted), with tombstones
    for identifiers and no name or birthday."""
    subject = steps.subject
    for database in (steps.erased, steps.reloaded):
        rows = query(
            database,
            "select member_card_no, name, mobile, birthday, baby_birthday, home_store_id "
            "from raw.pos__members where _source_file || ':' || _source_line in "
            "(select unnest(?::varchar[]))",
            [subject.member_rows],
        )
        assert len(rows) == len(subject.member_rows)
        for card, name, mobile, birthday, baby_birthday, store in rows:
            assert card.startswith("erased-") and mobile.startswith("erased-")
            assert name is None and birthday is None and baby_birthday is None
            assert store is not None


def test_orders_still_count(steps: Steps) -> None:
    totals = "select count(*), sum(net_amount), sum(paid_amount) from marts.fct_orders"
    kpi = "select sum(net_revenue), sum(orders), sum(active_customers) from marts.kpi_stickiness"
    before = query(steps.first, totals)
    assert query(steps.erased, totals) == before
    assert query(steps.reloaded, totals) == before
    assert query(steps.erased, kpi) == query(steps.first, kpi)
    # the member is still one (de-identified) customer with all their orders
    keys = sorted(steps.subject.phone_only_orders)
    [(customers, anonymous)] = query(
        steps.erased,
        "select count(distinct customer_id), count(*) filter (where is_anonymous) "
        "from marts.fct_orders where order_key in (select unnest(?::varchar[]))",
        [keys],
    )
    assert (customers, anonymous) == (1, 0)


def test_rebuild_keeps_every_order_with_its_customer(steps: Steps) -> None:
    """After the rebuild from the scrubbed exports no order became anonymous: staging
    keeps a tombstone as an opaque identifier, so the member's orders linked by the
    erased phone alone still reach their (de-identified) customer, and so do the
    orders of the person erased in step 1 (stitched orders whose staged record,
    scrubbed in place, held no identifier any more until the rebuild)."""
    anonymous = "select order_key from marts.fct_orders where is_anonymous"
    before = {key for (key,) in query(steps.first, anonymous)}
    after = {key for (key,) in query(steps.reloaded, anonymous)}
    erased_in_step_1 = {
        key
        for (key,) in query(
            steps.first,
            "select f.order_key from marts.fct_orders as f "
            "inner join staging.stg_pos__orders as o on f.channel = 'store' "
            "and f.order_id = o.order_id where not f.is_anonymous "
            "and o.member_card_no is null "
            "and (o.mobile is null or o.mobile_quality = 'erased')",
        )
    }
    assert erased_in_step_1 and erased_in_step_1.isdisjoint(steps.subject.phone_only_orders)
    assert after == before
    # the member's phone-only orders: one customer, not the member's old key
    keys = sorted(steps.subject.phone_only_orders)
    customers = query(
        steps.reloaded,
        "select distinct customer_id from marts.fct_orders "
        "where order_key in (select unnest(?::varchar[]))",
        [keys],
    )
    assert len(customers) == 1 and customers[0][0] != steps.subject.customer_id


def test_tombstones_link_records_but_are_never_contact_points(steps: Steps) -> None:
    """A tombstone phone stays in staging as an opaque identifier (quality erased) and
    links records; it is never a customer's mobile or email, masked, keyed or
    contacted, and the de-identified customer may not be contacted on any channel."""
    database = steps.reloaded
    keys = sorted(steps.subject.phone_only_orders)
    # staged as the tombstone: scrubbed in place (erase) and rebuilt from raw alike
    for staged_in in (steps.erased, steps.reloaded):
        staged = query(
            staged_in,
            "select distinct o.mobile_quality, "
            "regexp_full_match(o.mobile, 'erased-[0-9a-f]{16}') "
            "from staging.stg_pos__orders as o inner join marts.fct_orders as f "
            "on f.channel = 'store' and f.order_id = o.order_id "
            "where f.order_key in (select unnest(?::varchar[]))",
            [keys],
        )
        assert staged == [("erased", True)], staged_in.name
    leaks = query(
        database,
        "select count(*) filter (where starts_with(mobile, 'erased-') "
        "or starts_with(email, 'erased-')) from pii.customer_contacts",
    ) + query(
        database,
        "select count(*) filter (where starts_with(mobile_masked, 'era') "
        "or starts_with(email_masked, 'e***') and email_masked not like '%@%') "
        "from marts.dim_customers",
    )
    assert leaks == [(0,), (0,)]
    [(customer_id,)] = query(
        database,
        "select distinct customer_id from marts.fct_orders where order_key = ?",
        [keys[0]],
    )
    [row] = query(
        database,
        "select mobile_masked, mobile_key, email_masked, email_key from marts.dim_customers "
        "where customer_id = ?",
        [customer_id],
    )
    assert row == (None, None, None, None)
    reasons = query(
        database,
        "select distinct blocked_reason from marts.audience_contact_list where customer_id = ?",
        [customer_id],
    )
    assert reasons == [("erased",)]


def test_customer_kpis_unchanged_after_rebuild(steps: Steps) -> None:
    kpi = "select sum(net_revenue), sum(orders) from marts.kpi_stickiness"
    assert query(steps.reloaded, kpi) == query(steps.first, kpi)


def test_dim_customers_row_is_de_identified(steps: Steps) -> None:
    [order_key] = sorted(steps.subject.phone_only_orders)[:1]
    [(customer_id,)] = query(
        steps.erased, "select customer_id from marts.fct_orders where order_key = ?", [order_key]
    )
    assert customer_id != steps.subject.customer_id
    [row] = query(
        steps.erased,
        "select customer_name_masked, mobile_masked, mobile_key, email_masked, email_key, "
        "baby_birth_date, orders from marts.dim_customers where customer_id = ?",
        [customer_id],
    )
    assert row[:6] == (None,) * 6
    assert row[6] > 0


def test_erasure_log_and_hashes_hold_no_personal_data(steps: Steps) -> None:
    database = steps.erased
    secret = _secret(steps.reloaded)  # the warehouse's own file (erased is a copy)
    log = {
        row[0]: row[1:]
        for row in query(
            database,
            "select request_id, status, customers_erased, identifiers_erased, details "
            "from audit.erasure_log",
        )
    }
    status, customers, identifiers, details = log[MEMBER_REQUEST]
    own = len(steps.subject.identifiers)
    assert (status, customers, identifiers) == ("erased", 1, own)
    assert log[UNKNOWN_REQUEST][:3] == ("erased", 0, 1)
    assert steps.subject.mobile not in details
    hashes = query(
        database,
        "select identifier_type, identifier_hash, first_request_id from audit.erased_identifiers",
    )
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, h, _ in hashes)
    by_hash = {h: (t, r) for t, h, r in hashes}
    for value, kind in steps.subject.identifiers.items():
        assert by_hash[_hash(secret, value.lower())] == (kind, MEMBER_REQUEST)
    assert by_hash[_hash(secret, UNKNOWN_MOBILE)] == ("mobile", UNKNOWN_REQUEST)
    # the request keeps only the keyed hash of its identifier
    [(value,)] = query(
        database,
        "select identifier_value from raw.privacy__erasure_requests where request_id = ?",
        [MEMBER_REQUEST],
    )
    assert value == "erased-hmac:" + _hash(secret, steps.subject.mobile)


def test_old_exports_loaded_again_are_scrubbed(steps: Steps) -> None:
    database = steps.reloaded
    # the reloaded copies of the member's records arrived and were scrubbed
    [(copies, plain)] = query(
        database,
        "select count(*), count(*) filter (where not starts_with(member_card_no, 'erased-')) "
        "from raw.pos__members where _source_file like '%zz-reloaded-%' and "
        "replace(_source_file, 'zz-reloaded-', '') || ':' || _source_line in "
        "(select unnest(?::varchar[]))",
        [steps.subject.member_rows],
    )
    assert copies == len(steps.subject.member_rows) and plain == 0
    # the re-exported request rows keep only the hash
    assert (
        query(
            database,
            "select count(*) from raw.privacy__erasure_requests "
            "where not starts_with(identifier_value, 'erased-')",
        )[0][0]
        == 0
    )
    # the phone nobody held, arriving in a new export, was scrubbed before the build
    assert _find(database, {UNKNOWN_MOBILE}) == []
    [(mobile,)] = query(
        database, "select mobile from raw.service__nps_responses where response_id = 'NPS-TEST-1'"
    )
    assert mobile.startswith("erased-")
    statuses = {
        (request, status)
        for request, status in query(database, "select request_id, status from audit.erasure_log")
    }
    assert (UNKNOWN_REQUEST, "reloaded_rows_scrubbed") in statuses
    assert (MEMBER_REQUEST, "reloaded_rows_scrubbed") in statuses


def test_unknown_phone_was_nowhere_before(steps: Steps) -> None:
    """The second request's phone really is held by nobody in the sample."""
    assert _find(steps.first, {UNKNOWN_MOBILE}) == []
    assert query(
        steps.erased,
        "select customers_erased from audit.erasure_log where request_id = ?",
        [UNKNOWN_REQUEST],
    ) == [(0,)]


def test_erased_customers_new_keys_are_keyed_hashes_of_their_tombstones() -> None:
    """An erased customer's new key is 'c_' + 16 hex digits (the format of
    int_customer_keys) of HMAC-SHA256 under the warehouse secret of
    'erased|customer|<anchor tombstone>|<n>' (n numbers the customers sharing an anchor
    by old key; 'none' when no tombstone), recomputed here with Python's hmac."""
    secret = "test-secret-0123456789"
    con = duckdb.connect()
    erasure._install_key(con, secret)
    con.execute(
        "create temp table erasure_customer_groups as select * from (values "
        "('c_a', 'c_a'), ('c_b', 'c_b'), ('c_c', 'c_c')) as t (old_id, group_id)"
    )
    con.execute(
        "create temp table erasure_values_by_customer as select * from (values "
        "('c_a', 'v1'), ('c_b', 'v1')) as t (customer_id, v)"
    )
    con.execute(
        "create temp table erasure_tokens as select * from (values "
        "('v1', 'erased-0123456789abcdef')) as t (v, token)"
    )
    erasure._assign_new_customer_keys(con)
    got = dict(con.execute("select old_id, new_id from erasure_customers").fetchall())

    def key(anchor: str, n: int) -> str:
        text = f"erased|customer|{anchor}|{n}".encode()
        return "c_" + hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()[:16]

    assert got == {
        "c_a": key("erased-0123456789abcdef", 1),
        "c_b": key("erased-0123456789abcdef", 2),
        "c_c": key("none", 1),
    }
