"""The sample-data generator: contract format, determinism, and every kind of mess."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from crm_warehouse.contract import EXPORTS, EXPORTS_BY_NAME
from crm_warehouse.generator import GenerateResult, generate, runner

MEMBERS = 400
SEED = 7
PLACEHOLDERS = ("13800138000", "00000000000", "11111111111", "12345678901", "无", "NULL", "-", "")
CJK = re.compile(r"[\u4e00-\u9fff]")
FULLWIDTH_DIGITS = "".join(chr(0xFF10 + d) for d in range(10))


# -- reading helpers ---------------------------------------------------------------------
class Export:
    """Everything read back from one export folder."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.headers: dict[str, list[str]] = {}
        self.encodings: dict[str, str] = {}
        self.rows: list[dict[str, str]] = []  # records (CSV) or objects (JSONL)
        self.row_files: list[str] = []
        self.bad_lines: Counter[str] = Counter()


def _decode(raw: bytes) -> tuple[str, str]:
    """(encoding, text): UTF-8 (with or without BOM, maybe with a few bad bytes) or GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", raw.decode("utf-8-sig", errors="replace")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\xff" in raw:  # a byte that GB18030 never uses: UTF-8 with a damaged line
        return "utf-8+bad", raw.decode("utf-8", errors="replace")
    return "gb18030", raw.decode("gb18030")


def read_export(root: Path, name: str) -> Export:
    e = EXPORTS_BY_NAME[name]
    out = Export()
    for path in sorted((root / e.folder).glob(f"*{e.suffix}")):
        raw = path.read_bytes()
        out.files[path.name] = raw
        if e.fmt == "csv":
            enc, text = _decode(raw)
            out.encodings[path.name] = enc
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader)
            out.headers[path.name] = header
            for fields in reader:
                if "\ufffd" in "".join(fields):
                    out.bad_lines["undecodable_bytes"] += 1
                elif len(fields) != len(header):
                    out.bad_lines["csv_field_count"] += 1
                else:
                    out.rows.append(dict(zip(header, fields, strict=True)))
                    out.row_files.append(path.name)
        else:
            out.encodings[path.name] = "utf-8"
            for line in raw.split(b"\n"):
                if not line:
                    continue
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError:
                    out.bad_lines["undecodable_bytes"] += 1
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError:
                    out.bad_lines["json_truncated"] += 1
                    continue
                out.rows.append(obj)
                out.row_files.append(path.name)
    return out


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def digits(value: str) -> str:
    return re.sub(r"\D", "", value.translate(str.maketrans(FULLWIDTH_DIGITS, "0123456789")))


# -- fixtures ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, GenerateResult]:
    out = tmp_path_factory.mktemp("raw")
    return out, generate(out, MEMBERS, SEED, progress=False)


@pytest.fixture(scope="module")
def root(run) -> Path:
    return run[0]


@pytest.fixture(scope="module")
def data(root) -> dict[str, Export]:
    return {e.name: read_export(root, e.name) for e in EXPORTS}


@pytest.fixture(scope="module")
def truth(root) -> dict[str, list[dict[str, str]]]:
    out = {}
    for name in ("persons", "record_owners", "orders"):
        with open(root / "_truth" / f"{name}.csv", encoding="utf-8", newline="") as f:
            out[name] = list(csv.DictReader(f))
    return out


# -- API ---------------------------------------------------------------------------------
def test_result_describes_what_was_written(run) -> None:
    root, result = run
    assert result.out_dir == root
    files = [p for p in root.rglob("*") if p.is_file()]
    assert result.files == len(files)
    assert set(result.rows) == {e.name for e in EXPORTS}
    assert all(n > 0 for n in result.rows.values()), result.rows
    assert result.seconds > 0
    assert result.rows["pos__members"] >= MEMBERS * 0.6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"members": 0}, "members"),
        ({"members": -5}, "members"),
        ({"start": date(2024, 1, 1), "end": date(2024, 1, 1)}, "before"),
        ({"start": date(2024, 6, 1), "end": date(2024, 1, 1)}, "before"),
        ({"members": "10"}, "members"),
    ],
)
def test_bad_arguments_raise(tmp_path, kwargs, message) -> None:
    args = {"out_dir": tmp_path, "members": 10, "seed": 1, "progress": False} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(**args)
    assert not any(tmp_path.iterdir())


def test_refuses_a_folder_holding_earlier_exports(root) -> None:
    with pytest.raises(ValueError, match="already holds exports"):
        generate(root, 10, 1, progress=False)


def test_progress_false_prints_nothing(tmp_path, capsys) -> None:
    generate(tmp_path, 5, 3, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_on_stderr(tmp_path, capsys) -> None:
    generate(tmp_path, 5, 3, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "5/5" in captured.err


# -- determinism -------------------------------------------------------------------------
def test_same_seed_same_bytes_other_seed_differs(root, tmp_path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate(again, MEMBERS, SEED, progress=False)
    generate(other, MEMBERS, SEED + 1, progress=False)
    assert tree_digest(again) == tree_digest(root)
    assert tree_digest(other) != tree_digest(root)


def test_two_workers_write_the_same_records_as_one(tmp_path, monkeypatch) -> None:
    """Parallel parts hold exactly the single-process records, chunk by chunk."""
    members = runner.CHUNK * 2
    single = tmp_path / "single"
    generate(single, members, SEED, progress=False)
    monkeypatch.setattr(runner, "PARALLEL_MIN", members)
    parallel = tmp_path / "parallel"
    result = generate(parallel, members, SEED, progress=False)
    assert result.workers == 2
    for e in EXPORTS:
        folder = parallel / e.folder
        if e.channel in ("catalog",) or e.name == "marketing__campaigns":
            assert not list(folder.glob("*-p*"))
            continue
        assert not list(folder.glob("????-??" + e.suffix)), e.name
        one = read_export(single, e.name)
        two = read_export(parallel, e.name)
        by_month: dict[str, list] = defaultdict(list)
        for row, f in zip(two.rows, two.row_files, strict=True):
            by_month[f[:7] + ("" if f[8:10] == "p1" else "~")].append(row)
        merged = [row for key in sorted(by_month) for row in by_month[key]]
        one_sorted = [
            row
            for _, row in sorted(zip(one.row_files, one.rows, strict=True), key=lambda x: x[0][:7])
        ]
        assert merged == one_sorted, e.name
    for name in ("persons", "record_owners", "orders"):
        a = (single / "_truth" / f"{name}.csv").read_bytes()
        b = (parallel / "_truth" / f"{name}.csv").read_bytes()
        assert a == b, name


# -- format ------------------------------------------------------------------------------
def test_layout_monthly_files(root) -> None:
    for e in EXPORTS:
        names = [p.name for p in (root / e.folder).iterdir()]
        assert names, e.folder
        for n in names:
            assert re.fullmatch(r"\d{4}-\d{2}" + re.escape(e.suffix), n), n
    months = {p.name[:7] for p in (root / "pos" / "orders").iterdir()}
    assert len(months) == 24


def test_csv_headers_follow_the_contract(data) -> None:
    extras = []
    for e in EXPORTS:
        if e.fmt != "csv":
            continue
        for fname, header in data[e.name].headers.items():
            assert tuple(header[: len(e.columns)]) == e.columns, (e.name, fname)
            assert len(header) - len(e.columns) <= 1, (e.name, fname)
            if len(header) > len(e.columns):
                extras.append((e.name, header[-1]))
    assert extras, "some CSV file carries an extra, undocumented column"


def test_jsonl_objects_hold_the_documented_keys(data) -> None:
    extra_keys = set()
    for e in EXPORTS:
        if e.fmt != "jsonl":
            continue
        assert data[e.name].rows, e.name
        for obj in data[e.name].rows:
            assert set(e.columns) <= set(obj), (e.name, obj)
            extra_keys |= set(obj) - set(e.columns)
    assert extra_keys, "unknown extra keys appear in some JSON lines"


def test_csv_is_rfc4180_with_crlf(data) -> None:
    raw = next(iter(data["pos__orders"].files.values()))
    assert b"\r\n" in raw
    quoted = [r for r in data["pos__orders"].rows if "," in r["total_amount"]]
    assert quoted, "a thousands separator forces quoting"


# -- the mess ----------------------------------------------------------------------------
def test_encodings_gb18030_and_bom(data) -> None:
    gb = [f for f, enc in data["pos__members"].encodings.items() if enc == "gb18030"]
    assert gb, "a POS members file in GB18030"
    raw = data["pos__members"].files[gb[0]]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    names = [row["name"] for row in csv.DictReader(io.StringIO(raw.decode("gb18030")))]
    assert sum(bool(CJK.search(n)) for n in names) > 10
    boms = [(n, f) for n, x in data.items() for f, enc in x.encodings.items() if enc == "utf-8-sig"]
    assert boms, "some CSV file is UTF-8 with a BOM"
    assert all(EXPORTS_BY_NAME[n].fmt == "csv" for n, _ in boms)


def test_every_mobile_spelling_and_placeholder(data) -> None:
    mobiles = [r["mobile"] for r in data["pos__members"].rows]
    mobiles += [r["mobile"] for r in data["pos__orders"].rows]
    for placeholder in PLACEHOLDERS:
        assert placeholder in [r["mobile"] for r in data["pos__members"].rows], placeholder
    patterns = {
        "plain": r"1[3-9]\d{9}",
        "spaces": r"1\d\d \d{4} \d{4}",
        "hyphens": r"1\d\d-\d{4}-\d{4}",
        "+86": r"\+86 1\d\d \d{4} \d{4}",
        "0086-": r"0086-1\d{10}",
        "86": r"861[3-9]\d{9}",
        "full-width": f"[{FULLWIDTH_DIGITS[0]}-{FULLWIDTH_DIGITS[9]}]{{11}}",
        "padded": r" 1\d{10} ",
    }
    for label, pattern in patterns.items():
        assert any(re.fullmatch(pattern, m) for m in mobiles), label


def test_pos_time_birthday_gender_and_money_formats(data) -> None:
    times = [r["ordered_at"] for r in data["pos__orders"].rows]
    times += [r["registered_at"] for r in data["pos__members"].rows]
    for pattern in (
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
        r"\d{4}/\d{1,2}/\d{1,2} \d\d:\d\d",
        r"\d{14}",
    ):
        assert any(re.fullmatch(pattern, t) for t in times), pattern
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d{4}/\d{1,2}/\d{1,2} \d\d:\d\d|\d{14}", t)
        for t in times
    )
    birthdays = [r["birthday"] for r in data["pos__members"].rows]
    for pattern in (r"\d{4}-\d\d-\d\d", r"\d{4}/\d{1,2}/\d{1,2}", r"\d{8}", r""):
        assert any(re.fullmatch(pattern, b) for b in birthdays), pattern
    genders = Counter(r["gender"] for r in data["pos__members"].rows)
    assert set(genders) == {"M", "F", "男", "女", ""}
    amounts = [r[c] for r in data["pos__orders"].rows for c in ("total_amount", "paid_amount")]
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+\.\d\d", a) for a in amounts)
    assert any(a.startswith("¥") for a in amounts)
    assert all(re.fullmatch(r"¥?\d{1,3}(,?\d{3})*\.\d\d", a) for a in amounts)
    baby = [r["baby_birthday"] for r in data["pos__members"].rows if r["baby_birthday"]]
    assert baby


def test_identifiers_are_text_with_leading_zeros(data) -> None:
    cards = [r["member_card_no"] for r in data["pos__members"].rows]
    assert any(c.startswith("0") for c in cards)
    skus = [r["sku"] for r in data["catalog__products"].rows]
    assert all(s.startswith("0") for s in skus)


def test_names_emails_unionids_are_noisy(data, truth) -> None:
    names = [r["name"] for r in data["pos__members"].rows]
    assert any(CJK.search(n) for n in names)
    assert any(re.fullmatch(r"\s*[A-Za-z][A-Za-z ]*\s*", n) for n in names if n)
    assert any(
        n != n.strip() or "  " in n or (re.search(r"\S \S", n) and CJK.search(n)) for n in names
    )
    emails = [u["email"] for u in data["mall__users"].rows if u["email"]]
    emails += [
        r["identifier_value"]
        for r in data["privacy__consents"].rows
        if r["identifier_type"] == "email"
    ]
    assert any(e != e.strip().lower() for e in emails)
    clean = {p["unionid"] for p in truth["persons"]}
    seen = [u["unionid"] for u in data["mall__users"].rows if u["unionid"]]
    seen += [c["unionid"] for c in data["wecom__contacts"].rows if c["unionid"]]
    noisy = [u for u in seen if u not in clean]
    assert noisy and all(u.strip().lower() in {c.lower() for c in clean} for u in noisy)


def test_mall_times_money_and_status_history(data) -> None:
    orders = data["mall__orders"].rows
    created = [o["created_at"] for o in orders]
    assert any(t.endswith("Z") for t in created) and any(t.endswith("+08:00") for t in created)
    shifted = [
        t
        for t in created
        if t.endswith("Z") and datetime.fromisoformat(t).hour >= 16  # local date is the next day
    ]
    assert shifted, "a Z time that falls on the previous calendar day"
    for o in orders:
        assert isinstance(o["total_fee"], int) and isinstance(o["payment_fee"], int)
        assert o["payment_fee"] == o["total_fee"] - o["discount_fee"]
        assert all(isinstance(i["price_fee"], int) for i in o["items"])
    history: dict[str, list] = defaultdict(list)
    for o in orders:
        history[o["order_id"]].append(o)
    statuses = Counter(o["status"] for o in orders)
    assert set(statuses) == {"created", "paid", "shipped", "completed", "cancelled", "refunded"}
    multi = [h for h in history.values() if len(h) > 1]
    assert len(multi) > len(history) / 2, "orders are re-exported as their status changes"
    full = [o for o in orders if o["status"] == "refunded"]
    assert full and all(
        sum(r["refund_fee"] for r in o["refunds"]) == o["payment_fee"] for o in full
    )
    partial = [o for o in orders if o["status"] == "completed" and o["refunds"]]
    assert partial and all(0 < o["refunds"][0]["refund_fee"] < o["payment_fee"] for o in partial)
    assert any(o["unionid"] is None for o in orders) and any(o["unionid"] for o in orders)
    users = data["mall__users"].rows
    assert any(u["unionid"] is None for u in users) and any(u["unionid"] for u in users)


def test_epoch_seconds_and_milliseconds(data) -> None:
    start = datetime(2023, 1, 1).timestamp() - 86400 * 365 * 6
    for c in data["wecom__contacts"].rows:
        assert re.fullmatch(r"\d{10}", c["added_at"]) and int(c["added_at"]) > start
    assert any(c["deleted_at"] for c in data["wecom__contacts"].rows)
    for ev in data["mall__behavior_events"].rows:
        assert isinstance(ev["occurred_at"], int) and ev["occurred_at"] > 1_600_000_000_000
    for ev in data["wecom__group_events"].rows:
        assert isinstance(ev["occurred_at"], int) and ev["occurred_at"] < 10**10
        assert ev["payload"] is None or isinstance(json.loads(ev["payload"]), dict)
    kinds = {ev["event_type"] for ev in data["wecom__group_events"].rows}
    assert kinds == {
        "join",
        "leave",
        "message",
        "activity_signup",
        "activity_checkin",
        "live_view",
        "coupon_claim",
    }
    types = {ev["event_type"] for ev in data["mall__behavior_events"].rows}
    assert types == {"view", "add_to_cart", "favorite", "search"}
    ids = Counter(ev["event_id"] for ev in data["mall__behavior_events"].rows)
    assert any(n > 1 for n in ids.values()), "duplicated behaviour event ids"


def test_pos_reexports_returns_and_orphans(data, truth) -> None:
    members = data["pos__members"]
    by_card: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for row, f in zip(members.rows, members.row_files, strict=True):
        by_card[row["member_card_no"]].append((f, row))
    changed = [
        rows
        for rows in by_card.values()
        if len(rows) > 1 and len({tuple(r.values()) for _, r in rows}) > 1
    ]
    assert changed, "a member re-exported with a changed value"
    assert any(len({f for f, _ in rows}) > 1 for rows in changed), "re-exported in a later file"
    repeated = defaultdict(set)
    for rows in by_card.values():
        for f, r in rows:
            repeated[tuple(r.values())].add(f)
    assert any(len(fs) > 1 for fs in repeated.values()), "the same member row in a later file"

    orders = data["pos__orders"]
    headers: dict[str, list[str]] = defaultdict(list)
    for row, f in zip(orders.rows, orders.row_files, strict=True):
        headers[row["order_no"]].append(f)
    assert any(len(set(fs)) > 1 for fs in headers.values()), "a POS order repeated later"
    sales = {r["order_no"]: r for r in orders.rows if r["order_type"] == "sale"}
    returns = [r for r in orders.rows if r["order_type"] == "return"]
    true_sales = {r["order_key"] for r in truth["orders"] if r["order_type"] == "sale"}
    assert returns and all(r["original_order_no"] in true_sales for r in returns)
    returns = [r for r in returns if r["original_order_no"] in sales]  # its header may be lost

    def yuan(x: str) -> float:
        return float(x.replace("¥", "").replace(",", ""))

    assert all(yuan(r["paid_amount"]) > 0 for r in returns)
    whole = [
        r
        for r in returns
        if yuan(r["total_amount"]) == yuan(sales[r["original_order_no"]]["total_amount"])
    ]
    part = [
        r
        for r in returns
        if yuan(r["total_amount"]) < yuan(sales[r["original_order_no"]]["total_amount"])
    ]
    assert whole and part
    assert any(r["member_card_no"] == "" for r in orders.rows), "anonymous walk-ins"

    items = data["pos__order_items"]
    item_files: dict[str, set[str]] = defaultdict(set)
    for row, f in zip(items.rows, items.row_files, strict=True):
        item_files[row["order_no"]].add(f)
    never = [o for o in item_files if o not in headers]
    assert never, "order lines whose header never arrives"
    late = [o for o, fs in item_files.items() if o in headers and min(headers[o]) > min(fs)]
    assert late, "order lines whose header arrives in a later file"


def test_malformed_lines(data, run) -> None:
    bad = Counter()
    for x in data.values():
        bad.update(x.bad_lines)
    assert bad["csv_field_count"] >= 1
    assert bad["json_truncated"] >= 1
    assert bad["undecodable_bytes"] >= 1
    assert sum(run[1].malformed.values()) == sum(bad.values())


# -- identity situations and business shape -----------------------------------------------
def test_truth_covers_every_order_key(data, truth) -> None:
    known = {(r["export"], r["order_key"]) for r in truth["orders"]}
    written = {("pos__orders", r["order_no"]) for r in data["pos__orders"].rows}
    written |= {("pos__orders", r["order_no"]) for r in data["pos__order_items"].rows}
    written |= {("mall__orders", o["order_id"]) for o in data["mall__orders"].rows}
    assert written <= known
    persons = {p["person_id"] for p in truth["persons"]}
    assert len(persons) == MEMBERS
    assert {r["person_id"] for r in truth["orders"]} <= persons | {""}
    assert any(r["person_id"] == "" for r in truth["orders"]), "walk-ins have no person"
    owners = {(r["export"], r["record_key"]): r["person_id"] for r in truth["record_owners"]}
    for r in data["pos__members"].rows:
        assert ("pos__members", r["member_card_no"]) in owners
    for u in data["mall__users"].rows:
        assert ("mall__users", u["openid"]) in owners
    for c in data["wecom__contacts"].rows:
        assert ("wecom__contacts", c["external_userid"]) in owners


def test_identity_situations(data, truth) -> None:
    persons = truth["persons"]
    arche = Counter(p["archetype"] for p in persons)
    assert 0.45 < arche["store_only"] / MEMBERS < 0.65
    assert 0.12 < arche["online_only"] / MEMBERS < 0.28
    assert any(int(p["member_cards"]) == 2 for p in persons), "two cards from two stores"
    assert any(p["shares_phone_with"] for p in persons), "family members share a phone"
    spouses = {p["spouse_mobile"] for p in persons}
    assert any(o["mobile"] in spouses for o in data["mall__orders"].rows), "spouse receives"
    owners = Counter(r["person_id"] for r in truth["record_owners"] if r["export"] == "mall__users")
    assert any(n > 1 for n in owners.values()), "two mall accounts"
    contacts = data["wecom__contacts"].rows
    with_unionid = sum(bool(c["unionid"]) for c in contacts) / len(contacts)
    assert 0.4 < with_unionid < 0.8
    remark = Counter(m for c in contacts for m in re.split(r"[;,]", c["remark_mobiles"]) if m)
    own = {p["mobile"] for p in persons} | spouses
    assert any(digits(m)[-11:] not in own for m in remark), "a guide's own phone typed"
    typed = Counter(r["mobile"] for r in data["pos__orders"].rows if not r["member_card_no"])
    hubs = [
        m for m, n in typed.items() if n >= 3 and re.fullmatch(r"1[3-9]\d{9}", m) and m not in own
    ]
    assert hubs, "a checkout hub phone typed for walk-ins"
    assert any(p["due_date"] and p["due_date"] > "2023-01-01" for p in persons), "pregnancies"


def test_marketing_privacy_service(data) -> None:
    sends = data["marketing__campaign_sends"].rows
    assert {s["variant"] for s in sends} == {"A", "B", "control"}
    assert all(s["recipient_mobile"] or s["recipient_unionid"] for s in sends)
    assert all(
        not s["opened_at"] and not s["clicked_at"] for s in sends if s["variant"] == "control"
    )
    assert any(s["clicked_at"] for s in sends)
    camps = data["marketing__campaigns"].rows
    assert {c["channel"] for c in camps} == {"sms", "wecom", "mall_push", "email"}
    assert {c["objective"] for c in camps} == {
        "welcome",
        "nurture",
        "upsell",
        "wake_up",
        "win_back",
        "birthday",
        "promotion",
    }
    used = {s["campaign_id"] for s in sends}
    assert {c["objective"] for c in camps if c["campaign_id"] in used} >= {"wake_up", "promotion"}
    consents = data["privacy__consents"].rows
    assert {c["status"] for c in consents} == {"granted", "withdrawn"}
    assert {c["identifier_type"] for c in consents} == {"mobile", "unionid", "email"}
    assert data["privacy__erasure_requests"].rows
    scores = [int(r["score"]) for r in data["service__nps_responses"].rows]
    assert all(0 <= s <= 10 for s in scores)
    assert {r["touchpoint"] for r in data["service__nps_responses"].rows} <= {
        "store",
        "mall",
        "wecom",
        "service",
    }


def test_catalog_and_stores(data) -> None:
    stores = data["catalog__stores"].rows
    assert len(stores) == 80
    assert len({s["province"] for s in stores}) == 5
    assert {s["region"] for s in stores} <= {"east", "south", "north", "west", "central"}
    products = data["catalog__products"].rows
    skus = {p["sku"] for p in products}
    assert 250 <= len(skus) <= 500
    assert {p["age_stage"] for p in products} == {
        "pregnancy",
        "0-6m",
        "6-12m",
        "1-3y",
        "3-6y",
        "adult",
        "all",
    }
    assert {"NB", "S", "M", "L", "XL", "XXL"} <= {p["size"] for p in products}
    launches = [p["launched_at"] for p in products]
    assert any(x >= "2023-01-01" for x in launches) and any(x < "2023-01-01" for x in launches)
    sold = {r["sku"] for r in data["pos__order_items"].rows}
    assert sold <= skus


def test_purchases_follow_the_baby(data, truth) -> None:
    """Diaper sizes bought move up as the baby grows."""
    birth = {p["person_id"]: p["baby_birthday"] for p in truth["persons"]}
    owner = {r["order_key"]: r["person_id"] for r in truth["orders"]}
    size = {
        p["sku"]: p["size"] for p in data["catalog__products"].rows if p["category_l1"] == "纸尿裤"
    }
    when = {r["order_no"]: r["ordered_at"] for r in data["pos__orders"].rows}
    ages = defaultdict(list)
    for item in data["pos__order_items"].rows:
        s = size.get(item["sku"])
        pid = owner.get(item["order_no"])
        t = when.get(item["order_no"])
        if s and pid and birth.get(pid) and t and re.fullmatch(r"\d{4}-\d\d-\d\d .*", t):
            age = (date.fromisoformat(t[:10]) - date.fromisoformat(birth[pid])).days
            ages[s].append(age)
    mean = {s: sum(a) / len(a) for s, a in ages.items() if a}
    assert mean["NB"] < mean["M"] < mean["XL"], mean
    assert timedelta(days=0) <= timedelta(days=mean["XL"])
