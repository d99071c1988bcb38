"""People: who they are, and the accounts they hold (POS cards, mall users).

A ``Person`` is one real customer: an archetype (store-only, online-only, omnichannel),
a spending segment, a home store, a registration time, a baby's life stage (due date,
birth), and the identifiers behind their records. The functions here draw a person and
write their ``pos/members`` and ``mall/users`` records and their ``_truth/persons`` row.
"""

from __future__ import annotations

import json
from math import log

from . import ids, names
from .catalog import NO_BABY, PREGNANT, Store
from .clock import DAY, OFFICE, ONLINE, STORE
from .context import Chunk
from .mess import (
    GENDER_TEXT,
    PLACEHOLDERS,
    email_variant,
    mobile_variant,
    name_variant,
    unionid_variant,
)
from .writers import MALL_USERS, POS_MEMBERS

STORE_ONLY, ONLINE_ONLY, OMNI = 0, 1, 2
ARCHETYPES = ("store_only", "online_only", "omni")
SEGMENTS = ("light", "medium", "heavy")
#: Purchases a month by spending segment (the median of a log-normal spread).
SEGMENT_RATE = (0.11, 0.27, 1.3)
NEVER = 1 << 62


class Card:
    __slots__ = ("no", "store", "t")

    def __init__(self, no: str, store: Store, t: int) -> None:
        self.no = no
        self.store = store
        self.t = t


class Person:
    __slots__ = (
        "active_to",
        "arch",
        "birth_day",
        "buys",
        "cards",
        "churn_t",
        "contact",
        "due_day",
        "email",
        "email_until",
        "erase_kind",
        "erase_t",
        "ev_prefix",
        "fav_diaper",
        "fav_milk",
        "female",
        "has_baby",
        "home",
        "idx",
        "join_t",
        "k",
        "k_ev",
        "latin",
        "mall_t",
        "mall_unionid",
        "mobile",
        "name",
        "openids",
        "pid",
        "prospect",
        "push_until",
        "rate",
        "reg_t",
        "seg",
        "shares_with",
        "sms_until",
        "spouse",
        "unionid",
        "wecom_until",
    )

    def age_key(self, day: int) -> int:
        """The catalogue's age key on ``day``: pregnant, baby's month of age, or none."""
        b = self.birth_day
        if b < 0:
            return NO_BABY
        if day < b:
            return PREGNANT if day >= b - 280 else NO_BABY
        months = (day - b) * 12 // 365
        return months + 2 if months < 96 else NO_BABY


