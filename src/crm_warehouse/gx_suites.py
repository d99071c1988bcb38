"""What the Great Expectations checkpoint expects of every table BI reads.

One `TableSuite` per table of schemas `marts` and `semantic` (the BI aggregates the
dashboard reads) and for `pii.customer_identity_map`,
written from each model's yml docs (grain, codes, rates, money). gx_validation turns
each into a GX ExpectationSuite at run time:

- the grain key: unique (compound keys with expect_compound_columns_to_be_unique) and
  not null;
- codes in their accepted sets: read from the seeds in schema `reference` where the
  set lives in a seed (lifecycle stages, RFM segments, tier presets, tags, audiences),
  from dbt_project.yml's vars where it is a var (windows, channels), else the values
  the input contract or the model's yml documents (a `Values` with its source);
- rates between 0 and 1 and money / counts non-negative, as the yml docs define them;
- other documented ranges (birth month 1-12, NPS -100..100, ranks).

Row counts against the previous run and the RFM score / lifecycle stage shares are
suites of their own (gx_validation). Every table of `marts` and `semantic` must have a suite
here: the checkpoint fails, naming the table, when one has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from crm_warehouse.settings import project_dir


@dataclass(frozen=True)
class Seed:
    """Accepted values read from a seed table (schema `reference`) at run time."""

    table: str
    column: str
    where: str | None = None

    @property
    def source(self) -> str:
        where = f" where {self.where}" if self.where else ""
        return f"seed {self.table}.{self.column}{where}"

    def sql(self) -> str:
        conditions = [f'"{self.column}" is not null', *([self.where] if self.where else [])]
        return (
            f'select distinct "{self.column}" from reference."{self.table}" '
            f"where {' and '.join(conditions)}"
        )


@dataclass(frozen=True)
class Var:
    """A dbt var of dbt_project.yml: its list of values (or its single value)."""

    name: str

    @property
    def source(self) -> str:
        return f"var {self.name}"

    def resolve(self) -> Any:
        vars_ = dbt_project_vars()
        if self.name not in vars_:
            raise KeyError(f"dbt_project.yml has no var {self.name!r} (used by gx_suites)")
        return vars_[self.name]


@dataclass(frozen=True)
class Values:
    """A fixed set where no seed or var holds it; `source` says who defines it."""

    values: tuple[Any, ...]
    source: str


Accepted = Seed | Var | Values
Bound = float | int | Var | None


@dataclass(frozen=True)
class Range:
    """Values between min and max (inclusive); None leaves a side open."""

    min_value: Bound = None
    max_value: Bound = None
    why: str = ""


RATE = Range(0, 1, "a rate or share")
NON_NEGATIVE = Range(0, None, "money or a count")


@dataclass(frozen=True)
class ExtraChecks:
    """Checks a table suite adds from the warehouse itself (e.g. the tag matrix's
    columns follow the tag catalogue seed)."""

    accepted: dict[str, Accepted] = field(default_factory=dict)
    not_null: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSuite:
    table: str
    key: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    # Key columns that may be null (a null is one value of the grain, e.g. no previous tier).
    nullable_key: tuple[str, ...] = ()
    accepted: Mapping[str, Accepted] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)
    # Day-to-day size swings by design (daily event lists): no row-count tolerance.
    track_row_count: bool = True
    row_count_note: str = ""
    # Checks derived from seeds at run time: (column names) -> ExtraChecks.
    extra: Callable[[list[str]], ExtraChecks] | None = None

    @property
    def name(self) -> str:
        return self.table

    def columns(self) -> list[str]:
        """Every column the suite reads, in a stable order."""
        seen: dict[str, None] = {}
        for column in (*self.key, *self.not_null, *self.accepted, *self.ranges):
            seen.setdefault(column, None)
        return list(seen)


@cache
def dbt_project_vars() -> dict[str, Any]:
    """The vars of dbt_project.yml (defaults; `--vars` overrides on the command line
    are not visible here)."""
    path = project_dir() / "dbt_project.yml"
    with path.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


def rates(*columns: str) -> dict[str, Range]:
    return dict.fromkeys(columns, RATE)


def non_negative(*columns: str) -> dict[str, Range]:
    return dict.fromkeys(columns, NON_NEGATIVE)


# Accepted sets kept in seeds.
STAGES = Seed("lifecycle_stages", "lifecycle_stage")
PHASES = Seed("lifecycle_stages", "phase_code")
ACTIVITY_LEVELS = Seed("lifecycle_stages", "activity_level")
CONTACT_POLICIES = Seed("lifecycle_contact_policy", "contact_policy_code")
RFM_SEGMENTS = Seed("rfm_segment_map", "segment_code")
RFM_SCORES = Seed("rfm_score_bins", "score")
TIERS = Seed("membership_tier_presets", "tier_code")
TIER_RANKS = Seed("membership_tier_presets", "tier_rank")
TIER_PRESETS = Seed("membership_tier_presets", "preset")
SPEND_BASES = Seed("membership_tier_presets", "spend_basis")
TAGS = Seed("tag_definitions", "tag_code")
TAG_DIMENSIONS = Seed("tag_definitions", "dimension")
TAG_VALUE_TYPES = Seed("tag_definitions", "value_type")
TAG_RULE_OPERATORS = Seed("tag_definitions", "rule_operator")
AUDIENCES = Seed("tag_audiences", "audience_code")
AUDIENCE_CHANNELS = Seed("tag_audiences", "target_channel")
AUDIENCE_PURPOSES = Seed("tag_audiences", "purpose")

# Accepted sets kept in dbt vars.
LIFECYCLE_WINDOWS = Var("lifecycle_windows")
DEFAULT_WINDOW = Var("lifecycle_default_window")
CONTACT_CHANNELS = Var("contact_channels")

# Sets no seed holds: from the input contract (../shared/contract/channel-exports.md)
# or the model's yml docs.
CONTRACT = "input contract"
ORDER_CHANNELS = Values(("store", "mall"), "_core__models.yml (channel)")
ORDER_TYPES = Values(("sale", "return"), "_core__models.yml (order_type)")
CAMPAIGN_CHANNELS = Values(("sms", "wecom", "mall_push", "email"), CONTRACT)
CAMPAIGN_OBJECTIVES = Values(
    ("welcome", "nurture", "upsell", "wake_up", "win_back", "birthday", "promotion"), CONTRACT
)
VARIANTS = Values(("a", "b", "control", "unknown"), "_campaign__models.yml (variant)")
DECILES = Values(tuple(range(1, 11)), "_clv__models.yml (clv_decile)")
BI_PURCHASE_CHANNELS = Values(
    ("store", "mall", "omnichannel", "none"), "_bi__models.yml (purchase_channel)"
)
# The dashboard's filters: part of every BI aggregate's grain.
BI_FILTERS = ("home_store_id", "region", "purchase_channel")


def bi_suite(
    table: str, grain: tuple[str, ...], *, accepted: Mapping[str, Accepted], **suite: Any
) -> TableSuite:
    """A BI aggregate's suite: its grain plus the dashboard's filters as the key, the
    purchase channel among the filter values."""
    return TableSuite(
        table,
        key=(*grain, *BI_FILTERS),
        accepted={"purchase_channel": BI_PURCHASE_CHANNELS, **accepted},
        **suite,
    )


def _tag_matrix_checks(columns: list[str]) -> ExtraChecks:
    """customer_tag_matrix has one column per catalogue tag: flags are never null,
    band tags hold a band of seed tag_bands, value tags the codes of their seed."""
    defined = _tag_definitions()
    accepted: dict[str, Accepted] = {}
    not_null: list[str] = []
    by_value_tag: dict[str, Accepted] = {
        "lifecycle_stage": STAGES,
        "rfm_segment": RFM_SEGMENTS,
        "tier": TIERS,
    }
    for tag_code, value_type in defined:
        if tag_code not in columns:
            continue
        if value_type == "flag":
            not_null.append(tag_code)
        elif value_type == "band":
            accepted[tag_code] = Seed("tag_bands", "band_code", f"tag_code = '{tag_code}'")
        elif tag_code in by_value_tag:
            accepted[tag_code] = by_value_tag[tag_code]
    return ExtraChecks(accepted=accepted, not_null=tuple(not_null))


@cache
def _tag_definitions() -> tuple[tuple[str, str], ...]:
    import csv

    path = project_dir() / "seeds" / "tags" / "tag_definitions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple((row["tag_code"], row["value_type"]) for row in csv.DictReader(handle))


SUITES: tuple[TableSuite, ...] = (
    # ---- core (models/marts/core/_core__models.yml)
    TableSuite(
        "marts.dim_customers",
        key=("customer_id",),
        not_null=("purchase_channels", "is_prospect", "first_seen_date", "as_of_date"),
        accepted={
            "gender": Values(("M", "F"), "_core__models.yml (gender)"),
            "purchase_channels": Values(
                ("store", "mall", "omnichannel", "none"), "_core__models.yml (purchase_channels)"
            ),
            "rfm_segment": RFM_SEGMENTS,
            "lifecycle_stage": STAGES,
            "tier_code": TIERS,
        },
        ranges={
            **non_negative(
                "net_spend",
                "orders",
                "purchases",
                "identifiers",
                "member_cards",
                "mall_accounts",
                "wecom_contacts",
            ),
            "birth_month": Range(1, 12, "a month"),
        },
    ),
    TableSuite(
        "marts.fct_orders",
        key=("order_key",),
        not_null=("order_id", "channel", "order_type", "order_date", "is_purchase", "net_amount"),
        accepted={"channel": ORDER_CHANNELS, "order_type": ORDER_TYPES},
        ranges=non_negative(
            "gross_amount", "discount_amount", "paid_amount", "refunded_amount", "net_amount"
        ),
    ),
    TableSuite(
        "marts.fct_order_items",
        key=("order_item_key",),
        not_null=("order_key", "channel", "sku"),
        accepted={"channel": ORDER_CHANNELS, "order_type": ORDER_TYPES},
        ranges={
            **non_negative("quantity", "unit_price", "line_amount"),
            "line_no": Range(1, None, "line numbers start at 1"),
        },
    ),
    # ---- value (models/marts/value/_value__models.yml)
    TableSuite(
        "marts.customer_rfm",
        key=("customer_id",),
        not_null=("rfm_segment", "r_score", "f_score", "m_score", "last_purchase_date"),
        accepted={
            "rfm_segment": RFM_SEGMENTS,
            "r_score": RFM_SCORES,
            "f_score": RFM_SCORES,
            "m_score": RFM_SCORES,
        },
        ranges={
            **non_negative("recency_days", "monetary"),
            "frequency": Range(1, None, "customers with at least one purchase"),
        },
    ),
    TableSuite(
        "marts.customer_lifecycle",
        key=("customer_id", "window_months"),
        not_null=("lifecycle_stage", "phase_code", "contact_policy_code", "is_active"),
        accepted={
            "lifecycle_stage": STAGES,
            "phase_code": PHASES,
            "contact_policy_code": CONTACT_POLICIES,
            "window_months": LIFECYCLE_WINDOWS,
        },
        ranges=non_negative("purchases_in_window"),
    ),
    TableSuite(
        "marts.customer_lifecycle_spans",
        key=("customer_id", "valid_from"),
        not_null=("lifecycle_stage", "phase_code", "activity_level", "valid_to"),
        accepted={
            "lifecycle_stage": STAGES,
            "phase_code": PHASES,
            "activity_level": ACTIVITY_LEVELS,
            "window_months": DEFAULT_WINDOW,
        },
        ranges=non_negative("purchases_in_window"),
    ),
    TableSuite(
        "marts.lifecycle_migration",
        key=("customer_id", "month_end"),
        not_null=("from_stage", "to_stage", "migration_direction", "previous_month_end"),
        accepted={
            "from_stage": STAGES,
            "to_stage": STAGES,
            "migration_direction": Values(
                ("forward", "backward", "within_active"), "_value__models.yml"
            ),
        },
    ),
    TableSuite(
        "marts.customer_tiers",
        key=("customer_id",),
        not_null=("tier_code", "tier_rank", "spend_basis", "tier_preset"),
        accepted={
            "tier_code": TIERS,
            "next_tier_code": TIERS,
            "tier_rank": TIER_RANKS,
            "spend_basis": SPEND_BASES,
            "tier_preset": TIER_PRESETS,
        },
        ranges=non_negative(
            "qualifying_spend", "spend_to_next_tier", "lifetime_spend", "trailing_12m_spend"
        ),
    ),
    TableSuite(
        "marts.customer_tier_spans",
        key=("customer_id", "valid_from"),
        not_null=("tier_code", "tier_change", "valid_to"),
        accepted={
            "tier_code": TIERS,
            "previous_tier_code": TIERS,
            "tier_rank": TIER_RANKS,
            "tier_change": Values(("first", "upgrade", "downgrade", "same"), "_value__models.yml"),
        },
        ranges=non_negative("lifetime_spend", "trailing_12m_spend"),
    ),
    # ---- tags and audiences (models/marts/tags/_tags__models.yml, _tags__generated.yml)
    TableSuite(
        "marts.customer_tag_matrix",
        key=("customer_id",),
        ranges=non_negative("tags_carried"),
        extra=_tag_matrix_checks,
    ),
    TableSuite(
        "marts.customer_tags",
        key=("customer_id", "tag_code"),
        not_null=("tag_value", "is_sensitive"),
        accepted={"tag_code": TAGS, "dimension": TAG_DIMENSIONS, "value_type": TAG_VALUE_TYPES},
    ),
    TableSuite(
        "marts.customer_features",
        key=("customer_id",),
        accepted={
            "lifecycle_stage": STAGES,
            "rfm_segment": RFM_SEGMENTS,
            "tier_code": TIERS,
            "r_score": RFM_SCORES,
            "f_score": RFM_SCORES,
            "m_score": RFM_SCORES,
        },
        ranges={
            **rates(
                "discounted_purchase_share_12m",
                "preferred_brand_share_milk_powder",
                "preferred_brand_share_diapers",
                "store_purchase_share",
            ),
            **non_negative(
                "net_spend_lifetime",
                "spend_12m",
                "aov_lifetime",
                "aov_12m",
                "purchases_lifetime",
                "purchases_12m",
                "tenure_months",
                "days_since_last_purchase",
                "campaign_sends",
                "campaign_opens",
                "campaign_clicks",
            ),
            "birth_month": Range(1, 12, "a month"),
            "pregnancy_month": Range(1, 10, "months of pregnancy"),
        },
    ),
    TableSuite(
        "marts.customer_tag_summary",
        key=("customer_id",),
        ranges={"tags_shown": Range(0, Var("tag_summary_max_tags"), "at most the var")},
    ),
    TableSuite(
        "marts.tag_catalog",
        key=("tag_code",),
        accepted={
            "tag_code": TAGS,
            "dimension": TAG_DIMENSIONS,
            "value_type": TAG_VALUE_TYPES,
            "rule_operator": TAG_RULE_OPERATORS,
        },
    ),
    TableSuite(
        "marts.tag_coverage",
        key=("tag_code",),
        accepted={"tag_code": TAGS, "dimension": TAG_DIMENSIONS, "value_type": TAG_VALUE_TYPES},
        ranges={
            **rates("coverage_share"),
            **non_negative("customers", "total_customers", "distinct_values"),
        },
    ),
    TableSuite(
        "marts.audience_members",
        key=("audience_code", "customer_id"),
        accepted={"audience_code": AUDIENCES, "target_channel": AUDIENCE_CHANNELS},
    ),
    TableSuite(
        "marts.audience_sizes",
        key=("audience_code",),
        accepted={"audience_code": AUDIENCES, "target_channel": AUDIENCE_CHANNELS},
        ranges=non_negative("qualifying_customers", "excluded_sensitive_customers", "members"),
    ),
    # ---- activation (models/marts/activation/_activation__models.yml)
    TableSuite(
        "marts.audience_contact_list",
        key=("customer_id", "channel"),
        not_null=("may_contact", "has_address"),
        accepted={
            "channel": CONTACT_CHANNELS,
            "lifecycle_stage": STAGES,
            "contact_policy_code": CONTACT_POLICIES,
            "blocked_reason": Values(
                (
                    "erased",
                    "no_address",
                    "consent_withdrawn",
                    "no_consent",
                    "frequency_cap",
                    "lifecycle_policy",
                ),
                "_activation__models.yml (blocked_reason)",
            ),
        },
        ranges=non_negative("sends_last_7_days", "max_sends_per_7_days"),
    ),
    TableSuite(
        "marts.audience_export",
        key=("audience_code", "customer_id"),
        accepted={
            "audience_code": AUDIENCES,
            "channel": CONTACT_CHANNELS,
            "purpose": AUDIENCE_PURPOSES,
        },
    ),
    TableSuite(
        "marts.audience_triggers",
        key=("trigger_code", "customer_id", "event_date"),
        not_null=("send_date",),
        accepted={
            "trigger_code": Values(
                (
                    "new_customer_welcome",
                    "birthday_upcoming",
                    "baby_milestone",
                    "tier_upgrade",
                    "active_to_silent",
                ),
                "_activation__models.yml (trigger_code)",
            ),
            "milestone_months": Var("trigger_baby_milestone_months"),
        },
        ranges=non_negative("allowed_channel_count"),
        track_row_count=False,
        row_count_note="the day's events (first purchases on D, birthdays in the next days)",
    ),
    # ---- KPIs (models/marts/kpi/_kpi__models.yml)
    TableSuite(
        "marts.kpi_stickiness",
        key=("month_end", "window_months"),
        accepted={"window_months": LIFECYCLE_WINDOWS},
        ranges={
            **rates("repeat_purchase_rate", "high_value_share", "wakeup_rate", "activation_rate"),
            **non_negative(
                "active_customers",
                "repeat_customers",
                "orders",
                "net_revenue",
                "active_arpu",
                "average_order_value",
                "new_customers",
                "high_value_customers",
                "tier_holders",
                "sleeping_at_start",
                "sleeping_buyers",
                "lost_at_start",
                "lost_buyers",
            ),
        },
    ),
    TableSuite(
        "marts.kpi_retention",
        key=("cohort_month", "horizon_days"),
        accepted={"horizon_days": Var("kpi_retention_days")},
        ranges={
            **rates("retention_rate"),
            **non_negative("buyer_days", "elapsed_buyer_days", "retained_buyer_days"),
        },
    ),
    TableSuite(
        "marts.kpi_new_customer_repurchase",
        key=("first_purchase_month", "first_purchase_channel"),
        accepted={"first_purchase_channel": ORDER_CHANNELS},
        ranges={
            **rates("repurchase_rate"),
            **non_negative("new_customers", "elapsed_new_customers", "repurchased_customers"),
        },
    ),
    TableSuite(
        "marts.kpi_community",
        key=("join_month", "store_id"),
        ranges={
            **rates("conversion_rate"),
            **non_negative("joiners", "elapsed_joiners", "converted_joiners", "unstitched_joins"),
        },
    ),
    TableSuite(
        "marts.kpi_nps",
        key=("response_month", "touchpoint"),
        accepted={
            "touchpoint": Values(
                ("store", "mall", "wecom", "service", "unknown"), "input contract + 'unknown'"
            )
        },
        ranges={
            **rates("promoter_share", "detractor_share"),
            **non_negative(
                "responses",
                "valid_responses",
                "invalid_responses",
                "promoters",
                "passives",
                "detractors",
            ),
            "nps": Range(-100, 100, "promoters minus detractors, in percent"),
        },
    ),
    TableSuite(
        "marts.product_affinity",
        key=("affinity_level", "item_a", "item_b"),
        accepted={
            "affinity_level": Values(("category_l1", "category_l2", "product"), "_kpi__models.yml")
        },
        ranges={
            **rates("support", "support_a", "support_b", "confidence_a_to_b", "confidence_b_to_a"),
            **non_negative(
                "lift", "baskets_with_both", "baskets_with_a", "baskets_with_b", "total_baskets"
            ),
        },
    ),
    TableSuite(
        "marts.customer_next_best_offer",
        key=("customer_id", "recommendation_rank"),
        not_null=("recommended_category",),
        accepted={
            "category_level": Values(("category_l1", "category_l2"), "var nbo_category_level")
        },
        ranges={
            **rates("confidence", "support"),
            **non_negative("lift"),
            "recommendation_rank": Range(1, Var("nbo_top_n"), "1 to var nbo_top_n"),
        },
    ),
    # ---- campaigns (models/marts/campaign/_campaign__models.yml)
    TableSuite(
        "marts.campaign_send_recipients",
        key=("send_id",),
        not_null=("campaign_id", "variant", "is_control", "sent_at"),
        accepted={"variant": VARIANTS},
    ),
    TableSuite(
        "marts.campaign_order_attribution",
        key=("order_key",),
        not_null=("send_id", "campaign_id", "customer_id"),
        accepted={"variant": VARIANTS, "channel": ORDER_CHANNELS},
        ranges=non_negative("net_amount"),
    ),
    TableSuite(
        "marts.campaign_performance",
        key=("campaign_id", "variant"),
        accepted={
            "variant": VARIANTS,
            "channel": CAMPAIGN_CHANNELS,
            "objective": CAMPAIGN_OBJECTIVES,
        },
        ranges={
            **rates(
                "open_rate",
                "click_rate",
                "conversion_rate",
                "control_conversion_rate",
                "p_value",
                "confidence_level",
            ),
            **non_negative(
                "sends",
                "stitched_sends",
                "delivered_sends",
                "opens",
                "clicks",
                "conversions",
                "attributed_orders",
                "attributed_revenue",
                "campaign_cost",
                "variant_cost",
                "roi",
                "control_sends",
                "control_conversions",
            ),
            "lift": Range(-1, 1, "a difference of two rates"),
        },
    ),
    TableSuite(
        "marts.campaign_wakeup",
        key=("campaign_id", "variant"),
        accepted={
            "variant": VARIANTS,
            "objective": Var("campaign_wakeup_objectives"),
            "stage_window_months": DEFAULT_WINDOW,
            "attribution_window_days": Var("campaign_attribution_window_days"),
        },
        ranges={
            **rates("wakeup_rate", "activation_rate"),
            **non_negative(
                "sends",
                "stitched_recipients",
                "sleeping_recipients",
                "sleeping_buyers",
                "lost_recipients",
                "lost_buyers",
            ),
        },
    ),
    # ---- CLV (models/marts/clv/_clv__models.yml)
    TableSuite(
        "marts.clv_transactions",
        key=("customer_id", "transaction_date"),
        not_null=("is_transaction_as_of_d", "is_transaction_as_of_previous_month_end"),
        ranges=non_negative("purchases", "transaction_value"),
    ),
    TableSuite(
        "marts.clv_model_params",
        key=("parameter",),
        not_null=("model",),
        accepted={
            "model": Values(("bg_nbd", "gamma_gamma"), "_clv__models.yml (model)"),
            "parameter": Values(
                ("r", "alpha", "a", "b", "p", "q", "gamma"), "_clv__models.yml (parameter)"
            ),
        },
        ranges={
            "value": Range(0, None, "shape, rate and scale parameters are positive"),
            **non_negative("customers_used"),
        },
    ),
    TableSuite(
        "marts.clv_customer_scores",
        key=("customer_id",),
        ranges={
            **rates("p_alive", "p_alive_previous_month_end"),
            **non_negative(
                "frequency",
                "recency_weeks",
                "age_weeks",
                "avg_repeat_value",
                "expected_purchases_4w",
                "expected_purchases_13w",
                "expected_purchases_52w",
                "expected_aov",
                "clv_12m",
                "clv_12m_discounted",
            ),
        },
    ),
    TableSuite(
        "marts.customer_clv",
        key=("customer_id",),
        # expected purchases may be undefined when the fit on a handful of customers
        # is degenerate (dbt warns on it); they are checked non-negative when present
        not_null=(
            "frequency",
            "recency_weeks",
            "age_weeks",
            "p_alive",
        ),
        accepted={"clv_decile": DECILES},
        ranges={
            **rates("p_alive", "p_alive_previous_month_end"),
            **non_negative(
                "frequency",
                "recency_weeks",
                "age_weeks",
                "avg_repeat_value",
                "expected_purchases_4w",
                "expected_purchases_13w",
                "expected_purchases_52w",
                "expected_aov",
                "clv_12m",
                "clv_12m_discounted",
            ),
        },
    ),
    TableSuite(
        "marts.customer_churn_warning",
        key=("customer_id",),
        not_null=("reason_zh", "reason_en", "p_alive"),
        accepted={"tier_code": TIERS, "clv_decile": DECILES},
        ranges={
            **rates("p_alive", "p_alive_previous_month_end", "p_alive_drop"),
            **non_negative(
                "clv_12m",
                "clv_12m_discounted",
                "expected_purchases_13w",
                "days_since_last_purchase",
            ),
        },
        track_row_count=False,
        row_count_note="this week's warnings (P(alive) crossing the threshold since last month)",
    ),
    # ---- BI aggregates the dashboard reads (models/semantic/bi/_bi__models.yml)
    TableSuite(
        "semantic.bi_customer_dimensions",
        key=("customer_id",),
        not_null=BI_FILTERS,
        accepted={"purchase_channel": BI_PURCHASE_CHANNELS},
    ),
    bi_suite(
        "semantic.bi_customer_counts",
        ("lifecycle_stage", "tier_code"),
        accepted={"lifecycle_stage": STAGES},
        ranges=non_negative("customers", "churn_warnings"),
    ),
    bi_suite(
        "semantic.bi_lifecycle_monthly",
        ("month_end", "lifecycle_stage", "rfm_segment"),
        accepted={"lifecycle_stage": STAGES},
        ranges=non_negative("customers", "active_customers", "repeat_customers"),
    ),
    bi_suite(
        "semantic.bi_lifecycle_migration_monthly",
        ("month_end", "from_stage", "to_stage"),
        not_null=("migration_direction",),
        accepted={
            "from_stage": STAGES,
            "to_stage": STAGES,
            "migration_direction": Values(
                ("forward", "backward", "within_active"), "_bi__models.yml (migration_direction)"
            ),
        },
        ranges=non_negative("customers"),
    ),
    bi_suite(
        "semantic.bi_tier_monthly",
        ("month_end", "tier_code", "previous_tier_code"),
        nullable_key=("previous_tier_code",),
        not_null=("tier_change",),
        accepted={
            "tier_code": TIERS,
            "previous_tier_code": TIERS,
            "tier_change": Values(
                ("first", "same", "upgrade", "downgrade"), "_bi__models.yml (tier_change)"
            ),
        },
        ranges=non_negative("customers"),
    ),
    bi_suite(
        "semantic.bi_rfm_grid",
        ("r_score", "f_score", "rfm_segment"),
        accepted={"r_score": RFM_SCORES, "f_score": RFM_SCORES, "rfm_segment": RFM_SEGMENTS},
        ranges=non_negative("customers", "revenue", "purchases", "recency_days_total"),
    ),
    bi_suite(
        "semantic.bi_tag_coverage",
        ("tag_code",),
        accepted={"tag_code": TAGS, "dimension": TAG_DIMENSIONS},
        ranges=non_negative("customers"),
    ),
    TableSuite("semantic.metricflow_time_spine", key=("date_day",)),
    # ---- restricted (models/marts/pii/_pii__models.yml)
    TableSuite(
        "pii.customer_identity_map",
        key=("identifier_type", "identifier_value"),
        not_null=("customer_id",),
        accepted={
            "identifier_type": Values(
                ("mobile", "member_card", "unionid", "openid", "external_userid", "email"),
                "_pii__models.yml (identifier_type)",
            ),
            "placed_by": Values(("account", "registered", "weak"), "_pii__models.yml (placed_by)"),
        },
        ranges={"records": Range(1, None, "records carrying the identifier")},
    ),
)

# The schemas every table of which BI reads and must have a suite.
BI_SCHEMAS = ("marts", "semantic")

# Views BI reads that store nothing: each expands a validated table (its suite covers
# the data) to another grain. The month-end histories are their spans on the month-end
# spine (models/marts/value).
EXPANSION_VIEWS: dict[str, str] = {
    "marts.customer_lifecycle_history": "marts.customer_lifecycle_spans",
    "marts.customer_tier_history": "marts.customer_tier_spans",
}


def suites_by_table() -> dict[str, TableSuite]:
    return {suite.table: suite for suite in SUITES}
