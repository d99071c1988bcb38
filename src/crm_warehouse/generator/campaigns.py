"""Marketing campaigns of the period (``marketing/campaigns``).

A fixed calendar built from the period alone: monthly nurture and birthday sends,
quarterly welcome, upsell (milk-powder stage change) and wake-up campaigns, half-yearly
win-back, and the promotions of Spring Festival, 618, Double 11 and Double 12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .clock import DAY, HOUR, Clock, spring_festival

SMS, WECOM, MALL_PUSH, EMAIL = "sms", "wecom", "mall_push", "email"

#: Extra chance of a purchase within 7 days of a variant-A send; B gets ``B_FACTOR`` times it.
LIFT_A = {
    "welcome": 0.06,
    "nurture": 0.02,
    "upsell": 0.07,
    "wake_up": 0.05,
    "win_back": 0.04,
    "birthday": 0.06,
    "promotion": 0.05,
}
B_FACTOR = 1.6
#: Share of recipients held out as the control group.
CONTROL_SHARE = 0.2
#: Cost per send in yuan: the message, the guide's time and the coupon subsidy. With a
#: purchase within 7 days after about 1 in 10 sends, ROI lands near 1:3.
UNIT_COST = {SMS: 20.0, WECOM: 15.0, MALL_PUSH: 12.0, EMAIL: 8.0}
#: Creative and set-up cost of a campaign, yuan.
FIXED_COST = 3000.0
#: Sends per member a campaign makes (measured on generated data), for its cost.
_EXPECTED_REACH = {
    ("birthday", SMS): 0.043,
    ("nurture", EMAIL): 0.05,
    ("nurture", WECOM): 0.05,
    ("promotion", MALL_PUSH): 0.084,
    ("promotion", SMS): 0.27,
    ("promotion", WECOM): 0.074,
    ("upsell", SMS): 0.047,
    ("wake_up", SMS): 0.09,
    ("welcome", MALL_PUSH): 0.008,
    ("welcome", SMS): 0.052,
    ("win_back", WECOM): 0.012,
}
_LABEL = {
    "welcome": "新会员欢迎礼",
    "nurture": "育儿知识月刊",
    "upsell": "奶粉升段提醒",
    "wake_up": "沉睡会员唤醒",
    "win_back": "流失会员召回",
    "birthday": "宝宝生日礼",
}
_CHANNEL_LABEL = {SMS: "短信", WECOM: "企微", MALL_PUSH: "商城推送", EMAIL: "邮件"}


@dataclass(slots=True)
class Campaign:
    idx: int
    campaign_id: str
    name: str
    channel: str
    objective: str
    start_t: int
    end_t: int
    cost: int  # fen
    lift: float  # variant A
    coupon: str  # coupon template code used by converted buyers, or ""
    reach: float  # share of eligible people sent to (broadcast campaigns)
    key: int  # month index (monthly), quarter index, or promotion number


class Campaigns:
    """The campaign calendar and lookups by objective."""

    def __init__(self, clock: Clock, members: int) -> None:
        self.clock = clock
        specs: list[tuple[date, int, str, str, str, float, int, str]] = []
        start, end = clock.start, clock.end
        months = clock.months
        for m, label in enumerate(months):
            first = clock.date_of(clock.month_first_day[m])
            y, mo = int(label[:4]), int(label[5:])
            specs.append(
                (
                    first + timedelta(days=9),
                    5,
                    "nurture",
                    WECOM if m % 2 == 0 else EMAIL,
                    f"{_LABEL['nurture']} {label}",
                    0.3,
                    m,
                    "",
                )
            )
            specs.append(
                (
                    first,
                    27,
                    "birthday",
                    SMS,
                    f"{_LABEL['birthday']} {label}",
                    1.0,
                    m,
                    f"BD{y % 100:02d}{mo:02d}",
                )
            )
        for q, qstart in enumerate(self._quarters(start, end)):
            tag = f"{qstart.year}Q{(qstart.month - 1) // 3 + 1}"
            for ch in (SMS, MALL_PUSH):
                specs.append(
                    (
                        qstart,
                        89,
                        "welcome",
                        ch,
                        f"{_LABEL['welcome']} {tag} {_CHANNEL_LABEL[ch]}",
                        1.0,
                        q,
                        f"NEW{tag[2:]}",
                    )
                )
            specs.append(
                (
                    qstart + timedelta(days=14),
                    75,
                    "upsell",
                    SMS,
                    f"{_LABEL['upsell']} {tag}",
                    1.0,
                    q,
                    f"UP{tag[2:]}",
                )
            )
            specs.append(
                (
                    qstart + timedelta(days=40),
                    10,
                    "wake_up",
                    SMS,
                    f"{_LABEL['wake_up']} {tag}",
                    0.7,
                    q,
                    f"WK{tag[2:]}",
                )
            )
            if q % 2 == 1:
                specs.append(
                    (
                        qstart + timedelta(days=20),
                        10,
                        "win_back",
                        WECOM,
                        f"{_LABEL['win_back']} {qstart.year}H{1 + (qstart.month > 6)}",
                        0.7,
                        q,
                        f"WB{tag[2:]}",
                    )
                )
        promo = 0
        for year in range(start.year, end.year + 1):
            events = (
                (spring_festival(year) - timedelta(days=21), 19, f"{year}年货节", (SMS, WECOM)),
                (date(year, 6, 1), 18, f"{year}年618大促", (SMS, MALL_PUSH, WECOM)),
                (date(year, 10, 31), 12, f"{year}年双11", (SMS, MALL_PUSH, WECOM)),
                (date(year, 12, 10), 3, f"{year}年双12", (MALL_PUSH,)),
            )
            for day, days, name, channels in events:
                for ch in channels:
                    specs.append(
                        (
                            day,
                            days,
                            "promotion",
                            ch,
                            f"{name}-{_CHANNEL_LABEL[ch]}",
                            0.45,
                            promo,
                            f"P{year % 100}{promo:02d}",
                        )
                    )
                promo += 1
        specs = [s for s in specs if start <= s[0] and s[0] + timedelta(days=1) <= end]
        specs.sort(key=lambda s: (s[0], s[2], s[3], s[4]))
        self.all: list[Campaign] = []
        for k, (day, days, objective, ch, name, reach, key, coupon) in enumerate(specs):
            d0 = clock.day_of(day)
            d1 = min(d0 + days, clock.d_end)
            expected = members * _EXPECTED_REACH.get((objective, ch), 0.05)
            cost = round((FIXED_COST + UNIT_COST[ch] * expected) * 100)
            self.all.append(
                Campaign(
                    idx=k,
                    campaign_id=f"CMP{k + 1:04d}",
                    name=name,
                    channel=ch,
                    objective=objective,
                    start_t=d0 * DAY + 9 * HOUR,
                    end_t=d1 * DAY + 22 * HOUR,
                    cost=cost,
                    lift=LIFT_A[objective],
                    coupon=coupon,
                    reach=reach,
                    key=key,
                )
            )
        self.by_objective: dict[str, list[Campaign]] = {}
        for c in self.all:
            self.by_objective.setdefault(c.objective, []).append(c)
        #: birthday campaigns by calendar month (1-12)
        self.birthday_by_moy: dict[int, list[Campaign]] = {}
        for c in self.by_objective.get("birthday", []):
            moy = clock.date_of(c.start_t // DAY).month
            self.birthday_by_moy.setdefault(moy, []).append(c)
        get = self.by_objective.get
        self.welcome = {
            ch: [c for c in get("welcome", []) if c.channel == ch] for ch in (SMS, MALL_PUSH)
        }
        self.welcome_ends = {ch: [c.end_t for c in cs] for ch, cs in self.welcome.items()}
        self.nurture = get("nurture", [])
        self.promotion = get("promotion", [])
        self.upsell = get("upsell", [])
        self.upsell_starts = [c.start_t for c in self.upsell]
        self.reactivation = get("wake_up", []) + get("win_back", [])

    @staticmethod
    def _quarters(start: date, end: date) -> list[date]:
        out = []
        y, m = start.year, (start.month - 1) // 3 * 3 + 1
        while date(y, m, 1) <= end:
            out.append(max(date(y, m, 1), start))
            y, m = (y + 1, 1) if m == 10 else (y, m + 3)
        return out

    def rows(self) -> list[tuple[int, tuple[str, ...]]]:
        """(local time, row) of ``marketing/campaigns``."""
        c = self.clock
        return [
            (
                x.start_t,
                (
                    x.campaign_id,
                    x.name,
                    x.channel,
                    x.objective,
                    c.local(x.start_t),
                    c.local(x.end_t),
                    f"{x.cost // 100}.{x.cost % 100:02d}",
                ),
            )
            for x in self.all
        ]