def make_person(ctx: Chunk, i: int) -> Person:
    r = ctx.r
    clock = ctx.clock
    world = ctx.world
    mess = ctx.mess
    p = Person()
    p.idx = i
    p.pid = f"P{i + 1:08d}"
    p.k = 0
    p.k_ev = 0
    u = r()
    p.arch = STORE_ONLY if u < 0.55 else ONLINE_ONLY if u < 0.75 else OMNI
    p.prospect = r() < 0.12
    u = r()
    p.seg = 0 if u < 0.53 else 1 if u < 0.88 else 2
    p.rate = SEGMENT_RATE[p.seg] * ctx.rng.lognormvariate(0.0, 0.35)
    p.home = home = world.catalog.pick_store(r())
    p.fav_milk = int(r() * 6)
    p.fav_diaper = int(r() * 6)

    # Registration: a little over half before the period, the rest throughout it.
    span = clock.d_end + 1 - clock.d_start
    if r() < 0.55:
        day = clock.d_start - 1 - int(r() ** 1.5 * 5 * 365)
    else:
        day = clock.d_start + int(r() * span)
    if day < home.open_day:
        day = home.open_day + int(r() * max(1, clock.d_end + 1 - home.open_day))
    kind = ONLINE if p.arch == ONLINE_ONLY else STORE
    p.reg_t = day * DAY + clock.time_of_day(kind, r(), r())

    # The baby: expected (registered while pregnant) or already born.
    p.has_baby = r() < 0.93
    p.due_day = -1
    p.birth_day = -1
    if p.has_baby:
        if r() < 0.32:
            weeks = 8 + r() * 30
            p.due_day = day + int((40 - weeks) * 7)
            p.birth_day = p.due_day + int(ctx.rng.gauss(0, 6))
        else:
            p.birth_day = day - int(r() ** 1.3 * 30 * 30.4)

    # When they stop buying: churn, erasure, or the child outgrowing the shop.
    t0 = max(p.reg_t, clock.t_start)
    p.churn_t = NEVER
    if r() < 0.25:
        p.churn_t = t0 + int(r() * max(1, clock.t_end - t0))
    p.erase_t = NEVER
    p.erase_kind = ""
    if clock.t_end - t0 > 40 * DAY and mess.hit("erasure", 0.001):
        day = (t0 + 30 * DAY + int(r() * (clock.t_end - t0 - 31 * DAY))) // DAY
        p.erase_t = day * DAY + clock.time_of_day(OFFICE, r(), r())
    outgrow = (p.birth_day + 9 * 365) * DAY if p.birth_day >= 0 else NEVER
    p.active_to = min(p.churn_t, p.erase_t, outgrow, clock.t_end)

    # Identity.
    p.female = r() < 0.88
    p.latin = mess.hit("latin_name", 0.07)
    p.name = names.person_name(r, p.female, p.latin)
    p.shares_with = -1
    if i > 0 and mess.hit("shared_phone", 0.015):
        p.shares_with = i - 1  # a family member's phone (same household, previous person)
        p.mobile = ids.mobile(ids.PHONE_OWN + i - 1)
    else:
        p.mobile = ids.mobile(ids.PHONE_OWN + i)
    p.spouse = ids.mobile(ids.PHONE_SPOUSE + i)
    p.unionid = ids.unionid(ctx.seed, i)
    p.email = names.email(r, i) if r() < (0.45 if p.arch == ONLINE_ONLY else 0.22) else ""

    # Accounts.
    p.cards = []
    if p.arch != ONLINE_ONLY:
        p.cards.append(Card(ids.card_no(home.area, 2 * i), home, p.reg_t))
        t2 = max(p.reg_t, clock.t_start) + int(r() * 400 * DAY)
        other = world.catalog.other_store(home, r(), r())
        if t2 < p.active_to and other.open_day * DAY < t2 and mess.hit("two_cards", 0.03):
            p.cards.append(Card(ids.card_no(other.area, 2 * i + 1), other, t2))
    p.openids = []
    p.mall_t = NEVER
    p.mall_unionid = False
    if p.arch != STORE_ONLY:
        p.openids.append(ids.openid(ctx.seed, 2 * i))
        p.mall_t = p.reg_t
        if p.arch == OMNI and r() < 0.6:
            p.mall_t = min(p.reg_t + int(r() * 200 * DAY), max(p.reg_t, clock.t_end - DAY))
        p.mall_unionid = r() < 0.7
        if mess.hit("second_openid", 0.05):
            p.openids.append(ids.openid(ctx.seed, 2 * i + 1))
    p.contact = None
    p.join_t = NEVER
    p.buys = []
    p.sms_until = p.email_until = p.push_until = p.wecom_until = NEVER
    p.ev_prefix = ""
    return p


def noisy_mobile(ctx: Chunk, m: str, rate: float) -> str:
    v = ctx.mess.variant("mobile_format", rate, 7)
    return m if v < 0 else mobile_variant(m, v)


