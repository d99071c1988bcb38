"""The mess: how real channel exports deviate from clean values.

Every formatter here takes a clean value and a variant number. ``Mess`` decides, at a
kind's rate, whether (and which variant of) a mess applies; in the run's first chunk it
forces every variant of every listed kind once, so that even a small run shows each.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

#: Values typed into phone fields that identify nobody (the contract's list).
PLACEHOLDERS: tuple[str, ...] = (
    "13800138000",
    "00000000000",
    "11111111111",
    "12345678901",
    "无",
    "NULL",
    "-",
    "",
)

FULLWIDTH_DIGITS = "".join(chr(0xFF10 + d) for d in range(10))  # U+FF10..U+FF19
_FULLWIDTH = str.maketrans("0123456789", FULLWIDTH_DIGITS)

#: Variants of each mess kind, forced once each in the run's first chunk.
FORCED: dict[str, int] = {
    "mobile_format": 7,  # see ``mobile_variant``
    "mobile_placeholder": len(PLACEHOLDERS),
    "pos_time": 3,  # 2024-03-05 14:22:01 | 2024/3/5 14:22 | 20240305142201
    "birthday": 4,  # 1990-07-01 | 1990/7/1 | 19900701 | blank
    "gender": 5,  # M | F | 男 | 女 | blank
    "money": 4,  # 1299.00 | 1,299.00 | ¥1,299.00 | ¥1299.00
    "name_space": 3,
    "email_noise": 4,
    "unionid_noise": 4,
    "latin_name": 1,
    "two_cards": 1,
    "shared_phone": 1,
    "erasure": 1,
    "member_reexport": 1,
    "member_duplicate": 1,
    "second_openid": 1,
    "receiver_other": 1,
    "pos_return": 2,  # whole | part
    "pos_repeat": 1,
    "pos_delayed_header": 1,
    "pos_missing_header": 1,
    "hub_phone": 1,
    "guide_phone": 1,
    "mall_cancel": 1,
    "mall_refund": 2,  # full | partial
    "json_extra_key": 1,
    "event_duplicate": 1,
    "contact_deleted": 1,
    "consent_withdrawn": 1,
}


class Mess:
    """Draws the mess for one chunk of people."""

    def __init__(self, rng: random.Random, force: bool) -> None:
        self.random = rng.random
        self.forced: dict[str, list[int]] = (
            {kind: list(range(n)) for kind, n in FORCED.items()} if force else {}
        )

    def variant(self, kind: str, rate: float, n: int = 1) -> int:
        """``-1`` (clean) or which of the ``n`` variants of ``kind`` applies."""
        if self.forced:
            forced = self.forced.get(kind)
            if forced:
                v = forced.pop(0)
                if not forced:
                    del self.forced[kind]
                return v
        u = self.random()
        if u < rate:
            return int(u / rate * n)
        return -1

    def hit(self, kind: str, rate: float) -> bool:
        if self.forced and kind in self.forced:
            return self.variant(kind, rate, 1) >= 0
        return self.random() < rate


# -- formatters -------------------------------------------------------------------------
def mobile_variant(m: str, v: int) -> str:
    """One of the contract's spellings of an 11-digit mobile."""
    if v == 0:
        return f"{m[:3]} {m[3:7]} {m[7:]}"
    if v == 1:
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if v == 2:
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    if v == 3:
        return f"0086-{m}"
    if v == 4:
        return f"86{m}"
    if v == 5:
        return m.translate(_FULLWIDTH)
    return f" {m} "


def name_variant(name: str, v: int) -> str:
    """Stray whitespace around or inside a name."""
    if v == 0:
        return f" {name}"
    if v == 1:
        return f"{name}  "
    if " " in name:
        return name.replace(" ", "  ", 1)
    return f"{name[:1]} {name[1:]}"


def email_variant(e: str, v: int) -> str:
    if v == 0:
        return e.upper()
    if v == 1:
        local, _, domain = e.partition("@")
        return f"{local[:1].upper()}{local[1:]}@{domain.upper()}"
    if v == 2:
        return f" {e} "
    return f"{e} "


def unionid_variant(u: str, v: int) -> str:
    if v == 0:
        return f" {u}"
    if v == 1:
        return f"{u} "
    if v == 2:
        return u.upper()
    return u.lower()


def money(cents: int, style: int) -> str:
    """Yuan as POS systems print them: ``1299.00``, ``1,299.00``, ``¥1,299.00``, ``¥1299.00``."""
    y, c = divmod(cents, 100)
    if style == 0:
        return f"{y}.{c:02d}"
    if style == 1:
        return f"{y:,}.{c:02d}"
    if style == 2:
        return f"¥{y:,}.{c:02d}"
    return f"¥{y}.{c:02d}"


def yuan(cents: int) -> str:
    y, c = divmod(cents, 100)
    return f"{y}.{c:02d}"


GENDER_TEXT = (("F", "M"), ("女", "男"))


# -- malformed lines ----------------------------------------------------------------------
BAD_BYTES = "\udcff\udcfe"  # written with errors="surrogateescape": bytes FF FE, not UTF-8


def wrong_field_count(row: Sequence[str]) -> tuple[str, ...]:
    """A CSV row cut short: two fields missing."""
    return tuple(row[:-2])


def truncated_json(line: str) -> str:
    return line[: max(1, len(line) * 2 // 3)]


def undecodable_row(row: Sequence[str]) -> tuple[str, ...]:
    """A copy of a CSV row with bytes that are not UTF-8 in its second field."""
    out = list(row)
    k = 1 if len(out) > 1 else 0
    out[k] = f"{out[k][:1]}{BAD_BYTES}{out[k][1:]}"
    return tuple(out)


def undecodable_json(line: str) -> str:
    cut = line.find('":"') + 3 if '":"' in line else 2
    return line[:cut] + BAD_BYTES + line[cut:]
