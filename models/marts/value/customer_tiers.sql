{#- Membership tier (会员等级) as of D: one row per customer with a purchase as of D.
    The scheme is the preset of var membership_tier_preset in seed
    membership_tier_presets (default: normal once purchased, senior at lifetime net
    spend >= 500, VIP >= 3000, supreme >= 8000; presets mother_baby and fast_fashion
    per domain.md). Each tier has its own basis: lifetime net spend, or net spend in
    the trailing 12 months (D-12 months, D] by the month-end rule. With the next tier
    and the spend still needed to reach it ("230 yuan more to VIP"). -#}

with int_purchases as (
    select * from {{ ref('int_purchases') }}
),

membership_tier_presets as (
    select * from {{ ref('membership_tier_presets') }}
),

spend as (
    select
        customer_id,
        sum(net_amount) as lifetime_spend,
        sum(
            case when order_date > {{ shift_months_back(as_of_date(), 12) }} then net_amount else 0 end
        ) as trailing_12m_spend
    from int_purchases
    group by 1
),

ranked as (
    {{ membership_tier_ranks('spend', ['customer_id'], 'membership_tier_presets') }}
),

final as (
    select
        spend.customer_id,
        tiers.tier_code,
        tiers.tier_name_zh,
        tiers.tier_name_en,
        tiers.spend_basis,
        next_tiers.tier_code as next_tier_code,
        ranked.tier_rank,
        case tiers.spend_basis
            when 'lifetime' then spend.lifetime_spend
            else spend.trailing_12m_spend
        end as qualifying_spend,
        {{ spend_to_tier('next_tiers', 'spend') }} as spend_to_next_tier,
        spend.lifetime_spend,
        spend.trailing_12m_spend,
        '{{ var("membership_tier_preset") }}' as tier_preset,
        {{ as_of_date() }} as as_of_date
    from spend
    inner join ranked
        on spend.customer_id = ranked.customer_id
    inner join membership_tier_presets as tiers
        on
            tiers.preset = '{{ var("membership_tier_preset") }}'
            and ranked.tier_rank = tiers.tier_rank
    left join membership_tier_presets as next_tiers
        on
            next_tiers.preset = '{{ var("membership_tier_preset") }}'
            and ranked.tier_rank + 1 = next_tiers.tier_rank
)

select * from final
