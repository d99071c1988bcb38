"""Mall behaviour events: the browsing before a purchase, and browsing without one."""

from __future__ import annotations

import json

from . import ids
from .catalog import CARE, CLOTHING, DIAPER, FEEDING, MATERNITY, MILK, TOY
from .clock import DAY, ONLINE
from .context import Chunk
from .writers import MALL_EVENTS

_TERMS = {
    MILK: ("奶粉", "1段奶粉", "2段奶粉", "3段奶粉", "飞鹤", "爱他美", "a2奶粉", "羊奶粉"),
    DIAPER: ("纸尿裤", "拉拉裤", "尿不湿", "NB码", "XL拉拉裤", "花王", "好奇心钻装"),
    CLOTHING: ("连体衣", "宝宝外套", "儿童羽绒服", "睡袋", "夏季短袖", "童装"),
    FEEDING: ("奶瓶", "辅食", "米粉", "吸管杯", "温奶器"),
    TOY: ("玩具", "积木", "早教机", "滑板车", "绘本"),
    MATERNITY: ("孕妇装", "吸奶器", "待产包", "叶酸", "防溢乳垫"),
    CARE: ("湿巾", "洗衣液", "护臀膏", "婴儿推车", "安全座椅"),
}
_TERMS_JSON = {
    cat: tuple(json.dumps(t, ensure_ascii=False) for t in terms) for cat, terms in _TERMS.items()
}
_ANY_TERMS = tuple(t for terms in _TERMS_JSON.values() for t in terms)


_DUPLICATE = 0.004  # share of behaviour events delivered twice
_EXTRA_KEY = 0.005  # share carrying keys the contract does not list


def _prefix(ctx: Chunk, p) -> str:
    if not p.ev_prefix:
        p.ev_prefix = f"{ids.serial(p.idx, 5):011d}"
    return p.ev_prefix


def _emit(ctx: Chunk, p, openid: str, uj: str, events: list[tuple[int, str, str, str]]) -> None:
    """Write events ``(t, type, sku json, query json)``, with the odd duplicate."""
    clock = ctx.clock
    out = ctx.out[MALL_EVENTS]
    prefix = _prefix(ctx, p)
    unix0 = clock.unix0
    r = ctx.r
    mess = ctx.mess
    forced = bool(mess.forced)
    mr = mess.random
    month_of_day = clock.month_of_day
    for t, etype, sku, query in events:
        month = month_of_day[t // DAY]
        if month < 0:
            continue
        n = p.k_ev
        p.k_ev = n + 1
        ms = (unix0 + t) * 1000 + int(r() * 1000)
        line = (
            f'{{"event_id":"ev{prefix}{n:05d}","openid":"{openid}","unionid":{uj},'
            f'"event_type":"{etype}","sku":{sku},"query":{query},"occurred_at":{ms}}}'
        )
        rows = out[month]
        rows.append(line)
        if forced:
            duplicate = mess.hit("event_duplicate", _DUPLICATE)
            extra = mess.hit("json_extra_key", _EXTRA_KEY)
        else:  # the same draws as ``hit``, without the calls
            duplicate = mr() < _DUPLICATE
            extra = mr() < _EXTRA_KEY
        if duplicate:
            rows.append(line)  # the same event id delivered twice
        if extra:
            rows[-1] = line[:-1] + ',"platform":"ios","app_version":"3.2.1"}'


def _uj(unionid: str | None) -> str:
    return "null" if unionid is None else f'"{unionid}"'


def purchase_session(ctx: Chunk, p, openid: str, unionid: str | None, t: int, lines) -> None:
    """Search, views and add-to-cart in the minutes before a mall order."""
    r = ctx.r
    catalog = ctx.world.catalog
    skus = catalog.skus
    products = catalog.products
    tt = t - 120 - int(r() * 1800)
    events = []
    if r() < 0.25:
        terms = _TERMS_JSON.get(products[lines[0][0]].cat, _ANY_TERMS)
        events.append((tt, "search", "null", terms[int(r() * len(terms))]))
    for idx, _qty in lines:
        tt += 10 + int(r() * 90)
        sku = f'"{skus[idx]}"'
        events.append((tt, "view", sku, "null"))
        if r() < 0.3:
            tt += 10 + int(r() * 60)
            other = int(r() * len(skus))
            events.append((tt, "view", f'"{skus[other]}"', "null"))
        if r() < 0.7:
            tt += 5 + int(r() * 30)
            events.append((tt, "add_to_cart", sku, "null"))
    _emit(ctx, p, openid, _uj(unionid), events)


def browse(ctx: Chunk, p) -> None:
    """Sessions without a purchase: views, searches, favourites, abandoned carts."""
    if not p.openids:
        return
    r = ctx.r
    clock = ctx.clock
    catalog = ctx.world.catalog
    skus = catalog.skus
    d0 = max(p.mall_t, clock.t_start) // DAY + 1
    d1 = min(p.erase_t, clock.t_end) // DAY
    if d1 <= d0:
        return
    lam = 0.8 + 0.06 * (d1 - d0) / 30.44
    n = ctx.poisson(lam)
    uj = _uj(p.unionid if p.mall_unionid else None)
    openid = p.openids[0]
    for _ in range(n):
        day = clock.sample_day(ONLINE, d0, d1, r())
        tt = day * DAY + clock.time_of_day(ONLINE, r(), r())
        lines = catalog.pick(
            r, p.age_key(day), day, p.fav_milk, p.fav_diaper, 1 + int(r() * 3), False
        )
        events = []
        if r() < 0.3:
            events.append((tt, "search", "null", _ANY_TERMS[int(r() * len(_ANY_TERMS))]))
        for idx, _qty in lines:
            tt += 10 + int(r() * 120)
            sku = f'"{skus[idx]}"'
            events.append((tt, "view", sku, "null"))
            u = r()
            if u < 0.12:
                events.append((tt + 5, "favorite", sku, "null"))
            elif u < 0.3:
                events.append((tt + 8, "add_to_cart", sku, "null"))
        _emit(ctx, p, openid, uj, events)
