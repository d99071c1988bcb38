"""Time for the generator: day tables, the export time formats and seasonality.

Every moment is an ``int`` of local (Asia/Shanghai) seconds since ``Clock.base``, a
midnight some years before the period starts. Formatting goes through tables built
once per run (no ``strftime`` in the hot path) and never reads the wall clock.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

DAY = 86_400
HOUR = 3_600
TZ_OFFSET = 8 * HOUR  # Asia/Shanghai, no daylight saving

#: Lunar new year's day (春节) by year; outside the table early February is used.
SPRING_FESTIVAL: dict[int, date] = {
    2014: date(2014, 1, 31),
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}

# Relative shopping intensity by hour of the day.
_STORE_HOURS = {
    9: 4,
    10: 8,
    11: 9,
    12: 6,
    13: 6,
    14: 7,
    15: 8,
    16: 8,
    17: 8,
    18: 9,
    19: 11,
    20: 9,
    21: 4,
}
_ONLINE_HOURS = {
    0: 3.0,
    1: 1.6,
    2: 0.8,
    3: 0.4,
    4: 0.3,
    5: 0.4,
    6: 1.0,
    7: 2.5,
    8: 3.5,
    9: 4.5,
    10: 5.0,
    11: 5.0,
    12: 6.0,
    13: 5.5,
    14: 5.0,
    15: 5.0,
    16: 5.0,
    17: 5.0,
    18: 5.5,
    19: 6.5,
    20: 8.5,
    21: 10.0,
    22: 9.5,
    23: 6.0,
}
_OFFICE_HOURS = {9: 3, 10: 6, 11: 5, 12: 2, 13: 3, 14: 5, 15: 5, 16: 4, 17: 3, 18: 2, 19: 3, 20: 4}

STORE = 0
ONLINE = 1
OFFICE = 2  # campaign sends, service and consent desks


def spring_festival(year: int) -> date:
    return SPRING_FESTIVAL.get(year, date(year, 2, 5))


def _hour_table(weights: dict[int, float], size: int = 1000) -> list[int]:
    """A lookup table: ``table[int(u * size)]`` is an hour drawn by ``weights``."""
    total = sum(weights.values())
    table: list[int] = []
    acc = 0.0
    for hour in sorted(weights):
        acc += weights[hour]
        while len(table) < round(acc / total * size):
            table.append(hour)
    while len(table) < size:
        table.append(max(weights))
    return table


class Clock:
    """Day tables and formats for one period ``[start, end]`` (both days inclusive)."""

    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.end = end
        self.base = date(start.year - 12, 1, 1)
        horizon = end + timedelta(days=400)
        n = (horizon - self.base).days + 1
        self.ndays = n
        iso: list[str] = []
        slash: list[str] = []
        compact: list[str] = []
        day = self.base
        one = timedelta(days=1)
        for _ in range(n):
            y, m, d = day.year, day.month, day.day
            iso.append(f"{y:04d}-{m:02d}-{d:02d}")
            slash.append(f"{y}/{m}/{d}")
            compact.append(f"{y:04d}{m:02d}{d:02d}")
            day += one
        self.iso = iso
        self.slash = slash
        self.compact = compact
        # Every second of a day as "HH:MM:SS" and "HHMMSS" (about 10 MB, saves formatting).
        self.hms = [
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]
        self.hms_compact = [x.replace(":", "") for x in self.hms]
        self.d_start = (start - self.base).days
        self.d_end = (end - self.base).days
        self.t_start = self.d_start * DAY
        self.t_end = (self.d_end + 1) * DAY - 1
        self.unix0 = (self.base - date(1970, 1, 1)).days * DAY - TZ_OFFSET

        # Months of the period: labels, first days, and day -> month index.
        self.months: list[str] = []
        self.month_first_day: list[int] = []
        y, m = start.year, start.month
        while (y, m) <= (end.year, end.month):
            self.months.append(f"{y:04d}-{m:02d}")
            first = max(date(y, m, 1), start)
            self.month_first_day.append((first - self.base).days)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        month_of_day = [0] * n
        for k, first in enumerate(self.month_first_day):
            nxt = (
                self.month_first_day[k + 1] if k + 1 < len(self.month_first_day) else self.d_end + 1
            )
            for d in range(first, nxt):
                month_of_day[d] = k
        for d in range(self.d_end + 1, n):
            month_of_day[d] = -1  # after the period: not exported
        self.month_of_day = month_of_day

        #: 618 (June 1-18) and Double 11 (Nov 1-11) days: more discounts
        self.hot = [
            (m == 6 and d <= 18) or (m == 11 and d <= 11)
            for m, d in ((int(x[5:7]), int(x[8:])) for x in iso)
        ]
        self.cum = (self._cumulative(STORE), self._cumulative(ONLINE), self._cumulative(OFFICE))
        self.hours = (
            _hour_table(_STORE_HOURS),
            _hour_table(_ONLINE_HOURS),
            _hour_table(_OFFICE_HOURS),
        )

    # -- conversions -------------------------------------------------------------------
    def day_of(self, d: date) -> int:
        return (d - self.base).days

    def date_of(self, day: int) -> date:
        return self.base + timedelta(days=day)

    def month(self, t: int) -> int:
        """Month index of the export file for a record made or changed at ``t``.

        Records older than the period go to the first file (the initial full export);
        ``-1`` means after the period (never exported).
        """
        if t < 0:
            return 0
        return self.month_of_day[t // DAY]

    # -- formats ---------------------------------------------------------------------
    def local(self, t: int) -> str:
        """``2024-03-05 14:22:01``: local wall-clock time."""
        d, s = divmod(t, DAY)
        return f"{self.iso[d]} {self.hms[s]}"

    def pos_time(self, t: int, style: int) -> str:
        """POS time in one of its three styles (0 ISO-like, 1 slashes, 2 compact)."""
        d, s = divmod(t, DAY)
        if style == 0:
            return f"{self.iso[d]} {self.hms[s]}"
        if style == 1:
            return f"{self.slash[d]} {self.hms[s][:5]}"
        return self.compact[d] + self.hms_compact[s]

    def iso8601(self, t: int, utc: bool) -> str:
        """``2024-03-05T14:22:01+08:00`` or, when ``utc``, ``2024-03-05T06:22:01Z``."""
        if utc:
            d, s = divmod(t - TZ_OFFSET, DAY)
            return f"{self.iso[d]}T{self.hms[s]}Z"
        d, s = divmod(t, DAY)
        return f"{self.iso[d]}T{self.hms[s]}+08:00"

    def epoch(self, t: int) -> int:
        """Unix epoch seconds of local time ``t``."""
        return self.unix0 + t

    def date_text(self, day: int, style: int) -> str:
        """A date as ``1990-07-01`` (0), ``1990/7/1`` (1) or ``19900701`` (2)."""
        if 0 <= day < self.ndays:
            return (self.iso, self.slash, self.compact)[style][day]
        d = self.date_of(day)
        if style == 0:
            return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
        if style == 1:
            return f"{d.year}/{d.month}/{d.day}"
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"

    # -- sampling --------------------------------------------------------------------
    def _cumulative(self, kind: int) -> list[float]:
        """Cumulative daily weights over the period for one kind of activity."""
        cum = [0.0]
        acc = 0.0
        for day in range(self.d_start, self.d_end + 1):
            d = self.date_of(day)
            w = 1.0
            weekend = d.weekday() >= 5
            sf = (d - spring_festival(d.year)).days
            if sf > 300:  # late in the year: next year's festival is what matters
                sf = (d - spring_festival(d.year + 1)).days
            if kind == STORE:
                if weekend:
                    w *= 1.35
                if -20 <= sf <= -2:
                    w *= 1.6  # stocking up before the holiday
                elif -1 <= sf <= 6:
                    w *= 0.35  # the holiday dip
                if d.month == 6 and d.day <= 18:
                    w *= 1.15
                if d.month == 11 and d.day <= 11:
                    w *= 1.2
            elif kind == ONLINE:
                if weekend:
                    w *= 1.1
                if -12 <= sf <= 6:
                    w *= 0.55  # couriers stop for the festival
                if d.month == 6 and d.day <= 17:
                    w *= 2.2
                elif d.month == 6 and d.day == 18:
                    w *= 6.0
                if d.month == 11 and d.day <= 10:
                    w *= 2.5
                elif d.month == 11 and d.day == 11:
                    w *= 9.0
                elif d.month == 12 and d.day == 12:
                    w *= 2.5
            else:
                if weekend:
                    w *= 0.6
            acc += w
            cum.append(acc)
        return cum

    def sample_day(self, kind: int, d0: int, d1: int, u: float) -> int:
        """A day in ``[d0, d1)`` (inside the period) drawn by the seasonality of ``kind``."""
        cum = self.cum[kind]
        off = self.d_start
        lo = cum[d0 - off]
        hi = cum[d1 - off]
        k = bisect_right(cum, lo + u * (hi - lo)) - 1 + off
        if k < d0:
            return d0
        if k >= d1:
            return d1 - 1
        return k

    def time_of_day(self, kind: int, u1: float, u2: float) -> int:
        """Seconds after midnight drawn by the hourly profile of ``kind``."""
        return self.hours[kind][int(u1 * 1000)] * HOUR + int(u2 * HOUR)
