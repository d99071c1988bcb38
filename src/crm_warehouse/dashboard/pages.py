"""The dashboard's pages: one function per page, each reading through data-access
functions (data_*.py) that aggregate in DuckDB, and drawing with Streamlit and Altair."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from crm_warehouse.dashboard import data_customers, data_kpis, data_tags
from crm_warehouse.dashboard.db import Filters
from crm_warehouse.dashboard.i18n import t
from crm_warehouse.dashboard.metrics import format_change, format_value, metric

DIRECTION_COLOURS = {"forward": "#2e9e5b", "backward": "#d64545", "within_active": "#9e9e9e"}


@dataclass
class PageContext:
    """What every page needs: a query runner (cached per published copy), the filters
    and the language."""

    query: Callable[..., Any]
    filters: Filters
    lang: str
    months: int = 24

    def t(self, key: str) -> str:
        return t(key, self.lang)


def _kpi(ctx: PageContext, column: Any, name: str, latest: float | None, previous: float | None):
    info = metric(name)
    change = data_kpis.month_over_month(latest, previous)
    column.metric(
        info.label(ctx.lang),
        format_value(latest, info.format),
        delta=format_change(change),
        help=info.description or None,
    )


def _line(frame: pd.DataFrame, x: str, y: str, title: str, *, percent: bool = False, **kw):
    axis = alt.Axis(format=".0%") if percent else alt.Axis()
    return (
        alt.Chart(frame, title=title, height=kw.get("height", 180))
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{x}:T", title=None),
            y=alt.Y(f"{y}:Q", title=None, axis=axis, scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=".3~f")],
        )
    )


def _empty(ctx: PageContext, frame: pd.DataFrame) -> bool:
    if frame.empty:
        st.info(ctx.t("no_data"))
        return True
    return False


# Overview ---------------------------------------------------------------------------


def render_overview(ctx: PageContext) -> None:
    st.header(ctx.t("page_overview"))
    window = st.radio(ctx.t("overview_window"), [3, 6, 12], horizontal=True, key="window")
    st.caption(ctx.t("overview_note"))
    trend = ctx.query(data_kpis.stickiness_trend, window, ctx.months)
    if _empty(ctx, trend):
        return
    values = data_kpis.headline(trend)
    columns = st.columns(len(data_kpis.STICKINESS_KPIS))
    for column, name in zip(columns, data_kpis.STICKINESS_KPIS, strict=True):
        _kpi(ctx, column, name, *values[name])

    st.subheader(ctx.t("overview_trends"))
    chart_columns = st.columns(3)
    for position, name in enumerate(data_kpis.STICKINESS_KPIS):
        info = metric(name)
        chart = _line(
            trend, "month_end", name, info.label(ctx.lang), percent=info.format == "percent"
        )
        chart_columns[position % 3].altair_chart(chart, width="stretch")

    st.subheader(ctx.t("overview_other"))
    repurchase = ctx.query(
        data_kpis.new_customer_repurchase_trend,
        data_kpis.first_purchase_channels(ctx.filters),
        ctx.months,
    )
    nps = ctx.query(data_kpis.nps_trend, ctx.months)
    community = ctx.query(data_kpis.community_trend, ctx.filters.stores, ctx.months)
    totals = ctx.query(data_kpis.campaign_totals)
    columns = st.columns(5)
    for column, name, frame in (
        (columns[0], "new_customer_repurchase_rate", repurchase),
        (columns[1], "nps", nps),
        (columns[2], "community_conversion_rate", community),
    ):
        series = frame[name].tolist() if not frame.empty else []
        latest = float(series[-1]) if series and pd.notna(series[-1]) else None
        previous = float(series[-2]) if len(series) > 1 and pd.notna(series[-2]) else None
        _kpi(ctx, column, name, latest, previous)
    for column, name in ((columns[3], "campaign_conversion_rate"), (columns[4], "campaign_roi")):
        info = metric(name)
        column.metric(
            info.label(ctx.lang),
            format_value(totals.get(name), info.format),
            help=info.description or None,
        )
    chart_columns = st.columns(3)
    for column, frame, x, name in (
        (chart_columns[0], repurchase, "first_purchase_month", "new_customer_repurchase_rate"),
        (chart_columns[1], nps, "response_month", "nps"),
        (chart_columns[2], community, "join_month", "community_conversion_rate"),
    ):
        if not frame.empty:
            info = metric(name)
            column.altair_chart(
                _line(frame, x, name, info.label(ctx.lang), percent=info.format == "percent"),
                width="stretch",
            )

    if ctx.filters.active:
        st.subheader(ctx.t("overview_segment"))
        st.caption(ctx.t("overview_segment_note"))
        segment = ctx.query(data_kpis.segment_activity, ctx.filters, ctx.months)
        if not _empty(ctx, segment):
            columns = st.columns(2)
            for column, name in (
                (columns[0], "active_customers"),
                (columns[1], "repeat_purchase_rate"),
            ):
                series = segment[name].tolist()
                latest = float(series[-1]) if pd.notna(series[-1]) else None
                previous = float(series[-2]) if len(series) > 1 and pd.notna(series[-2]) else None
                _kpi(ctx, column, name, latest, previous)
                info = metric(name)
                column.altair_chart(
                    _line(
                        segment,
                        "month_end",
                        name,
                        info.label(ctx.lang),
                        percent=info.format == "percent",
                    ),
                    width="stretch",
                )


# Lifecycle --------------------------------------------------------------------------


def _stage_names(ctx: PageContext) -> tuple[dict[str, str], list[str]]:
    labels = ctx.query(data_customers.stage_labels)
    column = "stage_name_zh" if ctx.lang == "zh" else "stage_name_en"
    names = dict(zip(labels["lifecycle_stage"], labels[column], strict=True))
    return names, [names[stage] for stage in labels["lifecycle_stage"]]


def render_lifecycle(ctx: PageContext) -> None:
    st.header(ctx.t("page_lifecycle"))
    names, order = _stage_names(ctx)
    shares = ctx.query(data_customers.stage_shares, ctx.filters, ctx.months)
    if _empty(ctx, shares):
        return
    shares["stage"] = shares["lifecycle_stage"].map(names).fillna(shares["lifecycle_stage"])
    st.subheader(ctx.t("lifecycle_shares"))
    chart = (
        alt.Chart(shares, height=300)
        .mark_area()
        .encode(
            x=alt.X("month_end:T", title=ctx.t("month_end")),
            y=alt.Y("share:Q", stack="normalize", axis=alt.Axis(format=".0%"), title=None),
            color=alt.Color("stage:N", sort=order, title=ctx.t("stage")),
            order=alt.Order("stage_order:Q"),
            tooltip=["month_end:T", "stage:N", "customers:Q", alt.Tooltip("share:Q", format=".1%")],
        )
        .transform_calculate(stage_order=f"indexof({order!r}, datum.stage)")
    )
    st.altair_chart(chart, width="stretch")

    st.subheader(ctx.t("lifecycle_matrix"))
    months = ctx.query(data_customers.month_ends, ctx.months)
    month = st.select_slider(
        ctx.t("migration_month"),
        options=months,
        value=months[-1],
        format_func=lambda value: f"{value:%Y-%m}",
        key="migration_month",
    )
    matrix = ctx.query(data_customers.migration_matrix, ctx.filters, month)
    st.caption(ctx.t("lifecycle_matrix_note"))
    if not _empty(ctx, matrix):
        matrix["from"] = matrix["from_stage"].map(names).fillna(matrix["from_stage"])
        matrix["to"] = matrix["to_stage"].map(names).fillna(matrix["to_stage"])
        matrix["direction"] = matrix["migration_direction"].map(lambda d: ctx.t(d))
        base = alt.Chart(matrix, height=360).encode(
            x=alt.X("to:N", sort=order, title=ctx.t("to_stage")),
            y=alt.Y("from:N", sort=order, title=ctx.t("from_stage")),
        )
        domain = [ctx.t(direction) for direction in DIRECTION_COLOURS]
        heat = base.mark_rect().encode(
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=domain, range=list(DIRECTION_COLOURS.values())),
                title=ctx.t("direction"),
            ),
            opacity=alt.Opacity("customers:Q", scale=alt.Scale(range=[0.25, 1]), legend=None),
            tooltip=["from:N", "to:N", "direction:N", "customers:Q"],
        )
        text = base.mark_text(fontSize=12).encode(text="customers:Q")
        st.altair_chart(heat + text, width="stretch")

    st.subheader(ctx.t("lifecycle_moves"))
    moves = ctx.query(data_customers.migration_trend, ctx.filters, ctx.months)
    if not _empty(ctx, moves):
        moves["direction"] = moves["migration_direction"].map(lambda d: ctx.t(d))
        domain = [ctx.t(direction) for direction in DIRECTION_COLOURS]
        chart = (
            alt.Chart(moves, height=240)
            .mark_bar()
            .encode(
                x=alt.X("month_end:T", title=ctx.t("month_end")),
                y=alt.Y("customers:Q", title=ctx.t("customers")),
                color=alt.Color(
                    "direction:N",
                    scale=alt.Scale(domain=domain, range=list(DIRECTION_COLOURS.values())),
                    title=ctx.t("direction"),
                ),
                xOffset="direction:N",
                tooltip=["month_end:T", "direction:N", "customers:Q"],
            )
        )
        st.altair_chart(chart, width="stretch")


# RFM --------------------------------------------------------------------------------


def _segment_names(ctx: PageContext) -> dict[str, str]:
    labels = ctx.query(data_customers.rfm_segment_labels)
    column = "rfm_segment_name_zh" if ctx.lang == "zh" else "rfm_segment_name_en"
    return dict(zip(labels["rfm_segment"], labels[column], strict=True))


def render_rfm(ctx: PageContext) -> None:
    st.header(ctx.t("page_rfm"))
    grid = ctx.query(data_customers.rfm_grid, ctx.filters)
    if _empty(ctx, grid):
        return
    st.subheader(ctx.t("rfm_grid"))
    st.caption(ctx.t("rfm_grid_note"))
    colour = st.radio(
        ctx.t("rfm_measure"),
        ["revenue", "customers"],
        format_func=ctx.t,
        horizontal=True,
        key="rfm_colour",
    )
    base = alt.Chart(grid, height=320).encode(
        x=alt.X("f_score:O", title=ctx.t("f_score")),
        y=alt.Y("r_score:O", sort="descending", title=ctx.t("r_score")),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(f"{colour}:Q", scale=alt.Scale(scheme="blues"), title=ctx.t(colour)),
        tooltip=[
            "r_score:O",
            "f_score:O",
            "customers:Q",
            alt.Tooltip("revenue:Q", format=",.0f"),
            alt.Tooltip("revenue_per_customer:Q", format=",.0f"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(text="customers:Q")
    st.altair_chart(heat + text, width="stretch")

    names = _segment_names(ctx)
    st.subheader(ctx.t("rfm_segments"))
    segments = ctx.query(data_customers.rfm_segments, ctx.filters)
    segments.insert(1, "segment", segments["rfm_segment"].map(names))
    st.dataframe(
        segments.rename(
            columns={
                "segment": ctx.t("segment"),
                "customers": ctx.t("customers"),
                "revenue": ctx.t("revenue"),
                "revenue_share": ctx.t("revenue_share"),
                "avg_recency_days": ctx.t("avg_recency_days"),
                "avg_purchases": ctx.t("avg_purchases"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader(ctx.t("rfm_segment_trend"))
    trend = ctx.query(data_customers.rfm_segment_trend, ctx.filters, ctx.months)
    if not _empty(ctx, trend):
        trend["segment"] = trend["rfm_segment"].map(names).fillna(trend["rfm_segment"])
        chart = (
            alt.Chart(trend, height=280)
            .mark_line()
            .encode(
                x=alt.X("month_end:T", title=ctx.t("month_end")),
                y=alt.Y("active_customers:Q", title=metric("active_customers").label(ctx.lang)),
                color=alt.Color("segment:N", title=ctx.t("segment")),
                tooltip=["month_end:T", "segment:N", "active_customers:Q"],
            )
        )
        st.altair_chart(chart, width="stretch")


# Tiers ------------------------------------------------------------------------------


def render_tiers(ctx: PageContext) -> None:
    st.header(ctx.t("page_tiers"))
    labels = ctx.query(data_customers.tier_labels)
    column = "tier_name_zh" if ctx.lang == "zh" else "tier_name_en"
    names = dict(zip(labels["tier_code"], labels[column], strict=True))
    order = [names[code] for code in labels["tier_code"]]
    members = ctx.query(data_customers.tier_members, ctx.filters)
    if _empty(ctx, members):
        return
    members["tier"] = members["tier_code"].map(names).fillna(members["tier_code"])
    left, right = st.columns(2)
    left.subheader(ctx.t("tier_members"))
    left.altair_chart(
        alt.Chart(members, height=260)
        .mark_bar()
        .encode(
            x=alt.X("tier:N", sort=order, title=ctx.t("tier")),
            y=alt.Y("customers:Q", title=ctx.t("customers")),
            tooltip=["tier:N", "customers:Q"],
        ),
        width="stretch",
    )
    right.subheader(ctx.t("tier_changes"))
    changes = ctx.query(data_customers.tier_changes, ctx.filters, ctx.months)
    if not changes.empty:
        changes["change"] = changes["tier_change"].map(lambda c: ctx.t(c))
        right.altair_chart(
            alt.Chart(changes, height=260)
            .mark_bar()
            .encode(
                x=alt.X("month_end:T", title=ctx.t("month_end")),
                y=alt.Y("customers:Q", title=ctx.t("customers")),
                color=alt.Color(
                    "change:N",
                    scale=alt.Scale(
                        domain=[ctx.t("upgrade"), ctx.t("downgrade")],
                        range=["#2e9e5b", "#d64545"],
                    ),
                    title=ctx.t("change"),
                ),
                xOffset="change:N",
                tooltip=["month_end:T", "change:N", "customers:Q"],
            ),
            width="stretch",
        )
    latest = ctx.query(data_customers.latest_month_end)
    transitions = ctx.query(data_customers.tier_transitions, ctx.filters, latest)
    st.subheader(f"{ctx.t('tier_transitions')} ({latest:%Y-%m})" if latest else "")
    if not transitions.empty:
        transitions["previous_tier_code"] = transitions["previous_tier_code"].map(names)
        transitions["tier_code"] = transitions["tier_code"].map(names)
        transitions["tier_change"] = transitions["tier_change"].map(lambda c: ctx.t(c))
        st.dataframe(
            transitions.rename(
                columns={
                    "previous_tier_code": ctx.t("from_stage").replace("阶段", "等级")
                    if ctx.lang == "zh"
                    else "From tier",
                    "tier_code": ctx.t("tier"),
                    "tier_change": ctx.t("change"),
                    "customers": ctx.t("customers"),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    st.subheader(ctx.t("tier_close"))
    max_gap = st.slider(ctx.t("tier_max_gap"), 50, 2000, 300, step=50, key="tier_gap")
    counts, closest = ctx.query(data_customers.close_to_next_tier, ctx.filters, float(max_gap))
    if not _empty(ctx, counts):
        counts["next_tier"] = counts["next_tier_code"].map(names)
        cols = st.columns(max(len(counts), 1))
        for col, row in zip(cols, counts.itertuples(), strict=False):
            col.metric(f"→ {row.next_tier}", f"{row.customers:,}", help=f"{row.avg_gap:,.0f}")
        closest["tier_code"] = closest["tier_code"].map(names)
        closest["next_tier_code"] = closest["next_tier_code"].map(names)
        st.dataframe(
            closest.rename(
                columns={
                    "tier_code": ctx.t("tier"),
                    "next_tier_code": ctx.t("next_tier"),
                    "spend_to_next_tier": ctx.t("gap"),
                }
            ),
            hide_index=True,
            width="stretch",
        )


# Tags -------------------------------------------------------------------------------


def render_tags(ctx: PageContext) -> None:
    st.header(ctx.t("page_tags"))
    frame = ctx.query(data_tags.coverage, ctx.filters)
    if _empty(ctx, frame):
        return
    label = "label_zh" if ctx.lang == "zh" else "label_en"
    st.subheader(ctx.t("tag_coverage"))
    summary = data_tags.coverage_by_dimension(frame)
    left, right = st.columns([2, 3])
    left.dataframe(
        summary.rename(
            columns={
                "dimension": ctx.t("dimension"),
                "tags": ctx.t("tags"),
                "tags_in_use": ctx.t("tags_in_use"),
                "mean_coverage": ctx.t("mean_coverage"),
                "max_coverage": ctx.t("max_coverage"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    dimension = right.selectbox(
        ctx.t("dimension"), summary["dimension"].tolist(), key="coverage_dimension"
    )
    detail = frame[frame["dimension"] == dimension].copy()
    detail["tag"] = detail[label]
    right.altair_chart(
        alt.Chart(detail, title=ctx.t("tag_coverage_detail"))
        .mark_bar()
        .encode(
            y=alt.Y("tag:N", sort="-x", title=None),
            x=alt.X("coverage_share:Q", axis=alt.Axis(format=".0%"), title=ctx.t("share")),
            tooltip=["tag:N", "customers:Q", alt.Tooltip("coverage_share:Q", format=".1%")],
        ),
        width="stretch",
    )

    st.subheader(ctx.t("audience_builder"))
    st.caption(ctx.t("audience_note"))
    catalog = ctx.query(data_tags.tag_catalog)
    options = catalog["tag_code"].tolist()
    names = dict(zip(catalog["tag_code"], catalog[label], strict=True))
    kinds = dict(zip(catalog["tag_code"], catalog["value_type"], strict=True))

    def fmt(code: str) -> str:
        return f"{names.get(code, code)} ({code})"

    a, b, c = st.columns(3)
    all_of = a.multiselect(ctx.t("all_of"), options, format_func=fmt, key="all_of")
    any_of = b.multiselect(ctx.t("any_of"), options, format_func=fmt, key="any_of")
    none_of = c.multiselect(ctx.t("none_of"), options, format_func=fmt, key="none_of")
    values: dict[str, str | None] = {}
    for code in dict.fromkeys(all_of + any_of):
        if kinds.get(code) in ("band", "value"):
            choices = ["", *ctx.query(data_tags.tag_values, code)]
            chosen = st.selectbox(
                f"{ctx.t('tag_value')}: {fmt(code)}", choices, key=f"value_{code}"
            )
            values[code] = chosen or None
    channels = ctx.query(data_tags.contact_channels)
    d, e = st.columns(2)
    channel = d.selectbox(ctx.t("channel"), channels, key="audience_channel")
    purpose = e.selectbox(
        ctx.t("purpose"),
        list(data_tags.PURPOSE_FLAGS),
        format_func=lambda p: ctx.t(f"purpose_{p}"),
        key="audience_purpose",
    )
    if not (all_of or any_of or none_of):
        st.info(ctx.t("choose_tags"))
        return
    spec = data_tags.AudienceSpec(
        all_of=tuple(data_tags.Condition(code, values.get(code)) for code in all_of),
        any_of=tuple(data_tags.Condition(code, values.get(code)) for code in any_of),
        none_of=tuple(data_tags.Condition(code) for code in none_of),
        channel=channel,
        purpose=purpose,
    )
    result = ctx.query(data_tags.build_audience, spec, ctx.filters)
    m1, m2 = st.columns(2)
    m1.metric(ctx.t("matched"), f"{result.matched:,}")
    m2.metric(ctx.t("contactable"), f"{result.contactable:,}")
    if result.uses_sensitive_tags:
        st.warning(ctx.t("sensitive_used"))
    if not result.blocked.empty:
        st.caption(ctx.t("blocked"))
        st.dataframe(
            result.blocked.rename(
                columns={"blocked_reason": ctx.t("reason"), "customers": ctx.t("customers")}
            ),
            hide_index=True,
        )
    ids = ctx.query(data_tags.audience_customer_ids, spec, ctx.filters)
    st.download_button(
        ctx.t("export"),
        data="customer_id\n" + "".join(f"{customer_id}\n" for customer_id in ids),
        file_name=f"audience_{channel}_{purpose}.csv",
        mime="text/csv",
        key="audience_export",
    )


# Campaigns --------------------------------------------------------------------------


def render_campaigns(ctx: PageContext) -> None:
    st.header(ctx.t("page_campaigns"))
    all_channels = ctx.query(data_kpis.campaign_channels)
    chosen = st.multiselect(ctx.t("campaign_channel"), all_channels, key="campaign_channels")
    campaigns = ctx.query(data_kpis.campaigns, tuple(chosen))
    if _empty(ctx, campaigns):
        return
    st.subheader(ctx.t("campaign_summary"))
    st.dataframe(campaigns, hide_index=True, width="stretch", height=240)
    labels = dict(
        zip(
            campaigns["campaign_id"],
            campaigns["campaign_id"] + " · " + campaigns["campaign_name"].fillna(""),
            strict=True,
        )
    )
    campaign_id = st.selectbox(
        ctx.t("campaign"), campaigns["campaign_id"].tolist(), format_func=labels.get, key="campaign"
    )
    variants = ctx.query(data_kpis.campaign_variants, campaign_id)
    st.subheader(ctx.t("campaign_variants"))
    st.dataframe(variants, hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.altair_chart(
        alt.Chart(variants, title=ctx.t("conversion_rate"), height=240)
        .mark_bar()
        .encode(
            x=alt.X("variant:N", title=ctx.t("variant")),
            y=alt.Y("conversion_rate:Q", axis=alt.Axis(format=".1%"), title=None),
            color=alt.Color("is_control:N", legend=None),
            tooltip=["variant:N", "sends:Q", "conversions:Q", "conversion_rate:Q"],
        ),
        width="stretch",
    )
    treated = variants[~variants["is_control"].astype(bool) & variants["lift"].notna()]
    if not treated.empty:
        base = alt.Chart(treated, title=ctx.t("campaign_lift"), height=240).encode(
            x=alt.X("variant:N", title=ctx.t("variant"))
        )
        bars = base.mark_errorbar(ticks=True).encode(
            y=alt.Y("lift_ci_lower:Q", axis=alt.Axis(format=".1%"), title=ctx.t("lift")),
            y2="lift_ci_upper:Q",
        )
        points = base.mark_point(filled=True, size=80).encode(
            y="lift:Q",
            color=alt.Color("is_significant:N", title=ctx.t("significant")),
            tooltip=["variant:N", "lift:Q", "lift_ci_lower:Q", "lift_ci_upper:Q", "p_value:Q"],
        )
        zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
        right.altair_chart(bars + points + zero, width="stretch")
    wakeup = ctx.query(data_kpis.campaign_wakeup, campaign_id)
    if not wakeup.empty:
        st.subheader(ctx.t("campaign_wakeup"))
        st.dataframe(wakeup, hide_index=True, width="stretch")


# Customer lookup --------------------------------------------------------------------


def render_lookup(ctx: PageContext) -> None:
    st.header(ctx.t("page_lookup"))
    st.caption(ctx.t("lookup_note"))
    term = st.text_input(ctx.t("lookup_input"), key="lookup_term")
    if not term.strip():
        return
    found = ctx.query(data_customers.find_customers, term)
    if found.empty:
        st.warning(ctx.t("lookup_none"))
        return
    customer_id = found["customer_id"].iloc[0]
    if len(found) > 1:
        st.dataframe(found, hide_index=True, width="stretch")
        customer_id = st.selectbox(
            ctx.t("lookup_pick"), found["customer_id"].tolist(), key="lookup_pick"
        )
    profile = ctx.query(data_customers.customer_profile, customer_id)
    if profile is None:
        st.warning(ctx.t("lookup_none"))
        return
    zh = ctx.lang == "zh"
    customer = profile.customer
    st.subheader(f"{ctx.t('profile')}: {customer['customer_id']}")
    if profile.summary:
        st.info(profile.summary["tag_summary_zh" if zh else "tag_summary_en"] or "")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        ctx.t("stage"),
        (profile.lifecycle or {}).get("stage_name_zh" if zh else "stage_name_en") or "-",
    )
    tier = profile.tier or {}
    c2.metric(ctx.t("tier"), tier.get("tier_name_zh" if zh else "tier_name_en") or "-")
    gap = tier.get("spend_to_next_tier")
    c3.metric(
        ctx.t("gap"),
        format_value(None if gap is None or pd.isna(gap) else float(gap), "money"),
        help=f"{ctx.t('next_tier')}: {tier.get('next_tier_code') or '-'}",
    )
    c4.metric(
        ctx.t("churn_warning"), ctx.t("yes") if customer.get("is_churn_warning") else ctx.t("no")
    )
    clv = profile.clv or {}
    d1, d2, d3 = st.columns(3)
    d1.metric(ctx.t("p_alive"), format_value(clv.get("p_alive"), "percent"))
    d2.metric(ctx.t("clv_12m"), format_value(clv.get("clv_12m"), "money"))
    d3.metric(ctx.t("clv_decile"), format_value(clv.get("clv_decile"), "count"))
    facts = {
        key: customer[key]
        for key in (
            "customer_name_masked",
            "mobile_masked",
            "home_store_id",
            "region",
            "purchase_channels",
            "rfm_segment",
            "purchases",
            "net_spend",
            "first_purchase_date",
            "last_purchase_date",
        )
    }
    st.dataframe(
        pd.DataFrame({"field": list(facts), "value": [str(v) for v in facts.values()]}),
        hide_index=True,
    )
    st.subheader(ctx.t("next_best_offer"))
    st.dataframe(profile.offers, hide_index=True, width="stretch")
    st.subheader(ctx.t("customer_tags"))
    tags = profile.tags.copy()
    tags["tag"] = tags["label_zh" if zh else "label_en"]
    st.dataframe(
        tags[["dimension", "tag", "tag_value", "is_sensitive"]], hide_index=True, width="stretch"
    )


PAGES: dict[str, Callable[[PageContext], None]] = {
    "overview": render_overview,
    "lifecycle": render_lifecycle,
    "rfm": render_rfm,
    "tiers": render_tiers,
    "tags": render_tags,
    "campaigns": render_campaigns,
    "lookup": render_lookup,
}
