"""WeCom (企业微信): guides' external contacts and the community groups.

A guide at the home store adds a customer as an external contact and types a remark
phone (their own, a spouse's, or, for a lazy guide, the guide's own phone). Some join
the store's community group, talk, sign up for activities, watch lives and claim
coupons; joining nudges a purchase within 30 days.
"""

from __future__ import annotations

import json
from math import log

from . import ids, names
from .clock import DAY, HOUR, ONLINE, STORE
from .context import Chunk
from .mess import mobile_variant, unionid_variant
from .orders import add_buy, buy_channel
from .people import NEVER, Person
from .writers import WECOM_CONTACTS, WECOM_EVENTS

#: Share of group joiners who are moved to buy within 30 days by joining.
COMMUNITY_LIFT = 0.005
_CONTACT_SHARE = (0.45, 0.15, 0.7)  # by archetype


def _payload(obj: dict) -> str:
    """A JSON string literal holding JSON text (the export's ``payload``)."""
    return json.dumps(
        json.dumps(obj, ensure_ascii=False, separators=(",", ":")), ensure_ascii=False
    )


_JOIN = tuple(
    _payload({"join_scene": s}) for s in ("invite_by_guide", "qrcode", "invite_by_member")
)
_MSG = tuple(
    _payload({"msg_type": k, "length": n}) for k in ("text", "image", "emoji") for n in (4, 12, 30)
)


class Contact:
    __slots__ = (
        "added_t",
        "deleted_t",
        "external_userid",
        "group",
        "guide",
        "leave_t",
        "store",
        "unionid",
    )


def plan_contact(ctx: Chunk, p: Person) -> None:
    """Whether and when a guide added the person, and whether they joined the group."""
    r = ctx.r
    clock = ctx.clock
    share = _CONTACT_SHARE[p.arch] * (0.6 if p.prospect else 1.0)
    if r() >= share:
        return
    store = p.home
    if p.reg_t >= clock.t_start or r() < 0.55:
        day = p.reg_t // DAY + int(r() * 3)
    else:
        day = clock.d_start + int(r() * (clock.d_end - clock.d_start))
    added = max(p.reg_t + 60, day * DAY + clock.time_of_day(STORE, r(), r()))
    if added > clock.t_end or added >= p.erase_t:
        return
    c = Contact()
    c.store = store
    c.guide = int(r() * len(store.guides))
    c.added_t = added
    c.external_userid = ids.external_userid(ctx.seed, p.idx)
    c.unionid = p.unionid if r() < 0.6 else ""
    c.deleted_t = NEVER
    deleted = added + DAY + int(-_ln(r()) * 200 * DAY)
    if deleted <= clock.t_end and ctx.mess.hit("contact_deleted", 0.2):
        c.deleted_t = deleted
    c.group = ""
    c.leave_t = NEVER
    p.contact = c
    if r() < 0.55:
        if added >= clock.t_start:
            day = added // DAY + int(r() * 20)
        else:
            day = clock.d_start + int(r() * (clock.d_end - clock.d_start))
        join = max(added + 60, day * DAY + clock.time_of_day(ONLINE, r(), r()))
        if join < min(c.deleted_t, p.erase_t, clock.t_end):
            c.group = store.groups[int(r() * len(store.groups))]
            p.join_t = join
            if r() < 0.15:
                c.leave_t = join + DAY + int(-_ln(r()) * 120 * DAY)
            if not p.prospect and join <= p.active_to and r() < COMMUNITY_LIFT:
                add_buy(ctx, p, join + int((0.5 + r() * 28.5) * DAY), buy_channel(ctx, p))


def _ln(u: float) -> float:
    return log(u) if u > 0 else -30.0


