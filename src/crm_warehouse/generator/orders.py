"""Purchases: when people buy, and the POS and mall orders that record it.

``plan_purchases`` draws a person's purchase moments (a Poisson count over their active
window, placed by the channel's seasonality). Community and campaign effects add more
later. ``write_orders`` turns each moment into a POS sale (with lines, sometimes a
return) or a mall order (re-exported at each status change, sometimes refunded), and
``write_walkins`` adds anonymous store shoppers.
"""

from __future__ import annotations

from bisect import bisect_right
from math import log

from . import ids
from .behavior import purchase_session
from .catalog import NO_BABY, Store
from .clock import DAY, HOUR, ONLINE, STORE
from .context import Chunk
from .mess import PLACEHOLDERS, mobile_variant, money, unionid_variant
from .people import OMNI, ONLINE_ONLY, STORE_ONLY, Person, noisy_mobile
from .writers import MALL_ORDERS, POS_ITEMS, POS_ORDERS

CH_STORE = 0
CH_MALL = 1
#: Purchases per person at most. A POS sale reserves two order numbers (its return), a mall
#: order one (and one for an abandoned order): at most 200 of the 256 numbers per person.
MAX_ORDERS = 100
PAYMENTS = ("wechat_pay", "alipay", "card", "cash", "stored_value")
_PAY_CUM = (0.5, 0.75, 0.83, 0.9)
_NUM = tuple(str(n) for n in range(200))
_GENERIC_COUPONS = ("MJ20", "VIP10", "NEWBIE15", "DIAPER30", "MILK50")


def buy_channel(ctx: Chunk, p: Person, mall_share: float = 0.45) -> int:
    if p.arch == STORE_ONLY:
        return CH_STORE
    if p.arch == ONLINE_ONLY:
        return CH_MALL
    return CH_MALL if ctx.r() < mall_share else CH_STORE


def add_buy(ctx: Chunk, p: Person, t: int, ch: int, coupon: str = "") -> None:
    """Add a purchase at ``t`` (moved into opening hours for a store visit)."""
    clock = ctx.clock
    if ch == CH_STORE:
        d, s = divmod(t, DAY)
        if s < 9 * HOUR or s >= 22 * HOUR:
            t = (d + (s >= 22 * HOUR)) * DAY + clock.time_of_day(STORE, ctx.r(), ctx.r())
    if clock.t_start <= t <= clock.t_end and t < p.erase_t:
        p.buys.append((t, ch, coupon))


