"""Identifiers: phones, card numbers, WeChat ids and order numbers.

Numbers come from affine bijections of a person's index, so they are unique by
construction (no bookkeeping across chunks or processes) without looking sequential.
Opaque tokens (openid, unionid, external_userid) are hashes of the run seed and an index.
"""

from __future__ import annotations

import base64
import hashlib

#: Mainland mobile prefixes (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

#: Namespaces of the phone bijection (an index below 10**8 maps to one number).
PHONE_OWN = 0
PHONE_SPOUSE = 30_000_000
PHONE_NEW = 60_000_000
PHONE_GUIDE = 95_000_000
PHONE_HUB = 99_000_000

#: The largest ``members`` the identifier spaces allow.
MAX_PEOPLE = 10_000_000
#: Walk-in buyers are numbered after every person.
WALKIN_BASE = 20_000_000

_M8 = 10**8
_M11 = 10**11


def scramble8(x: int, salt: int = 0) -> int:
    """A bijection of ``[0, 10**8)`` (a 4-round Feistel network on two 4-digit halves)."""
    left, right = divmod(x, 10_000)
    for k in range(4):
        f = ((right + 7_919 * (k + 1) + 104_729 * salt) * 2_654_435_761 >> 11) % 10_000
        left, right = right, (left + f) % 10_000
    return left * 10_000 + right


def mobile(index: int) -> str:
    """The 11-digit mobile of phone index ``index`` (unique per index)."""
    n = scramble8(index)
    prefix = MOBILE_PREFIXES[(index * 7 + n) % len(MOBILE_PREFIXES)]
    if prefix == "138" and n == 138_000:  # the 13800138000 placeholder
        prefix = "139"
    return f"{prefix}{n:08d}"


def card_no(area_code: str, index: int) -> str:
    """A POS member card: the store city's area code (``0571``...) and 8 digits."""
    return f"{area_code}{scramble8(index, 1):08d}"


def serial(index: int, salt: int) -> int:
    """An 11-digit serial, unique per ``index`` for one ``salt``."""
    # The multiplier ends in 3: coprime with 10**11, so the map is a bijection.
    return (index * (3_141_592_653 + 20 * salt) + 27_182_818_284 * (salt + 1)) % _M11


def token(seed: int, kind: str, index: int, length: int) -> str:
    """A URL-safe base64 token derived from (seed, kind, index)."""
    digest = hashlib.blake2b(f"{seed}|{kind}|{index}".encode(), digest_size=24).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:length]


def openid(seed: int, index: int) -> str:
    return "o" + token(seed, "openid", index, 27)


def unionid(seed: int, index: int) -> str:
    return "o" + token(seed, "unionid", index, 27)


def external_userid(seed: int, index: int) -> str:
    return "wm" + token(seed, "external", index, 30)


def group_chat_id(seed: int, index: int) -> str:
    return "wr" + token(seed, "group", index, 30)
