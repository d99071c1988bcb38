{#- RFM as of D (domain.md, RFM): one row per customer with at least one purchase as of
    D. recency_days = D - last purchase date, frequency = purchases, monetary = sum of
    their net amounts. Each score is 1-5: by default min(5, 1 + floor(5 * percent_rank))
    over recency descending, frequency and monetary ascending, ties sharing a score
    (computed exactly from ranks: 5 * (rank - 1) / (n - 1)); a dimension switches to
    the fixed bins of seed rfm_score_bins through var rfm_score_method. The segment
    comes from seed rfm_segment_map by (R, F). -#}

with int_purchases as (
    select * from {{ ref('int_purchases') }}
),

rfm_score_bins as (
    select * from {{ ref('rfm_score_bins') }}
),

rfm_segment_map as (
    select * from {{ ref('rfm_segment_map') }}
),

customers as (
    select
        customer_id,
        max(order_date) as last_purchase_date,
        count(*) as frequency,
        sum(net_amount) as monetary
    from int_purchases
    group by 1
),

measured as (
    select
        customer_id,
        {{ dbt.datediff('last_purchase_date', as_of_date(), 'day') }} as recency_days,
        frequency,
        monetary,
        last_purchase_date
    from customers
),

ranked as (
    select
        *,
        count(*) over () as customers,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by frequency asc) as frequency_rank,
        rank() over (order by monetary asc) as monetary_rank
    from measured
),

scored as (
    select
        ranked.customer_id,
        ranked.recency_days,
        ranked.frequency,
        ranked.monetary,
        {{ rfm_dimension_score('recency') }} as r_score,
        {{ rfm_dimension_score('frequency') }} as f_score,
        {{ rfm_dimension_score('monetary') }} as m_score,
        ranked.last_purchase_date
    from ranked
    left join rfm_score_bins as recency_bins
        on
            recency_bins.dimension = 'recency'
            and ranked.recency_days >= recency_bins.min_value
            and (recency_bins.max_value is null or ranked.recency_days < recency_bins.max_value)
    left join rfm_score_bins as frequency_bins
        on
            frequency_bins.dimension = 'frequency'
            and ranked.frequency >= frequency_bins.min_value
            and (frequency_bins.max_value is null or ranked.frequency < frequency_bins.max_value)
    left join rfm_score_bins as monetary_bins
        on
            monetary_bins.dimension = 'monetary'
            and ranked.monetary >= monetary_bins.min_value
            and (monetary_bins.max_value is null or ranked.monetary < monetary_bins.max_value)
),

final as (
    select
        scored.customer_id,
        segments.segment_code as rfm_segment,
        segments.segment_name_zh as rfm_segment_name_zh,
        segments.segment_name_en as rfm_segment_name_en,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.last_purchase_date,
        {{ as_of_date() }} as as_of_date
    from scored
    left join rfm_segment_map as segments
        on
            scored.r_score between segments.r_score_min and segments.r_score_max
            and scored.f_score between segments.f_score_min and segments.f_score_max
)

select * from final