def plan_purchases(ctx: Chunk, p: Person) -> None:
    r = ctx.r
    clock = ctx.clock
    p.buys = []
    if p.prospect:
        return
    t0 = max(p.reg_t, clock.t_start)
    if p.reg_t >= clock.t_start and r() < 0.6:  # signed up while buying
        ch = CH_MALL if p.arch == ONLINE_ONLY or (p.arch == OMNI and r() < 0.4) else CH_STORE
        if ch == CH_MALL and not p.openids:
            ch = CH_STORE
        t = (p.mall_t if ch == CH_MALL else p.reg_t) + 60 + int(r() * 900)
        if t <= p.active_to:
            p.buys.append((t, ch, ""))
    d0 = t0 // DAY + 1
    d1 = min(p.active_to, clock.t_end) // DAY
    if d1 <= d0:
        return
    n = min(ctx.poisson(p.rate * (d1 - d0) / 30.44), MAX_ORDERS - 20)
    for _ in range(n):
        ch = buy_channel(ctx, p)
        if ch == CH_MALL:
            start = max(d0, p.mall_t // DAY + 1)
            if start >= d1:
                ch = CH_STORE
                start = d0
        else:
            start = d0
        kind = ONLINE if ch == CH_MALL else STORE
        day = clock.sample_day(kind, start, d1, r())
        p.buys.append((day * DAY + clock.time_of_day(kind, r(), r()), ch, ""))


def write_orders(ctx: Chunk, p: Person) -> None:
    p.buys.sort()
    del p.buys[MAX_ORDERS:]
    for t, ch, coupon in p.buys:
        if ch == CH_STORE or not p.openids:
            pos_sale(ctx, p, t, coupon)
        else:
            mall_order(ctx, p, t, coupon, paid=True)
            if ctx.mess.hit("mall_cancel", 0.05):  # an order abandoned before this one
                mall_order(ctx, p, t - 600 - int(ctx.r() * 5 * DAY), "", paid=False)


# -- POS ---------------------------------------------------------------------------------
def _discount_pct(r, coupon: str, hot: bool) -> int:
    """Percent off: campaign coupons 10-20%, otherwise sometimes a promotion."""
    if coupon:
        return 10 + int(r() * 11)
    if r() < (0.55 if hot else 0.3):
        return (5, 8, 10, 15, 20)[int(r() * 5)]
    return 0


def pos_sale(
    ctx: Chunk, p: Person | None, t: int, coupon: str, store: Store | None = None, walkin: int = -1
) -> None:
    """A POS sale with its lines (sometimes delayed, lost or repeated) and maybe a return."""
    r = ctx.r
    clock = ctx.clock
    mess = ctx.mess
    catalog = ctx.world.catalog
    day = t // DAY
    card_no = ""
    typed = ""
    if p is not None:
        store = p.home
        cards = p.cards
        card = cards[0] if cards else None
        u = r()
        if len(cards) > 1 and u < 0.4:
            card = cards[1]
            store = card.store
        elif u > 0.88:
            other = catalog.other_store(p.home, r(), r())
            if other.open_day <= day:
                store = other
        if card is not None and r() < 0.88:
            card_no = card.no
            if r() < 0.25:
                typed = noisy_mobile(ctx, p.mobile, 0.1)
        elif store.hub_phone and mess.hit("hub_phone", 0.3):
            typed = store.hub_phone
        elif r() < 0.55:
            typed = noisy_mobile(ctx, p.mobile, 0.1)
        heavy = p.seg == 2
        n = 1 + heavy + min(4, int(-_log1m(r()) * 1.3))
        lines = catalog.pick(r, p.age_key(day), day, p.fav_milk, p.fav_diaper, n, heavy)
        index, k = p.idx, p.k
        p.k += 2
    else:
        assert store is not None
        if store.hub_phone and mess.hit("hub_phone", 0.6):
            typed = store.hub_phone
        elif r() < 0.03:
            typed = PLACEHOLDERS[int(r() * len(PLACEHOLDERS))]
        key = NO_BABY if r() < 0.3 else 2 + int(r() * 48)
        lines = catalog.pick(r, key, day, int(r() * 6), int(r() * 6), 1 + int(r() * 1.6), False)
        index, k = walkin, 0
    if not lines:
        return
    month = clock.month_of_day[day]
    if month < 0:
        return
    prices = catalog.prices
    pct = _discount_pct(r, coupon, clock.hot[day])
    items = []
    total = paid = 0
    for idx, qty in lines:
        unit = prices[idx]
        gross = unit * qty
        amount = gross - gross * pct // 100
        total += gross
        paid += amount
        items.append((idx, qty, unit, amount))
    order_no = f"XS{store.idx + 1:03d}{clock.compact[day][2:]}{ids.serial(index * 256 + k, 1):011d}"
    tstyle = store.time_style
    v = mess.variant("pos_time", 0.1, 3)
    if v >= 0:
        tstyle = v
    mstyle = store.money_style
    v = mess.variant("money", 0.05, 4)
    if v >= 0:
        mstyle = v
    pay = PAYMENTS[bisect_right(_PAY_CUM, r())]
    header = (
        order_no,
        store.store_id,
        card_no,
        typed,
        clock.pos_time(t, tstyle),
        "sale",
        "",
        money(total, mstyle),
        money(total - paid, mstyle),
        money(paid, mstyle),
        pay,
    )
    skus = catalog.skus
    ptext = catalog.price_text[mstyle]
    item_rows = [
        (
            order_no,
            _NUM[n + 1],
            skus[idx],
            _NUM[qty],
            ptext[idx],
            ptext[idx] if amount == unit else money(amount, mstyle),
        )
        for n, (idx, qty, unit, amount) in enumerate(items)
    ]
    pid = p.pid if p is not None else ""
    ctx.truth[2].append(("pos__orders", order_no, pid, "sale"))
    out_h = ctx.out[POS_ORDERS]
    out_i = ctx.out[POS_ITEMS]
    out_i[month].extend(item_rows)
    last = len(clock.months) - 1
    if month < last and mess.hit("pos_delayed_header", 0.003):
        out_h[month + 1].append(header)  # the header arrives a file later than its lines
    elif mess.hit("pos_missing_header", 0.001):
        pass  # the header never arrives
    else:
        out_h[month].append(header)
        if month < last and mess.hit("pos_repeat", 0.005):
            out_h[min(last, month + 1 + int(r() * 2))].append(header)
            if r() < 0.5:
                out_i[month + 1].extend(item_rows)
    # A return of the whole sale or of one line, within two weeks.
    if p is None or t + 15 * DAY > clock.t_end:
        return
    v = mess.variant("pos_return", 0.03, 2)
    if v < 0:
        return
    t_ret = (day + 1 + int(r() * 14)) * DAY + clock.time_of_day(STORE, r(), r())
    returned = items
    if v == 1:
        idx, qty, unit, amount = items[0]
        q = 1 if qty > 1 else qty
        returned = [(idx, q, unit, amount * q // qty)]
    r_total = sum(unit * qty for _, qty, unit, _ in returned)
    r_paid = sum(a for *_, a in returned)
    serial = ids.serial(index * 256 + k + 1, 2)
    ret_no = f"TH{store.idx + 1:03d}{clock.compact[t_ret // DAY][2:]}{serial:011d}"
    ret = (
        ret_no,
        store.store_id,
        card_no,
        typed,
        clock.pos_time(t_ret, tstyle),
        "return",
        order_no,
        money(r_total, mstyle),
        money(r_total - r_paid, mstyle),
        money(r_paid, mstyle),
        pay,
    )
    m_ret = clock.month(t_ret)
    out_h[m_ret].append(ret)
    out_i[m_ret].extend(
        (ret_no, _NUM[n + 1], skus[idx], _NUM[qty], ptext[idx], money(amount, mstyle))
        for n, (idx, qty, unit, amount) in enumerate(returned)
    )
    ctx.truth[2].append(("pos__orders", ret_no, pid, "return"))


def _log1m(u: float) -> float:
    return log(1.0 - u)


def write_walkins(ctx: Chunk, chunk: int, n: int, base: int) -> None:
    """Anonymous store shoppers: no card, no person."""
    r = ctx.r
    clock = ctx.clock
    catalog = ctx.world.catalog
    for j in range(n):
        store = catalog.pick_store(r())
        start = max(clock.d_start, store.open_day)
        if start > clock.d_end:
            continue
        day = clock.sample_day(STORE, start, clock.d_end + 1, r())
        t = day * DAY + clock.time_of_day(STORE, r(), r())
        pos_sale(ctx, None, t, "", store=store, walkin=ids.WALKIN_BASE + base + j)


# -- mall ------------------------------------------------------------------------------------
def mall_order(ctx: Chunk, p: Person, t: int, coupon: str, paid: bool) -> None:
    r = ctx.r
    clock = ctx.clock
    mess = ctx.mess
    catalog = ctx.world.catalog
    if t < max(p.mall_t, clock.t_start):
        t = max(p.mall_t, clock.t_start) + 60
    if t > clock.t_end:
        return
    day = t // DAY
    two = len(p.openids) > 1
    k2 = two and r() < 0.3
    openid = p.openids[1] if k2 else p.openids[0]
    unionid = None
    if (p.mall_unionid or k2) and r() < 0.95:
        v = mess.variant("unionid_noise", 0.01, 4)
        unionid = p.unionid if v < 0 else unionid_variant(p.unionid, v)
    if mess.hit("receiver_other", 0.1):
        mobile = p.spouse  # a spouse or parent receives the parcel
    elif r() < 0.08:
        mobile = None
    else:
        mobile = p.mobile
        if r() < 0.03:
            mobile = mobile_variant(mobile, int(r() * 7))
    lines = catalog.pick(
        r,
        p.age_key(day),
        day,
        p.fav_milk,
        p.fav_diaper,
        1 + (p.seg == 2) + min(4, int(-_log1m(r()) * 1.3)),
        p.seg == 2,
    )
    if not lines:
        return
    prices = catalog.prices
    pct = _discount_pct(r, coupon, clock.hot[day])
    total = sum(prices[idx] * qty for idx, qty in lines)
    discount = total * pct // 100
    code = None
    if pct:
        code = coupon or _GENERIC_COUPONS[int(r() * len(_GENERIC_COUPONS))]
    pay = total - discount
    order_id = f"{clock.compact[day]}{ids.serial(p.idx * 256 + p.k, 3):011d}"
    p.k += 1
    home = p.home
    if r() < 0.1:
        home = catalog.stores[int(r() * len(catalog.stores))]
    skus = catalog.skus
    items = ",".join(
        f'{{"sku":"{skus[idx]}","quantity":{qty},"price_fee":{prices[idx]}}}' for idx, qty in lines
    )
    ctx.truth[2].append(("mall__orders", order_id, p.pid, "sale" if paid else "cancelled"))
    if paid:
        purchase_session(ctx, p, openid, unionid, t, lines)

    # The status history: (time, status, paid_at, refunds)
    states: list[tuple[int, str, int, list]] = [(t, "created", -1, [])]
    if not paid:
        states.append((t + 1800 + int(r() * 3 * HOUR), "cancelled", -1, []))
    else:
        t_paid = t + 20 + int(r() * 600)
        t_ship = t_paid + int((0.3 + r() * 1.7) * DAY)
        t_done = t_ship + int((3 + r() * 7) * DAY)
        states.append((t_paid, "paid", t_paid, []))
        states.append((t_ship, "shipped", t_paid, []))
        states.append((t_done, "completed", t_paid, []))
        v = mess.variant("mall_refund", 0.06, 2) if t_done + 12 * DAY < clock.t_end else -1
        if v >= 0:
            t_ref = t_done + int((1 + r() * 10) * DAY)
            rid = f"RF{order_id}{1}"
            if v == 0:
                refund = {"refund_id": rid, "refund_fee": pay, "refunded_at": t_ref}
                states.append((t_ref, "refunded", t_paid, [refund]))
            else:
                fee = lines[0][1] * prices[lines[0][0]] * (100 - pct) // 100
                if len(lines) == 1:
                    fee = fee // (lines[0][1] + 1)
                refund = {"refund_id": rid, "refund_fee": max(100, fee), "refunded_at": t_ref}
                states.append((t_ref, "completed", t_paid, [refund]))
    # Which snapshots were exported: the latest before the period ends, and some before it.
    keep_p = {"created": 0.25, "paid": 0.75, "shipped": 0.45}
    visible = [s for s in states if s[0] <= clock.t_end]
    exported = [s for s in visible[:-1] if r() < keep_p.get(s[1], 1.0)] + visible[-1:]
    utc = r() < 0.4
    out = ctx.out[MALL_ORDERS]
    iso = clock.iso8601
    # Values are ids, digits, fixed Chinese names and spaces: no JSON escaping needed.
    head = (
        f'{{"order_id":"{order_id}","openid":"{openid}","unionid":{_js(unionid)},'
        f'"mobile":{_js(mobile)},"status":"'
    )
    created = iso(t, utc)
    middle = (
        f'"total_fee":{total},"discount_fee":{discount},"payment_fee":{pay},'
        f'"coupon_code":{_js(code)},"receiver_province":"{home.province}省",'
        f'"receiver_city":"{home.city}市","items":[{items}],"refunds":['
    )
    for ts, status, t_paid, refunds in exported:
        paid_at = f'"{iso(t_paid, utc)}"' if t_paid >= 0 else "null"
        refund_text = ",".join(
            f'{{"refund_id":"{x["refund_id"]}","refund_fee":{x["refund_fee"]},'
            f'"refunded_at":"{iso(x["refunded_at"], utc)}"}}'
            for x in refunds
        )
        tail = "]}"
        if mess.hit("json_extra_key", 0.02):
            tail = '],"shop_id":"mini_program","ext":{"source":"live","version":2}}'
        out[clock.month(ts)].append(
            f'{head}{status}","created_at":"{created}","paid_at":{paid_at},'
            f'"updated_at":"{iso(ts, utc)}",{middle}{refund_text}{tail}'
        )


def _js(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'
