{#- Customer lifetime value (客户终身价值) as of D: one row per customer with a purchase
    as of D, scored by clv_customer_scores (BG/NBD + Gamma-Gamma, parameters in
    clv_model_params). clv_decile ranks clv_12m: 1 + floor(10 * (rank - 1) / n) with
    rank() ascending, so 10 is the most valuable tenth, customers with equal clv_12m
    share the decile of their lowest rank, and a customer without a CLV estimate
    (model not identified) has no decile. -#}

with clv_customer_scores as (
    {{ clv_customer_scores_input() }}
),

ranked as (
    select
        customer_id,
        count(*) over () as customers,
        rank() over (order by clv_12m asc) as clv_rank
    from clv_customer_scores
    where clv_12m is not null
),

final as (
    select
        clv_customer_scores.customer_id,
        clv_customer_scores.frequency,
        clv_customer_scores.recency_weeks,
        clv_customer_scores.age_weeks,
        clv_customer_scores.avg_repeat_value,
        clv_customer_scores.p_alive,
        clv_customer_scores.expected_purchases_4w,
        clv_customer_scores.expected_purchases_13w,
        clv_customer_scores.expected_purchases_52w,
        clv_customer_scores.expected_aov,
        clv_customer_scores.clv_12m,
        clv_customer_scores.clv_12m_discounted,
        cast(
            1 + floor(10 * (ranked.clv_rank - 1) / ranked.customers) as {{ dbt.type_int() }}
        ) as clv_decile,
        clv_customer_scores.frequency_previous_month_end,
        clv_customer_scores.p_alive_previous_month_end,
        cast(clv_customer_scores.first_purchase_date as date) as first_purchase_date,
        cast(clv_customer_scores.last_purchase_date as date) as last_purchase_date,
        {{ clv_previous_month_end() }} as previous_month_end,
        {{ as_of_date() }} as as_of_date
    from clv_customer_scores
    left join ranked
        on clv_customer_scores.customer_id = ranked.customer_id
)

select * from final
