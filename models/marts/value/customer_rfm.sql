{#- RFM as of D (domain.md, RFM): one row per customer with at least one purchase as of
    D. recency_days = D - last purchase date, frequency = purchases, monetary = sum of
    their net amounts. Each score is 1-5: by default min(5, 1 + floor(5 * percent_rank))
    over recency descending, frequency and monetary ascending, ties sharing a score
    (computed exactly from ranks: 5 * (rank - 1) / (n - 1)); a dimension switches to
    the fixed bins of seed rfm_score_bins through var rfm_score_method. The segment
    comes from seed rfm_segment_map by (R, F). -#}

{%- set methods = var('rfm_score_method') %}

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
        {%- for dimension in ['recency', 'frequency', 'monetary'] %}
        {%- if methods[dimension] == 'fixed_bins' %}
        {{ dimension }}_bins.score as {{ dimension[0] }}_score,
        {%- else %}
        {{ rfm_percent_rank_score(dimension ~ '_rank', 'customers') }} as {{ dimension[0] }}_score,
        {%- endif %}
        {%- endfor %}
        ranked.last_purchase_date
    from ranked
    {%- for dimension in ['recency', 'frequency', 'monetary'] if methods[dimension] == 'fixed_bins' %}
    left join rfm_score_bins as {{ dimension }}_bins
        on
            {{ dimension }}_bins.dimension = '{{ dimension }}'
            and ranked.{{ 'recency_days' if dimension == 'recency' else dimension }} >= {{ dimension }}_bins.min_value
            and (
                {{ dimension }}_bins.max_value is null
                or ranked.{{ 'recency_days' if dimension == 'recency' else dimension }} < {{ dimension }}_bins.max_value
            )
    {%- endfor %}
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
