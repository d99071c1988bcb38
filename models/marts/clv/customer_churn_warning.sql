{#- Churn warning (流失预警) as of D: one row per valuable customer whose P(alive) fell
    below var churn_warning_p_alive_threshold since the previous month end M, the list
    a CRM team acts on this week. Valuable: CLV decile in var churn_warning_top_deciles
    (default 9, 10) or membership tier_rank >= var churn_warning_min_tier_rank
    (default 3, VIP and above in the default preset). Warned when P(alive) as of M
    (same parameters, history as of M) was at or above the threshold, P(alive) as of D
    is below it, and the customer has not bought since M: a purchase since M is the
    plainest sign of life (in the BG/NBD model P(alive) can dip right after a repeat
    purchase, because customers only drop out after one). Customers whose first
    purchase is after M have no P(alive) as of M and are not warned. -#}

with customer_clv as (
    select * from {{ ref('customer_clv') }}
),

customer_tiers as (
    select * from {{ ref('customer_tiers') }}
),

valuable as (
    select
        customer_clv.customer_id,
        customer_tiers.tier_code,
        customer_tiers.tier_name_zh,
        customer_tiers.tier_name_en,
        customer_clv.clv_decile,
        customer_tiers.tier_rank,
        customer_clv.clv_12m,
        customer_clv.clv_12m_discounted,
        customer_clv.p_alive,
        customer_clv.p_alive_previous_month_end,
        customer_clv.expected_purchases_13w,
        {{ dbt.datediff('customer_clv.last_purchase_date', 'customer_clv.as_of_date', 'day') }}
            as days_since_last_purchase,
        coalesce({{ clv_in_list('customer_clv.clv_decile', var('churn_warning_top_deciles')) }}, false)
            as is_top_clv_decile,
        coalesce(customer_tiers.tier_rank >= {{ var('churn_warning_min_tier_rank') }}, false)
            as is_high_tier,
        customer_clv.last_purchase_date,
        customer_clv.previous_month_end,
        customer_clv.as_of_date
    from customer_clv
    left join customer_tiers
        on customer_clv.customer_id = customer_tiers.customer_id
),

warned as (
    select *
    from valuable
    where
        (is_top_clv_decile or is_high_tier)
        and p_alive_previous_month_end >= {{ var('churn_warning_p_alive_threshold') }}
        and p_alive < {{ var('churn_warning_p_alive_threshold') }}
        and last_purchase_date <= previous_month_end
),

described as (
    select
        *,
        case
            when is_top_clv_decile and is_high_tier
                then {{ dbt.concat([
                    "'CLV第'",
                    dbt.cast('clv_decile', dbt.type_string()),
                    "'档，'",
                    'tier_name_zh',
                ]) }}
            when is_top_clv_decile
                then {{ dbt.concat(["'CLV第'", dbt.cast('clv_decile', dbt.type_string()), "'档'"]) }}
            else tier_name_zh
        end as valuable_zh,
        case
            when is_top_clv_decile and is_high_tier
                then {{ dbt.concat([
                    "'CLV decile '",
                    dbt.cast('clv_decile', dbt.type_string()),
                    "', tier '",
                    'tier_name_en',
                ]) }}
            when is_top_clv_decile
                then {{ dbt.concat(["'CLV decile '", dbt.cast('clv_decile', dbt.type_string())]) }}
            else {{ dbt.concat(["'tier '", 'tier_name_en']) }}
        end as valuable_en
    from warned
),

final as (
    select
        customer_id,
        tier_code,
        tier_name_zh,
        tier_name_en,
        {{ dbt.concat([
            "'高价值客户（'", 'valuable_zh', "'）的存活概率P(alive)从上月末的'",
            clv_format_probability('p_alive_previous_month_end'), "'降至'",
            clv_format_probability('p_alive'), "'，低于阈值'",
            clv_format_probability(var('churn_warning_p_alive_threshold')), "'；已'",
            dbt.cast('days_since_last_purchase', dbt.type_string()), "'天未购买'",
        ]) }} as reason_zh,
        {{ dbt.concat([
            "'Valuable customer ('", 'valuable_en', "'): P(alive) fell from '",
            clv_format_probability('p_alive_previous_month_end'), "' at the last month end to '",
            clv_format_probability('p_alive'), "', below the threshold '",
            clv_format_probability(var('churn_warning_p_alive_threshold')), "'; no purchase for '",
            dbt.cast('days_since_last_purchase', dbt.type_string()), "' days'",
        ]) }} as reason_en,
        clv_decile,
        tier_rank,
        clv_12m,
        clv_12m_discounted,
        p_alive,
        p_alive_previous_month_end,
        p_alive_previous_month_end - p_alive as p_alive_drop,
        expected_purchases_13w,
        days_since_last_purchase,
        is_top_clv_decile,
        is_high_tier,
        last_purchase_date,
        previous_month_end,
        as_of_date
    from described
)

select * from final