def write_contact(ctx: Chunk, p: Person) -> None:
    c = p.contact
    if c is None:
        return
    r = ctx.r
    clock = ctx.clock
    mess = ctx.mess
    store = c.store
    ctx.truth[1].append(("wecom__contacts", c.external_userid, p.pid))
    if r() < 0.6:
        name = names.nickname(r, p.name)
    else:
        name = p.name + ("" if r() < 0.5 else ("-宝妈", " 宝妈", "(孕)", "-VIP")[int(r() * 4)])
    unionid = c.unionid
    if unionid:
        v = mess.variant("unionid_noise", 0.02, 4)
        if v >= 0:
            unionid = unionid_variant(unionid, v)
    sep = ";" if r() < 0.6 else ","
    phones: list[str] = []
    if store.lazy_guide and mess.hit("guide_phone", 0.05):
        c.guide = 0  # this store's lazy guide types their own phone for some contacts
        phones.append(store.guide_phones[0])
        if r() < 0.3:
            phones.append(p.mobile)
    else:
        u = r()
        if u < 0.62:
            phones.append(p.mobile)
        elif u < 0.7:
            phones += [p.mobile, p.spouse]
        elif u < 0.72:
            phones.append(p.spouse)
    phones = [mobile_variant(x, int(r() * 7)) if r() < 0.08 else x for x in phones]
    row = (
        c.external_userid,
        unionid,
        name,
        sep.join(phones),
        store.guides[c.guide],
        store.store_id,
        str(clock.epoch(c.added_t)),
        "",
    )
    ctx.out[WECOM_CONTACTS][clock.month(c.added_t)].append(row)
    if c.deleted_t <= clock.t_end:  # re-exported once the customer removed the guide
        row = (*row[:7], str(clock.epoch(c.deleted_t)))
        ctx.out[WECOM_CONTACTS][clock.month(c.deleted_t)].append(row)
    if c.group:
        _group_events(ctx, p, c)


def _group_events(ctx: Chunk, p: Person, c: Contact) -> None:
    r = ctx.r
    clock = ctx.clock
    join = p.join_t
    end = min(c.leave_t, c.deleted_t, p.erase_t, clock.t_end)
    events: list[tuple[int, str, str]] = [(join, "join", _JOIN[int(r() * len(_JOIN))])]
    months = max(0.0, (end - join) / (30.44 * DAY))
    engagement = ctx.rng.lognormvariate(-0.6, 1.0)
    span = max(1, end - join)
    online = clock.hours[ONLINE]
    for _ in range(ctx.poisson(engagement * months)):
        t = (join + int(r() * span)) // DAY * DAY + online[int(r() * 1000)] * HOUR + int(r() * HOUR)
        events.append((max(t, join + 30), "message", _MSG[int(r() * len(_MSG))]))
    if r() < 0.25:
        t = join + int(r() * span)
        month = clock.months[max(0, clock.month(t))].replace("-", "")
        activity = f"ACT{month}{c.store.store_id}"
        events.append((t, "activity_signup", _payload({"activity_id": activity})))
        if r() < 0.6:
            events.append(
                (
                    t + int((1 + r() * 6) * DAY),
                    "activity_checkin",
                    _payload({"activity_id": activity}),
                )
            )
    for _ in range(ctx.poisson(0.25 * months)):
        t = join + int(r() * span)
        events.append(
            (
                t,
                "live_view",
                _payload({"live_id": f"LIVE{t // DAY}", "watch_seconds": 30 + int(r() * 3000)}),
            )
        )
    if r() < 0.25:
        t = join + int(r() * span)
        events.append((t, "coupon_claim", _payload({"coupon_code": f"GRP{t // DAY % 1000:03d}"})))
    if c.leave_t <= min(c.deleted_t, clock.t_end):
        events.append((c.leave_t, "leave", "null"))
    prefix = f"{ids.serial(p.idx, 6):011d}"
    out = ctx.out[WECOM_EVENTS]
    ext = c.external_userid
    gid = c.group
    for n, (t, etype, payload) in enumerate(sorted(events)):
        if t > clock.t_end:
            continue
        out[clock.month(t)].append(
            f'{{"event_id":"ge{prefix}{n:04d}","external_userid":"{ext}","group_chat_id":"{gid}",'
            f'"event_type":"{etype}","occurred_at":{clock.epoch(t)},"payload":{payload}}}'
        )
