{#- Membership tier at every month end in which the customer holds one, from their
    first purchase to the last month end on or before D, with upgrades and downgrades:
    the month-end grain of customer_tier_spans, expanded on the month-end spine (a
    view: the spans are what is stored). A span's first month end carries its change;
    the months after it are the same tier. One row per customer_id and month_end. -#}
{{ config(materialized="view") }}

with customer_tier_spans as (
    select * from {{ ref('customer_tier_spans') }}
),

int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

final as (
    select
        spans.customer_id,
        spans.tier_code,
        case
            when month_ends.month_end = spans.valid_from then spans.previous_tier_code
            else spans.tier_code
        end as previous_tier_code,
        case
            when month_ends.month_end = spans.valid_from then spans.tier_change
            else 'same'
        end as tier_change,
        spans.tier_rank,
        spans.lifetime_spend,
        spans.trailing_12m_spend,
        month_ends.month_end
    from customer_tier_spans as spans
    inner join int_month_ends as month_ends
        on
            spans.valid_from <= month_ends.month_end
            and spans.valid_to >= month_ends.month_end
)

select * from final