def write_members(ctx: Chunk, p: Person) -> None:
    """``pos/members`` rows of each card: registration, then re-exports with changes."""
    if not p.cards:
        return
    r = ctx.r
    clock = ctx.clock
    mess = ctx.mess
    out = ctx.out[POS_MEMBERS]
    owners = ctx.truth[1]
    complete = r() < 0.6  # 40% of member records hold only a name and a phone
    bday = clock.day_of(clock.start) - int((24 + r() * 16) * 365.25) if complete else 0
    for card in p.cards:
        store = card.store
        owners.append(("pos__members", card.no, p.pid))
        v = mess.variant("name_space", 0.03, 3)
        name = p.name if v < 0 else name_variant(p.name, v)
        if r() < 0.03:
            name = ""
        v = mess.variant("mobile_placeholder", 0.04, len(PLACEHOLDERS))
        mobile = PLACEHOLDERS[v] if v >= 0 else noisy_mobile(ctx, p.mobile, 0.12)
        style = store.birthday_style
        v = mess.variant("birthday", 0.08, 4)
        if v >= 0:
            style = v
        gender = ""
        birthday = ""
        baby = ""
        if complete:
            v = mess.variant("gender", 0.03, 5)
            if v >= 0:
                gender = ("M", "F", "男", "女", "")[v]
            else:
                gender = GENDER_TEXT[store.gender_style][0 if p.female else 1]
            if style < 3:
                birthday = clock.date_text(bday, style)
        reg_day = card.t // DAY
        known_baby = -1
        if p.has_baby and complete:
            if p.due_day >= 0 and reg_day < p.birth_day:
                known_baby = p.due_day  # expected due date, in the future
            elif reg_day >= p.birth_day:
                known_baby = p.birth_day
        if known_baby >= 0 and style < 3:
            baby = clock.date_text(known_baby, style)
        tstyle = store.time_style
        v = mess.variant("pos_time", 0.1, 3)
        if v >= 0:
            tstyle = v
        reg_text = clock.pos_time(card.t, tstyle)
        row = (card.no, name, mobile, gender, birthday, baby, store.store_id, reg_text, reg_text)
        month = clock.month(card.t)
        if month < 0:
            continue
        out[month].append(row)
        # Re-exports: the baby is born (due date -> birthday), or another change.
        t_last = card.t
        if known_baby == p.due_day and p.due_day >= 0 and r() < 0.6:
            t2 = (p.birth_day + 3 + int(r() * 60)) * DAY + clock.time_of_day(STORE, r(), r())
            if card.t < t2 <= clock.t_end:
                baby = clock.date_text(p.birth_day, style if style < 3 else 0)
                row = (*row[:5], baby, row[6], reg_text, clock.pos_time(t2, tstyle))
                out[clock.month(t2)].append(row)
                t_last = t2
        t2 = (max(t_last, clock.t_start) // DAY + 1 + int(r() * 300)) * DAY
        t2 += clock.time_of_day(STORE, r(), r())
        if t2 <= clock.t_end and mess.hit("member_reexport", 0.05):
            u = r()
            if u < 0.3:
                row = (
                    *row[:2],
                    noisy_mobile(ctx, ids.mobile(ids.PHONE_NEW + p.idx), 0.1),
                    *row[3:],
                )
            elif u < 0.6:
                row = (row[0], p.name, *row[2:])
            else:
                g = GENDER_TEXT[store.gender_style][0 if p.female else 1]
                row = (*row[:3], g, clock.date_text(bday, 0) if bday else "", *row[5:])
            row = (*row[:8], clock.pos_time(t2, tstyle))
            out[clock.month(t2)].append(row)
            t_last = t2
        t3 = t_last + int(r() * 200 * DAY)
        later = t3 <= clock.t_end and clock.month(t3) > clock.month(t_last)
        if later and mess.hit("member_duplicate", 0.01):
            out[clock.month(t3)].append(row)  # the very same row again, in a later file


def write_mall_users(ctx: Chunk, p: Person) -> None:
    """``mall/users`` lines: the account, re-exported when a phone is bound later."""
    if not p.openids:
        return
    r = ctx.r
    clock = ctx.clock
    mess = ctx.mess
    out = ctx.out[MALL_USERS]
    owners = ctx.truth[1]
    nick = names.nickname(r, p.name)
    for k, openid in enumerate(p.openids):
        owners.append(("mall__users", openid, p.pid))
        t = p.mall_t if k == 0 else p.mall_t + int(r() * 90 * DAY)
        if t > clock.t_end:
            t = p.mall_t
        bound = p.mall_unionid or k == 1
        unionid = None
        if bound:
            v = mess.variant("unionid_noise", 0.02, 4)
            unionid = p.unionid if v < 0 else unionid_variant(p.unionid, v)
        mobile = noisy_mobile(ctx, p.mobile, 0.03) if r() < 0.75 else None
        email = None
        if p.email and r() < 0.7:
            v = mess.variant("email_noise", 0.12, 4)
            email = p.email if v < 0 else email_variant(p.email, v)
        late_phone = mobile is not None and r() < 0.2
        utc = r() < 0.4
        reg = clock.iso8601(t, utc)
        obj = {
            "openid": openid,
            "unionid": unionid,
            "nickname": nick,
            "mobile": None if late_phone else mobile,
            "email": email,
            "registered_at": reg,
            "updated_at": reg,
        }
        if mess.hit("json_extra_key", 0.02):
            obj["member_level"] = "V1"
        ascii_only = r() < 0.1
        month = clock.month(t)
        if month < 0:
            continue
        ctx.out[MALL_USERS][month].append(json.dumps(obj, ensure_ascii=ascii_only))
        if late_phone:
            t2 = max(t, clock.t_start) + int(-log(1.0 - r()) * 60 * DAY)
            if t2 <= clock.t_end:
                obj["mobile"] = mobile
                obj["updated_at"] = clock.iso8601(t2, utc)
                out[clock.month(t2)].append(json.dumps(obj, ensure_ascii=ascii_only))


def truth_row(ctx: Chunk, p: Person) -> None:
    clock = ctx.clock
    contact = p.contact
    ctx.truth[0].append(
        (
            p.pid,
            ARCHETYPES[p.arch],
            "1" if p.prospect else "0",
            SEGMENTS[p.seg],
            p.home.store_id,
            p.home.province,
            clock.local(p.reg_t),
            "1" if p.has_baby else "0",
            clock.date_text(p.birth_day, 0) if p.birth_day >= 0 else "",
            clock.date_text(p.due_day, 0) if p.due_day >= 0 else "",
            clock.months[clock.month(p.churn_t)] if p.churn_t <= clock.t_end else "",
            clock.local(p.erase_t) if p.erase_t <= clock.t_end else "",
            p.mobile,
            f"P{p.shares_with + 1:08d}" if p.shares_with >= 0 else "",
            p.spouse,
            p.unionid,
            p.email,
            str(len(p.cards)),
            str(len(p.openids)),
            "0" if contact is None else "1",
            clock.local(p.join_t) if p.join_t <= clock.t_end else "",
        )
    )
