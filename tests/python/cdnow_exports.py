"""The CDNOW sample (real transactions, tests/data/cdnow) written as POS exports, so
that tests load it through the same code path as any retailer's data (crm run:
ingestion, staging, identity, the marts).

CDNOW's 2,357 customers become POS members (card = sample id, no phone: one customer
per card, registered on the day of their first purchase) and each transaction line a
POS sale of its dollar value at noon.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

CDNOW = Path(__file__).resolve().parents[1] / "data/cdnow/CDNOW_sample.txt"
MEMBERS_HEADER = (
    "member_card_no,name,mobile,gender,birthday,baby_birthday,home_store_id,"
    "registered_at,updated_at\n"
)
ORDERS_HEADER = (
    "order_no,store_id,member_card_no,mobile,ordered_at,order_type,original_order_no,"
    "total_amount,discount_amount,paid_amount,payment_method\n"
)


def transactions() -> list[tuple[str, date, Decimal]]:
    """(sample id, date, dollar value) of every line of the sample."""
    out = []
    for line in CDNOW.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        _, sample_id, day, _, dollars = line.split()
        out.append((sample_id, date(int(day[:4]), int(day[4:6]), int(day[6:])), Decimal(dollars)))
    return out


def write_exports(raw: Path) -> None:
    """Write pos/members/cdnow.csv and pos/orders/cdnow.csv under `raw`."""
    (raw / "pos/members").mkdir(parents=True)
    (raw / "pos/orders").mkdir(parents=True)
    first: dict[str, date] = {}
    lines = [ORDERS_HEADER]
    for i, (sample_id, day, dollars) in enumerate(transactions()):
        first[sample_id] = min(first.get(sample_id, day), day)
        lines.append(
            f"CD{i:05d},S001,{sample_id},,{day.isoformat()} 12:00:00,sale,,"
            f"{dollars},0,{dollars},card\n"
        )
    (raw / "pos/orders/cdnow.csv").write_text("".join(lines), encoding="utf-8")
    members = [MEMBERS_HEADER] + [
        f"{c},,,,,,S001,{d.isoformat()} 09:00:00,{d.isoformat()} 09:00:00\n"
        for c, d in sorted(first.items())
    ]
    (raw / "pos/members/cdnow.csv").write_text("".join(members), encoding="utf-8")
