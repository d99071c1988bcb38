"""The customer value marts on real transactions (the CDNOW sample), customer by
customer, against an independent implementation of domain.md written here in Python.

CDNOW's 2,357 customers become POS members (card = sample id, no phone: one customer
per card) and each transaction line a POS sale; the warehouse is built as of
1998-06-30, the data's last day and a month end (domain.md's own example date).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from cdnow_exports import transactions as _transactions
from cdnow_exports import write_exports

from conftest import query, run_crm

AS_OF = date(1998, 6, 30)
SEGMENTS = [  # domain.md's default (R, F) map
    ((1, 2), (1, 2), "hibernating"),
    ((1, 2), (3, 4), "at_risk"),
    ((1, 2), (5, 5), "cant_lose"),
    ((3, 3), (1, 2), "about_to_sleep"),
    ((3, 3), (3, 3), "need_attention"),
    ((3, 4), (4, 5), "loyal"),
    ((4, 4), (1, 1), "promising"),
    ((5, 5), (1, 1), "new"),
    ((4, 5), (2, 3), "potential_loyalist"),
    ((5, 5), (4, 5), "champions"),
]
TIERS = [(Decimal("8000"), "supreme"), (Decimal("3000"), "vip"), (Decimal("500"), "senior")]


def _month_back(d: date, months: int) -> date:
    """domain.md: from a month end to the month end `months` earlier, else the same day
    clamped to the target month's end."""
    index = d.year * 12 + (d.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        return date(year, month, last)
    return date(year, month, min(d.day, last))


def _stage(dates: list[date], d: date, w: int) -> str:
    if not dates:
        return "prospect"
    first, last = min(dates), max(dates)
    in_window = sum(1 for x in dates if _month_back(d, w) < x <= d)
    if first > _month_back(d, w):
        return "new_repeat" if in_window >= 2 else "new_one_time"
    if in_window >= 2:
        return "old_repeat"
    if in_window == 1:
        return "old_one_time"
    if last > _month_back(d, 2 * w):
        return "silent"
    if last > _month_back(d, 4 * w):
        return "sleeping"
    return "lost"


def _score(rank: int, n: int) -> int:
    if n <= 1:
        return 1
    return min(5, 1 + int(Fraction(5 * (rank - 1), n - 1)))


def _min_ranks(values: dict[str, object], descending: bool) -> dict[str, int]:
    ordered = sorted(values.values(), reverse=descending)
    first_index: dict[object, int] = {}
    for i, v in enumerate(ordered):
        first_index.setdefault(v, i + 1)
    return {k: first_index[v] for k, v in values.items()}


def _expected() -> tuple[dict, dict, dict, set[str]]:
    purchases: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    customers = set()
    for sample_id, day, dollars in _transactions():
        customers.add(sample_id)
        if day <= AS_OF and dollars > 0:  # a purchase: net amount above zero
            purchases[sample_id].append((day, dollars))
    recency = {c: (AS_OF - max(d for d, _ in p)).days for c, p in purchases.items()}
    frequency = {c: len(p) for c, p in purchases.items()}
    monetary = {c: sum(v for _, v in p) for c, p in purchases.items()}
    n = len(purchases)
    r_rank = _min_ranks(recency, descending=True)
    f_rank = _min_ranks(frequency, descending=False)
    m_rank = _min_ranks(monetary, descending=False)
    rfm = {}
    for c in purchases:
        r, f, m = _score(r_rank[c], n), _score(f_rank[c], n), _score(m_rank[c], n)
        segment = next(s for (r0, r1), (f0, f1), s in SEGMENTS if r0 <= r <= r1 and f0 <= f <= f1)
        rfm[c] = (recency[c], frequency[c], monetary[c], r, f, m, segment)
    stages = {
        (c, w): _stage([d for d, _ in purchases.get(c, [])], AS_OF, w)
        for c in customers
        for w in (3, 6, 12)
    }
    tiers = {
        c: next((t for threshold, t in TIERS if monetary[c] >= threshold), "normal")
        for c in purchases
    }
    return rfm, stages, tiers, customers


@pytest.fixture(scope="module")
def cdnow_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("cdnow") / "raw"
    write_exports(raw)
    database = raw.parent / "crm.duckdb"
    run_crm(
        "run",
        "--raw-dir",
        str(raw),
        "--database",
        str(database),
        "--as-of",
        AS_OF.isoformat(),
        "--quiet",
    )
    return database


def _by_card(database: Path, sql: str) -> dict:
    rows = query(
        database,
        "select ids.identifier_value, mart.* exclude (customer_id) "
        f"from ({sql}) as mart inner join pii.customer_identity_map as ids "
        "on ids.customer_id = mart.customer_id and ids.identifier_type = 'member_card'",
    )
    return {row[0]: row[1:] for row in rows}


def test_rfm_equals_an_independent_implementation(cdnow_warehouse: Path) -> None:
    expected, _, _, _ = _expected()
    actual = _by_card(
        cdnow_warehouse,
        "select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, "
        "rfm_segment from marts.customer_rfm",
    )
    assert len(actual) == len(expected) > 2000
    differences = {c: (actual.get(c), e) for c, e in expected.items() if actual.get(c) != e}
    assert not differences, list(differences.items())[:5]


def test_lifecycle_equals_an_independent_implementation(cdnow_warehouse: Path) -> None:
    _, expected, _, customers = _expected()
    rows = query(
        cdnow_warehouse,
        "select ids.identifier_value, l.window_months, l.lifecycle_stage "
        "from marts.customer_lifecycle as l inner join pii.customer_identity_map as ids "
        "on ids.customer_id = l.customer_id and ids.identifier_type = 'member_card'",
    )
    actual = {(c, w): s for c, w, s in rows}
    assert len(actual) == 3 * len(customers)
    differences = {k: (actual.get(k), v) for k, v in expected.items() if actual.get(k) != v}
    assert not differences, list(differences.items())[:5]
    history = query(
        cdnow_warehouse,
        "select count(*) from marts.customer_lifecycle_history where month_end = ?",
        [AS_OF],
    )
    assert history == [(len(customers),)]


def test_tiers_equal_an_independent_implementation(cdnow_warehouse: Path) -> None:
    _, _, expected, _ = _expected()
    actual = {
        c: row[0]
        for c, row in _by_card(
            cdnow_warehouse, "select customer_id, tier_code from marts.customer_tiers"
        ).items()
    }
    assert actual == expected
