"""Service: NPS survey responses after purchases (promoters ~50%, detractors ~15%)."""

from __future__ import annotations

from . import ids
from .clock import DAY, OFFICE
from .context import Chunk
from .mess import mobile_variant
from .orders import CH_STORE
from .people import Person
from .writers import NPS

#: Cumulative shares of scores 0..10: detractors (0-6) 15%, passives (7-8) 35%,
#: promoters (9-10) 50%, an NPS of about 35.
_SCORE_CUM = (0.01, 0.015, 0.025, 0.035, 0.05, 0.08, 0.15, 0.31, 0.5, 0.72, 1.0)


def write_nps(ctx: Chunk, p: Person) -> None:
    if not p.buys:
        return
    r = ctx.r
    clock = ctx.clock
    u = r()
    n = 0 if u < 0.88 else 1 if u < 0.97 else 2
    out = ctx.out[NPS]
    for k in range(n):
        t_buy, ch, _ = p.buys[int(r() * len(p.buys))]
        t = (t_buy // DAY + 1 + int(r() * 3)) * DAY + clock.time_of_day(OFFICE, r(), r())
        if t > min(clock.t_end, p.erase_t):
            continue
        u = r()
        if u < 0.1:
            touchpoint = "service"
        elif u < 0.25 and p.contact is not None:
            touchpoint = "wecom"
        else:
            touchpoint = "store" if ch == CH_STORE else "mall"
        mobile = unionid = ""
        if touchpoint in ("store", "service") or (touchpoint == "mall" and not p.mall_unionid):
            mobile = p.mobile if r() >= 0.03 else mobile_variant(p.mobile, int(r() * 7))
        elif touchpoint == "wecom" and not p.contact.unionid:
            mobile = p.mobile
        else:
            unionid = p.unionid
        if r() < 0.02:
            mobile = unionid = ""  # an anonymous response
        u = r()
        score = next(s for s, c in enumerate(_SCORE_CUM) if u < c)
        rid = f"NPS{ids.serial(p.idx * 4 + k, 9):011d}"
        ctx.truth[1].append(("service__nps_responses", rid, p.pid))
        out[clock.month(t)].append((rid, mobile, unionid, str(score), clock.local(t), touchpoint))
