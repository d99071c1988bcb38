"""Consents (granted at registration, some withdrawn later) and erasure requests."""

from __future__ import annotations

from . import ids
from .clock import DAY
from .context import Chunk
from .mess import email_variant, mobile_variant, unionid_variant
from .people import NEVER, Person
from .writers import CONSENTS, ERASURES


def _withdrawal(ctx: Chunk, p: Person, granted: int, rate: float) -> int:
    """When a consent is withdrawn (``NEVER`` if it is not)."""
    clock = ctx.clock
    start = max(granted, clock.t_start) + DAY
    if start >= clock.t_end or not ctx.mess.hit("consent_withdrawn", rate):
        return NEVER
    return start + int(ctx.r() * (clock.t_end - start))


def plan_consents(ctx: Chunk, p: Person) -> None:
    """Decide and write the consent history; sets the ``*_until`` times for sends."""
    r = ctx.r
    clock = ctx.clock
    out = ctx.out[CONSENTS]
    rows: list[tuple[int, str, str, str, str]] = []  # (t, type, value, channel, status)

    def value(kind: str) -> str:
        if kind == "mobile":
            return p.mobile if r() >= 0.04 else mobile_variant(p.mobile, int(r() * 7))
        if kind == "email":
            return p.email if r() >= 0.1 else email_variant(p.email, int(r() * 4))
        return p.unionid if r() >= 0.02 else unionid_variant(p.unionid, int(r() * 4))

    if r() < 0.9:
        rows.append((p.reg_t, "mobile", value("mobile"), "sms", "granted"))
        p.sms_until = _withdrawal(ctx, p, p.reg_t, 0.06)
        if p.sms_until < NEVER:
            rows.append((p.sms_until, "mobile", value("mobile"), "sms", "withdrawn"))
    else:
        p.sms_until = 0
    if p.email and r() < 0.85:
        rows.append((p.reg_t, "email", value("email"), "email", "granted"))
        p.email_until = _withdrawal(ctx, p, p.reg_t, 0.04)
        if p.email_until < NEVER:
            rows.append((p.email_until, "email", value("email"), "email", "withdrawn"))
    else:
        p.email_until = 0
    if p.openids and p.mall_unionid and r() < 0.8:
        rows.append((p.mall_t, "unionid", value("unionid"), "mall_push", "granted"))
        p.push_until = _withdrawal(ctx, p, p.mall_t, 0.05)
        if p.push_until < NEVER:
            rows.append((p.push_until, "unionid", value("unionid"), "mall_push", "withdrawn"))
    else:
        p.push_until = 0
    c = p.contact
    if c is not None and c.unionid:
        rows.append((c.added_t, "unionid", value("unionid"), "wecom", "granted"))
        p.wecom_until = _withdrawal(ctx, p, c.added_t, 0.03)
        if p.wecom_until < NEVER:
            rows.append((p.wecom_until, "unionid", value("unionid"), "wecom", "withdrawn"))
    elif c is not None:
        p.wecom_until = NEVER  # added without a unionid: no consent record, not contacted
    if r() < 0.01:  # everything withdrawn at once
        t = _withdrawal(ctx, p, p.reg_t, 1.0)
        if t < NEVER:
            rows.append((t, "mobile", value("mobile"), "all", "withdrawn"))
            p.sms_until = min(p.sms_until, t)
            p.email_until = min(p.email_until, t)
            p.push_until = min(p.push_until, t)
            p.wecom_until = min(p.wecom_until, t)
    for t, kind, val, channel, status in rows:
        if t <= clock.t_end:
            out[clock.month(t)].append((kind, val, channel, status, clock.local(t)))


def write_erasure(ctx: Chunk, p: Person) -> None:
    if p.erase_t > ctx.clock.t_end:
        return
    r = ctx.r
    u = r()
    if u < 0.25 and p.email:
        kind, val = "email", p.email
    elif u < 0.5 and (p.openids or p.contact is not None):
        kind, val = "unionid", p.unionid
    else:
        kind, val = "mobile", p.mobile
    rid = f"ER{ids.serial(p.idx, 8):011d}"
    ctx.truth[1].append(("privacy__erasure_requests", rid, p.pid))
    ctx.out[ERASURES][ctx.clock.month(p.erase_t)].append(
        (rid, kind, val, ctx.clock.local(p.erase_t))
    )
