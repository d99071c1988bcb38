"""The weekly CRM summary: the headline KPIs of the latest month end, read from the KPI
and campaign marts of a built warehouse (`crm report weekly`).

Every figure is recomputed from the numerator and denominator columns the marts
carry, so a figure summed over channels or touchpoints is weighted correctly:

- active customers, repeat purchase rate, active ARPU and the high-value share come
  from `marts.kpi_stickiness` at the latest month end M for the chosen window W;
- the new-customer 30-day repurchase rate is that of the latest first-purchase month
  whose 30 days have fully elapsed (`is_complete`), over both channels;
- NPS is that of M's month over every touchpoint (`marts.kpi_nps`);
- the best campaign is the treated variant with the highest conversion lift over its
  control among the variants last sent in the window (M - W months, M]
  (`marts.campaign_performance`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb


class ReportError(RuntimeError):
    """The warehouse cannot give the report (missing file, table or data)."""


@dataclass(frozen=True)
class Headline:
    """One line of the summary: a KPI, its value and what it is made of."""

    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class WeeklySummary:
    month_end: date
    window_start: date
    window_months: int
    headlines: list[Headline]


STICKINESS_SQL = """
select
    month_end, window_start_date, active_customers, repeat_customers, net_revenue,
    high_value_customers, tier_holders
from marts.kpi_stickiness
where window_months = ?
    and month_end = (select max(month_end) from marts.kpi_stickiness where window_months = ?)
"""

REPURCHASE_SQL = """
select
    first_purchase_month, max(repurchase_days), sum(repurchased_customers),
    sum(elapsed_new_customers)
from marts.kpi_new_customer_repurchase
where first_purchase_month <= ?
group by first_purchase_month
having bool_and(is_complete)
order by first_purchase_month desc
limit 1
"""

NPS_SQL = """
select sum(promoters), sum(detractors), sum(valid_responses)
from marts.kpi_nps
where response_month = ?
"""

BEST_CAMPAIGN_SQL = """
select campaign_id, campaign_name, variant, lift, conversion_rate, control_conversion_rate,
    p_value, is_significant
from marts.campaign_performance
where not is_control
    and lift is not null
    and last_sent_date > ?
    and last_sent_date <= ?
order by lift desc, p_value asc, campaign_id asc, variant asc
limit 1
"""


def _ratio(numerator: float | int | None, denominator: float | int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[tuple]:
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.CatalogException as exc:
        raise ReportError(
            f"the warehouse lacks a KPI mart ({str(exc).splitlines()[0]}); "
            "build it first: crm build --database FILE"
        ) from exc


def weekly_summary(database: Path, window_months: int = 3) -> WeeklySummary:
    """The headline KPIs of the latest month end of `database` for window W."""
    if not database.exists():
        raise ReportError(f"{database}: no such database")
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = _fetch(con, STICKINESS_SQL, [window_months, window_months])
        if not rows:
            raise ReportError(
                f"marts.kpi_stickiness has no row for a {window_months}-month window "
                "(is it one of var lifecycle_windows?)"
            )
        (month_end, window_start, active, repeat, revenue, high_value, holders) = rows[0]
        month_start = month_end.replace(day=1)
        repurchase = _fetch(con, REPURCHASE_SQL, [month_start])
        nps = _fetch(con, NPS_SQL, [month_start])
        best = _fetch(con, BEST_CAMPAIGN_SQL, [window_start, month_end])
    finally:
        con.close()

    headlines = [
        Headline("active customers (活跃客户)", f"{active:,}", f"{window_months}-month window"),
        Headline(
            "repeat purchase rate (重复购买率)",
            _percent(_ratio(repeat, active)),
            f"{repeat:,} / {active:,}",
        ),
    ]
    if repurchase:
        cohort, days, repurchased, elapsed = repurchase[0]
        headlines.append(
            Headline(
                f"new-customer {days}-day repurchase (新客复购率)",
                _percent(_ratio(repurchased, elapsed)),
                f"{repurchased:,} / {elapsed:,}, first purchase in {cohort:%Y-%m}",
            )
        )
    else:
        headlines.append(
            Headline("new-customer repurchase (新客复购率)", "n/a", "no complete cohort yet")
        )
    arpu = _ratio(revenue, active)
    headlines += [
        Headline(
            "active ARPU (活跃客户ARPU)",
            "n/a" if arpu is None else f"¥{arpu:,.2f}",
            f"¥{float(revenue):,.2f} / {active:,}",
        ),
        Headline(
            "high-value share (高价值会员占比)",
            _percent(_ratio(high_value, holders)),
            f"{high_value:,} / {holders:,} tier holders",
        ),
    ]
    promoters, detractors, valid = nps[0] if nps else (None, None, None)
    nps_value = _ratio(None if promoters is None else promoters - detractors, valid)
    headlines.append(
        Headline(
            "NPS (净推荐值)",
            "n/a" if nps_value is None else f"{100 * nps_value:.1f}",
            f"{valid or 0:,} valid response{'' if valid == 1 else 's'} in {month_end:%Y-%m}",
        )
    )
    if best:
        campaign_id, name, variant, lift, rate, control_rate, p_value, significant = best[0]
        verdict = "significant" if significant else "not significant"
        headlines.append(
            Headline(
                "best campaign by lift (最佳活动)",
                f"{campaign_id} {variant}: {100 * lift:+.1f} pts",
                f"{name}; {_percent(rate)} vs control {_percent(control_rate)}, "
                f"p={p_value:.4f} ({verdict})",
            )
        )
    else:
        headlines.append(
            Headline("best campaign by lift (最佳活动)", "n/a", "no A/B test sent in the window")
        )
    return WeeklySummary(month_end, window_start, window_months, headlines)


def _width(text: str) -> int:
    """Terminal columns of `text` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_weekly(summary: WeeklySummary) -> str:
    """The summary as a small fixed-width table."""
    header = (
        f"CRM weekly summary: month end {summary.month_end:%Y-%m-%d}, "
        f"window ({summary.window_start:%Y-%m-%d}, {summary.month_end:%Y-%m-%d}] "
        f"({summary.window_months} months)"
    )
    rows = [("KPI", "value", "detail")] + [(h.label, h.value, h.detail) for h in summary.headlines]
    widths = [max(_width(row[i]) for row in rows) for i in range(2)]
    lines = [header, ""]
    for i, (label, value, detail) in enumerate(rows):
        lines.append(f"{_pad(label, widths[0])}  {_pad(value, widths[1])}  {detail}".rstrip())
        if i == 0:
            lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 6}")
    return "\n".join(lines)
