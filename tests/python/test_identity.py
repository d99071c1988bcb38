"""Identity stitching end to end on hand-made exports, one person or family per case.

Each case is a few records whose right answer is known by construction; the pipeline
runs twice (`crm run`), the second time with one more export file that links two
customers of the first run, to check key stability and the change log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest

from conftest import query, run_crm

MEMBERS = (
    "member_card_no,name,mobile,gender,birthday,baby_birthday,home_store_id,"
    "registered_at,updated_at\n"
)
POS_ORDERS = (
    "order_no,store_id,member_card_no,mobile,ordered_at,order_type,original_order_no,"
    "total_amount,discount_amount,paid_amount,payment_method\n"
)
CONTACTS = (
    "external_userid,unionid,name,remark_mobiles,follow_userid,store_id,added_at,deleted_at\n"
)
T2023 = 1672560000  # 2023-01-01 08:00 Asia/Shanghai, epoch seconds


def _user(openid: str, unionid: str | None, mobile: str | None, email: str | None, at: str) -> str:
    return json.dumps(
        {
            "openid": openid,
            "unionid": unionid,
            "nickname": "宝妈",
            "mobile": mobile,
            "email": email,
            "registered_at": at,
            "updated_at": at,
        },
        ensure_ascii=False,
    )


def _mall_order(order_id: str, openid: str, unionid: str | None, mobile: str | None) -> str:
    return json.dumps(
        {
            "order_id": order_id,
            "openid": openid,
            "unionid": unionid,
            "mobile": mobile,
            "status": "completed",
            "created_at": "2024-06-01T10:00:00+08:00",
            "paid_at": "2024-06-01T10:01:00+08:00",
            "updated_at": "2024-06-03T10:00:00+08:00",
            "total_fee": 12900,
            "discount_fee": 0,
            "payment_fee": 12900,
            "coupon_code": None,
            "receiver_province": "浙江省",
            "receiver_city": "杭州市",
            "items": [{"sku": "SKU1", "quantity": 1, "price_fee": 12900}],
            "refunds": [],
        },
        ensure_ascii=False,
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _first_exports(raw: Path) -> None:
    _write(
        raw / "pos/members/2024-01.csv",
        MEMBERS
        # A: a chain of four hops, card -phone- mall account -email- mall account -phone- card
        + "A1,陈一,13600000001,F,,,S001,2023-02-01 10:00:00,2023-02-01 10:00:00\n"
        + "A2,陈一,13600000011,F,,,S002,2023-03-01 10:00:00,2023-03-01 10:00:00\n"
        # B: two strangers whose cashier typed the contract's placeholder phone
        + "B1,王二,13800138000,F,,,S001,2023-02-02 10:00:00,2023-02-02 10:00:00\n"
        + "B2,赵三,13800138000,F,,,S001,2023-02-03 10:00:00,2023-02-03 10:00:00\n"
        # E: one person, two cards from two stores, one phone (name spacing differs)
        + "E1,刘五,13600000005,F,,,S001,2023-02-05 10:00:00,2023-02-05 10:00:00\n"
        + "E2,刘五 ,136 0000 0005,F,,,S002,2023-04-05 10:00:00,2023-04-05 10:00:00\n"
        # H: two cards on one phone in two names (a family): not one person
        + "H1,周七,13600000007,F,,,S001,2023-02-07 10:00:00,2023-02-07 10:00:00\n"
        + "H2,吴八,13600000007,M,,,S001,2023-02-08 10:00:00,2023-02-08 10:00:00\n"
        # F: the card of a person whose WeChat account arrives in the second run
        + "F1,孙六,13600000006,F,,,S003,2023-01-01 10:00:00,2023-01-01 10:00:00\n",
    )
    _write(
        raw / "pos/orders/2024-06.csv",
        POS_ORDERS
        + "PA1,S001,A1,,2024-06-02 10:00:00,sale,,100.00,0,100.00,cash\n"
        + "PA2,S002,A2,,2024-06-03 10:00:00,sale,,50.00,0,50.00,cash\n"
        + "PE2,S002,E2,,2024-06-04 10:00:00,sale,,80.00,0,80.00,card\n",
    )
    _write(
        raw / "mall/users/2024-01.jsonl",
        "\n".join(
            [
                _user("oA1", None, "13600000001", "a@x.cn", "2023-05-01T10:00:00+08:00"),
                _user("oA2", None, "13600000011", "A@X.CN ", "2023-06-01T10:00:00+08:00"),
                # D: a family sharing one phone, each with their own WeChat (unionid)
                _user("oD1", "uD1", "13600000004", None, "2023-05-04T10:00:00+08:00"),
                _user("oD2", "uD2", "13600000004", None, "2023-05-05T10:00:00+08:00"),
                # F: the WeChat account of F1's owner, nothing shared with the card yet
                _user("oF", "uF", None, None, "2024-01-06T10:00:00+08:00"),
            ]
        )
        + "\n",
    )
    _write(
        raw / "mall/orders/2024-06.jsonl",
        # G: D1 sends a parcel to E's phone: a weak phone may not join two people who
        # each have their own registered mobile
        _mall_order("MD1", "oD1", "uD1", "13600000005") + "\n",
    )
    # C: a lazy guide typed their own phone on five contacts: a hub, it links nobody
    rows = "".join(
        f"wmC{i},,顾客{i},13600000099,G01,S001,{T2023 + i * 86400},\n" for i in range(1, 6)
    )
    _write(raw / "wecom/contacts/2024-01.csv", CONTACTS + rows)


def _second_exports(raw: Path) -> None:
    # F: the guide adds F as a contact: same WeChat (unionid uF) and F's own phone typed
    # in the remark. The card (F1) and the mall account (oF) are one person after all.
    _write(
        raw / "wecom/contacts/2024-07.csv",
        CONTACTS + f"wmF,uF,孙六,13600000006,G02,S003,{T2023 + 400 * 86400},\n",
    )


def _customer(database: Path, identifier_type: str, value: str) -> str | None:
    rows = query(
        database,
        "select customer_id from pii.customer_identity_map "
        "where identifier_type = ? and identifier_value = ?",
        [identifier_type, value],
    )
    assert len(rows) <= 1
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    raw = tmp_path_factory.mktemp("identity") / "raw"
    _first_exports(raw)
    database = raw.parent / "crm.duckdb"
    run_crm("run", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    keys = dict(
        query(
            database,
            "select identifier_type || ':' || identifier_value, customer_id "
            "from pii.customer_identity_map",
        )
    )
    return raw, database, keys


def test_a_chain_of_four_hops_is_one_customer(first_run) -> None:
    _, database, _ = first_run
    customers = {
        _customer(database, "member_card", "A1"),
        _customer(database, "openid", "oa1"),
        _customer(database, "openid", "oa2"),
        _customer(database, "member_card", "A2"),
        _customer(database, "email", "a@x.cn"),
    }
    assert len(customers) == 1 and None not in customers
    orders = query(
        database,
        "select order_id, customer_id from marts.fct_orders "
        "where order_id in ('PA1', 'PA2') order by 1",
    )
    assert [c for _, c in orders] == [customers.pop()] * 2


def test_a_placeholder_phone_links_nobody(first_run) -> None:
    _, database, _ = first_run
    assert _customer(database, "member_card", "B1") != _customer(database, "member_card", "B2")
    assert _customer(database, "mobile", "13800138000") is None


def test_a_guides_phone_on_five_contacts_is_a_quarantined_hub(first_run) -> None:
    _, database, _ = first_run
    customers = {_customer(database, "external_userid", f"wmc{i}") for i in range(1, 6)}
    assert len(customers) == 5 and None not in customers
    assert _customer(database, "mobile", "13600000099") is None
    kind = query(
        database,
        "select quarantine_kind, quarantine_reason from audit.identity_quarantine "
        "where identifier_masked = '136****0099'",
    )
    assert kind == [("hub", "on 5 WeCom contacts (max 3)")]


def test_a_family_sharing_a_phone_but_not_a_unionid_stays_two_customers(first_run) -> None:
    _, database, _ = first_run
    d1 = _customer(database, "unionid", "ud1")
    d2 = _customer(database, "unionid", "ud2")
    assert d1 and d2 and d1 != d2
    assert _customer(database, "mobile", "13600000004") is None
    assert _customer(database, "member_card", "H1") != _customer(database, "member_card", "H2")


def test_one_person_with_two_cards_is_one_customer(first_run) -> None:
    _, database, _ = first_run
    e1 = _customer(database, "member_card", "E1")
    assert e1 is not None and e1 == _customer(database, "member_card", "E2")
    row = query(
        database,
        "select member_cards, mobile_masked, customer_name_masked "
        "from marts.dim_customers where customer_id = ?",
        [e1],
    )
    assert row == [(2, "136****0005", "刘*")]


def test_a_receiver_phone_does_not_join_two_people(first_run) -> None:
    _, database, _ = first_run
    d1 = _customer(database, "openid", "od1")
    assert d1 != _customer(database, "member_card", "E1")
    assert query(database, "select customer_id from marts.fct_orders where order_id = 'MD1'") == [
        (d1,)
    ]


def test_bi_models_carry_no_raw_phone(first_run) -> None:
    _, database, _ = first_run
    columns = [
        name
        for (name,) in query(
            database,
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'dim_customers'",
        )
    ]
    values = query(database, f"select {', '.join(columns)} from marts.dim_customers")
    flat = " ".join(str(v) for row in values for v in row)
    assert "13600000005" not in flat and "刘五" not in flat
    keys = query(
        database,
        "select distinct length(mobile_key) from marts.dim_customers where mobile_key is not null",
    )
    assert keys == [(64,)]


def test_customer_keys_are_keyed_hashes_of_the_founding_identifier(first_run) -> None:
    """A new customer's key is 'c_' + the first 16 hex digits of HMAC-SHA256, keyed by
    the warehouse secret, of '<type>:<value>' of its founding identifier (seen first,
    then by type and value): recomputed here with Python's hmac module. Nobody
    holding the phone can recompute it without the secret (a plain md5 would do)."""
    _, database, _ = first_run
    secret = (
        os.environ.get("CRM_HASH_SECRET")
        or database.with_name(database.name + ".hash-secret").read_text().strip()
    ).encode()
    members: dict[str, list[tuple[bool, str, str, str]]] = {}
    for customer_id, kind, value, first_seen_at in query(
        database,
        "select customer_id, identifier_type, identifier_value, cast(first_seen_at as varchar) "
        "from pii.customer_identity_map",
    ):
        members.setdefault(customer_id, []).append(
            (first_seen_at is None, first_seen_at or "", kind, value)
        )
    assert len(members) > 5
    for customer_id, identifiers in members.items():
        _, _, kind, value = min(identifiers)
        founder = f"{kind}:{value}"
        keyed = hmac.new(secret, founder.encode(), hashlib.sha256).hexdigest()
        assert customer_id == "c_" + keyed[:16], founder
        assert customer_id != "c_" + hashlib.md5(founder.encode()).hexdigest()[:16]


def test_keys_survive_a_refresh_and_the_older_key_wins_a_merge(first_run) -> None:
    raw, database, before = first_run
    card_key = before["member_card:F1"]
    account_key = before["openid:of"]
    assert card_key != account_key
    _second_exports(raw)
    run_crm("run", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    after = dict(
        query(
            database,
            "select identifier_type || ':' || identifier_value, customer_id "
            "from pii.customer_identity_map",
        )
    )
    # the card was seen first (2023-01-01): its key survives the merge
    assert after["member_card:F1"] == card_key
    assert after["openid:of"] == card_key
    assert after["external_userid:wmf"] == card_key
    # nobody else's key moved
    unchanged = {k: v for k, v in before.items() if v not in (card_key, account_key)}
    assert {k: after[k] for k in unchanged} == unchanged
    changes = query(
        database,
        "select change_type, old_customer_id, new_customer_id from audit.customer_id_changes",
    )
    assert changes == [("merge", account_key, card_key)]
