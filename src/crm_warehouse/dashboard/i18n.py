"""Dashboard labels in Chinese and English (the sidebar's language switch). Stage, tier,
segment and tag names come from the marts' own zh / en columns; KPI names and
descriptions from the governed metrics (metrics.py)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # app and filters
    "app_title": ("CRM 客户经营看板", "CRM customer dashboard"),
    "language": ("语言 / Language", "语言 / Language"),
    "filters": ("筛选", "Filters"),
    "filter_store": ("门店", "Store"),
    "filter_region": ("区域", "Region"),
    "filter_channel": ("购买渠道", "Purchase channel"),
    "filters_note": (
        "筛选按客户的归属门店、区域和购买渠道(截至D)。",
        "Filters select customers by home store, region and purchase channel (as of D).",
    ),
    "months": ("月数", "Months"),
    "serving_copy": ("数据", "Data"),
    "as_of": ("数据截至", "As of"),
    "no_data": ("没有数据", "No data"),
    "customers": ("客户数", "Customers"),
    "share": ("占比", "Share"),
    "month_end": ("月末", "Month end"),
    "month": ("月份", "Month"),
    "value": ("数值", "Value"),
    "revenue": ("销售额(元)", "Revenue (yuan)"),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_lifecycle": ("生命周期", "Lifecycle"),
    "page_rfm": ("RFM", "RFM"),
    "page_tiers": ("会员等级", "Tiers"),
    "page_tags": ("标签与人群", "Tags"),
    "page_campaigns": ("营销活动", "Campaigns"),
    "page_lookup": ("客户查询", "Customer lookup"),
    # overview
    "overview_window": ("窗口(月)", "Window (months)"),
    "overview_note": (
        "核心指标来自KPI数据集市(全体客户),口径见语义层指标定义;环比为与上月末相比。",
        "Headline KPIs come from the KPI marts (all customers), as the semantic layer's "
        "metrics define them; the change is against the previous month end.",
    ),
    "overview_trends": ("趋势", "Trends"),
    "overview_segment": ("所选客户", "Selected customers"),
    "overview_segment_note": (
        "所选客户的活跃客户数与重复购买率(默认窗口),来自生命周期历史。",
        "Active customers and repeat purchase rate of the selected customers (default "
        "window), from the lifecycle history.",
    ),
    "overview_other": ("其他核心指标", "More headline KPIs"),
    "metric": ("指标", "Metric"),
    # lifecycle
    "lifecycle_shares": ("各阶段客户占比", "Stage shares over time"),
    "lifecycle_matrix": ("月度迁移矩阵", "Month-to-month migration matrix"),
    "lifecycle_matrix_note": (
        "行为上月末阶段,列为本月末阶段;绿色为正向迁移(向活跃),红色为反向迁移,灰色为活跃期内部变化。",
        "Rows: stage at the previous month end; columns: stage at this month end. Green: "
        "forward (towards active); red: backward; grey: within the active stages.",
    ),
    "lifecycle_moves": ("正向与反向迁移", "Forward and backward moves"),
    "from_stage": ("上月阶段", "From stage"),
    "to_stage": ("本月阶段", "To stage"),
    "stage": ("阶段", "Stage"),
    "direction": ("方向", "Direction"),
    "forward": ("正向迁移", "forward"),
    "backward": ("反向迁移", "backward"),
    "within_active": ("活跃期内", "within active"),
    "migration_month": ("迁移月份", "Month of the moves"),
    # rfm
    "rfm_grid": ("R x F 网格", "R x F grid"),
    "rfm_grid_note": (
        "每格为客户数,颜色为销售额;R=5最近购买,F=5购买最多。",
        "Each cell: customers; colour: revenue. R = 5 bought most recently, F = 5 most often.",
    ),
    "rfm_measure": ("颜色", "Colour by"),
    "rfm_segments": ("客户分群", "Segments"),
    "rfm_segment_trend": ("各分群活跃客户数趋势", "Active customers of each segment over time"),
    "segment": ("分群", "Segment"),
    "r_score": ("R 分", "R score"),
    "f_score": ("F 分", "F score"),
    "avg_recency_days": ("平均最近购买天数", "Avg. recency (days)"),
    "avg_purchases": ("平均购买次数", "Avg. purchases"),
    "revenue_share": ("销售额占比", "Revenue share"),
    # tiers
    "tier_members": ("各等级会员数", "Members per tier"),
    "tier_changes": ("升级与降级", "Upgrades and downgrades"),
    "tier_transitions": ("本月等级变动", "Tier moves this month"),
    "tier_close": ("接近升级的客户", "Customers close to the next tier"),
    "tier_max_gap": ("距下一等级不超过(元)", "At most this far from the next tier (yuan)"),
    "tier": ("等级", "Tier"),
    "next_tier": ("下一等级", "Next tier"),
    "gap": ("还需消费(元)", "Spend still needed (yuan)"),
    "upgrade": ("升级", "upgrade"),
    "downgrade": ("降级", "downgrade"),
    "change": ("变动", "Change"),
    # tags
    "tag_coverage": ("各维度标签覆盖率", "Tag coverage per dimension"),
    "tag_coverage_detail": ("标签覆盖率", "Coverage per tag"),
    "dimension": ("维度", "Dimension"),
    "tags": ("标签数", "Tags"),
    "tags_in_use": ("有客户的标签", "Tags in use"),
    "mean_coverage": ("平均覆盖率", "Mean coverage"),
    "max_coverage": ("最高覆盖率", "Max coverage"),
    "tag": ("标签", "Tag"),
    "audience_builder": ("人群圈选", "Audience builder"),
    "audience_note": (
        "(全部满足) 且 (满足任一) 且 不含(排除项);"
        "可联系=该渠道与用途的联系规则允许(同意、退订、频控、生命周期策略),"
        "敏感标签仅用于同意覆盖的客户。",
        "(all of) AND (any of) AND NOT (none of). Contactable: the contact rules allow the "
        "channel and purpose (consent, withdrawal, frequency cap, lifecycle policy); "
        "sensitive tags only for people whose consent covers them.",
    ),
    "all_of": ("全部满足", "All of"),
    "any_of": ("满足任一", "Any of"),
    "none_of": ("排除", "None of"),
    "tag_value": ("标签值(可选)", "Tag value (optional)"),
    "channel": ("渠道", "Channel"),
    "purpose": ("用途", "Purpose"),
    "purpose_regular": ("常规营销", "regular"),
    "purpose_winback": ("召回", "win-back"),
    "purpose_major_sale": ("大促", "major sale"),
    "matched": ("符合标签的客户", "Customers matching"),
    "contactable": ("可联系客户", "Contactable"),
    "blocked": ("不可联系原因", "Why not contactable"),
    "reason": ("原因", "Reason"),
    "export": ("导出客户ID (CSV)", "Export customer ids (CSV)"),
    "choose_tags": ("请至少选择一个标签。", "Choose at least one tag."),
    "sensitive_used": (
        "使用了敏感标签:仅同意覆盖的客户可联系。",
        "A sensitive tag is used: only people whose consent covers it are contactable.",
    ),
    # campaigns
    "campaign_summary": ("营销活动", "Campaigns"),
    "campaign_channel": ("活动渠道", "Campaign channel"),
    "campaign": ("活动", "Campaign"),
    "campaign_variants": ("实验组与对照组", "Variants"),
    "campaign_lift": ("相对对照组的转化提升(置信区间)", "Lift over control (confidence interval)"),
    "campaign_wakeup": ("唤醒与激活", "Wake-up and activation"),
    "variant": ("组别", "Variant"),
    "conversion_rate": ("转化率", "Conversion rate"),
    "lift": ("提升", "Lift"),
    "roi": ("ROI", "ROI"),
    "significant": ("显著", "Significant"),
    # lookup
    "lookup_input": (
        "客户ID或脱敏手机号 (如 138****5678)",
        "Customer id or masked phone (138****5678)",
    ),
    "lookup_note": (
        "导购视图:只显示脱敏信息和标签,不显示原始个人信息。",
        "The guide's view: masked values and tags only, no raw personal data.",
    ),
    "lookup_none": ("没有找到客户", "No customer found"),
    "lookup_pick": ("选择客户", "Choose a customer"),
    "profile": ("客户概况", "Profile"),
    "tier_gap": ("等级与升级差距", "Tier and gap to the next"),
    "clv": ("客户终身价值", "Customer lifetime value"),
    "p_alive": ("存活概率", "P(alive)"),
    "clv_12m": ("12个月CLV(元)", "12-month CLV (yuan)"),
    "clv_decile": ("CLV十分位", "CLV decile"),
    "next_best_offer": ("推荐品类", "Next best offer"),
    "tag_summary": ("标签摘要", "Tag summary"),
    "customer_tags": ("客户标签", "Tags"),
    "churn_warning": ("流失预警", "Churn warning"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}


def t(key: str, lang: str) -> str:
    """The label of `key` in `lang` (zh or en); the key itself when unknown."""
    labels = LABELS.get(key)
    if labels is None:
        return key
    return labels[0] if lang == "zh" else labels[1]


def name_column(lang: str, stem: str = "name") -> str:
    """The marts' label column for a language: name_zh / name_en (or label_zh ...)."""
    return f"{stem}_{'zh' if lang == 'zh' else 'en'}"
