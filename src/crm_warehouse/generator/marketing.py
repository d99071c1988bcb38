"""Campaign sends (``marketing/campaign_sends``) and the purchases they cause.

Each person is targeted by campaign logic: a welcome after registration, broadcast
nurture and promotions, a birthday message, an upsell when the baby nears a new
milk-powder stage, and wake-up (90-270 days without a purchase) or win-back (270+ days)
campaigns. Recipients are split A / B / control (the control group is recorded as sends
with variant ``control``, never delivered). A delivered send adds a purchase within
7 days with the campaign's lift (B better than A), so A/B analysis finds a real effect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from math import log

from .campaigns import B_FACTOR, CONTROL_SHARE, EMAIL, MALL_PUSH, SMS, WECOM, Campaign
from .clock import DAY, OFFICE
from .context import Chunk
from .mess import mobile_variant
from .orders import CH_MALL, add_buy, buy_channel
from .people import ONLINE_ONLY, Person
from .writers import SENDS

_OPEN = {SMS: 0.0, WECOM: 0.55, MALL_PUSH: 0.25, EMAIL: 0.22}
_CLICK = {SMS: 0.06, WECOM: 0.3, MALL_PUSH: 0.3, EMAIL: 0.25}  # of opened (SMS: of all)
_REACTIVATION = ("wake_up", "win_back")
_A_UPPER = (1 + CONTROL_SHARE) / 2
_LOG_NURTURE = log(1.0 - 0.3)  # nurture campaigns reach 30% of those reachable
_LOG_PROMOTION = log(1.0 - 0.45)  # promotions 45%


def _recipient(ctx: Chunk, p: Person, channel: str, t: int) -> tuple[str, str] | None:
    """(recipient_mobile, recipient_unionid) if the person can be reached at ``t``."""
    if channel in (SMS, EMAIL):
        if channel == SMS and t >= p.sms_until:
            return None
        if channel == EMAIL and (not p.email or t >= p.email_until):
            return None
        m = p.mobile
        if ctx.r() < 0.02:
            m = mobile_variant(m, int(ctx.r() * 7))
        return (m, "")
    if channel == WECOM:
        c = p.contact
        if c is None or not c.added_t <= t < c.deleted_t or t >= p.wecom_until:
            return None
        mobile = p.mobile if ctx.r() < 0.4 else ""
        if not (mobile or c.unionid):
            return None
        return (mobile, c.unionid)
    if not p.openids or not p.mall_unionid or t < p.mall_t or t >= p.push_until:
        return None
    return (p.mobile if ctx.r() < 0.2 else "", p.unionid)


def _send_time(ctx: Chunk, c: Campaign) -> int:
    days = max(1, min(2, (c.end_t - c.start_t) // DAY))
    day = c.start_t // DAY + int(ctx.r() * days)
    return day * DAY + ctx.clock.time_of_day(OFFICE, ctx.r(), ctx.r())


def plan_sends(ctx: Chunk, p: Person) -> None:
    r = ctx.r
    clock = ctx.clock
    camps = ctx.world.campaigns
    stop = min(p.erase_t, clock.t_end)
    reg = p.reg_t
    targets: list[tuple[Campaign, int]] = []

    if reg >= clock.t_start:
        channel = MALL_PUSH if p.arch == ONLINE_ONLY and p.mall_unionid else SMS
        k = bisect_left(camps.welcome_ends[channel], reg)
        if k < len(camps.welcome[channel]):
            c = camps.welcome[channel][k]
            if c.start_t - DAY <= reg:
                targets.append((c, reg + DAY))

    # Channels the person could ever be reached on (checked again at send time).
    can = {
        SMS: p.sms_until > reg,
        EMAIL: p.email_until > reg and p.email != "",
        WECOM: p.contact is not None,
        MALL_PUSH: p.mall_unionid and p.push_until > p.mall_t and p.openids != [],
    }
    for lst, lg in ((camps.nurture, _LOG_NURTURE), (camps.promotion, _LOG_PROMOTION)):
        j = -1
        n = len(lst)
        while True:
            j += 1 + int(log(1.0 - r()) / lg)  # geometric skip: each campaign at its reach
            if j >= n:
                break
            c = lst[j]
            if can[c.channel] and reg < c.start_t <= stop:
                targets.append((c, _send_time(ctx, c)))

    b = p.birth_day
    if 0 <= b <= clock.d_end:
        bdate = clock.date_of(b)
        for c in camps.birthday_by_moy.get(bdate.month, ()):
            day = c.start_t // DAY + max(0, min(bdate.day - 4, 25))
            if day > b:
                targets.append((c, day * DAY + clock.time_of_day(OFFICE, r(), r())))
        starts = camps.upsell_starts
        for age in (167, 350):  # nearly 6 and 12 months: stage 2 and stage 3 next
            t = (b + age) * DAY
            k = bisect_right(starts, t) - 1
            if k >= 0 and t <= camps.upsell[k].end_t:
                targets.append((camps.upsell[k], t + clock.time_of_day(OFFICE, r(), r())))

    if p.buys:
        times = sorted([x[0] for x in p.buys])
        first = times[0]
        for c in camps.reactivation:
            start = c.start_t
            if start <= first or not can[c.channel]:
                continue
            gap = (start - times[bisect_left(times, start) - 1]) / DAY
            if (90 <= gap < 270 if c.objective == "wake_up" else gap >= 270) and r() < c.reach:
                targets.append((c, _send_time(ctx, c)))

    out = ctx.out[SENDS]
    local = clock.local
    month_of_day = clock.month_of_day
    for c, t in targets:
        if t < reg or t > stop:
            continue
        who = _recipient(ctx, p, c.channel, t)
        if who is None:
            continue
        u = r()
        variant = "control" if u < CONTROL_SHARE else "A" if u < _A_UPPER else "B"
        opened = clicked = -1
        if variant != "control":
            channel = c.channel
            if r() < _OPEN[channel]:
                opened = t + int(r() * 21_600)
                if r() < _CLICK[channel]:
                    clicked = opened + int(r() * 600)
            elif channel == SMS and r() < _CLICK[SMS]:
                clicked = t + int(r() * 21_600)
            lift = c.lift * B_FACTOR if variant == "B" else c.lift
            if r() < lift and not p.prospect and (t <= p.active_to or c.objective in _REACTIVATION):
                if clicked < 0 and r() < 0.6:
                    opened = t + int(r() * 3600) if _OPEN[channel] else -1
                    clicked = (opened if opened >= 0 else t) + int(r() * 600)
                ch = CH_MALL if channel in (MALL_PUSH, EMAIL) and p.openids else buy_channel(ctx, p)
                delay = min(5.5 * DAY, -log(1.0 - r()) * 1.5 * DAY)
                add_buy(ctx, p, max(t, clicked) + 600 + int(delay), ch, c.coupon)
        month = month_of_day[t // DAY]
        if month >= 0:
            out[month].append(
                (
                    c.campaign_id,
                    variant,
                    who[0],
                    who[1],
                    local(t),
                    local(opened) if opened >= 0 else "",
                    local(clicked) if clicked >= 0 else "",
                )
            )
